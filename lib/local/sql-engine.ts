/**
 * The local query engine: an in-memory DuckDB with one view per contract table (`processed.<dataset>`,
 * `curated.<table>`) over exactly the live data files of the table's current Iceberg snapshot (see iceberg.ts),
 * selecting the contract's columns in contract order with the contract's types. A table that has no snapshot yet is
 * an empty view with the same columns and types.
 *
 * User SQL is read-only: one statement, which DuckDB itself classifies as SELECT (WITH, VALUES, DESCRIBE, SUMMARIZE,
 * read-only PRAGMAs are SELECTs to it) or EXPLAIN. Once the views exist, file access is limited to exactly the
 * current snapshot's files (`allowed_paths`) and then disabled (`enable_external_access=false`), and the
 * configuration is locked, so that user SQL cannot read or write any other file nor undo the settings. An engine
 * opened for the API (`olderVersions`, whose SQL the route table writes, never a user) may also read the other
 * files of the tables' data folders: the older versions a query as of one reads. A refusal or a failure says what
 * and why in the lake's words, then DuckDB's message (query-messages.ts words them).
 *
 * Values come back JSON-friendly: timestamps as ISO-8601 UTC strings with 'Z', dates 'YYYY-MM-DD', decimals and
 * bigints as numbers, lists as arrays, structs as objects.
 */
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTypeId, StatementType, JsonDuckDBValueConverter } from '@duckdb/node-api';
import type {
  DuckDBConnection,
  DuckDBResultReader,
  DuckDBType,
  DuckDBValue,
  DuckDBValueConverter,
} from '@duckdb/node-api';
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import { allTables } from '../contracts';
import type { AnyContract, ColumnType, TableName } from '../contracts';
import { readSnapshotFiles } from './iceberg';
import type { DataFile, SnapshotInfo, TableSnapshot } from './iceberg';
import { layout } from './layout';
import { lakeMetadata } from './versions';
import type { LakeTableMetadata } from './versions';
import { madeCurrentAt, parseAsOf, resolveVersion } from '../versions/as-of';
import type { AsOf } from '../versions/as-of';
import { VersionError } from '../versions/model';
import {
  fileAccessRefusal,
  isFileAccessError,
  notAReadRefusal,
  ONE_READ,
  readFailure,
  refusal,
} from './query-messages';
import type { JsonValue } from '../contracts/json';

export type { JsonValue };

export interface QueryColumn {
  readonly name: string;
  /** DuckDB's type name, e.g. VARCHAR, TIMESTAMP, DECIMAL(18,2), VARCHAR[] */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: QueryColumn[];
  /** every row, as JSON values (converted when first read) */
  readonly rows: Record<string, JsonValue>[];
  /**
   * the first `n` rows, converting only those: an API page reads limit + 1 rows of a result capped at the largest
   * page + 1, and converting the rest only made garbage (absent: `firstRows` slices `rows`)
   */
  head?(n: number): Record<string, JsonValue>[];
}

/** The first `n` rows of a result, converting no more than those when the result can. */
export function firstRows(result: QueryResult, n: number): Record<string, JsonValue>[] {
  return result.head ? result.head(n) : result.rows.slice(0, n);
}

/** A read result that stays DuckDB's own (native) values until its rows are asked for. */
function lazyResult(reader: DuckDBResultReader): QueryResult {
  const names = reader.deduplicatedColumnNames();
  const types = reader.columnTypes();
  const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
  let all: Record<string, JsonValue>[] | undefined;
  return {
    columns,
    get rows() {
      all ??= reader.convertRowObjects(jsonValueConverter) as Record<string, JsonValue>[];
      return all;
    },
    head(n: number) {
      if (all) return all.slice(0, n);
      const out: Record<string, JsonValue>[] = [];
      for (let r = 0; r < Math.min(n, reader.currentRowCount); r++) {
        const row: Record<string, JsonValue> = {};
        names.forEach((name, c) => {
          row[name] = jsonValueConverter(reader.value(c, r), types[c]!, jsonValueConverter);
        });
        out.push(row);
      }
      return out;
    },
  };
}

