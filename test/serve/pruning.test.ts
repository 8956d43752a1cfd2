/**
 * File pruning of the local engine: which files a scan can need, from the manifests' partition values and column
 * bounds (pure cases), and, on the fixture lake, that every API route returns exactly the same rows with pruning
 * as over the whole table, while a one-day query reads only that day's files.
 */
import type { DataFile, PartitionField } from '../../lib/local/iceberg';
import { openLocalEngine, type LocalEngine } from '../../lib/local/sql-engine';
import { DuckDbEngine } from '../../lib/serve/duckdb-engine';
import { pruneFiles } from '../../lib/serve/pruning';
import { parseQueryInput } from '../../lambdas/api/params';
import { queryRoutes, type QueryRouteDef } from '../../lambdas/api/routes';
import { buildQuery } from '../../lambdas/api/sql';
import { fixtureLake } from '../support/fixture-lake';

const spec: PartitionField[] = [
  { name: 'event_ts_day', transform: 'day', sourceId: 3, sourceName: 'event_ts' },
];

function file(name: string, day: string | null, bounds: DataFile['bounds'] = {}): DataFile {
  return {
    path: `/t/${name}.parquet`,
    recordCount: 1,
    fileSizeBytes: 1,
    partition: { event_ts_day: day },
    bounds,
  };
}

const ms = (iso: string): number => Date.parse(iso);
const names = (files: readonly DataFile[]): string[] => files.map((f) => f.path.slice(3, -8));

describe('pruneFiles', () => {
  const files = [
    file('d1', '2025-03-01', { event_ts: { lower: '2025-03-01T00:10:00Z', upper: '2025-03-01T23:50:00Z' } }),
    file('d2', '2025-03-02', { event_ts: { lower: '2025-03-02T08:00:00Z', upper: '2025-03-02T12:00:00Z' } }),
    file('d3', '2025-03-03'),
    file('nulls', null),
  ];

  test('a one-day range keeps that day (and files whose day is unknown)', () => {
    const scan = {
      time: { column: 'event_ts', fromMs: ms('2025-03-02T00:00:00Z'), toMs: ms('2025-03-03T00:00:00Z') },
    };
    expect(names(pruneFiles(files, spec, scan))).toEqual(['d2', 'nulls']);
  });

  test('the end of the range is exclusive, its start inclusive', () => {
    const scan = {
      time: { column: 'event_ts', fromMs: ms('2025-03-01T23:50:00Z'), toMs: ms('2025-03-02T08:00:00Z') },
    };
    expect(names(pruneFiles(files, spec, scan))).toEqual(['d1', 'nulls']);
  });

  test('column bounds prune inside a day', () => {
    const scan = {
      time: { column: 'event_ts', fromMs: ms('2025-03-02T13:00:00Z'), toMs: ms('2025-03-02T14:00:00Z') },
    };
    expect(names(pruneFiles(files, spec, scan))).toEqual(['nulls']);
  });

  test('equality filters prune by bounds; a file without bounds for the column is kept', () => {
    const withIds = [
      file('a', '2025-03-01', { campaign_id: { lower: 'C-0001', upper: 'C-0004' } }),
      file('b', '2025-03-01', { campaign_id: { lower: 'C-0005', upper: 'C-0009' } }),
      file('c', '2025-03-01', { clicks: { lower: 1, upper: 9 } }),
      file('d', '2025-03-01', { campaign_id: { lower: 'C-0003', upper: 'C-0003' } }),
    ];
    expect(
      names(pruneFiles(withIds, spec, { equals: [{ column: 'campaign_id', value: 'C-0003' }] })),
    ).toEqual(['a', 'c', 'd']);
    expect(names(pruneFiles(withIds, spec, { equals: [{ column: 'clicks', value: 10 }] }))).toEqual([
      'a',
      'b',
      'd',
    ]);
    // a value of another type than the bounds proves nothing
    expect(names(pruneFiles(withIds, spec, { equals: [{ column: 'clicks', value: '10' }] }))).toHaveLength(4);
  });

  test('DATE columns: a day partition covers its date', () => {
    const dates: PartitionField[] = [
      { name: 'order_date_day', transform: 'day', sourceId: 1, sourceName: 'order_date' },
    ];
    const f = [
      {
        ...file('x', null),
        partition: { order_date_day: '2025-03-03' },
        bounds: { order_date: { lower: '2025-03-03', upper: '2025-03-03' } },
      },
      {
        ...file('y', null),
        partition: { order_date_day: '2025-03-04' },
        bounds: { order_date: { lower: '2025-03-04', upper: '2025-03-04' } },
      },
    ];
    const scan = {
      time: { column: 'order_date', fromMs: ms('2025-03-04T00:00:00Z'), toMs: ms('2025-03-05T00:00:00Z') },
    };
    expect(names(pruneFiles(f, dates, scan))).toEqual(['y']);
  });
});

