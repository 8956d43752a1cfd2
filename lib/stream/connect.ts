/**
 * Opens the ad-events stream for a command: for the managed emulator, starts it when it is not running; then makes
 * the client and creates the stream when missing. Adapters are picked here, once.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from './client';
import type { StreamTarget } from './config';
import { ensureStream, streamStatus } from './admin';
import { startEmulator } from './emulator';

export interface OpenStream {
  readonly client: KinesisClient;
  /** the target with its endpoint filled in */
  readonly target: StreamTarget;
  /** set when this call started the managed emulator */
  readonly startedEmulator: boolean;
  readonly createdStream: boolean;
}

export async function openStream(home: string, target: StreamTarget): Promise<OpenStream> {
  let resolved = target;
  let startedEmulator = false;
  if (target.kind === 'managed-emulator') {
    const emulator = await startEmulator(home);
    resolved = { ...target, endpoint: emulator.endpoint };
    startedEmulator = emulator.started;
  }
  const client = createKinesisClient(resolved);
  let created = false;
  if (resolved.kind === 'aws') {
    // on AWS the CDK streaming stack owns the stream: use it, never create one behind its back
    const status = await streamStatus(client, resolved.streamName);
    if (status === undefined) {
      client.destroy();
      throw new Error(
        `Kinesis stream ${resolved.streamName} does not exist in ${resolved.region} (deploy the streaming stack, or set LAKE_STREAM_NAME)`,
      );
    }
  } else created = (await ensureStream(client, resolved.streamName, resolved.shardCount)).created;
  return { client, target: resolved, startedEmulator, createdStream: created };
}
