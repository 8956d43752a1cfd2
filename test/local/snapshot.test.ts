/**
 * DuckDB sees exactly the committed snapshot: after a second ETL run that MERGEs a changed record (and moves it to
 * another day, so that a curated row loses its only input), the engine shows the new values only, while the old
 * Parquet files are still on disk (copy-on-write) and an engine opened before the commit keeps reading the
 * snapshot it opened. Counts are compared with what Spark itself committed (the snapshot summary and run report).
 *
 * The same two-version lake then serves the versions of the lake: history, time travel (`asOf`), diff by business
 * key and their errors (no Spark), and last a tag and a rollback through the CLI (two maintenance runs on Spark).
 *
 * Spark cannot write to a copy of the shared fixture lake (Iceberg metadata holds absolute paths), so this test
 * builds its own small lake: two ETL runs of transactions (and the curated tables it feeds), the only Spark runs
 * of the jest suite besides the fixture build and the two maintenance runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { transactionColumns, transactionRowsCsv } from '../../lib/generate';
import { openLocalEngine } from '../../lib/local/sql-engine';
import type { JsonValue, LocalEngine } from '../../lib/local/sql-engine';
import { readCurrentSnapshot } from '../../lib/local/iceberg';
import { layout, tableDir } from '../../lib/local/layout';
import type { RunReport } from '../../lib/local/runner';
import { runLake } from '../support/fixture-lake';
import { diffVersions } from '../../lib/local/diff';
import { tableHistory } from '../../lib/local/history';
import type { TableHistory } from '../../lib/versions/history';
import { jsonLogger } from '../../lambdas/api/logger';
import { createKey } from '../../lib/serve/api-keys';
import { createLocalRouter } from '../../lib/serve/local-app';
import { startServer } from '../../lib/serve/server';

const csvField = (v: JsonValue): string => {
  const s = v === null ? '' : typeof v === 'number' ? String(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

async function allFilesCount(home: string, transactionId: string): Promise<number> {
  // every Parquet file of the table on disk, current or not: what a reader that ignores the snapshot would see
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const glob = join(tableDir(layout(home), 'processed', 'transactions'), 'data', '**', '*.parquet');
    const r = await conn.runAndReadAll(
      `SELECT count(*) FROM read_parquet('${glob}', hive_partitioning = false) WHERE transaction_id = ?`,
      [transactionId],
    );
    return Number(r.getRows()[0]?.[0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('a second ETL run that MERGEs', () => {
  let dir: string;
  let home: string;
  let before: LocalEngine;
  let after: LocalEngine;
  let target: Record<string, JsonValue>;
  let group: { order_date: string; category: string; country: string };
  let reports: RunReport[];
  let countBefore: number;
  const newStatus = 'refunded';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lake-merge-'));
    home = join(dir, 'lake');
    const first = join(dir, 'orders_export.csv');
    writeFileSync(first, transactionRowsCsv(400, 11, { days: 2, start: new Date('2025-03-03T00:00:00Z') }));
    expect(runLake(['ingest', 'transactions', first], { home }).status).toBe(0);
    const etl1 = runLake(['etl', 'transactions', '--json', '--quiet'], { home });
    if (etl1.status !== 0)
      throw new Error(
        `the first ETL run failed (exit ${etl1.status}): ${etl1.stdout}\n${etl1.stderr.slice(-3000)}`,
      );
    before = await openLocalEngine(home);
    // a completed line that is the only transaction of its (day, category, country): its daily_sales row must go
    const lonely = await before.query(
      `SELECT t.* FROM processed.transactions t
         JOIN (SELECT order_date, category, country FROM processed.transactions GROUP BY ALL HAVING count(*) = 1) g
           USING (order_date, category, country)
        WHERE t.status = 'completed' ORDER BY t.transaction_id LIMIT 1`,
    );
    const row = lonely.rows[0];
    if (!row) throw new Error('the fixture lake has no transaction alone in its daily_sales group');
    target = row;
    group = {
      order_date: String(row.order_date),
      category: String(row.category),
      country: String(row.country),
    };
    countBefore = Number((await before.query('SELECT count(*) AS n FROM processed.transactions')).rows[0]?.n);

    // the same transaction re-exported: refunded, and placed one day later (the order system corrected it)
    const moved = new Date(Date.parse(String(row.created_at)) + 86_400_000)
      .toISOString()
      .replace('.000Z', 'Z');
    const values: Record<string, JsonValue> = {
      ...row,
      status: newStatus,
      created_at: moved,
      unit_price: Number(row.unit_price).toFixed(2),
    };
    const csv = `${transactionColumns.join(',')}\n${transactionColumns.map((c) => csvField(values[c] ?? null)).join(',')}\n`;
    const file = join(dir, 'correction.csv');
    writeFileSync(file, csv);

    const ingest = runLake(['ingest', 'transactions', file], { home: home });
    expect(ingest.status).toBe(0);
    const etl = runLake(['etl', 'transactions', '--json', '--quiet'], { home: home });
    reports = etl.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as RunReport);
    if (!reports.some((r) => r.dataset === 'transactions'))
      throw new Error(`etl printed no transactions report (exit ${etl.status}): ${etl.stderr.slice(-3000)}`);
    after = await openLocalEngine(home);
  }, 1_500_000);

  afterAll(async () => {
    await before?.close();
    await after?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tx = (): RunReport => reports.find((r) => r.dataset === 'transactions') as RunReport;

  it('the run read one record and merged it', () => {
    expect(tx().status).toBe('succeeded');
    expect(tx().input_rows).toBe(1);
    expect(tx().output_rows + tx().quarantined_rows + tx().duplicate_rows).toBe(1);
    expect(tx().output_rows).toBe(1);
  });

  it('the engine reads the snapshot the run committed, and its row count is the one Spark committed', async () => {
    const snap = await readCurrentSnapshot(tableDir(layout(home), 'processed', 'transactions'));
    expect(snap?.snapshot?.snapshotId).toBe(tx().snapshot_id);
    expect(
      after.tables().find((t) => t.contract.name === 'transactions')?.snapshot?.snapshot?.snapshotId,
    ).toBe(tx().snapshot_id);
    const n = Number((await after.query('SELECT count(*) AS n FROM processed.transactions')).rows[0]?.n);
    expect(n).toBe(Number(snap?.snapshot?.summary['total-records']));
    expect(n).toBe(countBefore); // an update, not an insert
  });

  it('shows the new version of the record only', async () => {
    const r = await after.query(
      'SELECT status, order_date FROM processed.transactions WHERE transaction_id = ?',
      [String(target.transaction_id)],
    );
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]?.status).toBe(newStatus);
    expect(r.rows[0]?.order_date).not.toBe(target.order_date);
  });

  it('while the replaced version is still on disk (copy-on-write), just not in the snapshot', async () => {
    expect(await allFilesCount(home, String(target.transaction_id))).toBeGreaterThanOrEqual(2);
  });

  it('an engine opened before the commit keeps reading the snapshot it opened', async () => {
    const r = await before.query('SELECT status FROM processed.transactions WHERE transaction_id = ?', [
      String(target.transaction_id),
    ]);
    expect(r.rows).toEqual([{ status: target.status }]);
  });

  it('daily_sales: the group that lost its only transaction is gone, and the count is the one Spark committed', async () => {
    const ds = [...reports].reverse().find((r) => r.dataset === 'daily_sales');
    expect(ds?.status).toBe('succeeded');
    const q =
      'SELECT count(*) AS n FROM curated.daily_sales WHERE order_date = CAST(? AS DATE) AND category = ? AND country = ?';
    const params = [group.order_date, group.category, group.country];
    expect((await before.query(q, params)).rows[0]?.n).toBe(1);
    expect((await after.query(q, params)).rows[0]?.n).toBe(0);
    const snap = await readCurrentSnapshot(tableDir(layout(home), 'curated', 'daily_sales'));
    expect(snap?.snapshot?.snapshotId).toBe(ds?.snapshot_id);
    expect((await after.query('SELECT count(*) AS n FROM curated.daily_sales')).rows[0]?.n).toBe(
      Number(snap?.snapshot?.summary['total-records']),
    );
  });

  describe('versions', () => {
    let h: TableHistory;
    const v1 = (): string => h.versions[1]?.version ?? '';
    const v2 = (): string => h.versions[0]?.version ?? '';

    beforeAll(() => {
      h = tableHistory(home, 'transactions');
    });

    it('history lists both versions newest first, with run ids, counts and what they were built from', () => {
      expect(h.total).toBe(2);
      expect(h.currentVersion).toBe(tx().snapshot_id);
      const [latest, older] = h.versions;
      expect(latest).toMatchObject({
        version: tx().snapshot_id,
        parentVersion: older?.version,
        current: true,
        undone: false,
        operation: 'overwrite',
        runId: tx().run_id,
        status: 'succeeded',
        counts: { input: 1, output: 1, quarantined: 0, duplicates: 0 },
        totalRows: countBefore,
        // the gate ran: every critical check passed, the freshness warning (the fixture's 2025 events) published
        quality: expect.objectContaining({
          outcome: 'warned',
          checks: expect.arrayContaining([
            expect.objectContaining({ name: 'quarantine_share', severity: 'critical', status: 'passed' }),
            expect.objectContaining({ name: 'fresh', severity: 'warn', status: 'failed' }),
          ]),
        }),
        anomalies: [], // its run was judged against its band (too little history to flag)
        rollback: null,
      });
      expect(latest?.builtFrom.batches).toHaveLength(1);
      expect(latest?.builtFrom.files[0]).toMatch(/correction\.csv$/);
      expect(older).toMatchObject({ current: false, operation: 'append', totalRows: countBefore });
      expect(older?.counts?.output).toBe(countBefore);
      const sales = tableHistory(home, 'curated.daily_sales');
      expect(sales.versions[0]?.builtFrom.tables).toEqual([
        { table: 'processed.transactions', version: tx().snapshot_id },
      ]);
      expect(sales.versions[1]?.builtFrom.tables).toEqual([
        { table: 'processed.transactions', version: v1() },
      ]);
      expect(tableHistory(home, 'transactions', { limit: 1 }).versions.map((v) => v.version)).toEqual([v2()]);
    });

    it('as of the first version (by id or by a time), the engine reads exactly the old rows: a count and a row', async () => {
      const at = h.versions[0]?.madeCurrentAt ?? '';
      const between = new Date(Date.parse(at) - 1).toISOString();
      for (const asOf of [v1(), between]) {
        const old = await openLocalEngine(home, { asOf });
        try {
          const n = await old.query('SELECT count(*) AS n FROM processed.transactions');
          expect(n.rows[0]?.n).toBe(countBefore);
          const r = await old.query('SELECT status FROM processed.transactions WHERE transaction_id = ?', [
            String(target.transaction_id),
          ]);
          expect(r.rows).toEqual([{ status: target.status }]);
          // a version names a point in time: daily_sales was committed after the first transactions version
          if (asOf === v1()) continue;
          // the other tables are read as of the same point: daily_sales still has the group that later went away
          const g = await old.query(
            'SELECT count(*) AS n FROM curated.daily_sales WHERE order_date = CAST(? AS DATE) AND category = ? AND country = ?',
            [group.order_date, group.category, group.country],
          );
          expect(g.rows[0]?.n).toBe(1);
        } finally {
          await old.close();
        }
      }
      const now = await openLocalEngine(home, { asOf: v2() });
      try {
        const r = await now.query('SELECT status FROM processed.transactions WHERE transaction_id = ?', [
          String(target.transaction_id),
        ]);
        expect(r.rows).toEqual([{ status: newStatus }]);
      } finally {
        await now.close();
      }
    });

    it('diff returns exactly the changed key and its changed columns; counts stay exact under --limit', async () => {
      const d = await diffVersions(home, 'transactions', v1(), v2());
      expect({ added: d.added, removed: d.removed, changed: d.changed }).toEqual({
        added: 0,
        removed: 0,
        changed: 1,
      });
      expect(d.rows.map((r) => [r.change, r.key])).toEqual([
        ['changed', { transaction_id: target.transaction_id }],
      ]);
      expect(d.rows[0]?.columns).toEqual(expect.arrayContaining(['status', 'created_at', 'order_date']));
      expect(d.rows[0]?.columns).not.toContain('customer_email');
      expect(d.rows[0]?.before?.status).toBe(target.status);
      expect(d.rows[0]?.after?.status).toBe(newStatus);
      const salesFirst = tableHistory(home, 'daily_sales').versions[1]?.version ?? '';
      const sales = await diffVersions(home, 'daily_sales', salesFirst, 'main', { limit: 0 });
      expect(sales.rows).toEqual([]);
      expect(sales.truncated).toBe(true);
      expect(sales.removed).toBeGreaterThanOrEqual(1);
      const listed = await diffVersions(home, 'daily_sales', sales.from.version, 'main', { limit: 1000 });
      expect(listed.rows.filter((r) => r.change === 'removed').map((r) => r.key)).toContainEqual(group);
      expect(listed.rows).toHaveLength(sales.added + sales.removed + sales.changed);
    });

    it("unknown versions, refs, early times and another table's version are clear errors naming what exists", async () => {
      await expect(openLocalEngine(home, { asOf: '12345' })).rejects.toThrow(
        /no table of the lake has version 12345/,
      );
      await expect(openLocalEngine(home, { asOf: 'release-9' })).rejects.toThrow(
        /no table of the lake has a tag or branch 'release-9' \(refs in the lake: main\)/,
      );
      const early = await openLocalEngine(home, { asOf: '2001-01-01T00:00:00Z' });
      try {
        await expect(early.query('SELECT count(*) FROM processed.transactions')).rejects.toThrow(
          new RegExp(
            `processed.transactions has no version at 2001-01-01T00:00:00.000Z: its first version ${v1()}`,
          ),
        );
      } finally {
        await early.close();
      }
      const salesVersion = tableHistory(home, 'daily_sales').versions[0]?.version ?? '';
      await expect(diffVersions(home, 'transactions', salesVersion, 'main')).rejects.toThrow(
        `version ${salesVersion} is a version of curated.daily_sales, not of processed.transactions`,
      );
      await expect(diffVersions(home, 'transactions', '999', 'main')).rejects.toThrow(
        new RegExp(`processed.transactions has no version 999; its newest versions: ${v2()} .*${v1()}`),
      );
      const cli = runLake(['query', '--as-of', 'nope', 'SELECT 1'], { home });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toMatch(/lake: query: no table of the lake has a tag or branch 'nope'/);
      const roll = runLake(['rollback', 'transactions', salesVersion], { home });
      expect(roll.status).toBe(1);
      expect(roll.stderr).toMatch(/is a version of curated.daily_sales, not of processed.transactions/);
    });

    it('lake history and lake diff print the same records as JSON', () => {
      const cli = runLake(['history', 'transactions', '--json'], { home });
      expect(cli.status).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(h)));
      const diff = runLake(['diff', 'transactions', v1(), v2()], { home });
      expect(diff.status).toBe(0);
      expect(diff.stdout).toContain('added 0, removed 0, changed 1');
      expect(diff.stdout).toContain(String(target.transaction_id));
    });

    it('through the HTTP API, as_of reads exactly the old version (a count and a row), and the versions route lists both', async () => {
      const keysHome = mkdtempSync(join(tmpdir(), 'lake-api-versions-'));
      const key = createKey(keysHome, 'admin', 'versions test').key;
      const engine = await openLocalEngine(home, { olderVersions: true });
      const srv = await startServer(
        createLocalRouter({ home: keysHome, engine, logger: jsonLogger({ level: 'silent' }) }),
        { port: 0, host: '127.0.0.1' },
      );
      const get = async (
        path: string,
        query: Record<string, string>,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
      ): Promise<{ status: number; body: any }> => {
        const res = await fetch(`${srv.url}${path}?${new URLSearchParams(query)}`, {
          headers: { 'x-api-key': key },
        });
        return { status: res.status, body: await res.json() };
      };
      /** every row of the range, page by page */
      const rows = async (asOf?: string): Promise<Record<string, JsonValue>[]> => {
        const out: Record<string, JsonValue>[] = [];
        let cursor: string | null = null;
        do {
          const r = await get('/v1/transactions', {
            from: '2025-03-01',
            to: '2025-03-10',
            limit: '1000',
            fields: 'transaction_id,status',
            ...(asOf ? { as_of: asOf } : {}),
            ...(cursor ? { cursor } : {}),
          });
          expect(r.status).toBe(200);
          if (asOf) expect(r.body.asOf).toMatchObject({ requested: asOf, version: v1() });
          else expect(r.body.asOf).toBeUndefined();
          out.push(...r.body.data);
          cursor = r.body.page.next;
        } while (cursor);
        return out;
      };
      const id = String(target.transaction_id);
      try {
        const between = new Date(Date.parse(h.versions[0]?.madeCurrentAt ?? '') - 1).toISOString();
        for (const asOf of [v1(), between]) {
          const old = await rows(asOf);
          expect(old).toHaveLength(countBefore);
          expect(old.filter((r) => r.transaction_id === id)).toEqual([
            { transaction_id: id, status: target.status },
          ]);
        }
        const now = await rows();
        expect(now.filter((r) => r.transaction_id === id)).toEqual([
          { transaction_id: id, status: newStatus },
        ]);
        // a version of one table names nothing in another: a 404 that lists the table's own versions
        const salesVersion = tableHistory(home, 'daily_sales').versions[0]?.version ?? '';
        const other = await get('/v1/transactions', {
          from: '2025-03-01',
          to: '2025-03-10',
          as_of: salesVersion,
        });
        expect(other.status).toBe(404);
        expect(other.body.error.details.versions.map((v: { version: string }) => v.version)).toEqual([
          v2(),
          v1(),
        ]);

        const listed = await get('/v1/datasets/transactions/versions', {});
        expect(listed.status).toBe(200);
        expect(listed.body).toMatchObject({
          table: 'processed.transactions',
          currentVersion: v2(),
          total: 2,
        });
        expect(listed.body.data).toEqual(
          h.versions.map((v) =>
            expect.objectContaining({
              version: v.version,
              committedAt: v.committedAt,
              operation: v.operation,
              runId: v.runId,
              totalRows: countBefore,
              current: v.current,
            }),
          ),
        );
      } finally {
        await srv.close();
        await engine.close();
        rmSync(keysHome, { recursive: true, force: true });
      }
    });

    it('a tag names the first version; a rollback to it restores exactly its rows, as a new history entry', async () => {
      const tag = runLake(['tag', 'transactions', 'before-fix', '--version', v1(), '--quiet'], { home });
      expect(tag.stderr).toBe('');
      expect(tag.status).toBe(0);
      const tagged = await openLocalEngine(home, { asOf: 'before-fix' });
      const roll = runLake(['rollback', 'transactions', 'before-fix', '--quiet'], { home });
      expect(roll.stderr).toBe('');
      expect(roll.status).toBe(0);
      expect(roll.stdout).toContain(`rolled back from ${v2()} to ${v1()}`);
      expect(roll.stdout).toMatch(/1 raw file\(s\) of the undone loads are held/);
      const now = await openLocalEngine(home);
      try {
        const all = 'SELECT * FROM processed.transactions ORDER BY transaction_id';
        expect((await now.query(all)).rows).toEqual((await tagged.query(all)).rows);
        const g = await now.query(
          'SELECT count(*) AS n FROM curated.daily_sales WHERE order_date = CAST(? AS DATE) AND category = ? AND country = ?',
          [group.order_date, group.category, group.country],
        );
        expect(g.rows[0]?.n).toBe(1); // recomputed from the rolled-back input
      } finally {
        await now.close();
        await tagged.close();
      }
      const after = tableHistory(home, 'transactions');
      expect(after.total).toBe(3);
      expect(after.versions[0]).toMatchObject({
        version: v1(),
        current: true,
        operation: 'rollback',
        rollback: { from: v2() },
        tags: ['before-fix'],
      });
      expect(after.versions[0]?.runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
      expect(after.versions[1]).toMatchObject({ version: v2(), undone: true, current: false });
      const ledger = JSON.parse(readFileSync(join(home, 'state', 'ledger', 'transactions.json'), 'utf8')) as {
        files: Record<string, { run_id: string; undone_by?: string }>;
      };
      const undone = Object.entries(ledger.files).filter(([, v]) => v.undone_by);
      expect(undone.map(([k]) => k)).toEqual([expect.stringMatching(/correction\.csv$/)]);
      expect(undone[0]?.[1].undone_by).toBe(after.versions[0]?.runId);
    }, 1_800_000);
  });
});
