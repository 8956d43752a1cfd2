/**
 * Landing files in the raw zone, as `lake ingest` (and `lake generate`) do: the bytes unchanged, under
 * raw/<dataset prefix>ingest_date=YYYY-MM-DD/batch=<id>/<name>, all files of a batch appearing at once (staged under
 * state/, then one directory rename), and an ingest manifest (batch id, files, bytes, sha256) in state/ingest/.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { datasetContract } from '../contracts';
import type { DatasetName } from '../contracts';
import { newId } from '../contracts/ids';
import { lakeKey } from '../contracts/lake-layout';
import { ingestManifestPath, layout } from './layout';

export interface IngestedFile {
  /** file name inside the batch folder */
  readonly name: string;
  /** raw-zone key (relative to <home>/raw, '/'-separated), as the jobs and S3 see it */
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  /** where it came from (a path, or `generated`) */
  readonly source: string;
}

export interface IngestManifest {
  readonly batch_id: string;
  readonly dataset: DatasetName;
  readonly ingest_date: string;
  readonly ingested_at: string;
  readonly files: readonly IngestedFile[];
  readonly total_bytes: number;
  readonly warnings: readonly string[];
}

/** A file to land from memory (the generator's output). */
export interface InMemoryFile {
  readonly name: string;
  readonly content: Buffer;
}

export interface IngestOptions {
  readonly now?: Date;
  readonly batchId?: string;
  /** called as each file of the batch is copied (the batch appears in the raw zone once all are) */
  readonly onFile?: (file: IngestedFile) => void;
}

export class IngestError extends Error {
  override name = 'IngestError';
}

/** A sortable, unique batch id: `20261128T154300Z-1a2b3c` (the lake's id format). */
export function newBatchId(now: Date = new Date()): string {
  return newId(now);
}

/** The raw-zone folder (relative key) of one ingest batch. */
export function batchKey(dataset: DatasetName, ingestDate: string, batchId: string): string {
  return lakeKey('ingestBatch', { prefix: datasetContract(dataset).raw.prefix, ingestDate, batchId });
}

/** Expands the command-line paths into the files to land (directories recursively, hidden files skipped). */
export function expandInputs(paths: readonly string[]): { files: string[]; warnings: string[] } {
  if (paths.length === 0) throw new IngestError('no file or directory given');
  const files: string[] = [];
  const warnings: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      if (entry.startsWith('.')) {
        warnings.push(`skipped hidden file ${p}`);
        continue;
      }
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) files.push(p);
      else warnings.push(`skipped ${p}: not a regular file`);
    }
  };
  for (const raw of paths) {
    const p = resolve(raw);
    if (!existsSync(p)) throw new IngestError(`no such file or directory: ${raw}`);
    const st = statSync(p);
    if (st.isDirectory()) {
      const before = files.length;
      walk(p);
      if (files.length === before) throw new IngestError(`directory ${raw} holds no files`);
    } else if (st.isFile()) files.push(p);
    else throw new IngestError(`${raw} is not a regular file`);
  }
  const seen = new Map<string, string>();
  for (const f of files) {
    const name = basename(f);
    const other = seen.get(name);
    if (other !== undefined)
      throw new IngestError(
        `two files named '${name}' in one batch (${other} and ${f}); rename one or ingest them separately`,
      );
    seen.set(name, f);
  }
  return { files, warnings };
}

function hashingCopy(from: NodeJS.ReadableStream, to: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  return pipeline(from, tap, createWriteStream(to, { flags: 'wx' })).then(() => ({
    bytes,
    sha256: hash.digest('hex'),
  }));
}

interface Source {
  readonly name: string;
  readonly source: string;
  open(): NodeJS.ReadableStream;
}

async function land(
  home: string,
  dataset: DatasetName,
  sources: readonly Source[],
  warnings: string[],
  opts: IngestOptions,
): Promise<IngestManifest> {
  const contract = datasetContract(dataset);
  if (contract.raw.format === 'ndjson_gzip' && sources.length > 0) {
    warnings.push(
      `${dataset} normally arrives through the stream (raw/${contract.raw.prefix}YYYY/MM/DD/HH/); landing an ingest batch anyway`,
    );
  }
  const l = layout(home);
  const now = opts.now ?? new Date();
  const batchId = opts.batchId ?? newBatchId(now);
  const ingestDate = now.toISOString().slice(0, 10);
  const key = batchKey(dataset, ingestDate, batchId);
  const finalDir = join(l.raw, ...key.split('/'));
  if (existsSync(finalDir)) throw new IngestError(`batch ${batchId} already exists at ${finalDir}`);
  const manifestPath = ingestManifestPath(l, batchId);
  const manifestsDir = dirname(manifestPath);
  const staging = join(manifestsDir, `.staging-${batchId}`);
  mkdirSync(staging, { recursive: true });
  const files: IngestedFile[] = [];
  try {
    for (const s of sources) {
      const { bytes, sha256 } = await hashingCopy(s.open(), join(staging, s.name));
      if (bytes === 0) warnings.push(`${s.source} is empty: landed anyway (the job will report it)`);
      files.push({ name: s.name, key: `${key}/${s.name}`, bytes, sha256, source: s.source });
      opts.onFile?.(files[files.length - 1] as IngestedFile);
    }
    mkdirSync(join(finalDir, '..'), { recursive: true });
    renameSync(staging, finalDir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const manifest: IngestManifest = {
    batch_id: batchId,
    dataset,
    ingest_date: ingestDate,
    ingested_at: now.toISOString(),
    files,
    total_bytes: files.reduce((a, f) => a + f.bytes, 0),
    warnings,
  };
  writeJsonAtomic(manifestPath, manifest);
  return manifest;
}

/** Writes JSON through a temporary file and a rename, so that readers never see half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** `lake ingest <dataset> <file|dir>...` */
export async function ingestPaths(
  home: string,
  dataset: string,
  paths: readonly string[],
  opts: IngestOptions = {},
): Promise<IngestManifest> {
  const contract = datasetContract(dataset);
  const { files, warnings } = expandInputs(paths);
  const sources = files.map((f) => ({ name: basename(f), source: f, open: () => createReadStream(f) }));
  return land(home, contract.name, sources, warnings, opts);
}

/** Lands in-memory files (the generator's) exactly as `lake ingest` lands files from disk. */
export async function ingestBuffers(
  home: string,
  dataset: string,
  files: readonly InMemoryFile[],
  opts: IngestOptions = {},
): Promise<IngestManifest> {
  const contract = datasetContract(dataset);
  const sources = files.map((f) => ({
    name: f.name,
    source: `generated:${f.name}`,
    open: () => Readable.from([f.content]),
  }));
  return land(home, contract.name, sources, [], opts);
}

/** Relative raw key of an absolute path under the raw zone. */
export function rawKey(home: string, absPath: string): string {
  return relative(layout(home).raw, absPath).split(/[\\/]/).join('/');
}
