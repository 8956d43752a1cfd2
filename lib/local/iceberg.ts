/**
 * A minimal Iceberg reader (no Iceberg library): a snapshot of a table in a Hadoop catalog (the current one, or any
 * other still in the metadata), as the plain list of live Parquet data files that DuckDB then reads. Tables are
 * written copy-on-write, so a snapshot is exactly its data files; a table with delete files is refused rather than
 * read wrongly.
 *
 *   metadata/vN.metadata.json  -> the newest N (version-hint.text is only a hint; the folder is listed)
 *   current-snapshot-id        -> its manifest list (Avro) -> manifests (Avro) -> entries with status != DELETED
 *   refs                       -> tags and branches (name -> snapshot id); snapshot-log: when each became current
 *
 * Paths inside metadata are absolute (where the table was written); they are rebased onto the folder given here,
 * so that a lake copied elsewhere still reads. Snapshot ids are 64-bit: they are kept as decimal strings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import * as avro from 'avsc';
import type { TableVersions, VersionLogEntry, VersionRef, VersionSnapshot } from '../versions/model';

export class IcebergError extends Error {
  override name = 'IcebergError';
}

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  /** Iceberg type: `string`, `timestamptz`, `decimal(18, 2)`, or an object for nested types */
  readonly type: unknown;
  readonly required: boolean;
}

export interface PartitionField {
  readonly name: string;
  readonly transform: string;
  readonly sourceId: number;
  /** name of the source column in the current schema */
  readonly sourceName: string | undefined;
}

/** A snapshot as this reader keeps it: the version model's fields, and where its manifests are. */
export interface SnapshotInfo extends VersionSnapshot {
  readonly sequenceNumber: number;
  /** the snapshot's manifest list as written in the metadata (null: format v1 inline manifests) */
  readonly manifestList: string | null;
}

export type RefInfo = VersionRef;
export type SnapshotLogEntry = VersionLogEntry;

export interface TableMetadata extends TableVersions {
  readonly tableDir: string;
  /** the vN.metadata.json that was read */
  readonly metadataFile: string;
  readonly metadataVersion: number;
  readonly formatVersion: number;
  readonly tableUuid: string;
  /** where the table was written (the prefix rebased onto `tableDir`) */
  readonly location: string;
  readonly schema: readonly IcebergField[];
  readonly partitionSpec: readonly PartitionField[];
  readonly properties: Readonly<Record<string, string>>;
  readonly currentSnapshot: SnapshotInfo | null;
  /** all snapshots still in the metadata, oldest first */
  readonly snapshots: readonly SnapshotInfo[];
}

export type BoundValue = string | number | boolean;

export interface DataFile {
  /** absolute path, rebased onto the table folder */
  readonly path: string;
  readonly recordCount: number;
  readonly fileSizeBytes: number;
  /** partition values by partition field name; `day` transforms as 'YYYY-MM-DD' */
  readonly partition: Readonly<Record<string, BoundValue | null>>;
  /** lower/upper bounds of top-level primitive columns, by column name (when the writer kept them) */
  readonly bounds: Readonly<
    Record<string, { readonly lower: BoundValue | null; readonly upper: BoundValue | null }>
  >;
}

export interface TableSnapshot {
  readonly metadata: TableMetadata;
  /** null when the table has no snapshot yet */
  readonly snapshot: SnapshotInfo | null;
  readonly files: readonly DataFile[];
  readonly recordCount: number;
}

// ---------------------------------------------------------------------------------------------------------------
// metadata.json

const metadataName = /^v(\d+)(\.gz)?\.metadata\.json$/;

/** The newest committed metadata file of a table folder, or null when there is none. */
export function latestMetadataFile(tableDir: string): { file: string; version: number } | null {
  const dir = join(tableDir, 'metadata');
  if (!existsSync(dir)) return null;
  let best: { file: string; version: number } | null = null;
  for (const name of readdirSync(dir)) {
    const m = metadataName.exec(name);
    if (!m) continue;
    const version = Number(m[1]);
    if (!best || version > best.version) best = { file: join(dir, name), version };
  }
  return best;
}

