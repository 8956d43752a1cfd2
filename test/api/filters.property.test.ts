/**
 * Property tests, for every filter of every route: whatever a caller puts in a filter (quotes, backslashes,
 * comments, semicolons, unicode), the SQL text stays the route's template and only the parameters vary; a
 * value the contract rejects gets a 400 naming the filter, and no query runs.
 */
import fc from 'fast-check';
import { athenaParameter } from '../../lambdas/api/athena-engine';
import { parseQueryInput } from '../../lambdas/api/params';
import { queryRoutes } from '../../lambdas/api/routes';
import { buildQuery } from '../../lambdas/api/sql';
import { DuckDbEngine } from '../../lib/serve/duckdb-engine';
import { call, testRouter } from './support/harness';
import { openMemoryLake, type MemoryLake } from './support/memory-lake';

let lake: MemoryLake;
let router: ReturnType<typeof testRouter>;
beforeAll(async () => {
  lake = await openMemoryLake({ days: 3, perDay: 4 });
  router = testRouter(new DuckDbEngine(lake));
});
afterAll(async () => lake.close());

const nasty = fc.constantFrom(
  "'",
  "''",
  '"',
  '\\',
  "\\'",
  '--',
  '/*',
  '*/',
  ';',
  "'; DROP TABLE processed.transactions; --",
  "' OR '1'='1",
  '%',
  '_',
  '?',
  '$1',
  'é',
  'ß',
  '😀',
  '\u202e',
  '\u0000',
  '\n',
  'null',
  'NULL',
  '1',
  '200',
  'true',
  'a',
  'completed',
  'US',
  'en',
);
const adversarial = fc.oneof(
  fc.array(nasty, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

const benignCandidates = (allowed?: readonly string[]) => [
  ...(allowed ?? []),
  'abc',
  'en',
  '200',
  'true',
  '1',
];
const cases = queryRoutes.flatMap((route) => route.filters.map((filter) => ({ route, filter })));

describe.each(cases.map((c) => [`${c.route.path}?${c.filter.param}`, c] as const))(
  '%s',
  (_name, { route, filter }) => {
    const range =
      route.timeType === 'date'
        ? { from: '2024-01-01', to: '2024-01-03' }
        : { from: '2024-01-01', to: '2024-01-02T12:00:00Z' };
    let template: string;
    let position: number;

    beforeAll(async () => {
      for (const v of benignCandidates(filter.allowed)) {
        const before = lake.log.length;
        const r = await call(router, route.path, { query: { ...range, [filter.param]: v } });
        if (r.status === 200) {
          const ran = lake.log[before];
          if (!ran) throw new Error('no query logged');
          template = ran.sql;
          position = ran.params.findIndex((p) => String(p) === v);
          return;
        }
      }
      throw new Error(`no benign value found for ${filter.param}`);
    });

    it('keeps the SQL text and passes the value only as a parameter, or answers 400 naming it', async () => {
      await fc.assert(
        fc.asyncProperty(adversarial, async (value) => {
          const before = lake.log.length;
          const r = await call(router, route.path, { query: { ...range, [filter.param]: value } });
          if (r.status === 400) {
            expect(r.body.error.details.field).toBe(filter.param);
            expect(lake.log.length).toBe(before);
            return;
          }
          expect(r.status).toBe(200);
          const ran = lake.log[before];
          expect(ran?.sql).toBe(template);
          const passed = ran?.params[position];
          expect(filter.valueType === 'string' ? passed : String(passed)).toBe(value);
          if (typeof passed === 'string') {
            // on Athena the same value is a quoted literal with ' doubled, never backslash-escaped
            const lit = athenaParameter(passed);
            expect(lit.startsWith("'") && lit.endsWith("'")).toBe(true);
            expect(lit.slice(1, -1).replace(/''/g, "'")).toBe(passed);
            expect(lit.split('\\').length).toBe(passed.split('\\').length);
          }
        }),
        { numRuns: 40 },
      );
    });
  },
);

describe('placeholders stay where Athena accepts them (WHERE clauses only)', () => {
  it.each(queryRoutes.map((r) => [r.path, r] as const))('%s', (_path, route) => {
    const input = parseQueryInput(
      route,
      'admin',
      Object.fromEntries([
        ['from', '2024-01-01'],
        ['to', '2024-01-02'],
        ...route.filters.map((f) => [
          f.param,
          f.allowed?.[0] ?? (f.valueType === 'int' ? '200' : f.valueType === 'boolean' ? 'true' : 'ab'),
        ]),
      ]),
    );
    expect(input.filters.length).toBe(route.filters.length);
    const after = route.sortKeys.map((k) => {
      const t = route.columns.find((c) => c.name === k)?.type;
      return t === 'timestamp' ? '2024-01-01T10:00:00Z' : t === 'date' ? '2024-01-01' : 'k';
    });
    const dialect = { tableRef: (d: string, t: string) => `"${d}"."${t}"`, selectExpr: (e: string) => e };
    const q = buildQuery(route, input, dialect, after);
    expect((q.sql.match(/\?/g) ?? []).length).toBe(q.params.length);
    const selectList = q.sql.slice(0, q.sql.indexOf(' FROM '));
    expect(selectList).not.toContain('?');
    expect(q.sql.slice(q.sql.lastIndexOf(' ORDER BY '))).not.toContain('?');
    expect(
      q.sql.slice(q.sql.lastIndexOf(' GROUP BY ') >= 0 ? q.sql.lastIndexOf(' GROUP BY ') : q.sql.length),
    ).not.toMatch(/GROUP BY [^)]*\?/);
  });
});
