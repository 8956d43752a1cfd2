/** What `lake stream status` reports: the emulator, the stream and its shards, and the delivery checkpoints. */
import { DescribeStreamSummaryCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { listAllShards } from './admin';
import { CheckpointStore, checkpointPath } from './checkpoint';
import type { ShardCheckpoint } from './checkpoint';
import { createKinesisClient } from './client';
import type { StreamTarget } from './config';
import { emulatorPaths, emulatorStatus } from './emulator';
import type { EmulatorState } from './emulator';

export interface StreamShardStatus {
  readonly id: string | undefined;
  readonly open: boolean;
  readonly parent: string | undefined;
}

/** Field order is the order `--json` prints. */
export interface StreamStatus {
  readonly target: StreamTarget['kind'];
  readonly stream: string;
  /** only for the managed emulator */
  emulator?:
    | ({ readonly running: true } & EmulatorState)
    | { readonly running: false; readonly reason: string; readonly dataDir: string };
  /** the stream's status, 'missing', or 'unknown (...)'; absent when the emulator is not running */
  streamStatus?: string;
  shards?: StreamShardStatus[];
  checkpoints?: Readonly<Record<string, ShardCheckpoint>>;
}

/** The status, and the target as asked (with the running emulator's endpoint). Read-only. */
export async function streamStatus(
  home: string,
  target: StreamTarget,
): Promise<{ status: StreamStatus; target: StreamTarget }> {
  let t = target;
  const status: StreamStatus = { target: t.kind, stream: t.streamName };
  if (t.kind === 'managed-emulator') {
    const e = await emulatorStatus(home);
    status.emulator = e.running
      ? { running: true, ...e.state }
      : { running: false, reason: e.reason, dataDir: emulatorPaths(home).dataDir };
    if (e.running) t = { ...t, endpoint: e.state.endpoint };
  }
  if (t.kind !== 'managed-emulator' || t.endpoint !== undefined) {
    const client = createKinesisClient(t);
    try {
      const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: t.streamName }));
      const shards = await listAllShards(client, t.streamName);
      status.streamStatus = s.StreamDescriptionSummary?.StreamStatus;
      status.shards = shards.map((x) => ({
        id: x.ShardId,
        open: x.SequenceNumberRange?.EndingSequenceNumber === undefined,
        parent: x.ParentShardId,
      }));
    } catch (e) {
      status.streamStatus =
        e instanceof ResourceNotFoundException ? 'missing' : `unknown (${(e as Error).message})`;
    } finally {
      client.destroy();
    }
  }
  status.checkpoints = new CheckpointStore(checkpointPath(home, t.streamName), t.streamName).document.shards;
  return { status, target: t };
}
