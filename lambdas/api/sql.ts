/**
 * The query builder. Identifiers come only from the route table (itself generated from the contracts);
 * every value is a `?` parameter. The SQL is the dialect Athena (Trino) and DuckDB share; only the table
 * references (and how arrays are selected) come from the engine's SqlDialect.
 */
import type { ColumnType } from '../../lib/contracts';
import type { Scan, SqlDialect, SqlParam, SqlQuery, VersionPoint } from './query-engine';
import { MAX_LIMIT, type QueryInput } from './params';
import { ident, type OutputColumn, type QueryRouteDef } from './routes';

export interface BuiltQuery extends SqlQuery {
  /** the columns the query returns: the requested fields plus the sort keys the cursor needs */
  readonly selected: readonly OutputColumn[];
}

/** `2024-05-01 10:00:00.000` from epoch ms: the text both engines cast to TIMESTAMP. */
export function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** A timestamp as the API returns it (ISO 8601, `Z`) back to the text both engines cast to TIMESTAMP. */
export function sqlTimestampFromIso(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/Z$/, '')
    .replace(/[+-]00:?00$/, '');
}

/**
 * The time-travel clause of an Iceberg table reference in Athena (Trino): `FOR TIMESTAMP AS OF` the instant the
 * caller asked for, or `FOR VERSION AS OF` the snapshot id. Athena takes `?` only in WHERE clauses, so the value is
 * a literal: made here from a number (the instant) or checked to be one (the id), never text from the request.
 */
export function timeTravel(at: VersionPoint): string {
  if (at.timestampMs !== undefined) {
    if (!Number.isSafeInteger(at.timestampMs)) throw new Error(`not an instant: ${at.timestampMs}`);
    return `FOR TIMESTAMP AS OF TIMESTAMP '${sqlTimestamp(at.timestampMs)} UTC'`;
  }
  if (!/^-?\d{1,19}$/.test(at.snapshotId))
    throw new Error(`not a snapshot id: ${JSON.stringify(at.snapshotId)}`);
  return `FOR VERSION AS OF ${at.snapshotId}`;
}

const DAY_MS = 86_400_000;
const sqlDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function placeholder(type: ColumnType): string {
  if (type === 'timestamp') return 'CAST(? AS TIMESTAMP)';
  if (type === 'date') return 'CAST(? AS DATE)';
  return '?';
}

