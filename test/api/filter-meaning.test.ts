/**
 * What each filter means, for every filter of every route, on the local engine: an `eq` filter matches exactly, a
 * `prefix` filter only values that start with it, a `contains` filter only arrays that hold it as an element (never
 * a substring). The lake holds look-alikes of every probe value (longer, shorter, inside another value, in another
 * case), and the expected rows are counted here from the unfiltered rows of the same table.
 */
import type { FilterDef, QueryRouteDef } from '../../lambdas/api/routes';
import { queryRoutes } from '../../lambdas/api/routes';
import type { AnyContract, Column } from '../../lib/contracts';
import { DuckDbEngine } from '../../lib/serve/duckdb-engine';
import { call, testRouter } from './support/harness';
import { LAKE_START, openMemoryLake, type MemoryLake } from './support/memory-lake';

const DAYS = 3;
const PER_DAY = 10;

const filterOfColumn = new Map<string, FilterDef>();
for (const r of queryRoutes)
  for (const f of r.filters)
    if (f.op !== 'eq' || !f.expr.startsWith('u.')) filterOfColumn.set(`${r.table.name}.${f.column}`, f);

/** The value each filter is called with: one the validation accepts. */
function probe(f: FilterDef): string | number | boolean {
  if (f.valueType === 'boolean') return true;
  if (f.valueType === 'int') return 200;
  return f.allowed?.[0] ?? 'ab';
}

/** Look-alikes of the probe: only the first (and, for arrays, the fourth) match. */
function lookAlike(f: FilterDef, i: number): unknown {
  const v = probe(f);
  if (typeof v === 'boolean') return i % 3 === 0;
  if (typeof v === 'number') return [200, 201, 404, 500, 2000][i % 5];
  const upper = v.toUpperCase();
  if (f.exprType === 'array<string>') return [[v], [`${v}x`, 'q'], [`x${v}`], ['q', v], [upper], []][i % 6];
  return [v, `${v}x`, `x${v}`, upper, v.slice(0, -1), 'q'][i % 6];
}

const cell = (t: AnyContract, c: Column, _d: number, i: number): unknown => {
  const f = filterOfColumn.get(`${t.name}.${c.name}`);
  return f ? lookAlike(f, i) : undefined;
};

function matches(f: FilterDef, value: unknown): boolean {
  const v = probe(f);
  switch (f.op) {
    case 'eq':
      return value === v;
    case 'prefix':
      return typeof value === 'string' && typeof v === 'string' && value.startsWith(v);
    case 'contains':
      return Array.isArray(value) && value.includes(v);
  }
}

let lake: MemoryLake;
let router: ReturnType<typeof testRouter>;
beforeAll(async () => {
  lake = await openMemoryLake({ days: DAYS, perDay: PER_DAY, cell });
  router = testRouter(new DuckDbEngine(lake));
});
afterAll(async () => lake.close());

const day = (n: number) => new Date(LAKE_START + n * 86_400_000).toISOString().slice(0, 10);
const range = { from: day(0), to: day(DAYS) };

type Row = Record<string, unknown>;
async function rows(route: QueryRouteDef, query: Record<string, string> = {}): Promise<Row[]> {
  const r = await call(router, route.path, { query: { ...range, limit: '1000', ...query } });
  expect(r.status).toBe(200);
  expect(r.body.page.next).toBeNull();
  return r.body.data as Row[];
}

/** The rows route of a table: the unfiltered rows an aggregate route is counted from. */
function rowsRouteOf(route: QueryRouteDef): QueryRouteDef {
  const r = queryRoutes.find((x) => x.table === route.table && !x.groupBy);
  if (!r) throw new Error(`no rows route for ${route.table.name}`);
  return r;
}

/** An aggregate route's groups, counted from the source rows: group key -> count(*). */
function expectedGroups(route: QueryRouteDef, f: FilterDef, source: readonly Row[]): Map<string, number> {
  const counts = new Map<string, number>();
  const keys = (route.groupBy ?? []).map((g) => {
    const out = route.columns.find((c) => c.expr === g);
    if (!out) throw new Error(`${route.path}: group ${g} is not an output column`);
    return { out: out.name, fromElement: g.startsWith('u.'), column: g.slice(3, -1) };
  });
  for (const row of source) {
    const elements = route.unnest ? (row[route.unnest.column] as unknown[]) : [undefined];
    for (const element of elements) {
      const compared = f.expr.startsWith('u.') ? element : row[f.column];
      if (!matches(f, compared)) continue;
      const key = JSON.stringify(keys.map((k) => (k.fromElement ? element : row[k.column])));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

const cases = queryRoutes.flatMap((route) => route.filters.map((filter) => ({ route, filter })));

describe.each(cases.map((c) => [`${c.route.path}?${c.filter.param} (${c.filter.op})`, c] as const))(
  '%s',
  (_name, { route, filter }) => {
    it('keeps exactly the rows the operator means', async () => {
      const source = await rows(rowsRouteOf(route));
      const got = await rows(route, { [filter.param]: String(probe(filter)) });
      if (!route.groupBy) {
        const expected = source.filter((r) => matches(filter, r[filter.column]));
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(source.length);
        for (const r of got)
          expect({ value: r[filter.column], ok: matches(filter, r[filter.column]) }).toEqual({
            value: r[filter.column],
            ok: true,
          });
        expect(got.length).toBe(expected.length);
        return;
      }
      const expected = expectedGroups(route, filter, source);
      expect(expected.size).toBeGreaterThan(0);
      const count = route.columns.find((c) => c.expr === 'count(*)');
      if (!count) throw new Error(`${route.path} has no count(*) column`);
      const keyNames = (route.groupBy ?? []).map(
        (g) => route.columns.find((c) => c.expr === g)?.name as string,
      );
      const actual = new Map(got.map((r) => [JSON.stringify(keyNames.map((k) => r[k])), r[count.name]]));
      expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    });
  },
);
