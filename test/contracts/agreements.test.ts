/**
 * The agreements TypeScript and the jobs share beyond the datasets: run reports as the real jobs write them, the
 * id format, the lake's folder layout. (The JSON the jobs read is checked against these declarations by the drift
 * test in contracts.test.ts; the jobs' side by glue-jobs/tests/test_agreements.py.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idFormat, newId } from '../../lib/contracts/ids';
import { lakeKey, lakeZones } from '../../lib/contracts/lake-layout';
import { runReportFields, runReportProblems } from '../../lib/contracts/run-report';
import type { RunReport } from '../../lib/contracts/run-report';
import { batchKey, newBatchId } from '../../lib/local/ingest';
import { ingestManifestPath, layout, runReportsDir } from '../../lib/local/layout';
import { readRunReports } from '../../lib/local/runner';
import { fixtureLake } from '../support/fixture-lake';

describe('run reports', () => {
  it('every report the real jobs wrote (files and stdout) has exactly the declared fields', () => {
    const fx = fixtureLake();
    const datasets = readdirSync(layout(fx.home).reports);
    expect(datasets.length).toBeGreaterThanOrEqual(6);
    for (const d of datasets) {
      const dir = runReportsDir(layout(fx.home), d);
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        const doc: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
        expect([name, runReportProblems(doc)]).toEqual([name, []]);
      }
      expect(readRunReports(fx.home, d).length).toBeGreaterThan(0);
    }
    for (const r of fx.reports) expect(runReportProblems(r)).toEqual([]);
    const curated = fx.reports.find((r) => r.dataset === 'daily_sales');
    expect(curated?.deleted_rows).toEqual(expect.any(Number));
  });

  it('the check names what drifted', () => {
    const ok: RunReport = {
      dataset: 'transactions',
      table: 'lake.processed.transactions',
      run_id: '20261128T154300Z-1a2b3c',
      started_at: '2026-11-28T15:43:00.000Z',
      status: 'succeeded',
      input_rows: 2,
      output_rows: 2,
      quarantined_rows: 0,
      duplicate_rows: 0,
      quarantine_reasons: {},
      snapshot_id: null,
      duration_ms: 5,
      files: [],
      failed_files: [],
      error: null,
    };
    expect(runReportProblems(ok)).toEqual([]);
    const { files: _files, ...withoutFiles } = ok;
    expect(
      runReportProblems({ ...withoutFiles, status: 'paused', input_rows: 1.5, rows_per_second: 3 }).sort(),
    ).toEqual([
      'input_rows is not integer',
      'missing files',
      'status is not status',
      'undeclared field rows_per_second',
    ]);
    expect(runReportProblems([])).toEqual(['not a JSON object']);
    expect(Object.keys(runReportFields)).toContain('deleted_rows');
  });
});

describe('ids', () => {
  it('batch ids have the declared format and sort by time', () => {
    const early = newBatchId(new Date('2026-11-28T15:43:00.123Z'));
    const late = newId(new Date('2026-11-28T15:43:01Z'));
    expect(early).toMatch(new RegExp(idFormat.pattern));
    expect(early.startsWith('20261128T154300Z-')).toBe(true);
    expect(early < late).toBe(true);
    expect(newBatchId()).not.toBe(newBatchId());
  });
});

describe('folder layout', () => {
  it('the lake home has the declared zones and the keys the lake always had', () => {
    const l = layout('/tmp/h');
    expect([l.raw, l.warehouse, l.quarantine, l.reports, l.state]).toEqual(
      Object.values(lakeZones).map((z) => join('/tmp/h', z)),
    );
    expect(batchKey('transactions', '2026-11-28', 'b1')).toBe('transactions/ingest_date=2026-11-28/batch=b1');
    expect(runReportsDir(l, 'server_logs')).toBe('/tmp/h/reports/server_logs');
    expect(ingestManifestPath(l, 'b1')).toBe('/tmp/h/state/ingest/b1.json');
    expect(lakeKey('quarantineRun', { dataset: 'ad_events', runId: 'R' })).toBe('ad_events/run_id=R');
    expect(() => lakeKey('ledger', {})).toThrow(/no value for \{dataset\}/);
  });
});
