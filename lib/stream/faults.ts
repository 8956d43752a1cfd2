/**
 * Fault injection for tests: a RecordWriter wrapper that, in each PutRecords call, fails a chosen share of the
 * entries the way Kinesis does (ProvisionedThroughputExceededException per entry; the entry is not written), and can
 * fail whole calls. Only the entries that are not failed reach the real writer. Seeded, so runs are repeatable.
 */
import type { StreamEntry } from './batching';
import type { PutResultEntry, RecordWriter } from './writer';

export interface FaultOptions {
  /** Share of the entries of each call that fail, 0..1 (n * share, rounded up or down at random). */
  readonly entryFailureShare: number;
  /** The first N calls fail as a whole (throttled). @default 0 */
  readonly failFirstCalls?: number;
  /** Stop injecting after this many calls. @default never */
  readonly healAfterCalls?: number;
  /** @default 1 */
  readonly seed?: number;
}

export interface FaultStats {
  calls: number;
  entriesSeen: number;
  entriesFailed: number;
  callsFailed: number;
}

export interface FaultInjectingWriter extends RecordWriter {
  readonly stats: FaultStats;
}

/** mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ThrottledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisionedThroughputExceededException';
  }
}

export function withPutRecordsFaults(inner: RecordWriter, opts: FaultOptions): FaultInjectingWriter {
  if (!(opts.entryFailureShare >= 0 && opts.entryFailureShare <= 1))
    throw new Error('entryFailureShare must be within 0..1');
  const random = seededRandom(opts.seed ?? 1);
  const stats: FaultStats = { calls: 0, entriesSeen: 0, entriesFailed: 0, callsFailed: 0 };
  return {
    stats,
    async putRecords(streamName: string, entries: readonly StreamEntry[]): Promise<PutResultEntry[]> {
      stats.calls++;
      stats.entriesSeen += entries.length;
      const injecting = opts.healAfterCalls === undefined || stats.calls <= opts.healAfterCalls;
      if (injecting && stats.calls <= (opts.failFirstCalls ?? 0)) {
        stats.callsFailed++;
        throw new ThrottledError('Rate exceeded for stream (injected)');
      }
      const failCount = injecting ? Math.floor(entries.length * opts.entryFailureShare + random()) : 0;
      // choose which entries fail: a seeded partial shuffle of the indexes
      const idx = entries.map((_, i) => i);
      for (let i = 0; i < failCount; i++) {
        const j = i + Math.floor(random() * (idx.length - i));
        [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
      }
      const failed = new Set(idx.slice(0, failCount));
      const passed = entries.filter((_, i) => !failed.has(i));
      const innerResults = passed.length > 0 ? await inner.putRecords(streamName, passed) : [];
      stats.entriesFailed += failed.size;
      let k = 0;
      return entries.map((_, i) =>
        failed.has(i)
          ? {
              errorCode: 'ProvisionedThroughputExceededException',
              errorMessage: 'Rate exceeded for shard (injected)',
            }
          : (innerResults[k++] as PutResultEntry),
      );
    },
  };
}
