/**
 * The one Kinesis client factory. AWS SDK v3 with the HTTP/1.1 handler: the default HTTP/2 handler fails against a
 * local emulator ("Protocol error", DESIGN.md §6). Emulators get dummy credentials; real Kinesis uses the SDK's
 * default credential chain.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { StreamTarget } from './config';

export function createKinesisClient(target: StreamTarget): KinesisClient {
  const local = target.kind !== 'aws';
  if (local && target.endpoint === undefined)
    throw new Error(`no endpoint for the ${target.kind} stream target yet`);
  return new KinesisClient({
    region: target.region,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 30_000 }),
    ...(local
      ? { endpoint: target.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}
