/**
 * The ad-events stream's delivery lag: records on the stream after each shard's delivery checkpoint (not yet in a
 * raw file) and the arrival time of the oldest of them. Read from the stream itself (the local emulator when it
 * runs, Kinesis on AWS), from the checkpoints the delivery worker keeps; it reads at most `maxPages` pages a shard.
 */
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { listAllShards } from '../stream/admin';
import { CheckpointStore, checkpointPath } from '../stream/checkpoint';
import { createKinesisClient } from '../stream/client';
import { resolveStreamTarget } from '../stream/config';
import { emulatorStatus } from '../stream/emulator';
import type { StreamLag } from './pipeline-status';

async function shardLag(
  client: KinesisClient,
  stream: string,
  shardId: string,
  after: string | undefined,
  maxPages: number,
): Promise<{ records: number; oldest: Date | null }> {
  const it = await client.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: shardId,
      ...(after
        ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
        : { ShardIteratorType: 'TRIM_HORIZON' }),
    }),
  );
  let iterator = it.ShardIterator;
  let records = 0;
  let oldest: Date | null = null;
  for (let page = 0; iterator && page < maxPages; page++) {
    const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    const got = out.Records ?? [];
    records += got.length;
    for (const r of got) {
      const at = r.ApproximateArrivalTimestamp;
      if (at && (oldest === null || at < oldest)) oldest = at;
    }
    if (got.length === 0 || out.MillisBehindLatest === 0) break;
    iterator = out.NextShardIterator;
  }
  return { records, oldest };
}

export async function readStreamLag(home: string, now: Date, maxPages = 20): Promise<StreamLag> {
  let target = resolveStreamTarget();
  const unknown = (note: string): StreamLag => ({
    stream: target.streamName,
    reachable: false,
    undeliveredRecords: null,
    oldestUndeliveredAt: null,
    oldestUndeliveredAgeMinutes: null,
    note,
  });
  if (target.kind === 'managed-emulator') {
    const e = await emulatorStatus(home);
    if (!e.running)
      return unknown(`emulator not running (${e.reason}): lag unknown; start it with lake stream up`);
    target = { ...target, endpoint: e.state.endpoint };
  }
  const client = createKinesisClient(target);
  try {
    const checkpoints = new CheckpointStore(checkpointPath(home, target.streamName), target.streamName);
    let records = 0;
    let oldest: Date | null = null;
    for (const s of await listAllShards(client, target.streamName)) {
      const id = s.ShardId ?? '';
      const cp = checkpoints.shard(id);
      if (cp?.finished) continue;
      const lag = await shardLag(client, target.streamName, id, cp?.sequenceNumber, maxPages);
      records += lag.records;
      if (lag.oldest && (oldest === null || lag.oldest < oldest)) oldest = lag.oldest;
    }
    return {
      stream: target.streamName,
      reachable: true,
      undeliveredRecords: records,
      oldestUndeliveredAt: oldest?.toISOString() ?? null,
      oldestUndeliveredAgeMinutes: oldest
        ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 60000))
        : null,
    };
  } catch (e) {
    return unknown(`stream not readable: ${(e as Error).message}`);
  } finally {
    client.destroy();
  }
}
