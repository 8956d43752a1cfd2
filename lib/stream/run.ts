/**
 * `lake stream run`: keeps the three legs of the real-time path going in one process, so that events become
 * queryable within a bounded delay:
 *
 *   producer (at `rate` events/s) -> stream -> delivery worker (follow; buffer maxBytes / maxMs per shard)
 *     -> raw/ad_events/ -> job runner every `jobIntervalMs`, only when new raw files exist
 *        (`python -m lake_jobs.run --dataset ad_events --dataset campaign_performance`) -> Iceberg snapshot
 *     -> after a job run, the tables' upkeep when it is due (`afterJobRun`; lib/local/upkeep.ts says when)
 *
 * The delay of an event is measured from its arrival on the stream (Kinesis ApproximateArrivalTimestamp, taken when
 * the producer's PutRecords is acknowledged) to the end of the job run whose report lists its raw file: the moment
 * the committed snapshot makes it visible to the local engine. Expected bound: buffer time + job interval + job
 * duration (+ the poll interval); when a job run takes longer than the interval, runs follow each other back to back.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { RunJobsResult, RunReport } from '../local/runner';
import type { DeliveryBuffering } from './config';
import { deliver } from './delivery';
import type { DeliveredFile, DeliveryResult } from './delivery';
import { produce } from './producer';
import type { Payload, ProduceResult } from './producer';
import type { RecordWriter } from './writer';

export interface JobRunMeasure {
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly exitCode: number;
  readonly reports: readonly RunReport[];
  /** delivered files this run read (matched by raw key) */
  readonly files: number;
  /** events made queryable by this run */
  readonly events: number;
  /** per-event delay, arrival on the stream to the end of the run, ms (sorted) */
  readonly delaysMs: readonly number[];
}

export interface StreamRunOptions {
  readonly home: string;
  readonly client: KinesisClient;
  readonly writer: RecordWriter;
  readonly streamName: string;
  readonly payloads: Iterable<Payload>;
  /** events per second. @default 50 */
  readonly rate?: number;
  readonly duplicates?: number;
  readonly buffering?: Partial<DeliveryBuffering>;
  /** time between job runs (start to start). @default 5000 */
  readonly jobIntervalMs?: number;
  /** the job runner (the real one runs local Spark) */
  readonly runJobs: (home: string) => Promise<RunJobsResult>;
  /** stop after this long. @default until the signal aborts */
  readonly durationMs?: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** after each PutRecords batch: events and records (duplicates included) sent so far */
  readonly onProduced?: (events: number, records: number) => void;
  /** after each file the delivery worker writes */
  readonly onDelivered?: (file: DeliveredFile) => void;
  /** as a job run begins */
  readonly onJobStart?: () => void;
  readonly onJobRun?: (m: JobRunMeasure) => void;
  /**
   * after each job run (and after its measure, so that its time is not counted in the delays), before the next
   * one: the table upkeep when it is due
   */
  readonly afterJobRun?: (m: JobRunMeasure) => Promise<void>;
}

export interface StreamRunResult {
  readonly produced: ProduceResult;
  readonly delivered: DeliveryResult;
  readonly jobRuns: readonly JobRunMeasure[];
  /** every measured delay, sorted */
  readonly delaysMs: readonly number[];
  /** delivered events never seen in a job report when the run stopped */
  readonly unprocessedEvents: number;
}

/** The tables a stream job run updates: the streamed dataset and the curated table built from it. */
export const STREAM_TABLES = ['ad_events', 'campaign_performance'];

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

