/**
 * The local engine reads exactly the current Iceberg snapshot, with the contracts' columns and types, and nothing
 * else: no writes, no other files. Real DuckDB; the shared fixture lake built by the real Spark jobs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTables } from '../../lib/contracts';
import {
  duckDbType,
  firstRows,
  limiter,
  openLocalEngine,
  QueryError,
  QueryRefusedError,
} from '../../lib/local/sql-engine';
import type { LocalEngine } from '../../lib/local/sql-engine';
import { readCurrentSnapshot } from '../../lib/local/iceberg';
import { layout, tableDir } from '../../lib/local/layout';
import { fixtureLake, fixtureReport } from '../support/fixture-lake';
import type { FixtureLake } from '../support/fixture-lake';

describe('an empty lake home', () => {
  let dir: string;
  let engine: LocalEngine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lake-empty-'));
    engine = await openLocalEngine(dir);
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(allTables.map((t) => [`${t.database}.${t.name}`, t] as const))(
    '%s is an empty view with the contract columns and types, in order',
    async (name, t) => {
      const described = await engine.query(`DESCRIBE ${name}`);
      expect(described.rows.map((r) => [r.column_name, r.column_type])).toEqual(
        t.columns.map((c) => [c.name, duckDbType(c.type)]),
      );
      const rows = await engine.query(`SELECT * FROM ${name}`);
      expect(rows.rows).toEqual([]);
      expect(rows.columns.map((c) => c.name)).toEqual(t.columns.map((c) => c.name));
    },
  );

  it('returns JSON-friendly values: ISO timestamps with Z, dates, decimals and bigints as numbers, lists, structs', async () => {
    const r = await engine.query(
      "SELECT TIMESTAMP '2025-03-03 10:00:00.25' AS t, TIMESTAMPTZ '2025-03-03 10:00:00+02' AS tz, DATE '2025-03-04' AS d, 12.30::DECIMAL(18,2) AS m, 9007199254740::BIGINT AS b, sum(2::BIGINT) AS h, ['x', NULL] AS l, {'a': DATE '2025-01-01'} AS s, NULL AS n",
    );
    expect(r.rows).toEqual([
      {
        t: '2025-03-03T10:00:00.25Z',
        tz: '2025-03-03T08:00:00Z',
        d: '2025-03-04',
        m: 12.3,
        b: 9007199254740,
        h: 2,
        l: ['x', null],
        s: { a: '2025-01-01' },
        n: null,
      },
    ]);
  });

  it('converts only the rows a caller asks for with firstRows, with the same values as the whole result', async () => {
    const sql =
      "SELECT i, TIMESTAMP '2025-03-03 10:00:00' + to_seconds(i) AS t, i::DECIMAL(18,2) AS m, [i, NULL] AS l, CASE WHEN i % 2 = 0 THEN NULL ELSE 'odd' END AS s FROM range(3000) r(i) ORDER BY i";
    const head = firstRows(await engine.query(sql), 1001);
    const whole = (await engine.query(sql)).rows;
    expect(whole).toHaveLength(3000);
    expect(head).toEqual(whole.slice(0, 1001));
    expect(firstRows(await engine.query(sql), 5000)).toEqual(whole);
    expect(firstRows(await engine.query('SELECT 1 AS a WHERE false'), 10)).toEqual([]);
  });

  it('binds ? as prepared parameters (values never become SQL)', async () => {
    const evil = "x' OR 1=1; DROP VIEW processed.transactions; --";
    const r = await engine.query('SELECT ? AS s, ? + 1 AS n, ? AS b, ? AS z', [evil, 41, true, null]);
    expect(r.rows).toEqual([{ s: evil, n: 42, b: true, z: null }]);
    await expect(engine.query('SELECT ? AS a', [])).rejects.toThrow(QueryError);
  });

  const refusals: [string, string][] = [
    ['INSERT', "INSERT INTO processed.transactions (transaction_id) VALUES ('x')"],
    ['UPDATE', "UPDATE processed.transactions SET status = 'x'"],
    ['DELETE', 'DELETE FROM curated.daily_sales'],
    ['CREATE', 'CREATE TABLE t AS SELECT 1 AS a'],
    ['CREATE VIEW over a file', "CREATE VIEW v AS SELECT * FROM read_csv('/etc/passwd')"],
    ['DROP', 'DROP VIEW processed.transactions'],
    ['COPY TO a file', "COPY (SELECT 1) TO '/tmp/lake-engine-test-out.csv'"],
    ['COPY FROM a file', "COPY processed.transactions FROM '/etc/passwd'"],
    ['ATTACH', "ATTACH '/tmp/lake-engine-test.duckdb' AS x"],
    ['PRAGMA that changes state', 'PRAGMA enable_profiling'],
    ['SET', 'SET enable_external_access = true'],
    ['LOAD', 'LOAD httpfs'],
    ['INSTALL', 'INSTALL httpfs'],
    ['multiple statements', 'SELECT 1; SELECT 2'],
    ['a read followed by a write', 'SELECT 1; DROP VIEW processed.transactions'],
    ['read_csv of /etc/passwd', "SELECT * FROM read_csv('/etc/passwd')"],
    ['read_text of a file', "SELECT * FROM read_text('/etc/hostname')"],
    ['glob of the file system', "SELECT * FROM glob('/etc/*')"],
  ];
  it.each(refusals)('refuses %s with a clear error', async (_what, sql) => {
    await expect(engine.query(sql)).rejects.toThrow(QueryRefusedError);
    await expect(engine.query(sql)).rejects.toThrow(/refused/);
  });

  it('still answers after refusals (nothing was changed)', async () => {
    const r = await engine.query(
      "SELECT current_setting('enable_external_access') AS ext, count(*) AS n FROM processed.transactions",
    );
    expect(r.rows).toEqual([{ ext: false, n: 0 }]);
  });

  it('reports syntax and binder errors of reads as query errors, not refusals', async () => {
    await expect(engine.query('SELEC 1')).rejects.toThrow(QueryError);
    await expect(engine.query('SELECT no_such_column FROM processed.transactions')).rejects.toThrow(
      /no_such_column/,
    );
  });
});

describe('the fixture lake (built by the real Spark jobs)', () => {
  let fx: FixtureLake;
  let engine: LocalEngine;
  beforeAll(async () => {
    fx = fixtureLake();
    engine = await openLocalEngine(fx.home);
  });
  afterAll(async () => {
    await engine?.close();
  });

  const builtTables = (): string[] =>
    fx.reports.filter((r) => r.status === 'succeeded').map((r) => r.dataset);

  it('has at least the transactions and daily_sales tables', () => {
    expect(builtTables()).toEqual(expect.arrayContaining(['transactions', 'daily_sales']));
  });

  it.each(allTables.map((t) => [t.name, t] as const))(
    '%s: the view holds exactly the rows of the current snapshot Spark committed',
    async (name, t) => {
      const report = [...fx.reports].reverse().find((r) => r.dataset === name && r.snapshot_id !== null);
      if (!report) return; // this table was not built by the fixture's ETL (see the fixture report)
      const snap = await readCurrentSnapshot(tableDir(layout(fx.home), t.database, t.name));
      expect(snap?.snapshot?.snapshotId).toBe(report.snapshot_id);
      const engineTable = engine.tables().find((x) => x.contract.name === name);
      expect(engineTable?.snapshot?.snapshot?.snapshotId).toBe(report.snapshot_id);
      const n = await engine.query(`SELECT count(*) AS n FROM ${t.database}.${t.name}`);
      // Spark's own count of the snapshot, written by Iceberg into the snapshot summary
      expect(n.rows[0]?.n).toBe(Number(snap?.snapshot?.summary['total-records']));
      const keys = t.businessKey.map((k) => `"${k}"`).join(', ');
      const dup = await engine.query(
        `SELECT count(*) AS n FROM (SELECT ${keys} FROM ${t.database}.${t.name} GROUP BY ${keys} HAVING count(*) > 1)`,
      );
      expect(dup.rows[0]?.n).toBe(0);
    },
  );

  it('transactions: the first run wrote output_rows rows, all visible', async () => {
    const report = fixtureReport(fx, 'transactions');
    expect(report?.status).toBe('succeeded');
    const n = await engine.query('SELECT count(*) AS n FROM processed.transactions');
    expect(n.rows[0]?.n).toBe(report?.output_rows);
  });

  it('returns typed, JSON-friendly values from the Parquet files', async () => {
    const r = await engine.query(
      'SELECT created_at, order_date, amount_usd, quantity, order_hour FROM processed.transactions ORDER BY transaction_id LIMIT 5',
    );
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(row.order_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(String(row.created_at).slice(0, 10)).toBe(row.order_date);
      expect(typeof row.amount_usd).toBe('number');
      expect(Number.isInteger(row.quantity)).toBe(true);
    }
    expect(r.columns.find((c) => c.name === 'amount_usd')?.type).toBe('DECIMAL(18,2)');
  });

  it('filters with parameters compare in UTC', async () => {
    const day = fx.params.start;
    const r = await engine.query(
      'SELECT count(*) AS n FROM processed.transactions WHERE created_at >= CAST(? AS TIMESTAMP) AND created_at < CAST(? AS TIMESTAMP) + INTERVAL 1 DAY',
      [day, day],
    );
    const d = await engine.query(
      'SELECT count(*) AS n FROM processed.transactions WHERE order_date = CAST(? AS DATE)',
      [day],
    );
    expect(r.rows[0]?.n).toBe(d.rows[0]?.n);
    expect(Number(r.rows[0]?.n)).toBeGreaterThan(0);
  });

  it('cannot read files of the lake outside the views either', async () => {
    const anyFile = engine.tables().find((t) => t.files.length > 0)?.files[0]?.path;
    expect(anyFile).toBeDefined();
    await expect(
      engine.query(`SELECT * FROM read_parquet('${join(fx.home, 'raw', '**', '*')}')`),
    ).rejects.toThrow(QueryRefusedError);
    await expect(
      engine.query(`SELECT * FROM read_csv('${join(fx.home, 'state', 'ingest', '*.json')}')`),
    ).rejects.toThrow(QueryRefusedError);
  });
});

describe('limiter', () => {
  it('runs at most n tasks at once, the others in the order they came', async () => {
    const inTurn = limiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 3) * 5));
      running--;
      return i * 10;
    };
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => inTurn(task(i))));
    expect(results).toEqual([0, 10, 20, 30, 40, 50]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('goes on with the next task when one fails', async () => {
    const inTurn = limiter(1);
    const failed = inTurn(async () => {
      throw new Error('boom');
    });
    const next = inTurn(async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
