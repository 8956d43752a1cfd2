/**
 * How every processed and curated table is laid out as an Iceberg table, declared once for both runtimes: the
 * Glue table definitions (CDK) and the local Spark DDL (the jobs read the JSON export) are built from this.
 */
import type { AnyContract } from './types';

/** Days between snapshot expiry's cut-off and now: time travel reaches back at least this far. */
export const snapshotMaxAgeDays = 7;

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
};

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
  };
}