function keysetParam(type: ColumnType, v: unknown): SqlParam {
  if (type === 'timestamp' && typeof v === 'string') return sqlTimestampFromIso(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new Error(`keyset value of type ${typeof v} for a ${type} column`);
}

/** `(k1 > ? OR (k1 = ? AND (k2 > ? ...)))`: strictly after the last row of the previous page. */
function keysetPredicate(
  keys: readonly { expr: string; type: ColumnType; value: unknown }[],
  params: SqlParam[],
): string {
  const [head, ...rest] = keys;
  if (!head) throw new Error('a keyset needs at least one key');
  const ph = placeholder(head.type);
  const v = keysetParam(head.type, head.value);
  if (rest.length === 0) {
    params.push(v);
    return `${head.expr} > ${ph}`;
  }
  params.push(v, v);
  return `(${head.expr} > ${ph} OR (${head.expr} = ${ph} AND ${keysetPredicate(rest, params)}))`;
}

/** The column name of a filter expression that is a plain column of the source table (`t."campaign_id"`). */
function plainColumn(expr: string): string | undefined {
  return /^t\."([a-z][a-z0-9_]*)"$/.exec(expr)?.[1];
}

/**
 * Athena accepts `?` only in WHERE clauses, so the LIMIT is a constant of the code (the largest page + 1), never a
 * value from the caller: the SQL text of a route does not even vary with `limit`. The engine reads only the
 * limit + 1 rows a page needs (the extra one says whether a next page exists).
 */
export const SQL_ROW_CAP = MAX_LIMIT + 1;

/**
 * Build the query of a route for validated input. `after` holds the sort-key values of the last row of the
 * previous page (from the cursor); `at` is the version of the route's table to read (its `as_of`).
 */
export function buildQuery(
  route: QueryRouteDef,
  input: QueryInput,
  dialect: SqlDialect,
  after?: readonly unknown[],
  at?: VersionPoint,
): BuiltQuery {
  const params: SqlParam[] = [];
  const byName = (n: string): OutputColumn => {
    const c = route.columns.find((x) => x.name === n);
    if (!c) throw new Error(`${route.path}: no column ${n}`);
    return c;
  };
  const selected = route.columns.filter(
    (c) => input.fields.some((f) => f.name === c.name) || route.sortKeys.includes(c.name),
  );

  const time = `t.${ident(route.timeColumn)}`;
  const where: string[] = [];
  if (route.timeType === 'timestamp') {
    where.push(`${time} >= CAST(? AS TIMESTAMP)`, `${time} < CAST(? AS TIMESTAMP)`);
    params.push(sqlTimestamp(input.from), sqlTimestamp(input.to));
  } else {
    where.push(`${time} >= CAST(? AS DATE)`, `${time} < CAST(? AS DATE)`);
    params.push(sqlDate(input.from), sqlDate(Math.ceil(input.to / DAY_MS) * DAY_MS));
  }
  for (const { filter, value } of input.filters) {
    if (filter.op === 'eq') where.push(`${filter.expr} = ?`);
    else if (filter.op === 'prefix') where.push(`starts_with(${filter.expr}, ?)`);
    else where.push(`contains(${filter.expr}, ?)`);
    params.push(value);
  }

  const scan: Scan = {
    time: {
      column: route.timeColumn,
      // a DATE range covers whole days, exactly as the WHERE clause above compares them
      fromMs: route.timeType === 'timestamp' ? input.from : Math.floor(input.from / DAY_MS) * DAY_MS,
      toMs: route.timeType === 'timestamp' ? input.to : Math.ceil(input.to / DAY_MS) * DAY_MS,
    },
    equals: input.filters.flatMap(({ filter, value }) => {
      const column = filter.op === 'eq' ? plainColumn(filter.expr) : undefined;
      return column ? [{ column, value }] : [];
    }),
  };
  const from =
    `${dialect.tableRef(route.table.database, route.table.name, scan, at)} AS t` +
    (route.unnest
      ? ` CROSS JOIN UNNEST(t.${ident(route.unnest.column)}) AS u(${ident(route.unnest.as)})`
      : '');
  const keyset = (alias: string) =>
    after
      ? keysetPredicate(
          route.sortKeys.map((k, i) => ({
            expr: alias === 'm' ? `m.${ident(k)}` : byName(k).expr,
            type: byName(k).type,
            value: after[i],
          })),
          params,
        )
      : undefined;

  let sql: string;
  if (route.groupBy) {
    const inner =
      `SELECT ${selected.map((c) => `${c.expr} AS ${ident(c.name)}`).join(', ')} FROM ${from}` +
      ` WHERE ${where.join(' AND ')} GROUP BY ${route.groupBy.join(', ')}`;
    const k = keyset('m');
    sql =
      `SELECT ${selected.map((c) => `m.${ident(c.name)}`).join(', ')} FROM (${inner}) AS m` +
      (k ? ` WHERE ${k}` : '') +
      ` ORDER BY ${route.sortKeys.map((s) => `m.${ident(s)}`).join(', ')} LIMIT ${SQL_ROW_CAP}`;
  } else {
    const k = keyset('t');
    if (k) where.push(k);
    sql =
      `SELECT ${selected.map((c) => `${dialect.selectExpr(c.expr, c.type)} AS ${ident(c.name)}`).join(', ')}` +
      ` FROM ${from} WHERE ${where.join(' AND ')}` +
      ` ORDER BY ${route.sortKeys.map((s) => byName(s).expr).join(', ')} LIMIT ${SQL_ROW_CAP}`;
  }
  return { sql, params, selected };
}
