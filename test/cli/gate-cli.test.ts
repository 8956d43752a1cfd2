/**
 * The quality gate end to end, through the CLI a user types, on real local Spark + Iceberg: a batch with half of
 * its records quarantined fails the critical `quarantine_share` check, so `lake etl` exits 3 and leaves main
 * exactly as it was; the batch waits on its audit branch (`lake query --as-of audit_<run>` reads it, `lake status`
 * lists it as held); `lake publish` makes it visible; a second publish or a discard of it is refused, naming why.
 *
 * Spark cannot write to a copy of the shared fixture lake (Iceberg metadata holds absolute paths), so this test
 * builds its own small lake: three Spark runs (a first load, the blocked load, the publish).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transactionColumns, transactionRowsCsv } from '../../lib/generate';
import type { RunReport } from '../../lib/local/runner';
import type { PipelineStatus } from '../../lib/status/pipeline-status';
import { BLOCKED_EXIT_CODE } from '../../lib/cli/etl-run';
import { runLake } from '../support/fixture-lake';

const reportsOf = (stdout: string): RunReport[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as RunReport);

const QUANTITY = transactionColumns.indexOf('quantity');

/** A generated export where every other plain line has quantity 0 (the contract's minimum is 1). */
function halfBadCsv(rows: number): { csv: string; bad: number } {
  const lines = transactionRowsCsv(rows, 5, { days: 1, start: new Date('2025-03-06T00:00:00Z') })
    .toString('utf8')
    .split('\n');
  let bad = 0;
  const out = lines.map((line, i) => {
    const fields = line.split(',');
    if (i === 0 || i % 2 === 1 || line.includes('"') || fields.length !== transactionColumns.length)
      return line;
    fields[QUANTITY] = '0';
    bad += 1;
    return fields.join(',');
  });
  return { csv: out.join('\n'), bad };
}

describe('a batch the quality gate blocks, reviewed and published through the CLI', () => {
  let dir: string;
  let home: string;
  let first: RunReport;
  let blocked: RunReport;
  let blockedExit: number;
  let badRows: number;
  const total = 60;

  const count = (asOf?: string): number => {
    const r = runLake(
      [
        'query',
        '--format',
        'json',
        ...(asOf ? ['--as-of', asOf] : []),
        'SELECT count(*) AS n FROM processed.transactions',
      ],
      { home },
    );
    if (r.status !== 0) throw new Error(`lake query failed (exit ${r.status}): ${r.stderr}`);
    return Number((JSON.parse(r.stdout) as { n: number }[])[0]?.n);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lake-gate-'));
    home = join(dir, 'lake');
    const good = join(dir, 'orders_export.csv');
    writeFileSync(good, transactionRowsCsv(300, 11, { days: 2, start: new Date('2025-03-03T00:00:00Z') }));
    expect(runLake(['ingest', 'transactions', good], { home }).status).toBe(0);
    const etl1 = runLake(['etl', 'transactions', '--json', '--quiet'], { home });
    first = reportsOf(etl1.stdout).find((r) => r.dataset === 'transactions') as RunReport;
    if (etl1.status !== 0 || !first)
      throw new Error(`the first load failed (exit ${etl1.status}): ${etl1.stderr.slice(-3000)}`);

    const { csv, bad } = halfBadCsv(total);
    badRows = bad;
    const file = join(dir, 'bad_export.csv');
    writeFileSync(file, csv);
    expect(runLake(['ingest', 'transactions', file], { home }).status).toBe(0);
    const etl2 = runLake(['etl', 'transactions', '--json', '--quiet'], { home });
    blockedExit = etl2.status;
    blocked = reportsOf(etl2.stdout).find((r) => r.dataset === 'transactions') as RunReport;
    if (!blocked) throw new Error(`the second load printed no report (exit ${etl2.status}): ${etl2.stderr}`);
  }, 1_200_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the batch is blocked by its quarantine share, measured against the threshold, and lake etl exits 3', () => {
    expect(first.status).toBe('succeeded');
    expect(badRows).toBeGreaterThan(total / 3);
    expect(blocked.status).toBe('blocked');
    expect(blockedExit).toBe(BLOCKED_EXIT_CODE);
    expect(blocked.input_rows).toBe(total);
    expect(blocked.quarantined_rows).toBe(badRows);
    expect(blocked.output_rows + blocked.quarantined_rows + blocked.duplicate_rows).toBe(total);
    const check = blocked.quality?.checks.find((c) => c.name === 'quarantine_share');
    expect(check).toMatchObject({ status: 'failed', severity: 'critical' });
    expect(Number(check?.value)).toBeCloseTo(badRows / total, 3);
    // the branch is named for the run (Iceberg ref names keep to letters, digits and '_')
    expect(blocked.quality?.branch).toBe(`audit_${blocked.run_id.replace(/-/g, '_')}`);
  });

  it('main is unchanged and the audit branch holds the new rows', () => {
    expect(count()).toBe(first.output_rows);
    expect(count(blocked.quality?.branch ?? 'no branch')).toBe(first.output_rows + blocked.output_rows);
  });

  it('lake status lists the run as held, names the way on, and exits non-zero', () => {
    const r = runLake(['status', '--json', '--no-stream'], { home });
    expect(r.status).not.toBe(0);
    const s = JSON.parse(r.stdout) as PipelineStatus;
    const tx = s.tables.find((t) => t.table === 'transactions');
    expect(tx?.held.map((h) => h.runId)).toEqual([blocked.run_id]);
    expect(tx?.held[0]?.branch).toBe(blocked.quality?.branch);
    expect(r.stdout).toContain(`lake publish transactions ${blocked.run_id}`);
  });

  it('publishes after review: the rows become visible, and the run is no longer waiting', () => {
    const wrong = runLake(['publish', 'transactions', 'no-such-run'], { home });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain(`blocked runs waiting: ${blocked.run_id}`);

    const pub = runLake(['publish', 'transactions', blocked.run_id], { home });
    if (pub.status !== 0) throw new Error(`publish failed (exit ${pub.status}): ${pub.stderr.slice(-3000)}`);
    expect(pub.stdout).toContain(`published run ${blocked.run_id}`);
    expect(count()).toBe(first.output_rows + blocked.output_rows);

    for (const action of ['publish', 'discard']) {
      const again = runLake([action, 'transactions', blocked.run_id], { home });
      expect(again.status).not.toBe(0);
      expect(again.stderr).toMatch(/no longer waiting \(published by run \S+\)/);
    }
    const after = runLake(['status', '--json', '--no-stream'], { home });
    const tx = (JSON.parse(after.stdout) as PipelineStatus).tables.find((t) => t.table === 'transactions');
    expect(tx?.held).toEqual([]);
  });
});
