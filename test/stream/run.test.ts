/**
 * The `lake stream run` loop with the real emulator and worker; the job runner is replaced by a stand-in that reads
 * the raw files the way the Spark job's ledger does (new files only) and reports them, so that the loop's own
 * behaviour is tested here in seconds (the real job is exercised in stream-etl.test.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RunJobsResult, RunReport } from '../../lib/local/runner';
import { percentile, runStream } from '../../lib/stream/run';
import type { JobRunMeasure } from '../../lib/stream/run';
import { kinesisWriter } from '../../lib/stream/writer';
import { deliveredIds, openTestStream, testEvent } from './helpers';
import type { TestStream } from './helpers';

function listRaw(home: string): string[] {
  const raw = join(home, 'raw');
  const walk = (d: string): string[] => {
    try {
      return readdirSync(d).flatMap((n) =>
        statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
      );
    } catch {
      return [];
    }
  };
  return walk(join(raw, 'ad_events')).map((p) => relative(raw, p).split(sep).join('/'));
}

describe('stream run: produce, deliver and a job every interval', () => {
  let s: TestStream;
  beforeAll(async () => {
    s = await openTestStream('run');
  });
  afterAll(async () => {
    await s.close();
  });

  it('runs the job only when new raw files exist and measures each event from arrival to the end of its job run', async () => {
    const seen = new Set<string>();
    const calls: number[] = [];
    const jobMs = 150;
    const fakeJob = async (home: string): Promise<RunJobsResult> => {
      const files = listRaw(home).filter((k) => !seen.has(k));
      files.forEach((k) => seen.add(k));
      calls.push(files.length);
      await new Promise((r) => setTimeout(r, jobMs));
      const report = {
        dataset: 'ad_events',
        status: files.length > 0 ? 'succeeded' : 'no_new_data',
        files,
      } as unknown as RunReport;
      return { reports: [report], lines: [], exitCode: 0, stray: [], errors: [], busy: false };
    };
    const measures: JobRunMeasure[] = [];
    const events = Array.from({ length: 10_000 }, (_, i) => testEvent(i, 'run'));
    const r = await runStream({
      home: s.home,
      client: s.client,
      writer: kinesisWriter(s.client),
      streamName: s.target.streamName,
      payloads: events,
      rate: 400,
      buffering: { maxBytes: 1_000_000, maxMs: 300, pollMs: 50 },
      jobIntervalMs: 500,
      durationMs: 3000,
      runJobs: fakeJob,
      onJobRun: (m) => measures.push(m),
    });
    // about 3 s at 400/s
    expect(r.produced.records).toBeGreaterThan(800);
    expect(r.produced.records).toBeLessThan(1400);
    expect(r.delivered.records).toBe(r.produced.records);
    expect(deliveredIds(s.home)).toHaveLength(r.produced.records);
    // every job run had new files (none ran idle), and the last one (after the stop) took what was flushed on exit
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((n) => n > 0)).toBe(true);
    expect(r.unprocessedEvents).toBe(0);
    expect(r.delaysMs).toHaveLength(r.produced.records);
    // bounded: buffer time + job interval + job duration + polling, with slack for a busy machine
    expect(percentile(r.delaysMs, 100)).toBeLessThan(300 + 500 + jobMs + 1500);
    expect(percentile(r.delaysMs, 50)).toBeGreaterThanOrEqual(jobMs);
    expect(measures.reduce((n, m) => n + m.events, 0)).toBe(r.produced.records);
  });
});
