/**
 * The one Kinesis client factory. AWS SDK v3 with the HTTP/1.1 handler: the default HTTP/2 handler fails against a
 * local emulator ("Protocol error"). Emulators get dummy credentials; real Kinesis uses the SDK's
 * default credential chain.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { StreamTarget } from './config';

export function createKinesisClient(target: StreamTarget): KinesisClient {
  // the project supports Node >= 20.19 (package.json engines); the SDK's notice about its future Node 22 floor is noise here
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
