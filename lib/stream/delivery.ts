/**
 * The delivery worker: the local stand-in for Kinesis Data Firehose. It reads every shard of the stream (parents
 * before children after a reshard; a closed shard is read to its end and then marked finished), buffers each
 * shard's records by size and time, and writes each buffer as one gzip NDJSON file under the arrival-hour prefix of
 * raw/ad_events/ (records that are not a JSON object go to raw/ad_events_errors/). Files are written durably before
 * the shard's checkpoint moves; see checkpoint.ts for why a crash at any point loses and duplicates nothing.
 *
 * Without `follow` it delivers what is on the stream and returns; with `follow` it runs until its signal aborts,
 * then flushes what it holds.
 */
import { existsSync } from 'node:fs';
import {
  DescribeStreamSummaryCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import { layout } from '../local/layout';
import { listAllShards } from './admin';
import { backoffDelay } from './backoff';
import type { RetryPolicy } from './backoff';
import { CheckpointStore, checkpointPath } from './checkpoint';
import type { PendingDelivery } from './checkpoint';
import { defaultBuffering } from './config';
import type { DeliveryBuffering } from './config';
import { writeFileDurably } from './durable-file';
import { classifyRecord, deliveryKeys, errorLine, gzipLines, hourPrefix, keyPath } from './raw-files';
import type { StreamRecord } from './raw-files';
import { isRetryableCallError } from './producer';
import { acquireWorkerLock, workerLockPath } from './worker-lock';

export interface DeliveredFile {
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  /** raw key of the records file, when the delivery had valid records */
  readonly key?: string;
  /** raw key of the error file, when the delivery had records that are not JSON objects */
  readonly errorKey?: string;
  readonly records: number;
  readonly errorRecords: number;
  readonly bytes: number;
  /** arrival time (ms) of each delivered record, in order (valid and error records) */
  readonly arrivalMs: readonly number[];
  readonly writtenAtMs: number;
  /** the same delivery had been written before a crash; this wrote the same files again */
  readonly redone: boolean;
}

export interface DeliveryOptions {
  /** Keep reading until `signal` aborts. @default false */
  readonly follow?: boolean;
  readonly buffering?: Partial<DeliveryBuffering>;
  readonly signal?: AbortSignal;
  /** Retry of reads (GetRecords, ListShards); while following, reads retry without limit at the capped delay. */
  readonly retry?: RetryPolicy;
  readonly log?: (line: string) => void;
  readonly onFile?: (file: DeliveredFile) => void;
  /** Test hook: runs after the files are written and before the checkpoint moves (a throw simulates a crash). */
  readonly beforeCheckpoint?: (file: DeliveredFile) => void;
  /** Called whenever every shard is read up to the latest record (buffers may still hold records). */
  readonly onCaughtUp?: () => void;
  /** GetRecords page size. @default 10000 */
  readonly getRecordsLimit?: number;
}

export interface DeliveryResult {
  records: number;
  errorRecords: number;
  files: number;
  errorFiles: number;
  redoneDeliveries: number;
  shards: number;
  finishedShards: number;
  durationMs: number;
}

const readRetry: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 3000 };

interface Reader {
  readonly shard: Shard;
  readonly shardId: string;
  iterator?: string;
  /** last sequence number read (buffered or delivered) */
  lastRead?: string;
  buffer: StreamRecord[];
  bytes: number;
  bufferStartedAt: number;
  /** a delivery recorded before a crash that must be redone with exactly these bounds */
  redo?: PendingDelivery;
  caughtUp: boolean;
  closed: boolean;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    if (signal?.aborted) return resolveSleep();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function deliver(
  home: string,
  client: KinesisClient,
  streamName: string,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const buffering: DeliveryBuffering = { ...defaultBuffering, ...opts.buffering };
  const follow = opts.follow ?? false;
  const policy = opts.retry ?? readRetry;
  const log = opts.log ?? (() => undefined);
  const rawDir = layout(home).raw;
  const started = Date.now();
  const result: DeliveryResult = {
    records: 0,
    errorRecords: 0,
    files: 0,
    errorFiles: 0,
    redoneDeliveries: 0,
    shards: 0,
    finishedShards: 0,
    durationMs: 0,
  };
  const release = acquireWorkerLock(workerLockPath(home, streamName));
  try {
    const checkpoints = new CheckpointStore(checkpointPath(home, streamName), streamName);

    /** Runs a read call, retrying what is retryable (bounded unless following). */
    async function withRetry<T>(what: string, call: () => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await call();
        } catch (e) {
          if (
            !isRetryableCallError(e) ||
            (!follow && attempt >= policy.maxAttempts) ||
            opts.signal?.aborted
          ) {
            throw new Error(
              `${what} failed after ${attempt} attempt(s): ${(e as Error).name}: ${(e as Error).message}`,
              { cause: e },
            );
          }
          if (attempt === 1 || attempt % 10 === 0)
            log(`deliver: ${what}: ${(e as Error).message || (e as Error).name}; retrying`);
          await abortableSleep(backoffDelay(policy, Math.min(attempt, 20)), opts.signal);
        }
      }
    }

