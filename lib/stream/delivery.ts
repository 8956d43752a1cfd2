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
import type {
  GetRecordsCommandOutput,
  KinesisClient,
  _Record as KinesisRecord,
  Shard,
} from '@aws-sdk/client-kinesis';
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

/** Files one delivery wrote: its records file and its error file, each when it had such records. */
export function filesOf(f: DeliveredFile): number {
  return (f.key !== undefined ? 1 : 0) + (f.errorKey !== undefined ? 1 : 0);
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
  const release = acquireWorkerLock(workerLockPath(home, streamName));
  try {
    const run = new DeliveryRun(home, client, streamName, opts);
    await run.bindToStream();
    await run.refreshShards();
    await run.readUntilDone();
    run.flushAtStop();
    return run.finish();
  } finally {
    release();
  }
}

/** One buffer's records as the lines of its two files: valid records, and records that are not a JSON object. */
export function deliveryLines(
  records: readonly StreamRecord[],
  streamName: string,
): { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  for (const rec of records) {
    const c = classifyRecord(rec.data);
    if (c.ok) lines.push(c.line);
    else errors.push(errorLine(rec, c, streamName));
  }
  return { lines, errors };
}

/** A record read from a shard, with its arrival time (now, when the stream gives none). */
function streamRecord(shardId: string, rec: KinesisRecord): StreamRecord {
  return {
    shardId,
    sequenceNumber: rec.SequenceNumber as string,
    data: rec.Data ?? new Uint8Array(),
    arrivalMs: rec.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
  };
}

/** The state of one `deliver` call: the shards' readers, their checkpoints, and the counts so far. */
class DeliveryRun {
  private readonly buffering: DeliveryBuffering;
  private readonly follow: boolean;
  private readonly policy: RetryPolicy;
  private readonly log: (line: string) => void;
  private readonly rawDir: string;
  private readonly started = Date.now();
  private readonly checkpoints: CheckpointStore;
  private readonly readers = new Map<string, Reader>();
  private listed: Shard[] = [];
  private lastListing = 0;
  private readonly result: DeliveryResult = {
    records: 0,
    errorRecords: 0,
    files: 0,
    errorFiles: 0,
    redoneDeliveries: 0,
    shards: 0,
    finishedShards: 0,
    durationMs: 0,
  };

  constructor(
    home: string,
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly opts: DeliveryOptions,
  ) {
    this.buffering = { ...defaultBuffering, ...opts.buffering };
    this.follow = opts.follow ?? false;
    this.policy = opts.retry ?? readRetry;
    this.log = opts.log ?? (() => undefined);
    this.rawDir = layout(home).raw;
    this.checkpoints = new CheckpointStore(checkpointPath(home, streamName), streamName);
  }

