/**
 * The producer: puts records on the stream with PutRecords in batches within the Kinesis limits, the event id as
 * partition key (Kinesis hashes it with MD5, which spreads events evenly over shards and keeps an event's
 * duplicates on one shard), and retries only the entries that failed, with exponential backoff and full jitter, a
 * bounded number of times. Optional rate limiting and deliberate duplicates (a producer's replays).
 */
import { createHash } from 'node:crypto';
import { backoffDelay, defaultRetryPolicy, sleep as realSleep } from './backoff';
import type { RetryPolicy } from './backoff';
import { batchEntries, putRecordsLimits } from './batching';
import type { BatchLimits, StreamEntry } from './batching';
import { seededRandom } from './faults';
import type { PutResultEntry, RecordWriter } from './writer';

/** Thrown when entries still fail after the last attempt. */
export class PutRecordsGaveUpError extends Error {
  constructor(
    readonly failedEntries: number,
    readonly batchSize: number,
    readonly attempts: number,
    readonly lastError: string,
  ) {
    super(
      `gave up after ${attempts} attempt(s): ${failedEntries} of ${batchSize} record(s) of the batch were not written ` +
        `(last error: ${lastError}); records before this batch were written`,
    );
    this.name = 'PutRecordsGaveUpError';
  }
}

const retryableCallErrors = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);
const retryableNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** Whether a failed call (not an entry) is worth retrying: throttling, server errors, network trouble. */
export function isRetryableCallError(e: unknown, depth = 0): boolean {
  if (!(e instanceof Error)) return false;
  const err = e as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (retryableCallErrors.has(err.name)) return true;
  if (err.code !== undefined && retryableNetworkCodes.has(err.code)) return true;
  if (err.$retryable !== undefined) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  // the SDK wraps errors that are not its own ("AWS SDK error wrapper for Error: connect ECONNREFUSED"): judge
  // the network error it carries
  return depth < 3 && err.cause !== undefined && isRetryableCallError(err.cause, depth + 1);
}

export interface PutOutcome {
  /** PutRecords calls made for this batch */
  readonly attempts: number;
  /** entries sent again after failing */
  readonly retriedEntries: number;
  /** the final result of each entry (all successful) */
  readonly results: PutResultEntry[];
}

/** Writes one batch; retries only failed entries (or the whole batch after a retryable call error). */
export async function putBatchWithRetry(
  writer: RecordWriter,
  streamName: string,
  entries: readonly StreamEntry[],
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<PutOutcome> {
  const results: (PutResultEntry | undefined)[] = entries.map(() => undefined);
  let pending = entries.map((_, i) => i);
  let retriedEntries = 0;
  const wait = policy.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    let lastError: string;
    try {
      const answer = await writer.putRecords(
        streamName,
        pending.map((i) => entries[i] as StreamEntry),
      );
      const stillFailing: number[] = [];
      let firstError: PutResultEntry | undefined;
      answer.forEach((r, k) => {
        const i = pending[k] as number;
        if (r.errorCode !== undefined && r.errorCode !== null) {
          stillFailing.push(i);
          firstError ??= r;
        } else results[i] = r;
      });
      if (stillFailing.length === 0)
        return { attempts: attempt, retriedEntries, results: results as PutResultEntry[] };
      pending = stillFailing;
      lastError = `${firstError?.errorCode}: ${firstError?.errorMessage ?? ''}`.trim();
    } catch (e) {
      if (!isRetryableCallError(e)) throw e;
      lastError = `${(e as Error).name}: ${(e as Error).message}`;
    }
    if (attempt >= policy.maxAttempts)
      throw new PutRecordsGaveUpError(pending.length, entries.length, attempt, lastError);
    retriedEntries += pending.length;
    await wait(backoffDelay(policy, attempt));
  }
}

/** A payload to send: an object (sent as JSON), a string or bytes (sent as they are: lets tests send non-JSON). */
export type Payload = Readonly<Record<string, unknown>> | string | Uint8Array;

export function toEntry(payload: Payload): StreamEntry {
  const data =
    typeof payload === 'string'
      ? Buffer.from(payload, 'utf8')
      : payload instanceof Uint8Array
        ? payload
        : Buffer.from(JSON.stringify(payload), 'utf8');
  const id = typeof payload === 'object' && !(payload instanceof Uint8Array) ? payload.event_id : undefined;
  const partitionKey =
    typeof id === 'string' && id.length > 0 && id.length <= 256
      ? id
      : createHash('md5').update(data).digest('hex');
  return { data, partitionKey };
}

