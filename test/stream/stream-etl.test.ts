/**
 * The whole real-time path once, through the real ad_events Spark job (two runner calls): produce -> deliver ->
 * `python -m lake_jobs.run --dataset ad_events` -> the same batch replayed -> the table is unchanged and the replay
 * is counted as duplicates. The run report alone accounts for every produced record: the job also reads the error prefix
 * (records that are not a JSON object) and quarantines those records.
 */
import { adEventPayloads } from '../../lib/generate';
import { openLocalEngine } from '../../lib/local/sql-engine';
import { runJobs } from '../../lib/local/runner';
import type { RunReport } from '../../lib/local/runner';
import { deliver } from '../../lib/stream/delivery';
import { produce } from '../../lib/stream/producer';
import { kinesisWriter } from '../../lib/stream/writer';
import { openTestStream } from './helpers';
import type { TestStream } from './helpers';

async function tableRows(home: string): Promise<Record<string, unknown>[]> {
  const engine = await openLocalEngine(home);
  try {
    const r = await engine.query(
      'SELECT event_id, event_type, campaign_id, cost, event_time FROM processed.ad_events ORDER BY event_id',
    );
    return r.rows;
  } finally {
    await engine.close();
  }
}

/** Records quarantined for what the delivery could not deliver (error prefix): parse:json, parse:encoding, ... */
function parseReasons(report: RunReport): number {
  return ['parse:json', 'parse:encoding', 'parse:delivery']
    .map((r) => report.quarantine_reasons[r] ?? 0)
    .reduce((a, b) => a + b, 0);
}

async function runAdEvents(home: string): Promise<RunReport> {
  const r = await runJobs(home, { datasets: ['ad_events'] });
  const report = r.reports.find((x) => x.dataset === 'ad_events');
  if (!report) throw new Error(`no ad_events report (exit ${r.exitCode}): ${r.stray.join('\n')}`);
  if (report.status !== 'succeeded') throw new Error(`ad_events ${report.status}: ${report.error ?? ''}`);
  return report;
}

describe('stream -> raw -> ad_events Spark job', () => {
  let s: TestStream;
  beforeAll(async () => {
    s = await openTestStream('etl');
  });
  afterAll(async () => {
    await s.close();
  });

  it('lands every event once in processed.ad_events; a replayed batch changes nothing and counts as duplicates', async () => {
    // 400 generated records with malformed ones (contract violations and non-JSON) among them
    const batch = adEventPayloads({ count: 400, seed: 99, badRate: 0.05 });
    const writer = kinesisWriter(s.client);
    const p1 = await produce(writer, s.target.streamName, batch);
    const d1 = await deliver(s.home, s.client, s.target.streamName);
    expect(d1.records + d1.errorRecords).toBe(p1.records);
    expect(d1.errorRecords).toBeGreaterThan(0);
    const first = await runAdEvents(s.home);
    expect(first.input_rows).toBe(p1.records);
    expect(first.input_rows).toBe(first.output_rows + first.quarantined_rows + first.duplicate_rows);
    expect(parseReasons(first)).toBe(d1.errorRecords);
    expect(first.output_rows).toBeGreaterThan(300);
    const before = await tableRows(s.home);
    expect(before).toHaveLength(first.output_rows);

    // the producer replays the same batch
    const p2 = await produce(writer, s.target.streamName, batch);
    const d2 = await deliver(s.home, s.client, s.target.streamName);
    expect(d2.records).toBe(d1.records);
    const second = await runAdEvents(s.home);
    expect(second.input_rows).toBe(p2.records);
    expect(parseReasons(second)).toBe(d2.errorRecords);
    expect(second.output_rows).toBe(0);
    expect(second.duplicate_rows).toBe(first.output_rows + first.duplicate_rows);
    expect(second.quarantined_rows).toBe(first.quarantined_rows);
    expect(await tableRows(s.home)).toEqual(before);
  }, 600_000); // two Spark runs: about a minute each on 2 busy cores
});
