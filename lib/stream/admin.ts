/** Stream administration: create the stream when missing and wait until it is ACTIVE; list its shards. */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The stream's status, or `undefined` when it does not exist. */
export async function streamStatus(client: KinesisClient, streamName: string): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    return out.StreamDescriptionSummary?.StreamStatus;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return undefined;
    throw e;
  }
}

/** Creates the stream with `shardCount` shards unless it exists; resolves once it is ACTIVE. */
export async function ensureStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
  timeoutMs = 60_000,
): Promise<{ readonly created: boolean }> {
  let created = false;
  let status = await streamStatus(client, streamName);
  if (status === undefined) {
    try {
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
      created = true;
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e; // created meanwhile by another process
    }
    status = await streamStatus(client, streamName);
  }
  const deadline = Date.now() + timeoutMs;
  while (status !== 'ACTIVE' && status !== 'UPDATING') {
    if (Date.now() > deadline)
      throw new Error(`stream ${streamName} is still ${status ?? 'missing'} after ${timeoutMs} ms`);
    await sleep(200);
    status = await streamStatus(client, streamName);
  }
  return { created };
}

/** Every shard of the stream, open and closed (follows NextToken). */
export async function listAllShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(
      nextToken === undefined
        ? new ListShardsCommand({ StreamName: streamName })
        : new ListShardsCommand({ NextToken: nextToken }),
    );
    shards.push(...(out.Shards ?? []));
    nextToken = out.NextToken;
  } while (nextToken !== undefined);
  return shards;
}