export type QueryParam = string | number | boolean | null;

/** What a view of the engine reads. */
export interface EngineTable {
  readonly contract: AnyContract;
  /** `processed.transactions`, `curated.daily_sales`, ... */
  readonly qualifiedName: string;
  /** null when the table has no Iceberg snapshot yet (the view is empty) */
  readonly snapshot: TableSnapshot | null;
  readonly files: readonly DataFile[];
  /** opened `asOf` a point where this table had no version: a statement that reads it gets this error */
  readonly asOfError?: VersionError;
}

export interface LocalEngine {
  readonly home: string;
  /** whether relations over older snapshots' files can be queried (OpenOptions.olderVersions) */
  readonly olderVersions: boolean;
  /** One read-only statement; `?` are positional parameters. */
  query(sql: string, params?: readonly QueryParam[]): Promise<QueryResult>;
  /** The tables behind the views, as read at open time (snapshot, files). */
  tables(): readonly EngineTable[];
  close(): Promise<void>;
}

/** The user asked for something the engine does not do (a write, several statements, a file access). */
export class QueryRefusedError extends Error {
  override name = 'QueryRefusedError';
}

/** The statement was a read but DuckDB could not run it (syntax, unknown column, ...). */
export class QueryError extends Error {
  override name = 'QueryError';
}

const duckType: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  'decimal(18,2)': 'DECIMAL(18,2)',
  'decimal(18,4)': 'DECIMAL(18,4)',
  'array<string>': 'VARCHAR[]',
};

