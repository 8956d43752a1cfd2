/** `lake query` and `lake catalog` on the shared fixture lake, through the real CLI. */
import { allTables } from '../../lib/contracts';
import type { CatalogEntry } from '../../lib/local/lake-catalog';
import { openLocalEngine } from '../../lib/local/sql-engine';
import { lakeAsync } from '../support/cli';
import { fixtureLake } from '../support/fixture-lake';
import type { FixtureLake } from '../support/fixture-lake';

let fx: FixtureLake;
beforeAll(() => {
  fx = fixtureLake();
});

it('lake catalog --json: every table with contract columns, PII flags, row counts and the version Spark committed', async () => {
  const r = await lakeAsync(['catalog', '--json'], { home: fx.home });
  expect(r.status).toBe(0);
  const entries = JSON.parse(r.stdout) as CatalogEntry[];
  expect(entries.map((e) => e.qualifiedName)).toEqual(allTables.map((t) => `${t.database}.${t.name}`));
  const engine = await openLocalEngine(fx.home);
  try {
    for (const e of entries) {
      const contract = allTables.find((t) => t.name === e.name);
      expect(e.columns.map((c) => [c.name, c.type, c.pii])).toEqual(
        contract?.columns.map((c) => [c.name, c.type, c.pii ?? false]),
      );
      const last = [...fx.reports].reverse().find((x) => x.dataset === e.name && x.snapshot_id !== null);
      if (!last) continue;
      expect(e.version?.snapshotId).toBe(last.snapshot_id);
      const n = await engine.query(`SELECT count(*) AS n FROM ${e.qualifiedName}`);
      expect(e.rowCount).toBe(n.rows[0]?.n);
      const newest = await engine.query(`SELECT max(${contract?.timeColumn}) AS m FROM ${e.qualifiedName}`);
      expect(e.freshness.newestEventTime).toBe(newest.rows[0]?.m);
      expect(e.freshness.lastSuccessfulRun?.runId).toBeDefined();
    }
  } finally {
    await engine.close();
  }
});

it('lake catalog <dataset> prints the columns with types and PII flags', async () => {
  const r = await lakeAsync(['catalog', 'transactions'], { home: fx.home });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^processed\.transactions \(dataset, owner /);
  expect(r.stdout).toMatch(/customer_email\s+string\s+PII/);
  expect(r.stdout).toMatch(/version: snapshot \d+ committed at /);
});

it('lake query prints the same rows in every format', async () => {
  const sql =
    'SELECT transaction_id, status, amount_usd, created_at FROM processed.transactions ORDER BY transaction_id LIMIT 5';
  const [json, csv, table] = await Promise.all(
    ['json', 'csv', 'table'].map((f) => lakeAsync(['query', sql, '--format', f], { home: fx.home })),
  );
  const rows = JSON.parse(json?.stdout ?? '') as Record<string, unknown>[];
  expect(rows).toHaveLength(5);
  const lines = (csv?.stdout ?? '').trim().split(/\r\n/);
  expect(lines[0]).toBe('transaction_id,status,amount_usd,created_at');
  expect(lines.slice(1)).toEqual(
    rows.map((r) => [r.transaction_id, r.status, r.amount_usd, r.created_at].join(',')),
  );
  for (const r of rows) expect(table?.stdout).toContain(String(r.transaction_id));
  expect(table?.stdout).toContain('(5 rows)');
});