export interface ProduceOptions {
  /** Records per second across all shards. @default as fast as the stream takes them */
  readonly rate?: number;
  /** Share of events sent a second time, 0..1, a little later (as a producer's retry would). @default 0 */
  readonly duplicates?: number;
  /** Seed of the duplicate choice. @default 1 */
  readonly seed?: number;
  readonly retry?: RetryPolicy;
  readonly batchLimits?: BatchLimits;
  /** Stops producing after the batch in flight. */
  readonly signal?: AbortSignal;
  /** Called after each batch is written, with the time of the acknowledgement (ms since epoch). */
  readonly onBatch?: (
    entries: readonly StreamEntry[],
    ackedAtMs: number,
    results: readonly PutResultEntry[],
  ) => void;
  /** Called after each batch is written: the payloads sent so far, and the records (duplicates included). */
  readonly onProgress?: (events: number, records: number) => void;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ProduceResult {
  /** payloads taken from the source */
  events: number;
  /** of which sent twice */
  duplicatesSent: number;
  /** records written to the stream (events + duplicatesSent) */
  records: number;
  /** PutRecords batches */
  batches: number;
  /** PutRecords calls, retries included */
  putRecordsCalls: number;
  /** entries sent again after a failure */
  retriedEntries: number;
  /** records written per shard */
  perShard: Record<string, number>;
  durationMs: number;
  recordsPerSecond: number;
}

/** How far behind the original a duplicate is sent (in records). */
const duplicateLag = 37;

/** The entries to send, in order: each payload, and for the chosen share a copy (marked in `copies`) a little later. */
function* withDuplicates(
  payloads: Iterable<Payload>,
  share: number,
  seed: number,
  copies: WeakSet<StreamEntry>,
): Generator<StreamEntry> {
  const random = seededRandom(seed);
  const later: { at: number; entry: StreamEntry }[] = [];
  let position = 0;
  for (const p of payloads) {
    const entry = toEntry(p);
    yield entry;
    position++;
    if (share > 0 && random() < share) {
      const copy = { ...entry };
      copies.add(copy);
      later.push({ at: position + duplicateLag, entry: copy });
    }
    while (later.length > 0 && (later[0] as { at: number }).at <= position)
      yield (later.shift() as { entry: StreamEntry }).entry;
  }
  for (const d of later) yield d.entry;
}

/** Sends the payloads; resolves with the counts once every record is written (or throws PutRecordsGaveUpError). */
export async function produce(
  writer: RecordWriter,
  streamName: string,
  payloads: Iterable<Payload>,
  opts: ProduceOptions = {},
): Promise<ProduceResult> {
  const share = opts.duplicates ?? 0;
  if (!(share >= 0 && share <= 1)) throw new Error(`duplicates must be a share within 0..1, got ${share}`);
  if (opts.rate !== undefined && !(opts.rate > 0)) throw new Error(`rate must be positive, got ${opts.rate}`);
  const wait = opts.sleep ?? realSleep;
  // with a rate, small batches about 20 times a second keep the flow smooth
  const limits: BatchLimits = opts.batchLimits ?? {
    maxRecords:
      opts.rate === undefined
        ? putRecordsLimits.maxRecords
        : Math.min(putRecordsLimits.maxRecords, Math.max(1, Math.ceil(opts.rate / 20))),
    maxBytes: putRecordsLimits.maxBytes,
  };
  const copies = new WeakSet<StreamEntry>();
  const result: ProduceResult = {
    events: 0,
    duplicatesSent: 0,
    records: 0,
    batches: 0,
    putRecordsCalls: 0,
    retriedEntries: 0,
    perShard: {},
    durationMs: 0,
    recordsPerSecond: 0,
  };
  const started = Date.now();
  const finish = (): ProduceResult => {
    result.durationMs = Date.now() - started;
    result.recordsPerSecond =
      result.durationMs > 0 ? (result.records * 1000) / result.durationMs : result.records;
    return result;
  };
  for (const batch of batchEntries(withDuplicates(payloads, share, opts.seed ?? 1, copies), limits)) {
    if (opts.signal?.aborted) break;
    if (opts.rate !== undefined) {
      const due = started + (result.records * 1000) / opts.rate;
      const now = Date.now();
      if (due > now) await wait(due - now);
    }
    const outcome = await putBatchWithRetry(writer, streamName, batch, opts.retry);
    result.batches++;
    result.putRecordsCalls += outcome.attempts;
    result.retriedEntries += outcome.retriedEntries;
    result.records += batch.length;
    for (const e of batch) {
      if (copies.has(e)) result.duplicatesSent++;
      else result.events++;
    }
    for (const r of outcome.results) {
      const shard = r.shardId ?? 'unknown';
      result.perShard[shard] = (result.perShard[shard] ?? 0) + 1;
    }
    opts.onBatch?.(batch, Date.now(), outcome.results);
    opts.onProgress?.(result.events, result.records);
  }
  return finish();
}
