/**
 * How every processed and curated table is laid out as an Iceberg table, declared once for both runtimes: the
 * Glue table definitions (CDK) and the local Spark DDL (the jobs read the JSON export) are built from this.
 */
import type { AnyContract } from './types';

/** Days between snapshot expiry's cut-off and now: time travel reaches back at least this far. */
export const snapshotMaxAgeDays = 7;

/** Snapshots snapshot expiry always keeps, however old (a table written once a week keeps its last versions). */
export const minSnapshotsToKeep = 10;

/** Size compaction writes files toward, and the writers' own target (Iceberg's default is 512 MiB). */
export const targetFileSizeBytes = 128 * 1024 * 1024;

/**
 * Table properties of every lake table. Copy-on-write keeps the current snapshot a plain list of Parquet files
 * (what the local engine and Athena read without delete files).
 */
export const icebergTableProperties: Readonly<Record<string, string>> = {
  'format-version': '2',
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'zstd',
  'write.delete.mode': 'copy-on-write',
  'write.update.mode': 'copy-on-write',
  'write.merge.mode': 'copy-on-write',
  'history.expire.max-snapshot-age-ms': String(snapshotMaxAgeDays * 24 * 3600 * 1000),
  'history.expire.min-snapshots-to-keep': String(minSnapshotsToKeep),
  'write.target-file-size-bytes': String(targetFileSizeBytes),
};

/**
 * Upkeep of a table, the same on both sides: the Glue Data Catalog table optimizers on AWS
 * (lib/infra/governance/table-optimizers.ts) and the local maintenance read these numbers.
 */
export interface IcebergMaintenance {
  /** Snapshots older than this expire (with the files only they reference); tagged snapshots never do. */
  readonly snapshotRetentionDays: number;
  /** Snapshots kept whatever their age. */
  readonly minSnapshotsToKeep: number;
  /**
   * Files under the table that no snapshot references are deleted once older than this: far longer than any run,
   * so that the files of a write still in progress are never taken for orphans.
   */
  readonly orphanFileRetentionDays: number;
  /** A partition is compacted once it holds at least this many data files. */
  readonly compactionMinInputFiles: number;
  /** Compaction's target file size. */
  readonly targetFileSizeBytes: number;
}

/** Days before an unreferenced file counts as an orphan (Iceberg's own default for remove_orphan_files). */
export const orphanFileRetentionDays = 3;

/**
 * A day partition is compacted from this many files. Batch tables get about one file per day and run, so the
 * bar is Glue's own default; the streamed table gets a few files every run (every 15 minutes on AWS), so its
 * day partitions are compacted well before the day ends.
 */
export const compactionMinInputFiles = { batch: 100, streamed: 20 } as const;

function isStreamed(contract: AnyContract): boolean {
  return contract.database === 'processed' && contract.raw.format === 'ndjson_gzip';
}

export function icebergMaintenance(contract: AnyContract): IcebergMaintenance {
  return {
    snapshotRetentionDays: snapshotMaxAgeDays,
    minSnapshotsToKeep,
    orphanFileRetentionDays,
    compactionMinInputFiles: compactionMinInputFiles[isStreamed(contract) ? 'streamed' : 'batch'],
    targetFileSizeBytes,
  };
}

/** Iceberg partition transforms the lake uses (Iceberg spec spelling). */
export type PartitionTransform = 'day';

export interface IcebergPartitionField {
  /** the partitioned column */
  readonly column: string;
  readonly transform: PartitionTransform;
  /** partition field name, as Spark names it (`<column>_day`) */
  readonly name: string;
}

/** The Iceberg layout of one table. */
export interface IcebergTableSpec {
  readonly properties: Readonly<Record<string, string>>;
  readonly partitionFields: readonly IcebergPartitionField[];
  /** the business key: Iceberg identifier fields (MERGE's key, what a diff compares by) */
  readonly identifierFields: readonly string[];
  /** Columns declared `required` (never null): the business key and every column whose rules require a value. */
  readonly requiredColumns: readonly string[];
  /** Snapshot expiry, orphan file removal and compaction settings. */
  readonly maintenance: IcebergMaintenance;
}

export function icebergTableSpec(contract: AnyContract): IcebergTableSpec {
  const time = contract.columns.find((c) => c.name === contract.timeColumn);
  if (!time) throw new Error(`${contract.name}: timeColumn ${contract.timeColumn} is not a column`);
  const key = new Set(contract.businessKey);
  for (const k of key)
    if (!contract.columns.some((c) => c.name === k))
      throw new Error(`${contract.name}: business key ${k} is not a column`);
  return {
    properties: icebergTableProperties,
    partitionFields: [{ column: time.name, transform: 'day', name: `${time.name}_day` }],
    identifierFields: contract.businessKey,
    requiredColumns: contract.columns
      .filter((c) => key.has(c.name) || c.rules?.required === true)
      .map((c) => c.name),
    maintenance: icebergMaintenance(contract),
  };
}