    const summary = await withRetry('DescribeStreamSummary', () =>
      client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })),
    );
    const createdAt = summary.StreamDescriptionSummary?.StreamCreationTimestamp?.toISOString();
    if (checkpoints.bindToStream(createdAt))
      log(`deliver: stream ${streamName} was recreated (${createdAt}); starting from its beginning`);

    const readers = new Map<string, Reader>();
    let listed: Shard[] = [];
    let lastListing = 0;

    async function refreshShards(): Promise<void> {
      listed = await withRetry('ListShards', () => listAllShards(client, streamName));
      lastListing = Date.now();
      for (const shard of listed) {
        const id = shard.ShardId as string;
        if (readers.has(id)) continue;
        const cp = checkpoints.shard(id);
        if (cp?.finished) continue;
        readers.set(id, {
          shard,
          shardId: id,
          lastRead: cp?.sequenceNumber,
          buffer: [],
          bytes: 0,
          bufferStartedAt: 0,
          redo: cp?.pending,
          caughtUp: false,
          closed: false,
        });
        if (cp?.pending)
          log(
            `deliver: ${id}: redoing the delivery interrupted at ${cp.pending.firstSequenceNumber}..${cp.pending.lastSequenceNumber}`,
          );
      }
      result.shards = Math.max(result.shards, listed.length);
    }

    const isFinished = (id: string): boolean => checkpoints.shard(id)?.finished === true;
    const listedIds = (): Set<string> => new Set(listed.map((s) => s.ShardId as string));

    /** A child shard is read once its parents are finished (or gone from the stream). */
    function eligible(r: Reader): boolean {
      const ids = listedIds();
      return [r.shard.ParentShardId, r.shard.AdjacentParentShardId].every(
        (p) => p === undefined || p === null || isFinished(p) || !ids.has(p),
      );
    }

    function flush(r: Reader): void {
      if (r.buffer.length === 0) return;
      const recs = r.buffer;
      const first = recs[0] as StreamRecord;
      const last = recs[recs.length - 1] as StreamRecord;
      const keys = deliveryKeys(r.shardId, first.sequenceNumber, first.arrivalMs);
      const lines: string[] = [];
      const errors: string[] = [];
      for (const rec of recs) {
        const c = classifyRecord(rec.data);
        if (c.ok) lines.push(c.line);
        else errors.push(errorLine(rec, c, streamName));
      }
      const redone = r.redo !== undefined;
      checkpoints.setPending(r.shardId, {
        firstSequenceNumber: first.sequenceNumber,
        lastSequenceNumber: last.sequenceNumber,
        records: recs.length,
      });
      let bytes = 0;
      if (errors.length > 0) {
        const gz = gzipLines(errors);
        writeFileDurably(keyPath(rawDir, keys.errors), gz);
        bytes += gz.length;
      }
      if (lines.length > 0) {
        const gz = gzipLines(lines);
        writeFileDurably(keyPath(rawDir, keys.records), gz);
        bytes += gz.length;
      }
      const file: DeliveredFile = {
        shardId: r.shardId,
        firstSequenceNumber: first.sequenceNumber,
        lastSequenceNumber: last.sequenceNumber,
        ...(lines.length > 0 ? { key: keys.records } : {}),
        ...(errors.length > 0 ? { errorKey: keys.errors } : {}),
        records: lines.length,
        errorRecords: errors.length,
        bytes,
        arrivalMs: recs.map((x) => x.arrivalMs),
        writtenAtMs: Date.now(),
        redone,
      };
      opts.beforeCheckpoint?.(file);
      checkpoints.commit(r.shardId, last.sequenceNumber);
      r.buffer = [];
      r.bytes = 0;
      r.redo = undefined;
      result.records += lines.length;
      result.errorRecords += errors.length;
      if (lines.length > 0) result.files++;
      if (errors.length > 0) result.errorFiles++;
      if (redone) result.redoneDeliveries++;
      opts.onFile?.(file);
    }

    /** One GetRecords call on the shard; buffers and flushes as records arrive. */
    async function step(r: Reader): Promise<void> {
      if (r.iterator === undefined) {
        const after = r.lastRead;
        const out = await withRetry(`GetShardIterator ${r.shardId}`, () =>
          client.send(
            new GetShardIteratorCommand({
              StreamName: streamName,
              ShardId: r.shardId,
              ...(after === undefined
                ? { ShardIteratorType: 'TRIM_HORIZON' }
                : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }),
            }),
          ),
        );
        r.iterator = out.ShardIterator;
        if (r.iterator === undefined) {
          r.closed = true;
          return;
        }
      }
      const iterator = r.iterator;
      let out;
      try {
        out = await withRetry(`GetRecords ${r.shardId}`, () =>
          client.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: opts.getRecordsLimit ?? 10_000 }),
          ),
        );
      } catch (e) {
        const cause = (e as Error).cause;
        if (cause instanceof ExpiredIteratorException) {
          r.iterator = undefined; // a new iterator after the last record read
          return;
        }
        if (cause instanceof ResourceNotFoundException) {
          // the shard expired from the stream: nothing more to read
          r.closed = true;
          return;
        }
        throw e;
      }
      for (const rec of out.Records ?? []) {
        const record: StreamRecord = {
          shardId: r.shardId,
          sequenceNumber: rec.SequenceNumber as string,
          data: rec.Data ?? new Uint8Array(),
          arrivalMs: rec.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
        };
        if (
          r.redo !== undefined &&
          r.buffer.length === 0 &&
          record.sequenceNumber !== r.redo.firstSequenceNumber
        ) {
          log(
            `deliver: ${r.shardId}: the interrupted delivery's first record ${r.redo.firstSequenceNumber} is gone; delivering afresh`,
          );
          r.redo = undefined;
        }
        // a new arrival hour starts a new file (not while redoing: the redone file must match the first one)
        if (
          r.redo === undefined &&
          r.buffer.length > 0 &&
          hourPrefix((r.buffer[0] as StreamRecord).arrivalMs) !== hourPrefix(record.arrivalMs)
        )
          flush(r);
        if (r.buffer.length === 0) r.bufferStartedAt = Date.now();
        r.buffer.push(record);
        r.bytes += record.data.byteLength;
        r.lastRead = record.sequenceNumber;
        if (r.redo !== undefined) {
          if (record.sequenceNumber === r.redo.lastSequenceNumber) flush(r);
        } else if (r.bytes >= buffering.maxBytes) flush(r);
      }
      r.iterator = out.NextShardIterator ?? undefined;
      r.caughtUp = (out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0;
      if (r.iterator === undefined) r.closed = true;
    }

    function finishShard(r: Reader): void {
      if (r.redo !== undefined && r.buffer.length > 0) r.redo = undefined; // the closed shard has nothing more
      flush(r);
      checkpoints.markFinished(r.shardId);
      readers.delete(r.shardId);
      result.finishedShards++;
      log(`deliver: ${r.shardId} is closed and fully delivered`);
    }

    await refreshShards();
    for (;;) {
      const stopping = opts.signal?.aborted === true;
      if (stopping) break;
      let needListing = follow && Date.now() - lastListing > 10_000;
      for (const r of [...readers.values()]) {
        if (!eligible(r)) continue;
        try {
          await step(r);
        } catch (e) {
          if (opts.signal?.aborted) break; // stopping while a read was being retried: flush what is buffered
          throw e;
        }
        if (r.closed) {
          finishShard(r);
          needListing = true;
        }
      }
      const now = Date.now();
      for (const r of readers.values()) {
        if (r.redo === undefined && r.buffer.length > 0 && now - r.bufferStartedAt >= buffering.maxMs)
          flush(r);
      }
      if (needListing && !opts.signal?.aborted) await refreshShards();
      const allCaughtUp = [...readers.values()].every((r) => eligible(r) && r.caughtUp);
      if (allCaughtUp) opts.onCaughtUp?.();
      if (!follow && allCaughtUp) break;
      if (allCaughtUp) await abortableSleep(buffering.pollMs, opts.signal);
    }
    // flush what is buffered (a delivery being redone waits for the next run unless it is complete)
    for (const r of readers.values()) {
      if (r.redo === undefined) flush(r);
      else if (r.buffer.length > 0)
        log(`deliver: ${r.shardId}: leaving the interrupted delivery for the next run`);
    }
    result.durationMs = Date.now() - started;
    return result;
  } finally {
    release();
  }
}

/** Whether any raw ad-events file exists (used to decide whether a job run has anything to read). */
export function rawAdEventsExist(home: string): boolean {
  return existsSync(keyPath(layout(home).raw, 'ad_events'));
}
