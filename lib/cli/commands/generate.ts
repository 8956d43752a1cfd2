import type { Command } from 'commander';
import { CliError } from '../context';
import type { CliContext } from '../context';
import type { GenerateOutcome } from '../../local/land';
import { formatBytes, formatCount, renderTable } from '../format';
import { generateWithProgress } from '../generate-run';
import { withSampleDataOptions } from '../options';
import type { SampleDataOptions } from '../options';

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

export function register(program: Command, ctx: CliContext): void {
  withSampleDataOptions(program.command('generate'))
    .description(
      'Generate seeded sample data for every source and land it in the raw zone (as lake ingest and the stream delivery would).',
    )
    .option('--empty-files', 'also land one zero-byte file per batch source')
    .option('--json', 'print the generation summary and what was landed as JSON')
    .option('--start <date>', 'first day (YYYY-MM-DD); default: days before today')
    .action(async (opts: SampleDataOptions & { start?: string; emptyFiles?: boolean; json?: boolean }) => {
      let start: Date | undefined;
      if (opts.start !== undefined) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.start) || Number.isNaN(Date.parse(`${opts.start}T00:00:00Z`)))
          throw new CliError(`--start must be YYYY-MM-DD (got '${opts.start}')`);
        start = new Date(`${opts.start}T00:00:00Z`);
      }
      if (opts.scale <= 0) throw new CliError('--scale must be greater than 0');
      const outcome = await generateWithProgress(ctx.progress, ctx.home(), {
        days: opts.days,
        scale: opts.scale,
        seed: opts.seed,
        badRate: opts.badRate,
        start,
        emptyFiles: opts.emptyFiles,
      });
      if (opts.json) ctx.out(JSON.stringify({ summary: outcome.summary, landed: outcome.landed }, null, 2));
      else ctx.out(describeGeneration(outcome));
    });
}
