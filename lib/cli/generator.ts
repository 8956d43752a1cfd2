/**
 * The CLI's view of the sample-data generator (lib/generate/): generate a lake in memory, land it in the raw zone
 * (lib/local/land.ts), describe what was made.
 */
import { generateLake } from '../generate';
import type { GeneratedLake, LakeOptions, LakeSummary } from '../generate';
import { landGenerated } from '../local/land';
import type { LandResult } from '../local/land';
import { formatBytes, formatCount, renderTable } from './format';

export interface GenerateOutcome {
  readonly summary: LakeSummary;
  readonly landed: LandResult;
}

/** Generates and lands everything; `streamAdEvents: false` lands the ad events as delivery files directly. */
export async function generateAndLand(
  home: string,
  o: LakeOptions,
  landDeliveries = true,
): Promise<GenerateOutcome & { lake: GeneratedLake }> {
  const lake = generateLake(o);
  const landed = await landGenerated(home, lake.files, landDeliveries ? lake.deliveryFiles : []);
  return { summary: lake.summary, landed, lake };
}

export function describeGeneration(g: GenerateOutcome): string {
  const s = g.summary;
  const rows = Object.entries(s.datasets).map(([name, d]) => [
    name,
    d.files,
    d.records,
    d.records - d.valid - d.duplicates,
    d.duplicates,
    d.emptyFiles,
  ]);
  const lines = [
    `generated ${s.days} day(s) ${s.from} .. ${s.to}, scale ${s.scale}, seed ${s.seed}, bad-record rate ${s.badRate}: ${formatCount(s.customers)} customers, ${formatCount(s.orders)} orders`,
    renderTable(['dataset', 'files', 'records', 'malformed', 'duplicates', 'empty files'], rows),
    '',
    'landed in the raw zone:',
    ...g.landed.manifests.map(
      (m) =>
        `  ${m.dataset}: batch ${m.batch_id}, ${m.files.length} file(s), ${formatBytes(m.total_bytes)} (manifest state/ingest/${m.batch_id}.json)`,
    ),
  ];
  if (g.landed.deliveryKeys.length > 0)
    lines.push(
      `  ad_events: ${g.landed.deliveryKeys.length} delivery file(s), ${formatBytes(g.landed.deliveryBytes)} under raw/ad_events/YYYY/MM/DD/HH/`,
    );
  return lines.join('\n');
}
