/**
 * The SQL the API sends is the dialect Athena (Trino) and DuckDB share. DuckDB runs every route in the other
 * tests, and trino-types.test.ts analyses every route's statement on a real Trino; this test pins the functions
 * and constructs each route's SQL uses to a list both engines document, and checks that the two engines' statements
 * differ only where their dialects must.
 */
import { AthenaEngine } from '../../lambdas/api/athena-engine';
import { parseQueryInput } from '../../lambdas/api/params';
import { queryRoutes } from '../../lambdas/api/routes';
import { buildQuery } from '../../lambdas/api/sql';
import { DuckDbEngine } from '../../lib/serve/duckdb-engine';

/** In both Trino's and DuckDB's function references. */
const shared = new Set(['count', 'sum', 'avg', 'starts_with', 'contains', 'cast', 'unnest']);
const keywords = new Set([
  'select',
  'from',
  'where',
  'and',
  'or',
  'in',
  'as',
  'by',
  'join',
  'when',
  'then',
  'else',
  'end',
  'case',
  'not',
  'u',
]);

const athena = new AthenaEngine({
  databases: { processed: 'lake_processed_prod', curated: 'lake_curated_prod' },
  roles: { admin: { workgroup: 'wg' } },
  credentials: async () => {
    throw new Error('unused');
  },
});
const duck = new DuckDbEngine({ query: async () => ({ columns: [], rows: [] }) });

describe.each(queryRoutes.map((r) => [r.path, r] as const))('%s', (_p, route) => {
  const query = Object.fromEntries([
    ['from', '2024-01-01'],
    ['to', '2024-01-02'],
    ...route.filters.map((f) => [
      f.param,
      f.allowed?.[0] ?? (f.valueType === 'int' ? '200' : f.valueType === 'boolean' ? 'true' : 'ab'),
    ]),
  ]);
  const input = parseQueryInput(route, 'admin', query);

  it('calls only functions both engines have', () => {
    for (const engine of [athena, duck]) {
      const { sql } = buildQuery(route, input, engine);
      const calls = [...sql.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) =>
        (m[1] as string).toLowerCase(),
      );
      const unknown = calls.filter((c) => !shared.has(c) && !keywords.has(c));
      expect(unknown).toEqual([]);
    }
  });

  it('differs between engines only in table references and array selection', () => {
    const a = buildQuery(route, input, athena);
    const d = buildQuery(route, input, duck);
    expect(a.params).toEqual(d.params);
    const normalise = (sql: string) =>
      sql
        .replace(/"lake_(processed|curated)_prod"\./g, '"$1".')
        .replace(/CAST\((t\."[a-z_]+") AS JSON\)/g, '$1');
    expect(normalise(a.sql)).toBe(d.sql);
    expect(a.sql).toContain(`"lake_${route.table.database}_prod"."${route.table.name}"`);
  });
});
