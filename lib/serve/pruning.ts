/**
 * Which data files of a table a query can need, from what the Iceberg manifests say of each file: its partition
 * values (the day of the time column) and its columns' lower/upper bounds. This is the pruning Athena does on
 * Iceberg tables; the local engine applies it before DuckDB sees the query, because a view over a fixed file list
 * cannot prune by itself. A file is dropped only when the metadata proves that no row of it can match: missing
 * metadata keeps the file.
 */
import type { BoundValue, DataFile, PartitionField } from '../local/iceberg';
import type { Scan } from '../../lambdas/api/query-engine';

const DAY_MS = 86_400_000;

/** Epoch ms of a bound or partition value of a time column ('YYYY-MM-DD', ISO timestamp, or an epoch day). */
function timeMs(v: BoundValue | null | undefined, epochDays: boolean): number | undefined {
  if (v === null || v === undefined || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return epochDays ? v * DAY_MS : undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whether the file's rows of `column` can fall in [fromMs, toMs). */
function timeMayMatch(
  file: DataFile,
  spec: readonly PartitionField[],
  scan: NonNullable<Scan['time']>,
): boolean {
  for (const field of spec) {
    if (field.sourceName !== scan.column || field.transform !== 'day') continue;
    // a day partition holds [start, start + 1 day)
    const start = timeMs(file.partition[field.name], true);
    if (start !== undefined && (start + DAY_MS <= scan.fromMs || start >= scan.toMs)) return false;
  }
  const b = file.bounds[scan.column];
  const lower = timeMs(b?.lower, false);
  const upper = timeMs(b?.upper, false);
  if (lower !== undefined && lower >= scan.toMs) return false;
  if (upper !== undefined && upper < scan.fromMs) return false;
  return true;
}

function comparable(a: BoundValue, b: BoundValue): boolean {
  return typeof a === typeof b && typeof a !== 'boolean';
}

/** Whether some row of the file can have `column = value`. */
function equalsMayMatch(file: DataFile, column: string, value: BoundValue): boolean {
  const b = file.bounds[column];
  if (!b) return true;
  if (b.lower !== null && comparable(b.lower, value) && value < b.lower) return false;
  if (b.upper !== null && comparable(b.upper, value) && value > b.upper) return false;
  return true;
}

export function fileMayMatch(file: DataFile, spec: readonly PartitionField[], scan: Scan): boolean {
  if (scan.time && !timeMayMatch(file, spec, scan.time)) return false;
  return (scan.equals ?? []).every((e) => equalsMayMatch(file, e.column, e.value));
}

/** The files a scan can need, in their original order. */
export function pruneFiles(
  files: readonly DataFile[],
  spec: readonly PartitionField[],
  scan: Scan,
): DataFile[] {
  return files.filter((f) => fileMayMatch(f, spec, scan));
}
