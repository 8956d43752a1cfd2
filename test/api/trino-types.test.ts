/**
 * The API's SQL against Trino's types, on a real Trino (the engine of Athena v3) with the memory connector, started
 * once for this file: the contracts' tables declared with the types Athena reads, and the statement of every route,
 * with every combination of its filters (and a next page, with its cursor), analysed with the literals Athena would bind.
 * A type error fails here, not on a call to AWS; the checks below also prove that such an error is caught.
 */
import { queryRoutes, queryRouteByPath, type QueryRouteDef } from '../../lambdas/api/routes';
import {
  answerTypes,
  declareTables,
  routeStatements,
  statementsOf,
  validateStatement,
  validateStatements,
} from '../../lib/trino/route-check';
import { startTrino, type TrinoServer } from '../../lib/trino/server';

let trino: TrinoServer;
beforeAll(async () => {
  trino = await startTrino();
  await declareTables(trino);
}, 300_000);
afterAll(async () => trino?.stop());

const route = (path: string): QueryRouteDef => {
  const r = queryRouteByPath(path);
  if (!r) throw new Error(`no route ${path}`);
  return r;
};

describe('every route, every filter combination', () => {
  it('is valid Trino SQL with the types Athena binds', async () => {
    const statements = routeStatements();
    // each route: all 2^n subsets of its n filters on a first page, and a next page without and with all filters
    expect(statements).toHaveLength(
      queryRoutes.reduce((n, r) => n + 2 ** r.filters.length + (r.filters.length > 0 ? 2 : 1), 0),
    );
    expect(new Set(statements.map((s) => s.sql)).size).toBe(statements.length);
    const failures = await validateStatements(trino, statements);
    expect(
      failures.map(
        (f) => `${f.statement.route.path} [${f.statement.filters.join(',')}] ${f.statement.page}: ${f.error}`,
      ),
    ).toEqual([]);
  }, 300_000);

  it.each(queryRoutes.map((r) => [r.path, r] as const))(
    '%s answers the columns it declares',
    async (_p, r) => {
      expect(await answerTypes(trino, r)).toEqual([]);
    },
  );
});

describe('the check refuses what Athena would refuse', () => {
  const mentions = route('/v1/metrics/product-mentions');

  it('contains() on a varchar (a substring match in DuckDB, no such function in Trino)', async () => {
    const productId = mentions.filters.find((f) => f.param === 'product_id');
    expect(productId?.expr).toBe('u."product_id"');
    const broken = { ...mentions, filters: [{ ...productId!, op: 'contains' as const }] };
    const withFilter = statementsOf(broken).find((s) => s.filters.length === 1);
    expect(withFilter?.sql).toContain('contains(u."product_id", ?)');
    const error = await validateStatement(trino, withFilter!);
    expect(error).toMatch(
      /^FUNCTION_NOT_FOUND: .*Unexpected parameters \(varchar, varchar\(\d+\)\) for function contains/,
    );
  });

  it('a varchar column compared with an integer value', async () => {
    const sales = route('/v1/metrics/daily-sales');
    const category = sales.filters.find((f) => f.param === 'category');
    const broken = { ...sales, filters: [{ ...category!, valueType: 'int' as const, allowed: undefined }] };
    const withFilter = statementsOf(broken).find((s) => s.filters.length === 1);
    expect(withFilter?.params).toContain(1);
    expect(await validateStatement(trino, withFilter!)).toMatch(
      /^TYPE_MISMATCH: .*Cannot apply operator: varchar = integer/,
    );
  });

  it('an answer type other than the declared one', async () => {
    const traffic = route('/v1/metrics/traffic');
    const broken = {
      ...traffic,
      columns: traffic.columns.map((c) => (c.name === 'error_rate' ? { ...c, type: 'bigint' as const } : c)),
    };
    expect(await answerTypes(trino, broken)).toEqual([
      { column: 'error_rate', declared: 'bigint', answered: 'error_rate double' },
    ]);
  });
});