describe('every API route on the fixture lake', () => {
  let local: LocalEngine;
  let pruned: DuckDbEngine;
  let full: DuckDbEngine;

  beforeAll(async () => {
    local = await openLocalEngine(fixtureLake().home);
    pruned = new DuckDbEngine(local);
    full = new DuckDbEngine(local, { prune: false });
  });
  afterAll(async () => {
    await local.close();
  });

  const { start, days } = fixtureLake().params;
  const day = (n: number): string =>
    new Date(Date.parse(`${start}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const ranges: Record<string, { from: string; to: string }> = {
    'first day': { from: day(0), to: day(1) },
    'last day': { from: day(days - 1), to: day(days) },
    'a few hours across midnight': { from: `${day(0)}T20:00:00Z`, to: `${day(1)}T03:00:00Z` },
    'the whole lake and a day either side': { from: day(-1), to: day(days + 1) },
  };

  async function rows(engine: DuckDbEngine, route: QueryRouteDef, q: Record<string, string>) {
    const built = buildQuery(route, parseQueryInput(route, 'admin', q), engine);
    return (await local.query(built.sql, built.params)).rows;
  }

  describe.each(queryRoutes.map((r) => [r.path, r] as const))('%s', (_path, route) => {
    test.each(Object.entries(ranges))('%s: the same rows as a full scan', async (_label, range) => {
      const q = { ...range, limit: '1000' };
      const expected = await rows(full, route, q);
      expect(await rows(pruned, route, q)).toEqual(expected);
    });

    test('with each equality filter, set to a value the lake holds: the same rows', async () => {
      const all = await rows(full, route, {
        ...ranges['the whole lake and a day either side']!,
        limit: '1000',
      });
      for (const f of route.filters.filter((x) => x.op === 'eq')) {
        const column = route.columns.find((c) => c.expr === f.expr)?.name;
        const value = column
          ? all.find((r) => r[column] !== null && r[column] !== undefined)?.[column]
          : undefined;
        if (value === undefined) continue;
        const q = {
          ...ranges['the whole lake and a day either side']!,
          limit: '1000',
          [f.param]: String(value),
        };
        const expected = await rows(full, route, q);
        expect(expected.length).toBeGreaterThan(0);
        expect(await rows(pruned, route, q)).toEqual(expected);
      }
    });
  });

  test("a one-day query names only that day's files", () => {
    for (const route of queryRoutes) {
      const table = local.tables().find((t) => t.contract === route.table);
      if (!table || table.files.length < 2) continue;
      const built = buildQuery(route, parseQueryInput(route, 'admin', ranges['first day']!), pruned);
      const named = table.files.filter((f) => built.sql.includes(f.path)).length;
      const firstDay = table.files.filter((f) => Object.values(f.partition).includes(day(0))).length;
      expect(named).toBe(firstDay);
      expect(named).toBeLessThan(table.files.length);
    }
  });
});
