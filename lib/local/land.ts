/**
 * Lands a generated lake in the raw zone as the real sources would: batch datasets through `lake ingest`'s code
 * (one ingest batch per dataset), ad events as the stream delivery writes them (gzip NDJSON files at the raw keys
 * the generator gives, under raw/ad_events/YYYY/MM/DD/HH/), each file written atomically (temp file, rename).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DatasetName } from '../contracts';
import { generateLake } from '../generate';
import type { GeneratedLake, LakeOptions, LakeSummary } from '../generate';
import { ingestBuffers } from './ingest';
import type { IngestManifest, InMemoryFile } from './ingest';
import { layout } from './layout';

export interface BatchFile {
  readonly dataset: DatasetName;
  readonly name: string;
  readonly content: Buffer;
  /** records in the file, when known (for progress) */
  readonly records?: number;
}

export interface RawKeyFile {
  /** key under the raw zone, '/'-separated */
  readonly key: string;
  readonly content: Buffer;
  /** records in the file, when known (for progress) */
  readonly records?: number;
}

/** What generating and landing a lake tells as it goes (the CLI shows it as progress). */
export interface GenerateProgress {
  /** records generated so far */
  generated?(records: number): void;
  /** records landed so far, of `total` (first with 0, as landing begins) */
  landed?(records: number, total: number): void;
}

export interface LandResult {
  readonly manifests: IngestManifest[];
  /** raw keys of the delivery files written */
  readonly deliveryKeys: string[];
  readonly deliveryBytes: number;
}

function writeAtomic(path: string, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes files at raw-zone keys (stream deliveries); refuses to overwrite (raw is immutable). */
export function landRawKeys(
  home: string,
  files: readonly RawKeyFile[],
  onFile: (file: RawKeyFile) => void = () => undefined,
): string[] {
  const raw = layout(home).raw;
  const keys: string[] = [];
  for (const f of files) {
    if (f.key.split('/').some((s) => s === '..' || s === '')) throw new Error(`invalid raw key '${f.key}'`);
    const path = join(raw, ...f.key.split('/'));
    if (existsSync(path)) throw new Error(`raw file ${f.key} already exists (raw files are never rewritten)`);
    writeAtomic(path, f.content);
    keys.push(f.key);
    onFile(f);
  }
  return keys;
}

/** Lands batch files (one ingest batch per dataset) and stream delivery files. */
export async function landGenerated(
  home: string,
  batchFiles: readonly BatchFile[],
  deliveryFiles: readonly RawKeyFile[],
  opts: { now?: Date; progress?: GenerateProgress } = {},
): Promise<LandResult> {
  const byDataset = new Map<DatasetName, InMemoryFile[]>();
  for (const f of batchFiles)
    byDataset.set(f.dataset, [...(byDataset.get(f.dataset) ?? []), { name: f.name, content: f.content }]);
  const total = [...batchFiles, ...deliveryFiles].reduce((n, f) => n + (f.records ?? 0), 0);
  let landed = 0;
  opts.progress?.landed?.(0, total);
  const add = (records: number | undefined): void => {
    landed += records ?? 0;
    opts.progress?.landed?.(landed, total);
  };
  const manifests: IngestManifest[] = [];
  for (const [dataset, list] of byDataset) {
    const records = new Map(batchFiles.filter((f) => f.dataset === dataset).map((f) => [f.name, f.records]));
    manifests.push(
      await ingestBuffers(home, dataset, list, { now: opts.now, onFile: (f) => add(records.get(f.name)) }),
    );
  }
  const deliveryKeys = landRawKeys(home, deliveryFiles, (f) => add(f.records));
  return { manifests, deliveryKeys, deliveryBytes: deliveryFiles.reduce((n, f) => n + f.content.length, 0) };
}

export interface GenerateOutcome {
  readonly summary: LakeSummary;
  readonly landed: LandResult;
}

/** Generates a lake and lands everything; `landDeliveries: false` leaves the ad events' delivery files out (a
 * caller that streams them instead). */
export async function generateAndLand(
  home: string,
  o: LakeOptions,
  opts: { landDeliveries?: boolean; progress?: GenerateProgress } = {},
): Promise<GenerateOutcome & { lake: GeneratedLake }> {
  const lake = generateLake(o, (n) => opts.progress?.generated?.(n));
  const landed = await landGenerated(
    home,
    lake.files,
    (opts.landDeliveries ?? true) ? lake.deliveryFiles : [],
    {
      progress: opts.progress,
    },
  );
  return { summary: lake.summary, landed, lake };
}