/** JSON.parse that keeps 64-bit snapshot ids exact (as strings). */
export function parseMetadataJson(text: string): Record<string, unknown> {
  const quoted = text.replace(
    /("(?:current-snapshot-id|parent-snapshot-id|snapshot-id|max-ref-age-ms)"\s*:\s*)(-?\d+)/g,
    '$1"$2"',
  );
  return JSON.parse(quoted) as Record<string, unknown>;
}

interface RawSnapshot {
  'snapshot-id': string;
  'parent-snapshot-id'?: string;
  'sequence-number'?: number;
  'timestamp-ms': number;
  'manifest-list'?: string;
  summary?: Record<string, string>;
}

function snapshotInfo(s: RawSnapshot): SnapshotInfo {
  const summary = s.summary ?? {};
  return {
    snapshotId: String(s['snapshot-id']),
    parentSnapshotId: s['parent-snapshot-id'] === undefined ? null : String(s['parent-snapshot-id']),
    sequenceNumber: s['sequence-number'] ?? 0,
    timestampMs: s['timestamp-ms'],
    committedAt: new Date(s['timestamp-ms']).toISOString(),
    operation: summary.operation ?? 'unknown',
    summary,
    manifestList: s['manifest-list'] ?? null,
  };
}

interface RawRef {
  'snapshot-id': string;
  type?: string;
  'max-ref-age-ms'?: string;
}

