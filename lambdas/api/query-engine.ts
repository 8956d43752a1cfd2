/**
 * The query engine port. Adapters: Athena (athena-engine.ts, on AWS) and DuckDB over the local engine
 * (lib/serve/duckdb-engine.ts, for `lake serve`). Chosen once, at start-up.
 */
import type { ColumnType } from '../../lib/contracts';
import type { DataRole } from '../../lib/governance/grants';
import type { JsonValue } from '../../lib/contracts/json';
import type { TableVersions } from '../../lib/versions/model';

export type SqlParam = string | number | boolean;
export type { JsonValue };

export interface SqlQuery {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

export interface ResultSet {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Record<string, JsonValue>[];
  /**
   * what the query scanned, as its engine measures it: Athena's `DataScannedInBytes`; locally, the bytes of the data
   * files its (pruned) scan read
   */
  readonly scannedBytes?: number;
}

/** Who runs the query: the engine runs it under this role's grants (Athena: the role's IAM role + workgroup). */
export interface QueryContext {
  readonly role: DataRole;
  readonly requestId: string;
}

export type QueryState = 'running' | 'succeeded';

/**
 * What a query's WHERE clause implies about the rows it can read, for an engine that must choose the table's files
 * itself (locally). Athena prunes Iceberg files on its own and ignores it.
 */
export interface Scan {
  /** rows with `column` in [fromMs, toMs) */
  readonly time?: { readonly column: string; readonly fromMs: number; readonly toMs: number };
  /** rows with `column = value` */
  readonly equals?: readonly { readonly column: string; readonly value: string | number | boolean }[];
}

/**
 * The version of a table a query reads (an `as_of` the router resolved against the table's versions). Athena reads
 * a time it was asked for with `FOR TIMESTAMP AS OF` (its own rule picks the same snapshot) and anything else with
 * `FOR VERSION AS OF` the snapshot id; the local engine reads that snapshot's files.
 */
export interface VersionPoint {
  /** 64-bit snapshot id as a decimal string */
  readonly snapshotId: string;
  /** the past instant the caller asked for, epoch ms (absent: a version or a tag was asked for) */
  readonly timestampMs?: number;
}

/** What the SQL text may differ in between engines; everything else is the shared Trino/DuckDB dialect. */
export interface SqlDialect {
  /**
   * the table's reference, e.g. `"processed"."transactions"` locally, `"lake_processed_prod"."transactions"` on
   * Athena; `scan` says which rows the query can read, so that an engine may read only the files that can hold them;
   * `at` reads an older version (locally, after `prepareVersion` for it)
   */
  tableRef(database: 'processed' | 'curated', table: string, scan?: Scan, at?: VersionPoint): string;
  /** how a column of this type is selected so that the adapter can return it as JSON */
  selectExpr(expr: string, type: ColumnType): string;
}

export interface QueryEngine extends SqlDialect {
  readonly name: 'athena' | 'duckdb';
  /** Start a query; returns the engine's execution id. */
  start(query: SqlQuery, ctx: QueryContext): Promise<string>;
  /**
   * Wait up to `budgetMs` for the execution. Throws ApiError `query_failed` / `query_cancelled` when the
   * engine says so, and `not_found` for an unknown id.
   */
  wait(id: string, budgetMs: number, ctx: QueryContext): Promise<QueryState>;
  /** Up to `maxRows` rows of a succeeded execution, converted to JSON values. */
  results(id: string, maxRows: number, ctx: QueryContext): Promise<ResultSet>;
  /**
   * The table's versions as its Iceberg metadata keeps them (null: no such table yet), read within `budgetMs`
   * (Athena: its metadata tables; locally: the metadata file). Throws ApiError `query_failed` past the budget.
   */
  versions(
    database: 'processed' | 'curated',
    table: string,
    budgetMs: number,
    ctx: QueryContext,
  ): Promise<TableVersions | null>;
  /** Makes `tableRef(database, table, scan, at)` ready, for an engine that must find the version's files itself. */
  prepareVersion?(
    database: 'processed' | 'curated',
    table: string,
    at: VersionPoint,
    ctx: QueryContext,
  ): Promise<void>;
  /** The table's current version (Iceberg snapshot id), when the engine can tell cheaply. */
  tableVersion?(database: 'processed' | 'curated', table: string, ctx: QueryContext): Promise<string | null>;
  /** Liveness check for /health. */
  ping(): Promise<void>;
}

export type ExecutionOutcome =
  { state: 'succeeded'; id: string; result: ResultSet } | { state: 'running'; id: string };

/** Start, wait within the synchronous budget, and read the results when done. */
export async function execute(
  engine: QueryEngine,
  query: SqlQuery,
  maxRows: number,
  budgetMs: number,
  ctx: QueryContext,
): Promise<ExecutionOutcome> {
  const id = await engine.start(query, ctx);
  const state = await engine.wait(id, budgetMs, ctx);
  if (state === 'running') return { state, id };
  return { state, id, result: await engine.results(id, maxRows, ctx) };
}