const sleepUnless = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((r) => {
    if (signal.aborted) return r();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      r();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export async function runStream(o: StreamRunOptions): Promise<StreamRunResult> {
  const log = o.log ?? (() => undefined);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) stop.abort();
  const timer = o.durationMs === undefined ? undefined : setTimeout(() => stop.abort(), o.durationMs);
  const jobIntervalMs = o.jobIntervalMs ?? 5_000;

  /** delivered files not yet seen in a job report, by raw key */
  const waiting = new Map<string, DeliveredFile>();
  const jobRuns: JobRunMeasure[] = [];
  const allDelays: number[] = [];

  // on stop, the producer stops first; the worker then delivers what is on the stream and stops in its turn
  const workerStop = new AbortController();
  const failed = (e: unknown): never => {
    stop.abort();
    workerStop.abort();
    throw e;
  };
  let caughtUpSinceProducerDone = -1;
  const producer = produce(o.writer, o.streamName, o.payloads, {
    rate: o.rate ?? 50,
    duplicates: o.duplicates ?? 0,
    signal: stop.signal,
    ...(o.onProduced ? { onProgress: o.onProduced } : {}),
  })
    .then((r) => {
      caughtUpSinceProducerDone = 0;
      return r;
    })
    .catch(failed);
  const worker = deliver(o.home, o.client, o.streamName, {
    follow: true,
    signal: workerStop.signal,
    // the second caught-up round after the producer's last record began after it: everything has been read
    onCaughtUp: () => {
      if (caughtUpSinceProducerDone >= 0 && stop.signal.aborted && ++caughtUpSinceProducerDone >= 2)
        workerStop.abort();
    },
    ...(o.buffering ? { buffering: o.buffering } : {}),
    log,
    onFile: (f) => {
      if (f.key !== undefined) waiting.set(f.key, f);
      o.onDelivered?.(f);
    },
  }).catch(failed);

  async function runJobOnce(): Promise<void> {
    const startedAtMs = Date.now();
    o.onJobStart?.();
    const result = await o.runJobs(o.home);
    const finishedAtMs = Date.now();
    const read = new Set(result.reports.flatMap((r) => r.files ?? []));
    const delays: number[] = [];
    let files = 0;
    for (const [key, f] of waiting) {
      if (!read.has(key)) continue;
      files++;
      for (const a of f.arrivalMs) delays.push(finishedAtMs - a);
      waiting.delete(key);
    }
    delays.sort((a, b) => a - b);
    allDelays.push(...delays);
    const m: JobRunMeasure = {
      startedAtMs,
      finishedAtMs,
      exitCode: result.exitCode,
      reports: result.reports,
      files,
      events: delays.length,
      delaysMs: delays,
    };
    jobRuns.push(m);
    o.onJobRun?.(m);
    await o.afterJobRun?.(m);
  }

  const jobs = (async () => {
    // the interval runs from start to start: a job run longer than the interval is followed at once by the next
    let lastStart = Date.now();
    for (;;) {
      await sleepUnless(Math.max(0, lastStart + jobIntervalMs - Date.now()), stop.signal);
      if (stop.signal.aborted) return;
      if (waiting.size > 0) {
        lastStart = Date.now();
        await runJobOnce();
      } else await sleepUnless(Math.min(jobIntervalMs, 500), stop.signal);
    }
  })().catch(failed);

  const settled = Promise.allSettled([producer, worker, jobs]);
  await new Promise<void>((r) =>
    stop.signal.aborted ? r() : stop.signal.addEventListener('abort', () => r(), { once: true }),
  );
  const [p, d, j] = await settled;
  if (timer) clearTimeout(timer);
  o.signal?.removeEventListener('abort', onAbort);
  for (const x of [p, d, j]) if (x.status === 'rejected') throw x.reason;
  const produced = (p as PromiseFulfilledResult<ProduceResult>).value;
  const delivered = (d as PromiseFulfilledResult<DeliveryResult>).value;
  // stopped by the clock: one last run makes what the worker flushed on exit queryable too
  if (waiting.size > 0 && !(o.signal?.aborted ?? false)) await runJobOnce();
  else if (waiting.size > 0) log(`stream run: ${waiting.size} delivered file(s) left for the next job run`);
  allDelays.sort((a, b) => a - b);
  const unprocessedEvents = [...waiting.values()].reduce((n, f) => n + f.records, 0);
  return { produced, delivered, jobRuns, delaysMs: allDelays, unprocessedEvents };
}
