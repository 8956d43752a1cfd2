/**
 * Stream measurements for `lake bench` (registered by lib/bench/stream.ts):
 *
 * - throughput: N pre-generated events produced as fast as the emulator takes them, then delivered to raw with
 *   the default buffering; events/s of each leg and of the whole producer-to-raw path;
 * - latency: `runStream` with the default settings (50 events/s, 1 MiB / 5 s buffers, a job run every 5 s) for a
 *   while against the real job runner; p50/p95 of the per-event delay from arrival on the stream to the end of the
 *   job run that committed it (when the snapshot is visible to the local engine).
 */
import { deliver } from './delivery';
import { openStream } from './connect';
import { resolveStreamTarget } from './config';
import { stopEmulator } from './emulator';
import { adEventSource } from './events';
import { produce } from './producer';
import { percentile, runStream } from './run';
import type { StreamRunResult } from './run';
import type { RunJobsResult } from '../local/runner';
import { kinesisWriter } from './writer';

export interface ThroughputFigures {
  readonly events: number;
  readonly shards: number;
  readonly bytes: number;
  readonly produceMs: number;
  readonly deliverMs: number;
  readonly produceEventsPerSecond: number;
  readonly deliverEventsPerSecond: number;
  /** events / (produce time + deliver time) */
  readonly endToEndEventsPerSecond: number;
  /** shards real Kinesis would need for the producer's rate (1,000 records/s and 1 MiB/s per shard) */
  readonly kinesisShardsForRate: number;
}

export async function measureThroughput(
  home: string,
  events = 20_000,
  shards = 2,
): Promise<ThroughputFigures> {
  const payloads = [...adEventSource({ count: events, seed: 4242 })];
  const opened = await openStream(
    home,
    resolveStreamTarget({ streamName: 'bench-throughput', shardCount: shards }, {}),
  );
  try {
    const p = await produce(kinesisWriter(opened.client), opened.target.streamName, payloads);
    const d = await deliver(home, opened.client, opened.target.streamName);
    if (d.records !== events) throw new Error(`delivered ${d.records} of ${events} events`);
    const bytes = payloads.reduce((n, x) => n + Buffer.byteLength(JSON.stringify(x)), 0);
    const perSecond = (n: number, ms: number): number => (n * 1000) / Math.max(1, ms);
    const produceRate = perSecond(events, p.durationMs);
    const bytesRate = perSecond(bytes, p.durationMs);
    return {
      events,
      shards,
      bytes,
      produceMs: p.durationMs,
      deliverMs: d.durationMs,
      produceEventsPerSecond: produceRate,
      deliverEventsPerSecond: perSecond(events, d.durationMs),
      endToEndEventsPerSecond: perSecond(events, p.durationMs + d.durationMs),
      kinesisShardsForRate: Math.max(Math.ceil(produceRate / 1000), Math.ceil(bytesRate / (1024 * 1024))),
    };
  } finally {
    opened.client.destroy();
    if (opened.startedEmulator) await stopEmulator(home);
  }
}

export interface LatencyFigures {
  readonly seconds: number;
  readonly rate: number;
  readonly run: StreamRunResult;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export async function measureLatency(
  home: string,
  runJobs: (home: string) => Promise<RunJobsResult>,
  opts: { seconds?: number; rate?: number; log?: (line: string) => void } = {},
): Promise<LatencyFigures> {
  const seconds = opts.seconds ?? 60;
  const rate = opts.rate ?? 50;
  const opened = await openStream(home, resolveStreamTarget({ streamName: 'bench-latency' }, {}));
  try {
    const run = await runStream({
      home,
      client: opened.client,
      writer: kinesisWriter(opened.client),
      streamName: opened.target.streamName,
      payloads: adEventSource({}),
      rate,
      durationMs: seconds * 1000,
      runJobs,
      ...(opts.log ? { log: opts.log } : {}),
      onJobRun: (m) =>
        opts.log?.(
          `job run: ${m.events} events queryable, ${((m.finishedAtMs - m.startedAtMs) / 1000).toFixed(1)} s, exit ${m.exitCode}`,
        ),
    });
    if (run.jobRuns.some((m) => m.exitCode !== 0)) {
      const failed = run.jobRuns.flatMap((m) => m.reports).find((r) => r.status === 'failed');
      throw new Error(`a job run failed${failed ? ` (${failed.dataset}: ${failed.error ?? ''})` : ''}`);
    }
    const d = run.delaysMs;
    return {
      seconds,
      rate,
      run,
      p50Ms: percentile(d, 50),
      p95Ms: percentile(d, 95),
      maxMs: percentile(d, 100),
    };
  } finally {
    opened.client.destroy();
    if (opened.startedEmulator) await stopEmulator(home);
  }
}
