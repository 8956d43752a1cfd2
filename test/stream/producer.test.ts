import { backoffCeiling, maxTotalBackoff } from '../../lib/stream/backoff';
import type { RetryPolicy } from '../../lib/stream/backoff';
import { batchEntries, entrySize, putRecordsLimits } from '../../lib/stream/batching';
import type { StreamEntry } from '../../lib/stream/batching';
import { deliver } from '../../lib/stream/delivery';
import { withPutRecordsFaults } from '../../lib/stream/faults';
import {
  isRetryableCallError,
  produce,
  putBatchWithRetry,
  PutRecordsGaveUpError,
  toEntry,
} from '../../lib/stream/producer';
import type { PutResultEntry, RecordWriter } from '../../lib/stream/writer';
import { kinesisWriter } from '../../lib/stream/writer';
import { countBy, deliveredIds, openTestStream, testEvent } from './helpers';
import type { TestStream } from './helpers';

const entry = (bytes: number, key = 'k'): StreamEntry => ({ data: new Uint8Array(bytes), partitionKey: key });

/** Records every call and its size; answers with `answer`. */
function recordingWriter(
  answer: (entries: readonly StreamEntry[], call: number) => PutResultEntry[],
): RecordWriter & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    async putRecords(_stream, entries) {
      calls.push(entries.length);
      return answer(entries, calls.length);
    },
  };
}
const ok = (entries: readonly StreamEntry[]): PutResultEntry[] =>
  entries.map((_, i) => ({ shardId: 'shardId-000000000000', sequenceNumber: String(i) }));

describe('batching within the PutRecords limits', () => {
  it('cuts batches at 500 records', () => {
    const sizes = [...batchEntries(Array.from({ length: 1234 }, () => entry(10)))].map((b) => b.length);
    expect(sizes).toEqual([500, 500, 234]);
  });

  it('cuts batches at 5 MiB, counting partition keys, and refuses a record over 1 MiB', () => {
    const big = Array.from({ length: 12 }, (_, i) => entry(900 * 1024, `key-${i}`));
    const batches = [...batchEntries(big)];
    for (const b of batches)
      expect(b.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(putRecordsLimits.maxBytes);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 2]);
    expect(() => [...batchEntries([entry(1024 * 1024)])]).toThrow(/1 MiB/);
  });

  it('uses the event id as partition key, and a hash of the bytes for anything else', () => {
    expect(toEntry({ event_id: 'e-1', x: 1 }).partitionKey).toBe('e-1');
    const k1 = toEntry('not json').partitionKey;
    expect(k1).toMatch(/^[0-9a-f]{32}$/);
    expect(toEntry('other').partitionKey).not.toBe(k1);
  });

  it('never sends more than 500 records in one call', async () => {
    const w = recordingWriter(ok);
    const r = await produce(
      w,
      's',
      Array.from({ length: 1700 }, (_, i) => testEvent(i)),
    );
    expect(w.calls).toEqual([500, 500, 500, 200]);
    expect(r.records).toBe(1700);
  });
});

describe('which call errors are retried', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), { code: 'ECONNREFUSED' });

  test('a refused connection, bare or wrapped by the SDK, is retried', () => {
    expect(isRetryableCallError(refused)).toBe(true);
    expect(
      isRetryableCallError(
        new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED', { cause: refused }),
      ),
    ).toBe(true);
  });

  test('a client error is not, wrapped or not', () => {
    const denied = Object.assign(new Error('denied'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isRetryableCallError(denied)).toBe(false);
    expect(isRetryableCallError(new Error('wrapper', { cause: denied }))).toBe(false);
    expect(isRetryableCallError('ECONNREFUSED')).toBe(false);
  });
});