function refInfos(refs: Record<string, RawRef> | undefined): RefInfo[] {
  return Object.entries(refs ?? {})
    .map(([name, r]) => ({
      name,
      type: (String(r.type ?? 'branch').toLowerCase() === 'tag' ? 'tag' : 'branch') as RefInfo['type'],
      snapshotId: String(r['snapshot-id']),
      maxRefAgeMs: r['max-ref-age-ms'] === undefined ? null : Number(r['max-ref-age-ms']),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readMetadata(tableDir: string): TableMetadata | null {
  const latest = latestMetadataFile(tableDir);
  if (!latest) return null;
  const bytes = readFileSync(latest.file);
  const text = latest.file.endsWith('.gz.metadata.json')
    ? gunzipSync(bytes).toString('utf8')
    : bytes.toString('utf8');
  let m: Record<string, unknown>;
  try {
    m = parseMetadataJson(text);
  } catch (e) {
    throw new IcebergError(`cannot parse ${latest.file}: ${(e as Error).message}`);
  }
  const schemas = (m.schemas as { 'schema-id': number; fields: IcebergField[] }[] | undefined) ?? [];
  const currentSchemaId = m['current-schema-id'] as number | undefined;
  const schemaFields =
    (schemas.find((s) => s['schema-id'] === currentSchemaId) ?? schemas[schemas.length - 1])?.fields ?? [];
  const schema = schemaFields.map((f) => ({ id: f.id, name: f.name, type: f.type, required: f.required }));
  const specs =
    (m['partition-specs'] as
      | { 'spec-id': number; fields: { name: string; transform: string; 'source-id': number }[] }[]
      | undefined) ?? [];
  const spec = specs.find((s) => s['spec-id'] === m['default-spec-id']) ?? specs[specs.length - 1];
  const partitionSpec = (spec?.fields ?? []).map((f) => ({
    name: f.name,
    transform: f.transform,
    sourceId: f['source-id'],
    sourceName: schema.find((c) => c.id === f['source-id'])?.name,
  }));
  const rawSnapshots = ((m.snapshots as RawSnapshot[] | undefined) ?? [])
    .slice()
    .sort((a, b) => a['timestamp-ms'] - b['timestamp-ms']);
  const currentId = m['current-snapshot-id'] as string | undefined | null;
  const current =
    currentId === undefined || currentId === null || currentId === '-1'
      ? undefined
      : rawSnapshots.find((s) => String(s['snapshot-id']) === String(currentId));
  if (currentId !== undefined && currentId !== null && currentId !== '-1' && !current) {
    throw new IcebergError(
      `${latest.file}: current snapshot ${currentId} is not among the table's snapshots`,
    );
  }
  const location = stripScheme(String(m.location ?? tableDir));
  const metadata: TableMetadata = {
    tableDir,
    metadataFile: latest.file,
    metadataVersion: latest.version,
    formatVersion: Number(m['format-version'] ?? 1),
    tableUuid: String(m['table-uuid'] ?? ''),
    location,
    schema,
    partitionSpec,
    properties: (m.properties as Record<string, string> | undefined) ?? {},
    currentSnapshot: current ? snapshotInfo(current) : null,
    snapshots: rawSnapshots.map(snapshotInfo),
    refs: refInfos(m.refs as Record<string, RawRef> | undefined),
    snapshotLog: (
      (m['snapshot-log'] as { 'snapshot-id': string; 'timestamp-ms': number }[] | undefined) ?? []
    )
      .map((e) => ({ snapshotId: String(e['snapshot-id']), timestampMs: e['timestamp-ms'] }))
      .sort((a, b) => a.timestampMs - b.timestampMs),
  };
  return metadata;
}

/** Metadata of a table (schema, partitioning, snapshots, refs), or null when the folder holds no table yet. */
export function readTableMetadata(tableDir: string): TableMetadata | null {
  return readMetadata(tableDir);
}

// ---------------------------------------------------------------------------------------------------------------
// paths

function stripScheme(p: string): string {
  return p.replace(/^file:(\/\/)?(?=\/)/, '').replace(/\/+$/, '');
}

/** Maps a path written in the metadata onto the table folder this reader was given. */
export function rebasePath(written: string, location: string, tableDir: string): string {
  const p = stripScheme(written);
  if (p.startsWith(`${location}/`)) return join(tableDir, p.slice(location.length + 1));
  for (const marker of ['/metadata/', '/data/']) {
    const i = p.lastIndexOf(marker);
    if (i >= 0) return join(tableDir, p.slice(i + 1));
  }
  throw new IcebergError(
    `cannot place '${written}' inside table folder ${tableDir} (table location ${location})`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Avro manifests

const longType = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (v: unknown) => BigInt(v as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** The Avro type of an Iceberg metadata file's schema: longs as bigint (snapshot ids need all 64 bits), unions
 * unwrapped. Writing with it gives files Iceberg reads. */
export function icebergAvroType(schema: unknown): avro.Type {
  return avro.Type.forSchema(
    schema as avro.Schema,
    { registry: { long: longType }, wrapUnions: false } as Partial<avro.ForSchemaOptions>,
  );
}

function readAvro<T>(path: string): Promise<T[]> {
  if (!existsSync(path)) return Promise.reject(new IcebergError(`missing Iceberg metadata file ${path}`));
  return new Promise((resolvePromise, reject) => {
    const out: T[] = [];
    avro
      .createFileDecoder(path, {
        parseHook: icebergAvroType,
      })
      .on('data', (d: T) => out.push(d))
      .on('end', () => resolvePromise(out))
      .on('error', (e: Error) => reject(new IcebergError(`cannot read Avro file ${path}: ${e.message}`)));
  });
}

interface ManifestFileRecord {
  manifest_path: string;
  content?: number;
  added_snapshot_id?: bigint;
}

interface KeyValue<V> {
  key: number;
  value: V;
}

interface ManifestEntryRecord {
  status: number;
  data_file: {
    content?: number;
    file_path: string;
    file_format: string;
    partition: Record<string, unknown>;
    record_count: bigint;
    file_size_in_bytes: bigint;
    lower_bounds?: KeyValue<Buffer>[] | null;
    upper_bounds?: KeyValue<Buffer>[] | null;
  };
}

const DELETED = 2;

const epochDay = (days: number): string => new Date(days * 86_400_000).toISOString().slice(0, 10);
const microsIso = (micros: bigint): string => {
  const ms = Number(micros / 1000n);
  const frac = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  return frac === 0 ? `${base}Z` : `${base}.${String(frac).padStart(6, '0').replace(/0+$/, '')}Z`;
};

/** Iceberg single-value binary serialization of the primitive types we read (others: undefined). */
export function decodeBound(type: unknown, buf: Buffer): BoundValue | undefined {
  if (typeof type !== 'string') return undefined;
  switch (type) {
    case 'boolean':
      return buf.length > 0 && buf[0] !== 0;
    case 'int':
      return buf.readInt32LE(0);
    case 'date':
      return epochDay(buf.readInt32LE(0));
    case 'long':
      return Number(buf.readBigInt64LE(0));
    case 'float':
      return buf.readFloatLE(0);
    case 'double':
      return buf.readDoubleLE(0);
    case 'timestamp':
    case 'timestamptz':
      return microsIso(buf.readBigInt64LE(0));
    case 'string':
      return buf.toString('utf8');
    default: {
      const dec = /^decimal\(\s*\d+\s*,\s*(\d+)\s*\)$/.exec(type);
      if (dec && buf.length > 0) {
        let unscaled = 0n;
        for (const b of buf) unscaled = (unscaled << 8n) | BigInt(b);
        if ((buf[0] ?? 0) & 0x80) unscaled -= 1n << BigInt(buf.length * 8);
        return Number(unscaled) / 10 ** Number(dec[1]);
      }
      return undefined;
    }
  }
}

function partitionValue(field: PartitionField | undefined, v: unknown): BoundValue | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (field?.transform === 'day' && typeof v === 'number') return epochDay(v);
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return v as BoundValue;
}

function toDataFile(entry: ManifestEntryRecord, meta: TableMetadata): DataFile {
  const f = entry.data_file;
  const partition: Record<string, BoundValue | null> = {};
  for (const [name, v] of Object.entries(f.partition ?? {})) {
    partition[name] = partitionValue(
      meta.partitionSpec.find((p) => p.name === name),
      v,
    );
  }
  const bounds: Record<string, { lower: BoundValue | null; upper: BoundValue | null }> = {};
  const byId = new Map(meta.schema.map((c) => [c.id, c]));
  const put = (list: KeyValue<Buffer>[] | null | undefined, which: 'lower' | 'upper'): void => {
    for (const { key, value } of list ?? []) {
      const col = byId.get(key);
      if (!col) continue;
      const decoded = decodeBound(col.type, value);
      if (decoded === undefined) continue;
      const b = (bounds[col.name] ??= { lower: null, upper: null });
      b[which] = decoded;
    }
  };
  put(f.lower_bounds, 'lower');
  put(f.upper_bounds, 'upper');
  return {
    path: rebasePath(f.file_path, meta.location, meta.tableDir),
    recordCount: Number(f.record_count),
    fileSizeBytes: Number(f.file_size_in_bytes),
    partition,
    bounds,
  };
}

/** The live data files of the table's current snapshot (rebased onto `tableDir`), or null when there is no table. */
export async function readCurrentSnapshot(tableDir: string): Promise<TableSnapshot | null> {
  const metadata = readMetadata(tableDir);
  if (!metadata) return null;
  return readSnapshotFiles(metadata, metadata.currentSnapshot);
}

/** The live data files of one snapshot of the table (null: the table as it was before its first snapshot). */
export async function readSnapshotFiles(
  metadata: TableMetadata,
  snapshot: SnapshotInfo | null,
): Promise<TableSnapshot> {
  if (!snapshot) return { metadata, snapshot: null, files: [], recordCount: 0 };
  const { tableDir } = metadata;
  if (!snapshot.manifestList)
    throw new IcebergError(
      `${metadata.metadataFile}: snapshot ${snapshot.snapshotId} has no manifest list (format v1 inline manifests are not supported)`,
    );
  const manifests = await readAvro<ManifestFileRecord>(
    rebasePath(snapshot.manifestList, metadata.location, tableDir),
  );
  const files: DataFile[] = [];
  for (const m of manifests) {
    const entries = await readAvro<ManifestEntryRecord>(
      rebasePath(m.manifest_path, metadata.location, tableDir),
    );
    for (const e of entries) {
      if (e.status === DELETED) continue;
      const content = e.data_file.content ?? 0;
      if ((m.content ?? 0) !== 0 || content !== 0) {
        throw new IcebergError(
          `table ${tableDir} has delete files in snapshot ${snapshot.snapshotId} (merge-on-read); the local engine reads copy-on-write tables only`,
        );
      }
      if (e.data_file.file_format.toUpperCase() !== 'PARQUET') {
        throw new IcebergError(
          `table ${tableDir}: data file ${e.data_file.file_path} is ${e.data_file.file_format}, only Parquet is read`,
        );
      }
      files.push(toDataFile(e, metadata));
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    metadata,
    snapshot,
    files,
    recordCount: files.reduce((n, f) => n + f.recordCount, 0),
  };
}
