/**
 * Checks the API's SQL against Trino's types, the engine Athena (v3) runs: the contracts' tables are declared in
 * Trino's memory catalog with the types Athena reads from their Iceberg schemas, and the statement of every query
 * route, with every combination of its filters (and on a next page, with its cursor's keyset), is analysed by
 * `EXPLAIN (TYPE VALIDATE) EXECUTE ... USING` with the very literals Athena receives as ExecutionParameters. Each
 * route's answer is also run once (the tables are empty) to compare the types Trino returns with the ones the route
 * declares.
 */
import { AthenaEngine, athenaParameter } from '../../lambdas/api/athena-engine';
import { parseQueryInput } from '../../lambdas/api/params';
import type { SqlParam } from '../../lambdas/api/query-engine';
import { queryRoutes, type FilterDef, type QueryRouteDef } from '../../lambdas/api/routes';
import { buildQuery } from '../../lambdas/api/sql';
import { allTables, type AnyContract, type ColumnType } from '../contracts';
import { TrinoQueryError, type TrinoServer } from './server';

/** Glue databases as a deploy names them (`<prefix>_<env>_<zone>`); only their shape matters here. */
export const checkDatabases = { processed: 'shoplake_check_processed', curated: 'shoplake_check_curated' };

/**
 * The Trino type of a contract column on Athena. The tables are Iceberg tables and Athena reads their Iceberg
 * schema, where a `timestamp` is `timestamptz` (an instant, as Spark writes it): `timestamp(6) with time zone`.
 */
export function trinoType(type: ColumnType): string {
  switch (type) {
    case 'string':
      return 'varchar';
    case 'int':
      return 'integer';
    case 'timestamp':
      return 'timestamp(6) with time zone';
    case 'array<string>':
      return 'array(varchar)';
    default:
      return type;
  }
}

/** `CREATE TABLE` of a contract's table in the memory catalog, its columns typed as Athena types them. */
export function createTableSql(t: AnyContract): string {
  const columns = t.columns.map((c) => `"${c.name}" ${trinoType(c.type)}`).join(', ');
  return `CREATE TABLE "${checkDatabases[t.database]}"."${t.name}" (${columns})`;
}

/** The dialect the Lambda builds its SQL with; no AWS call is made. */
export const athenaDialect = new AthenaEngine({
  databases: checkDatabases,
  roles: {},
  credentials: () => Promise.reject(new Error('the route check calls no AWS service')),
});

