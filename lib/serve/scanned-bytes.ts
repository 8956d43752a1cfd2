/**
 * The local engine's measure of what a query scanned: the bytes of the Parquet data files its SQL reads, that is
 * every file of a table it names by its view (`"processed"."transactions"`), and the files a pruned scan lists by
 * path (pruning.ts chose them from the manifests). DuckDB reads at most that much of them (only the columns and row
 * groups it needs); Athena's `DataScannedInBytes`, the figure this stands for, is what Athena read of the same files.
 */
import type { EngineTable } from '../local/sql-engine';

const VIEW = /"(processed|curated)"\."([a-z][a-z0-9_]*)"/g;
const LITERAL = /'((?:[^']|'')*)'/g;

const sizes = new WeakMap<readonly EngineTable[], ReadonlyMap<string, number>>();

function fileSizes(tables: readonly EngineTable[]): ReadonlyMap<string, number> {
  let m = sizes.get(tables);
  if (!m) {
    m = new Map(tables.flatMap((t) => t.files.map((f) => [f.path, f.fileSizeBytes] as const)));
    sizes.set(tables, m);
  }
  return m;
}

export function scannedBytes(sql: string, tables: readonly EngineTable[]): number {
  const size = fileSizes(tables);
  const read = new Set<string>();
  for (const m of sql.matchAll(VIEW)) {
    const t = tables.find((x) => x.qualifiedName === `${m[1] ?? ''}.${m[2] ?? ''}`);
    for (const f of t?.files ?? []) read.add(f.path);
  }
  // a literal that is a data file's path is a file of a pruned scan (the other literals are constants of a route)
  for (const m of sql.matchAll(LITERAL)) {
    const path = (m[1] ?? '').replace(/''/g, "'");
    if (size.has(path)) read.add(path);
  }
  let total = 0;
  for (const p of read) total += size.get(p) ?? 0;
  return total;
}
