/**
 * The resident (warm) Spark on the real engine: runs after the first reuse its session, a resident killed in the
 * middle of a run loses nothing and the next run starts a new one, `lake down` stops it, and a change of the job
 * code replaces it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transactionRowsCsv } from '../../lib/generate';
import { openLocalEngine } from '../../lib/local/sql-engine';
import {
  jobCodeFingerprint,
  readResidentState,
  request,
  residentPaths,
  stopResident,
} from '../../lib/local/resident-spark';
import { runJobs } from '../../lib/local/runner';
import type { RunReport } from '../../lib/local/runner';
import { runLake } from '../support/fixture-lake';

jest.setTimeout(600_000);

function transactionsReport(reports: readonly RunReport[]): RunReport {
  const r = reports.find((x) => x.dataset === 'transactions');
  if (!r) throw new Error(`no transactions report among ${reports.map((x) => x.dataset).join(', ')}`);
  return r;
}

async function tableCount(home: string): Promise<number> {
  const engine = await openLocalEngine(home);
  try {
    return Number((await engine.query('SELECT count(*) AS n FROM processed.transactions')).rows[0]?.n);
  } finally {
    await engine.close();
  }
}

function land(dir: string, home: string, name: string, rows: number, seed: number, start: string): void {
  const file = join(dir, name);
  writeFileSync(file, transactionRowsCsv(rows, seed, { days: 2, start: new Date(start) }));
  const r = runLake(['ingest', 'transactions', file], { home });
  if (r.status !== 0) throw new Error(`ingest failed: ${r.stderr}`);
}

async function runsOf(home: string): Promise<number> {
  const state = readResidentState(home);
  if (!state) throw new Error('no resident Spark is running');
  let runs = -1;
  await request(state, { op: 'ping' }, (m) => {
    if ('pong' in m) runs = m.runs;
  });
  return runs;
}

describe('the resident Spark', () => {
  let dir: string;
  let home: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lake-warm-'));
    home = join(dir, 'lake');
  });

  afterAll(async () => {
    await stopResident(home);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a second run reuses the warm session and reads only the new batch', async () => {
    land(dir, home, 'first.csv', 300, 21, '2025-04-01T00:00:00Z');
    const first = await runJobs(home, { datasets: ['transactions'], warm: true });
    expect(first.exitCode).toBe(0);
    const pid = readResidentState(home)?.pid;
    expect(pid).toEqual(expect.any(Number));
    const r1 = transactionsReport(first.reports);
    expect(r1.status).toBe('succeeded');
    expect(r1.input_rows).toBe(300);

    land(dir, home, 'second.csv', 120, 22, '2025-05-01T00:00:00Z');
    const second = await runJobs(home, { datasets: ['transactions'], warm: true });
    expect(second.exitCode).toBe(0);
    expect(readResidentState(home)?.pid).toBe(pid);
    expect(await runsOf(home)).toBe(2);
    const r2 = transactionsReport(second.reports);
    expect(r2.input_rows).toBe(120);
    expect(r2.output_rows + r2.quarantined_rows + r2.duplicate_rows).toBe(r2.input_rows);
    // the report lines are the reports, as the cold runner prints them
    expect(second.lines.map((l) => JSON.parse(l) as RunReport)).toEqual(second.reports);
  });

  test('a resident killed during a run loses nothing; the next run starts a new one', async () => {
    land(dir, home, 'third.csv', 3_000, 23, '2025-06-01T00:00:00Z');
    const killedPid = readResidentState(home)?.pid;
    if (killedPid === undefined) throw new Error('no resident Spark is running');
    const before = await tableCount(home);
    let killed = false;
    const interrupted = await runJobs(home, {
      datasets: ['transactions'],
      warm: true,
      onLog: () => {
        if (!killed) {
          killed = true;
          process.kill(killedPid, 'SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    expect(interrupted.exitCode).toBe(1);
    expect(interrupted.reports.filter((r) => r.dataset === 'transactions')).toEqual([]);
    // whatever the killed run committed stays; nothing half-written is visible
    const committed = (await tableCount(home)) - before;

    const logs: string[] = [];
    const again = await runJobs(home, { datasets: ['transactions'], warm: true, onLog: (l) => logs.push(l) });
    expect(again.exitCode).toBe(0);
    expect(readResidentState(home)?.pid).not.toBe(killedPid);
    expect(logs.some((l) => l.includes('starting a resident Spark'))).toBe(true);
    const r = transactionsReport(again.reports);
    expect(r.input_rows).toBe(3_000);
    expect(r.output_rows + r.quarantined_rows + r.duplicate_rows).toBe(r.input_rows);
    expect(await tableCount(home)).toBe(before + committed + r.output_rows);
  });

  test('lake down stops it and removes its state', async () => {
    const pid = readResidentState(home)?.pid;
    expect(pid).toEqual(expect.any(Number));
    const down = runLake(['down'], { home });
    expect(down.status).toBe(0);
    expect(down.stdout).toContain('resident Spark stopped');
    expect(readResidentState(home)).toBeNull();
    expect(existsSync(residentPaths(home).state)).toBe(false);
    expect(runLake(['down'], { home }).stdout).toContain('resident Spark was not running');
  });
});

describe('the job code fingerprint', () => {
  test('changes when a job file changes, not otherwise', () => {
    const code = mkdtempSync(join(tmpdir(), 'lake-code-'));
    try {
      mkdirSync(join(code, 'datasets', '__pycache__'), { recursive: true });
      writeFileSync(join(code, 'job.py'), 'x = 1\n');
      writeFileSync(join(code, 'contracts.json'), '{}');
      const a = jobCodeFingerprint(code);
      expect(jobCodeFingerprint(code)).toBe(a);
      writeFileSync(join(code, 'datasets', '__pycache__', 'job.cpython-311.pyc'), 'bytecode');
      expect(jobCodeFingerprint(code)).toBe(a);
      writeFileSync(join(code, 'datasets', 'new.py'), 'y = 2\n');
      const b = jobCodeFingerprint(code);
      expect(b).not.toBe(a);
      writeFileSync(join(code, 'job.py'), 'x = 2\n');
      expect(jobCodeFingerprint(code)).not.toBe(b);
    } finally {
      rmSync(code, { recursive: true, force: true });
    }
  });
});
