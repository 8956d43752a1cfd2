/**
 * Bench section `stream`: producer-to-raw throughput on this machine (against the 1,000
 * records/s per shard of real Kinesis), and the event-to-queryable latency p50/p95 with the default settings.
 * Knobs: LAKE_BENCH_STREAM_EVENTS (throughput events, default 20,000), LAKE_BENCH_STREAM_SECONDS (latency run, default 60).
 */
import { join } from 'node:path';
import { openLocalEngine } from '../local/sql-engine';
import { runJobs } from '../local/runner';
import { stopResident } from '../local/resident-spark';
import { warmStreamJobs } from '../stream/warm';
import { measureLatency, measureThroughput } from '../stream/bench';
import { percentile, STREAM_TABLES } from '../stream/run';
import type { BenchSection } from './bench';

export const streamSection: BenchSection = {
  name: 'stream',
  title:
    'Stream: producer to raw throughput, event-to-queryable latency (local Kinesis emulator, local Spark)',
  async run(b) {
    const events = Number(b.options.streamEvents ?? process.env.LAKE_BENCH_STREAM_EVENTS ?? 20_000);
    // each measurement in its own lake home: the latency run's job must not also process the throughput events
    const t = await measureThroughput(join(b.scratch, 'throughput-lake'), events);
    b.figure({
      label: 'produce (PutRecords to the emulator)',
      value: t.produceEventsPerSecond,
      unit: 'events/s',
      note: `${t.events} events, ${t.shards} shards`,
    });
    b.figure({
      label: 'deliver (stream to gzip NDJSON in raw)',
      value: t.deliverEventsPerSecond,
      unit: 'events/s',
    });
    b.figure({
      label: 'producer to raw',
      value: t.endToEndEventsPerSecond,
      unit: 'events/s',
      note: `real Kinesis takes 1,000 records/s and 1 MiB/s per shard: this producer rate needs ${t.kinesisShardsForRate} shard(s)`,
    });
    b.ensureToolchain();
    const seconds = Number(b.options.streamSeconds ?? process.env.LAKE_BENCH_STREAM_SECONDS ?? 60);
    b.log(
      `latency: streaming for ${seconds} s at the default settings (50 events/s, 1 MiB / 5 s buffers, a job run every 5 s) ...`,
    );
    const latencyHome = join(b.scratch, 'latency-lake');
    let l: Awaited<ReturnType<typeof measureLatency>>;
    try {
      // as `lake stream run` does: the resident Spark is up, and has run the job once, before the first event
      const jobs = (h: string) => runJobs(h, { datasets: STREAM_TABLES, warm: true });
      const w = await warmStreamJobs(latencyHome, jobs);
      b.figure({ label: 'resident Spark start, before the stream', value: w.startMs / 1000, unit: 's' });
      b.figure({ label: 'first job run in it, before the stream', value: w.firstRunMs / 1000, unit: 's' });
      l = await measureLatency(latencyHome, jobs, { seconds, log: (x) => b.log(x) });
    } finally {
      await stopResident(latencyHome);
    }
    const note = `${l.run.delaysMs.length} events over ${l.run.jobRuns.length} job runs`;
    b.figure({ label: 'event to queryable, p50', value: l.p50Ms / 1000, unit: 's', note });
    b.figure({ label: 'event to queryable, p95', value: l.p95Ms / 1000, unit: 's' });
    b.figure({ label: 'event to queryable, max', value: l.maxMs / 1000, unit: 's' });
    const warm = l.run.jobRuns.map((m) => m.finishedAtMs - m.startedAtMs).sort((x, y) => x - y);
    if (warm.length > 0) {
      b.figure({
        label: 'small incremental run on the warm resident Spark, median',
        value: percentile(warm, 50) / 1000,
        unit: 's',
        note: `${warm.length} runs during the stream; goal: at most 5 s`,
      });
      b.figure({
        label: 'small incremental run on the warm resident Spark, max',
        value: percentile(warm, 100) / 1000,
        unit: 's',
      });
    }
    const engine = await openLocalEngine(latencyHome);
    try {
      const r = await engine.query('SELECT count(*) AS n FROM processed.ad_events');
      b.figure({
        label: 'rows visible in processed.ad_events',
        value: Number(r.rows[0]?.n ?? 0),
        unit: 'rows',
        note: 'through the local engine',
      });
    } finally {
      await engine.close();
    }
  },
};
