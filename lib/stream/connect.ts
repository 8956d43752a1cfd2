/**
 * Opens the ad-events stream for a command: for the managed emulator, starts it when it is not running; then makes
 * the client and creates the stream when missing. Adapters are picked here, once.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from './client';
import type { StreamTarget } from './config';
import { ensureStream } from './admin';
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
  const { created } = await ensureStream(client, resolved.streamName, resolved.shardCount);
  return { client, target: resolved, startedEmulator, createdStream: created };
}
