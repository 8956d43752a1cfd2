/**
 * DuckDB sees exactly the committed snapshot: after a second ETL run that MERGEs a changed record (and moves it to
 * another day, so that a curated row loses its only input), the engine shows the new values only, while the old
 * Parquet files are still on disk (copy-on-write) and an engine opened before the commit keeps reading the
 * snapshot it opened. Counts are compared with what Spark itself committed (the snapshot summary and run report).
 *
 * Spark cannot write to a copy of the shared fixture lake (Iceberg metadata holds absolute paths), so this test
 * builds its own small lake: two ETL runs of transactions (and the curated tables it feeds), the only Spark runs
 * of the jest suite besides the fixture build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  }, 600_000);

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
});
