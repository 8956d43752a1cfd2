/** The demo's stream leg: produce the generated ad events to the local Kinesis emulator, then deliver them to raw. */
import { resolveStreamTarget } from '../stream/config';
import { openStream } from '../stream/connect';
import { deliver } from '../stream/delivery';
import { stopEmulator } from '../stream/emulator';
import { produce } from '../stream/producer';
import type { Payload } from '../stream/producer';
import { kinesisWriter } from '../stream/writer';

export interface StreamLegResult {
  readonly produced: number;
  readonly producedPerSecond: number;
  readonly deliveredRecords: number;
  readonly deliveredErrorRecords: number;
  readonly files: number;
}

export async function produceAndDeliver(
  home: string,
  payloads: readonly Payload[],
  log: (line: string) => void,
): Promise<StreamLegResult> {
  const target = resolveStreamTarget();
  const opened = await openStream(home, target);
  try {
    log(
      `producing ${payloads.length} ad events to stream ${opened.target.streamName} (${opened.target.kind}${opened.target.endpoint ? ` at ${opened.target.endpoint}` : ''})`,
    );
    const p = await produce(kinesisWriter(opened.client), opened.target.streamName, payloads);
    log(`delivering the stream to raw/ad_events/ ...`);
    const d = await deliver(home, opened.client, opened.target.streamName, { buffering: { maxMs: 1000 } });
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