  /** Runs a read call, retrying what is retryable (bounded unless following). */
  private async withRetry<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (
          !isRetryableCallError(e) ||
          (!this.follow && attempt >= this.policy.maxAttempts) ||
          this.opts.signal?.aborted
        ) {
          throw new Error(
            `${what} failed after ${attempt} attempt(s): ${(e as Error).name}: ${(e as Error).message}`,
            { cause: e },
          );
        }
        if (attempt === 1 || attempt % 10 === 0)
          this.log(`deliver: ${what}: ${(e as Error).message || (e as Error).name}; retrying`);
        await abortableSleep(backoffDelay(this.policy, Math.min(attempt, 20)), this.opts.signal);
      }
    }
  }

  /** Checkpoints belong to one incarnation of the stream: a recreated stream is read from its beginning. */
  async bindToStream(): Promise<void> {
    const summary = await this.withRetry('DescribeStreamSummary', () =>
      this.client.send(new DescribeStreamSummaryCommand({ StreamName: this.streamName })),
    );
    const createdAt = summary.StreamDescriptionSummary?.StreamCreationTimestamp?.toISOString();
    if (this.checkpoints.bindToStream(createdAt))
      this.log(
        `deliver: stream ${this.streamName} was recreated (${createdAt}); starting from its beginning`,
      );
  }

  /** Lists the shards and adds a reader for each one not finished yet. */
  async refreshShards(): Promise<void> {
    this.listed = await this.withRetry('ListShards', () => listAllShards(this.client, this.streamName));
    this.lastListing = Date.now();
    for (const shard of this.listed) {
      const id = shard.ShardId as string;
      if (this.readers.has(id)) continue;
      const cp = this.checkpoints.shard(id);
      if (cp?.finished) continue;
      this.readers.set(id, {
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
        this.log(
          `deliver: ${id}: redoing the delivery interrupted at ${cp.pending.firstSequenceNumber}..${cp.pending.lastSequenceNumber}`,
        );
    }
    this.result.shards = Math.max(this.result.shards, this.listed.length);
  }

  /** A child shard is read once its parents are finished (or gone from the stream). */
  private eligible(r: Reader): boolean {
    const ids = new Set(this.listed.map((s) => s.ShardId as string));
    return [r.shard.ParentShardId, r.shard.AdjacentParentShardId].every(
      (p) => p === undefined || p === null || this.checkpoints.shard(p)?.finished === true || !ids.has(p),
    );
  }

  /** Reads the shards until every one is caught up (or, following, until the signal aborts). */
  async readUntilDone(): Promise<void> {
    while (this.opts.signal?.aborted !== true) {
      let needListing = this.follow && Date.now() - this.lastListing > 10_000;
      if (await this.readEachShardOnce()) needListing = true;
      this.flushOldBuffers();
      if (needListing && !this.opts.signal?.aborted) await this.refreshShards();
      const allCaughtUp = [...this.readers.values()].every((r) => this.eligible(r) && r.caughtUp);
      if (allCaughtUp) this.opts.onCaughtUp?.();
      if (!this.follow && allCaughtUp) break;
      if (allCaughtUp) await abortableSleep(this.buffering.pollMs, this.opts.signal);
    }
  }

  /** One read of each eligible shard; true when a shard closed (its children may now be listed). */
  private async readEachShardOnce(): Promise<boolean> {
    let closedOne = false;
    for (const r of [...this.readers.values()]) {
      if (!this.eligible(r)) continue;
      try {
        await this.step(r);
      } catch (e) {
        if (this.opts.signal?.aborted) break; // stopping while a read was being retried: flush what is buffered
        throw e;
      }
      if (r.closed) {
        this.finishShard(r);
        closedOne = true;
      }
    }
    return closedOne;
  }

  /** Flushes the buffers older than the buffering time (a delivery being redone waits for its last record). */
  private flushOldBuffers(): void {
    const now = Date.now();
    for (const r of this.readers.values()) {
      if (r.redo === undefined && r.buffer.length > 0 && now - r.bufferStartedAt >= this.buffering.maxMs)
        this.flush(r);
    }
  }

  /** One GetRecords call on the shard; buffers and flushes as records arrive. */
  private async step(r: Reader): Promise<void> {
    if (r.iterator === undefined && !(await this.openIterator(r))) return;
    const out = await this.getRecords(r);
    if (out === undefined) return;
    for (const rec of out.Records ?? []) this.accept(r, streamRecord(r.shardId, rec));
    r.iterator = out.NextShardIterator ?? undefined;
    r.caughtUp = (out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0;
    if (r.iterator === undefined) r.closed = true;
  }

  /** An iterator after the last record read (or at the shard's start); false when the shard has none (closed). */
  private async openIterator(r: Reader): Promise<boolean> {
    const after = r.lastRead;
    const out = await this.withRetry(`GetShardIterator ${r.shardId}`, () =>
      this.client.send(
        new GetShardIteratorCommand({
          StreamName: this.streamName,
          ShardId: r.shardId,
          ...(after === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }),
        }),
      ),
    );
    r.iterator = out.ShardIterator;
    if (r.iterator === undefined) r.closed = true;
    return r.iterator !== undefined;
  }

  /** One page of records; undefined when the iterator expired (a new one is opened next) or the shard is gone. */
  private async getRecords(r: Reader): Promise<GetRecordsCommandOutput | undefined> {
    const iterator = r.iterator;
    try {
      return await this.withRetry(`GetRecords ${r.shardId}`, () =>
        this.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.opts.getRecordsLimit ?? 10_000 }),
        ),
      );
    } catch (e) {
      const cause = (e as Error).cause;
      if (cause instanceof ExpiredIteratorException) {
        r.iterator = undefined; // a new iterator after the last record read
        return undefined;
      }
      if (cause instanceof ResourceNotFoundException) {
        // the shard expired from the stream: nothing more to read
        r.closed = true;
        return undefined;
      }
      throw e;
    }
  }

  /** Buffers one record, flushing at a new arrival hour, at the size limit, or at the end of a redone delivery. */
  private accept(r: Reader, record: StreamRecord): void {
    if (
      r.redo !== undefined &&
      r.buffer.length === 0 &&
      record.sequenceNumber !== r.redo.firstSequenceNumber
    ) {
      this.log(
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
      this.flush(r);
    if (r.buffer.length === 0) r.bufferStartedAt = Date.now();
    r.buffer.push(record);
    r.bytes += record.data.byteLength;
    r.lastRead = record.sequenceNumber;
    if (r.redo !== undefined) {
      if (record.sequenceNumber === r.redo.lastSequenceNumber) this.flush(r);
    } else if (r.bytes >= this.buffering.maxBytes) this.flush(r);
  }

  /** Writes the shard's buffer (pending in the checkpoint first, then the files durably, then the commit). */
  private flush(r: Reader): void {
    if (r.buffer.length === 0) return;
    const recs = r.buffer;
    const first = recs[0] as StreamRecord;
    const last = recs[recs.length - 1] as StreamRecord;
    const keys = deliveryKeys(r.shardId, first.sequenceNumber, first.arrivalMs);
    const { lines, errors } = deliveryLines(recs, this.streamName);
    const redone = r.redo !== undefined;
    this.checkpoints.setPending(r.shardId, {
      firstSequenceNumber: first.sequenceNumber,
      lastSequenceNumber: last.sequenceNumber,
      records: recs.length,
    });
    const bytes = this.writeLines(keys.errors, errors) + this.writeLines(keys.records, lines);
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
    this.opts.beforeCheckpoint?.(file);
    this.checkpoints.commit(r.shardId, last.sequenceNumber);
    r.buffer = [];
    r.bytes = 0;
    r.redo = undefined;
    this.count(file);
    this.opts.onFile?.(file);
  }

  /** Writes the lines as one gzip file (none when there are no lines); returns its size. */
  private writeLines(key: string, lines: readonly string[]): number {
    if (lines.length === 0) return 0;
    const gz = gzipLines(lines);
    writeFileDurably(keyPath(this.rawDir, key), gz);
    return gz.length;
  }

  private count(file: DeliveredFile): void {
    this.result.records += file.records;
    this.result.errorRecords += file.errorRecords;
    if (file.records > 0) this.result.files++;
    if (file.errorRecords > 0) this.result.errorFiles++;
    if (file.redone) this.result.redoneDeliveries++;
  }

  private finishShard(r: Reader): void {
    if (r.redo !== undefined && r.buffer.length > 0) r.redo = undefined; // the closed shard has nothing more
    this.flush(r);
    this.checkpoints.markFinished(r.shardId);
    this.readers.delete(r.shardId);
    this.result.finishedShards++;
    this.log(`deliver: ${r.shardId} is closed and fully delivered`);
  }

  /** Flushes what is buffered (a delivery being redone waits for the next run unless it is complete). */
  flushAtStop(): void {
    for (const r of this.readers.values()) {
      if (r.redo === undefined) this.flush(r);
      else if (r.buffer.length > 0)
        this.log(`deliver: ${r.shardId}: leaving the interrupted delivery for the next run`);
    }
  }

  finish(): DeliveryResult {
    this.result.durationMs = Date.now() - this.started;
    return this.result;
  }
}

/** Whether any raw ad-events file exists (used to decide whether a job run has anything to read). */
export function rawAdEventsExist(home: string): boolean {
  return existsSync(keyPath(layout(home).raw, 'ad_events'));
}
