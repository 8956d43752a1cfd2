/**
 * The demo's stream leg: split the generated ad events into the history a running stream would already have
 * delivered and a live tail, then produce the tail to the local Kinesis emulator and deliver it to raw.
 */
import { gunzipSync } from 'node:zlib';
import type { RawKeyFile } from '../local/land';
import { resolveStreamTarget } from './config';
import { openStream } from './connect';
import { deliver, filesOf } from './delivery';
import { stopEmulator } from './emulator';
import { produce } from './producer';
import type { Payload } from './producer';
import { kinesisWriter } from './writer';

/**
 * The demo streams only the live tail of the generated ad events (the latest delivery files' records, in arrival
 * order) and lands the earlier ones as the delivery worker would have written them: the history a running stream
 * would already hold. Null when the delivery files do not line up with the payloads (then everything is landed).
 */
export function splitLiveTail<F extends RawKeyFile, P>(
  files: readonly F[],
  payloads: readonly P[],
  maxLive: number,
): { history: F[]; liveFiles: F[]; live: P[] } | null {
  const lines = (f: F): string[] =>
    gunzipSync(f.content)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
  let count = 0;
  let cut = files.length;
  while (cut > 0 && count < maxLive) {
    count += lines(files[cut - 1] as F).length;
    cut--;
  }
  const total = files.reduce((n, f) => n + lines(f).length, 0);
  if (total !== payloads.length || count === 0) return null;
  const live = payloads.slice(payloads.length - count);
  const lastFile = files[files.length - 1];
  const lastLine = lastFile ? lines(lastFile).pop() : undefined;
  const lastPayload = live[live.length - 1];
  if (lastLine !== (typeof lastPayload === 'string' ? lastPayload : JSON.stringify(lastPayload))) return null;
  return { history: files.slice(0, cut), liveFiles: files.slice(cut), live };
}

export interface StreamLegResult {
  readonly produced: number;
  readonly producedPerSecond: number;
  readonly deliveredRecords: number;
  readonly deliveredErrorRecords: number;
  readonly files: number;
}

/** What the stream leg tells as it goes. */
export interface StreamLegProgress {
  log(line: string): void;
  /** records put on the stream so far, of `total` (first with 0, as producing begins) */
  produced?(records: number, total: number): void;
  /** records delivered to raw so far, in `files` files (first with 0, as delivering begins) */
  delivered?(records: number, files: number): void;
}

export async function produceAndDeliver(
  home: string,
  payloads: readonly Payload[],
  progress: StreamLegProgress,
): Promise<StreamLegResult> {
  const target = resolveStreamTarget();
  const opened = await openStream(home, target);
  try {
    progress.log(
      `producing ${payloads.length} ad events to stream ${opened.target.streamName} (${opened.target.kind}${opened.target.endpoint ? ` at ${opened.target.endpoint}` : ''})`,
    );
    progress.produced?.(0, payloads.length);
    const p = await produce(kinesisWriter(opened.client), opened.target.streamName, payloads, {
      onProgress: (_events, records) => progress.produced?.(records, payloads.length),
    });
    progress.delivered?.(0, 0);
    let delivered = 0;
    let files = 0;
    const d = await deliver(home, opened.client, opened.target.streamName, {
      buffering: { maxMs: 1000 },
      onFile: (f) => {
        delivered += f.records + f.errorRecords;
        files += filesOf(f);
        progress.delivered?.(delivered, files);
      },
    });
    return {
      produced: p.records,
      producedPerSecond: p.recordsPerSecond,
      deliveredRecords: d.records,
      deliveredErrorRecords: d.errorRecords,
      files: d.files + d.errorFiles,
    };
  } finally {
    opened.client.destroy();
    if (opened.startedEmulator) await stopEmulator(home);
  }
}