export function duckDbType(t: ColumnType): string {
  return duckType[t];
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The SELECT behind a table's view: contract columns, contract order, contract types. */
export function viewSql(
  contract: AnyContract,
  files: readonly string[],
  presentColumns?: ReadonlySet<string>,
): string {
  if (files.length === 0) {
    const cols = contract.columns
      .map((c) => `CAST(NULL AS ${duckDbType(c.type)}) AS ${ident(c.name)}`)
      .join(', ');
    return `SELECT ${cols} WHERE false`;
  }
  const cols = contract.columns
    .map(
      (c) =>
        (presentColumns && !presentColumns.has(c.name)
          ? `CAST(NULL AS ${duckDbType(c.type)})`
          : `CAST(${ident(c.name)} AS ${duckDbType(c.type)})`) + ` AS ${ident(c.name)}`,
    )
    .join(', ');
  return `SELECT ${cols} FROM read_parquet([${files.map(literal).join(', ')}], hive_partitioning = false)`;
}

/** The SELECT over a table's files (all of its snapshot's, or the subset a query can need). */
export function tableRelation(t: EngineTable, files: readonly DataFile[] = t.files): string {
  const present = t.snapshot ? new Set(t.snapshot.metadata.schema.map((c) => c.name)) : undefined;
  return viewSql(
    t.contract,
    files.map((f) => f.path),
    present,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// values

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function isoFromMicros(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(micros);
  let frac = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const base = `${d.getUTCFullYear() < 0 ? '-' : ''}${pad(Math.abs(d.getUTCFullYear()), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (frac === 0) return `${base}Z`;
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${base}.${pad(frac, digits)}Z`;
}

const timestampToIso: DuckDBValueConverter<JsonValue> = (v) => {
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue)
    return v.isFinite ? isoFromMicros(v.micros) : v.toString();
  const micros = (v as { micros?: bigint }).micros;
  if (typeof micros === 'bigint') return isoFromMicros(micros);
  return String(v);
};

const dateToString: DuckDBValueConverter<JsonValue> = (v) =>
  v instanceof DuckDBDateValue ? v.toString() : String(v);
const toNumber: DuckDBValueConverter<JsonValue> = (v) => {
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  return Number(v);
};
const secondsTimestamp: DuckDBValueConverter<JsonValue> = (v) =>
  isoFromMicros(BigInt((v as { seconds: bigint }).seconds) * 1_000_000n);
const millisTimestamp: DuckDBValueConverter<JsonValue> = (v) =>
  isoFromMicros(BigInt((v as { millis: bigint }).millis) * 1000n);
const nanosTimestamp: DuckDBValueConverter<JsonValue> = (v) =>
  isoFromMicros(BigInt((v as { nanos: bigint }).nanos) / 1000n);

const fallback = JsonDuckDBValueConverter as unknown as DuckDBValueConverter<JsonValue>;
const overrides: Partial<Record<DuckDBTypeId, DuckDBValueConverter<JsonValue>>> = {
  [DuckDBTypeId.BIGINT]: toNumber,
  [DuckDBTypeId.UBIGINT]: toNumber,
  [DuckDBTypeId.HUGEINT]: toNumber,
  [DuckDBTypeId.UHUGEINT]: toNumber,
  [DuckDBTypeId.DECIMAL]: toNumber,
  [DuckDBTypeId.FLOAT]: toNumber,
  [DuckDBTypeId.DOUBLE]: toNumber,
  [DuckDBTypeId.TIMESTAMP]: timestampToIso,
  [DuckDBTypeId.TIMESTAMP_TZ]: timestampToIso,
  [DuckDBTypeId.TIMESTAMP_S]: secondsTimestamp,
  [DuckDBTypeId.TIMESTAMP_MS]: millisTimestamp,
  [DuckDBTypeId.TIMESTAMP_NS]: nanosTimestamp,
  [DuckDBTypeId.DATE]: dateToString,
};

/** DuckDB values -> JSON-friendly values (recursing through lists, structs, maps with the same rules). */
export const jsonValueConverter: DuckDBValueConverter<JsonValue> = (
  value: DuckDBValue,
  type: DuckDBType,
  converter: DuckDBValueConverter<JsonValue>,
) => {
  if (value === null) return null;
  const own = overrides[type.typeId];
  if (own) return own(value, type, converter);
  return fallback(value, type, converter);
};

// ---------------------------------------------------------------------------------------------------------------
// engine

async function classify(conn: DuckDBConnection, sql: string): Promise<'read' | 'write' | 'unknown'> {
  try {
    const r = await conn.runAndReadAll('SELECT json_serialize_sql(?::VARCHAR) AS j', [sql]);
    const j = JSON.parse(String(r.getRows()[0]?.[0] ?? '{}')) as { error?: boolean; error_message?: string };
    if (!j.error) return 'read';
    return /only select/i.test(j.error_message ?? '') ? 'write' : 'unknown';
  } catch {
    return 'unknown';
  }
}

const allowedTypes = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

function refused(what: string): QueryRefusedError {
  return new QueryRefusedError(refusal(what, ONE_READ));
}

function cleanMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim();
}

function bindParams(params: readonly QueryParam[]): (string | number | boolean | null | bigint)[] {
  return params.map((p, i) => {
    if (p === null || typeof p === 'string' || typeof p === 'boolean') return p;
    if (typeof p === 'number') {
      if (!Number.isFinite(p)) throw new QueryError(`parameter ${i + 1} is not a finite number`);
      return Number.isSafeInteger(p) ? BigInt(p) : p;
    }
    throw new QueryError(`parameter ${i + 1} has unsupported type ${typeof p}`);
  });
}

export interface OpenOptions {
  /** DuckDB threads (default: DuckDB's choice) */
  readonly threads?: number;
  /**
   * Read every table as of a version (snapshot id), a time (ISO 8601) or a tag/branch name (see versions.ts). A
   * version or a ref names a point: tables that lack it are read as they were at that point.
   */
  readonly asOf?: string;
  /**
   * also allow reading every file under the tables' data folders, so that a relation over an older snapshot's files
   * can be queried (the API's `as_of`); for engines whose SQL is generated, not a user's @default false
   */
  readonly olderVersions?: boolean;
  /**
   * statements that run at once; the others wait their turn, in order. DuckDB spreads one statement over all its
   * threads, so more at once only add their working memory (`lake serve` under concurrent requests) @default no bound
   */
  readonly concurrency?: number;
}

/** Runs at most `n` of the given tasks at once, the others in the order they came. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * Each table's snapshot for `asOf`, or the error a statement reading that table gets. Throws when no table of the
 * lake has the version or ref at all.
 */
export function asOfSnapshots(
  tables: readonly LakeTableMetadata[],
  asOf: AsOf,
): Map<LakeTableMetadata, SnapshotInfo | VersionError> {
  const out = new Map<LakeTableMetadata, SnapshotInfo | VersionError>();
  const at = (t: LakeTableMetadata, point: AsOf): SnapshotInfo | VersionError => {
    try {
      return resolveVersion(t.qualifiedName, t.metadata, point);
    } catch (e) {
      if (e instanceof VersionError) return e;
      throw e;
    }
  };
  if (asOf.kind === 'timestamp') {
    for (const t of tables) out.set(t, at(t, asOf));
    return out;
  }
  const holders = tables.flatMap((t) => {
    const s = at(t, asOf);
    return s instanceof VersionError || !t.metadata ? [] : [{ t, s, ms: madeCurrentAt(t.metadata, s) }];
  });
  if (holders.length === 0) {
    if (asOf.kind === 'version')
      throw new VersionError(
        `no table of the lake has version ${asOf.snapshotId} ('lake history <table>' lists each table's versions)`,
      );
    const refs = [...new Set(tables.flatMap((t) => t.metadata?.refs.map((r) => r.name) ?? []))].sort();
    throw new VersionError(
      `no table of the lake has a tag or branch '${asOf.name}' (refs in the lake: ${refs.join(', ') || 'none'})`,
    );
  }
  const point = Math.max(...holders.map((h) => h.ms));
  const pointAsOf: AsOf = { kind: 'timestamp', ms: point, text: new Date(point).toISOString() };
  for (const t of tables) {
    const own = holders.find((h) => h.t === t);
    out.set(t, own ? own.s : at(t, pointAsOf));
  }
  return out;
}

/** The `schema.table` names a statement reads (lower case), from DuckDB's own parse tree; null if it cannot parse. */
async function referencedTables(conn: DuckDBConnection, sql: string): Promise<Set<string> | null> {
  try {
    const r = await conn.runAndReadAll('SELECT json_serialize_sql(?::VARCHAR) AS j', [sql]);
    const tree: unknown = JSON.parse(String(r.getRows()[0]?.[0] ?? '{}'));
    const found = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.type === 'BASE_TABLE' && typeof o.table_name === 'string')
        found.add(`${String(o.schema_name ?? '')}.${o.table_name}`.toLowerCase());
      Object.values(o).forEach(walk);
    };
    walk(tree);
    return found;
  } catch {
    return null;
  }
}