describe('retries with bounded exponential backoff and full jitter', () => {
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 0.999,
    sleep: async (ms) => void sleeps.push(ms),
  };
  beforeEach(() => {
    sleeps.length = 0;
  });

  it('retries only the failed entries until they are written', async () => {
    // the entries at even positions fail twice, then succeed
    const w = recordingWriter((entries, call) =>
      entries.map((e, i) =>
        call <= 2 && i % 2 === 0
          ? { errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'slow down' }
          : { sequenceNumber: String(e.data.byteLength), shardId: 's' },
      ),
    );
    const batch = Array.from({ length: 10 }, (_, i) => entry(i + 1));
    const out = await putBatchWithRetry(w, 's', batch, policy);
    expect(w.calls).toEqual([10, 5, 3]); // everything, then only the failures
    expect(out.attempts).toBe(3);
    expect(out.retriedEntries).toBe(8);
    expect(out.results.map((r) => r.sequenceNumber)).toEqual(batch.map((e) => String(e.data.byteLength)));
  });

  it('gives up after maxAttempts with a clear error, having slept at most the sum of the capped delays', async () => {
    const w = recordingWriter((entries) =>
      entries.map(() => ({ errorCode: 'InternalFailure', errorMessage: 'boom' })),
    );
    const err = await putBatchWithRetry(w, 's', [entry(1), entry(2)], policy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PutRecordsGaveUpError);
    expect((err as Error).message).toMatch(
      /gave up after 6 attempt\(s\): 2 of 2 record\(s\).*InternalFailure: boom/,
    );
    expect(w.calls).toHaveLength(6);
    expect(sleeps).toHaveLength(5);
    sleeps.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(backoffCeiling(policy, i + 1)));
    expect(sleeps.slice(0, 4)).toEqual([99, 199, 399, 799]); // exponential...
    expect(sleeps[4]).toBe(999); // ...capped
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(maxTotalBackoff(policy));
  });

  it('draws delays from the whole jitter range', async () => {
    const draws = [0, 0.5, 0.25];
    const jittered: RetryPolicy = { ...policy, maxAttempts: 4, random: () => draws.shift() ?? 0 };
    const w = recordingWriter((entries, call) =>
      call < 4 ? entries.map(() => ({ errorCode: 'ProvisionedThroughputExceededException' })) : ok(entries),
    );
    await putBatchWithRetry(w, 's', [entry(1)], jittered);
    expect(sleeps).toEqual([0, 100, 100]);
  });

  it('retries a throttled call as a whole, but throws at once on an error retrying cannot fix', async () => {
    const throttled = withPutRecordsFaults(recordingWriter(ok), { entryFailureShare: 0, failFirstCalls: 2 });
    const out = await putBatchWithRetry(throttled, 's', [entry(1), entry(2)], policy);
    expect(out.attempts).toBe(3);
    const invalid = recordingWriter(() => {
      throw Object.assign(new Error('Stream s not found'), { name: 'ResourceNotFoundException' });
    });
    await expect(putBatchWithRetry(invalid, 's', [entry(1)], policy)).rejects.toThrow(/not found/);
    expect(invalid.calls).toHaveLength(1);
  });

  it('keeps to the rate it is given', async () => {
    const w = recordingWriter(ok);
    const t0 = Date.now();
    const r = await produce(
      w,
      's',
      Array.from({ length: 100 }, (_, i) => testEvent(i)),
      { rate: 400 },
    );
    const elapsed = Date.now() - t0;
    // 100 records at 400/s: the last batch is due after ~(100 - 20) / 400 s
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(r.recordsPerSecond).toBeLessThanOrEqual(600);
    expect(Math.max(...w.calls)).toBe(20);
  });
});

describe('partial PutRecords failures against the real emulator', () => {
  let s: TestStream;
  beforeAll(async () => {
    s = await openTestStream('faults');
  });
  afterAll(async () => {
    await s.close();
  });

  it('retries failed entries so that every event lands once, and only the duplicates asked for appear twice', async () => {
    const faulty = withPutRecordsFaults(kinesisWriter(s.client), { entryFailureShare: 0.3, seed: 7 });
    const fast: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 };
    const events = Array.from({ length: 1500 }, (_, i) => testEvent(i, 'faults'));
    const r = await produce(faulty, s.target.streamName, events, { duplicates: 0.1, seed: 3, retry: fast });

    expect(faulty.stats.entriesFailed).toBeGreaterThan(400); // 30 % of each call, retries included
    expect(r.retriedEntries).toBe(faulty.stats.entriesFailed);
    expect(r.putRecordsCalls).toBeGreaterThan(r.batches);
    expect(r.events).toBe(1500);
    expect(r.duplicatesSent).toBeGreaterThan(100);
    expect(r.duplicatesSent).toBeLessThan(200);
    expect(r.records).toBe(r.events + r.duplicatesSent);

    const d = await deliver(s.home, s.client, s.target.streamName);
    expect(d.records).toBe(r.records);
    const counts = countBy(deliveredIds(s.home));
    expect(counts.size).toBe(1500);
    const twice = [...counts.values()].filter((n) => n === 2).length;
    expect(twice).toBe(r.duplicatesSent);
    expect(Math.max(...counts.values())).toBe(2);
  });
});
