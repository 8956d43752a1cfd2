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
}

export interface RawKeyFile {
  /** key under the raw zone, '/'-separated */
  readonly key: string;
  readonly content: Buffer;
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
export function landRawKeys(home: string, files: readonly RawKeyFile[]): string[] {
  const raw = layout(home).raw;
  const keys: string[] = [];
  for (const f of files) {
    if (f.key.split('/').some((s) => s === '..' || s === '')) throw new Error(`invalid raw key '${f.key}'`);
    const path = join(raw, ...f.key.split('/'));
    if (existsSync(path)) throw new Error(`raw file ${f.key} already exists (raw files are never rewritten)`);
    writeAtomic(path, f.content);
    keys.push(f.key);
  }
  return keys;
}

/** Lands batch files (one ingest batch per dataset) and stream delivery files. */
export async function landGenerated(
  home: string,
  batchFiles: readonly BatchFile[],
  deliveryFiles: readonly RawKeyFile[],
  opts: { now?: Date } = {},
): Promise<LandResult> {
  const byDataset = new Map<DatasetName, InMemoryFile[]>();
  for (const f of batchFiles)
    byDataset.set(f.dataset, [...(byDataset.get(f.dataset) ?? []), { name: f.name, content: f.content }]);
  const manifests: IngestManifest[] = [];
  for (const [dataset, list] of byDataset)
    manifests.push(await ingestBuffers(home, dataset, list, { now: opts.now }));
  const deliveryKeys = landRawKeys(home, deliveryFiles);
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
  landDeliveries = true,
): Promise<GenerateOutcome & { lake: GeneratedLake }> {
  const lake = generateLake(o);
  const landed = await landGenerated(home, lake.files, landDeliveries ? lake.deliveryFiles : []);
  return { summary: lake.summary, landed, lake };
}