/** Opens the engine over the current snapshot (or the `asOf` one) of every contract table in the lake home. */
export async function openLocalEngine(home: string, opts: OpenOptions = {}): Promise<LocalEngine> {
  const l = layout(home);
  const lake = lakeMetadata(l.home);
  const chosen = opts.asOf === undefined ? null : asOfSnapshots(lake, parseAsOf(opts.asOf));
  const tables: EngineTable[] = [];
  for (const t of lake) {
    const pick = chosen ? chosen.get(t) : t.metadata?.currentSnapshot;
    const asOfError = pick instanceof VersionError ? pick : undefined;
    const snapshot =
      t.metadata && !asOfError
        ? await readSnapshotFiles(t.metadata, (pick as SnapshotInfo | null) ?? null)
        : null;
    tables.push({
      contract: t.contract,
      qualifiedName: t.qualifiedName,
      snapshot,
      files: snapshot?.files ?? [],
      ...(asOfError ? { asOfError } : {}),
    });
  }
  const unavailable = tables.filter((t) => t.asOfError);
  const instance = await DuckDBInstance.create(':memory:');
  const setup = await instance.connect();
  try {
    await setup.run("SET GLOBAL TimeZone = 'UTC'");
    if (opts.threads) await setup.run(`SET GLOBAL threads = ${Math.max(1, Math.floor(opts.threads))}`);
    for (const schema of new Set(allTables.map((t) => t.database)))
      await setup.run(`CREATE SCHEMA ${ident(schema)}`);
    for (const t of tables) {
      await setup.run(
        `CREATE VIEW ${ident(t.contract.database)}.${ident(t.contract.name)} AS ${tableRelation(t)}`,
      );
    }
    const files = tables.flatMap((t) => t.files.map((f) => f.path));
    await setup.run(`SET GLOBAL allowed_paths = [${files.map(literal).join(', ')}]`);
    const dirs = opts.olderVersions ? lake.map((t) => `${join(t.dir, 'data')}/`) : [];
    await setup.run(`SET GLOBAL allowed_directories = [${dirs.map(literal).join(', ')}]`);
    await setup.run('SET GLOBAL enable_external_access = false');
    await setup.run('SET GLOBAL autoload_known_extensions = false');
    await setup.run('SET GLOBAL autoinstall_known_extensions = false');
    await setup.run('SET GLOBAL lock_configuration = true');
  } catch (e) {
    setup.closeSync();
    instance.closeSync();
    throw e;
  }
  setup.closeSync();
  let closed = false;

  const inTurn = opts.concurrency ? limiter(Math.max(1, Math.floor(opts.concurrency))) : undefined;
  const query = (sql: string, params: readonly QueryParam[] = []): Promise<QueryResult> =>
    inTurn ? inTurn(() => statement(sql, params)) : statement(sql, params);

  async function statement(sql: string, params: readonly QueryParam[]): Promise<QueryResult> {
    if (closed) throw new QueryError('the engine is closed');
    if (typeof sql !== 'string' || sql.trim() === '') throw new QueryError('empty query');
    const conn = await instance.connect();
    try {
      let extracted;
      try {
        extracted = await conn.extractStatements(sql);
      } catch (e) {
        throw new QueryError(readFailure(cleanMessage(e)));
      }
      if (extracted.count === 0) throw new QueryError('empty query');
      if (extracted.count > 1) throw refused(`${extracted.count} statements in one query`);
      if (unavailable.length > 0) {
        const read = await referencedTables(conn, sql);
        const hit = unavailable.find((t) => read?.has(t.qualifiedName.toLowerCase()));
        if (hit?.asOfError) throw hit.asOfError;
      }
      let prepared;
      try {
        prepared = await extracted.prepare(0);
      } catch (e) {
        const msg = cleanMessage(e);
        if ((await classify(conn, sql)) === 'write')
          throw new QueryRefusedError(notAReadRefusal(sql, undefined, msg));
        if (isFileAccessError(msg)) throw new QueryRefusedError(fileAccessRefusal(msg));
        throw new QueryError(readFailure(msg));
      }
      try {
        if (!allowedTypes.has(prepared.statementType))
          throw new QueryRefusedError(notAReadRefusal(sql, StatementType[prepared.statementType]));
        if (prepared.parameterCount !== params.length) {
          throw new QueryError(
            `the query has ${prepared.parameterCount} parameter(s) but ${params.length} value(s) were given`,
          );
        }
        if (params.length > 0) prepared.bind(bindParams(params));
        let reader;
        try {
          reader = await prepared.runAndReadAll();
        } catch (e) {
          const msg = cleanMessage(e);
          if (isFileAccessError(msg)) throw new QueryRefusedError(fileAccessRefusal(msg));
          throw new QueryError(readFailure(msg));
        }
        return lazyResult(reader);
      } finally {
        prepared.destroySync();
      }
    } finally {
      conn.closeSync();
    }
  }

  return {
    home: l.home,
    olderVersions: opts.olderVersions ?? false,
    query,
    tables: () => tables,
    async close() {
      if (closed) return;
      closed = true;
      instance.closeSync();
    },
  };
}

/** The view name of a table: `processed.transactions`. */
export function qualifiedName(table: TableName): string {
  const c = allTables.find((t) => t.name === table);
  if (!c) throw new Error(`unknown table ${table}`);
  return `${c.database}.${c.name}`;
}