export interface RouteStatement {
  readonly route: QueryRouteDef;
  /** the filters given, by query parameter */
  readonly filters: readonly string[];
  readonly page: 'first' | 'next';
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** A value the validation accepts for a filter (its type is what the check is about). */
function sampleFilterValue(f: FilterDef): string {
  if (f.valueType === 'boolean') return 'true';
  if (f.valueType === 'int') return String(f.min ?? 1);
  return f.allowed?.[0] ?? 'ab';
}

/** The last row's value of a sort key as a cursor carries it (the API's JSON form of the column's type). */
function sampleSortValue(type: ColumnType): unknown {
  if (type === 'timestamp') return '2024-01-01T10:00:00.000Z';
  if (type === 'date') return '2024-01-01';
  if (type === 'boolean') return true;
  if (type === 'string' || type === 'array<string>') return 'ab';
  return 1;
}

/** Every subset of a list, the empty one first. */
function subsets<T>(xs: readonly T[]): T[][] {
  return xs.reduce<T[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
}

/**
 * The statements of one route, all fields selected: every combination of its filters on a first page, and the next
 * page (its keyset predicate, whose types depend only on the sort keys) without filters and with all of them.
 */
export function statementsOf(route: QueryRouteDef): RouteStatement[] {
  const combinations = subsets(route.filters);
  const after = route.sortKeys.map((k) =>
    sampleSortValue(route.columns.find((c) => c.name === k)?.type ?? 'string'),
  );
  const statement = (given: readonly FilterDef[], page: 'first' | 'next'): RouteStatement => {
    const query = Object.fromEntries([
      ['from', '2024-01-01'],
      ['to', '2024-01-02'],
      ...given.map((f) => [f.param, sampleFilterValue(f)]),
    ]);
    const input = parseQueryInput(route, 'admin', query);
    const q = buildQuery(route, input, athenaDialect, page === 'next' ? after : undefined);
    return { route, filters: given.map((f) => f.param), page, sql: q.sql, params: q.params };
  };
  return [
    ...combinations.map((given) => statement(given, 'first')),
    statement([], 'next'),
    ...(route.filters.length > 0 ? [statement(route.filters, 'next')] : []),
  ];
}

export function routeStatements(routes: readonly QueryRouteDef[] = queryRoutes): RouteStatement[] {
  return routes.flatMap(statementsOf);
}

export interface StatementFailure {
  readonly statement: RouteStatement;
  /** Trino's error name and message */
  readonly error: string;
}

/** `EXECUTE s USING <literals>`: how Athena binds ExecutionParameters to the `?` of a prepared statement. */
function execute(s: Pick<RouteStatement, 'params'>): string {
  return s.params.length > 0 ? `EXECUTE s USING ${s.params.map(athenaParameter).join(', ')}` : 'EXECUTE s';
}

/** Analyse one statement; Trino's refusal when it has one. */
export async function validateStatement(trino: TrinoServer, s: RouteStatement): Promise<string | undefined> {
  try {
    await trino.query(`EXPLAIN (TYPE VALIDATE) ${execute(s)}`, { prepared: { s: s.sql } });
    return undefined;
  } catch (e) {
    if (e instanceof TrinoQueryError) return `${e.errorName}: ${e.trinoMessage}`;
    throw e;
  }
}

async function inPool<T, R>(items: readonly T[], width: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** Declares every contract table (once per server) in the memory catalog. */
export async function declareTables(
  trino: TrinoServer,
  tables: readonly AnyContract[] = allTables,
): Promise<void> {
  for (const db of Object.values(checkDatabases)) await trino.query(`CREATE SCHEMA IF NOT EXISTS "${db}"`);
  for (const t of tables) await trino.query(createTableSql(t));
}

/** Analyses the statements, a few at a time; the ones Trino refuses, with its reason. */
export async function validateStatements(
  trino: TrinoServer,
  statements: readonly RouteStatement[],
  width = 4,
): Promise<StatementFailure[]> {
  const errors = await inPool(statements, width, (s) => validateStatement(trino, s));
  return statements.flatMap((statement, i) => {
    const error = errors[i];
    return error ? [{ statement, error }] : [];
  });
}

export interface AnswerTypeMismatch {
  readonly column: string;
  /** what the route declares (its OpenAPI schema and the adapters' conversion follow it) */
  readonly declared: string;
  /** the name and type of Trino's answer at that position */
  readonly answered: string;
}

/** Trino spells `decimal(18, 2)` in answers and `decimal(18,2)` in DDL. */
const normalType = (t: string): string => t.replace(/,\s+/g, ',');

/**
 * Runs a route's statement (all filters, a next page) on the empty tables and compares the name and type of each
 * answered column with the route's declaration. A rows route selects an array through the dialect's `selectExpr`
 * (JSON text on Athena); an aggregate route selects its columns as they are.
 */
export async function answerTypes(trino: TrinoServer, route: QueryRouteDef): Promise<AnswerTypeMismatch[]> {
  const statement = statementsOf(route).at(-1) as RouteStatement;
  const res = await trino.query(execute(statement), { prepared: { s: statement.sql } });
  const input = parseQueryInput(route, 'admin', { from: '2024-01-01', to: '2024-01-02' });
  const { selected } = buildQuery(route, input, athenaDialect);
  const declaredType = (type: ColumnType): string =>
    !route.groupBy && athenaDialect.selectExpr('x', type) !== 'x' ? 'json' : trinoType(type);
  const mismatches = selected.flatMap((c, i) => {
    const got = res.columns[i];
    const declared = declaredType(c.type);
    return got?.name === c.name && normalType(got.type) === declared
      ? []
      : [{ column: c.name, declared, answered: got ? `${got.name} ${got.type}` : '(none)' }];
  });
  const extra = res.columns.slice(selected.length).map((got) => ({
    column: got.name,
    declared: '(none)',
    answered: `${got.name} ${got.type}`,
  }));
  return [...mismatches, ...extra];
}
