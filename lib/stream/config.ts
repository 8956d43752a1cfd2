/**
 * Where the ad-events stream lives and how the local Firehose stand-in buffers. One place resolves it, from
 * explicit options, then the environment, then defaults:
 *
 *   LAKE_STREAM_NAME         stream name                                   @default 'lake-ad-events'
 *   LAKE_STREAM_SHARDS       shards when the stream is created             @default 2
 *   LAKE_KINESIS_ENDPOINT    an emulator you run yourself (not managed)    @default the managed local emulator
 *   LAKE_STREAM_TARGET=aws   real Kinesis (region and credentials from the AWS SDK's default chain)
 *   LAKE_STREAM_BUFFER_BYTES delivery buffer size per shard                @default 1 MiB
 *   LAKE_STREAM_BUFFER_MS    delivery buffer time per shard                @default 5000 ms
 */
export type StreamTargetKind =
  /** the kinesalite emulator in the lake home, started on demand */
  | 'managed-emulator'
  /** an endpoint given by the user (an emulator they run) */
  | 'endpoint'
  /** real Kinesis */
  | 'aws';

export interface StreamTarget {
  readonly kind: StreamTargetKind;
  readonly streamName: string;
  readonly shardCount: number;
  readonly region: string;
  /** set for 'endpoint'; for 'managed-emulator' it is filled in once the emulator runs */
  readonly endpoint?: string;
}

export interface DeliveryBuffering {
  /** Flush a shard's buffer once it holds this many bytes. @default 1 MiB */
  readonly maxBytes: number;
  /** Flush a shard's buffer once its oldest record has waited this long. @default 5000 */
  readonly maxMs: number;
  /** How long the worker sleeps when every shard is caught up. @default 250 */
  readonly pollMs: number;
}

export const defaultStreamName = 'lake-ad-events';
export const defaultShardCount = 2;
export const defaultBuffering: DeliveryBuffering = { maxBytes: 1024 * 1024, maxMs: 5000, pollMs: 250 };

export interface StreamTargetOptions {
  readonly streamName?: string;
  readonly shardCount?: number;
  readonly endpoint?: string;
  readonly aws?: boolean;
  readonly region?: string;
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${text}'`);
  return n;
}

export function resolveStreamTarget(
  opts: StreamTargetOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): StreamTarget {
  const streamName = opts.streamName ?? env.LAKE_STREAM_NAME ?? defaultStreamName;
  const shardCount =
    opts.shardCount ?? positiveInt('LAKE_STREAM_SHARDS', env.LAKE_STREAM_SHARDS) ?? defaultShardCount;
  const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (opts.aws === true || env.LAKE_STREAM_TARGET === 'aws')
    return { kind: 'aws', streamName, shardCount, region };
  const endpoint = opts.endpoint ?? env.LAKE_KINESIS_ENDPOINT;
  if (endpoint !== undefined && endpoint !== '')
    return { kind: 'endpoint', streamName, shardCount, region, endpoint };
  return { kind: 'managed-emulator', streamName, shardCount, region };
}

export function resolveBuffering(
  opts: Partial<DeliveryBuffering> = {},
  env: NodeJS.ProcessEnv = process.env,
): DeliveryBuffering {
  return {
    maxBytes:
      opts.maxBytes ??
      positiveInt('LAKE_STREAM_BUFFER_BYTES', env.LAKE_STREAM_BUFFER_BYTES) ??
      defaultBuffering.maxBytes,
    maxMs:
      opts.maxMs ?? positiveInt('LAKE_STREAM_BUFFER_MS', env.LAKE_STREAM_BUFFER_MS) ?? defaultBuffering.maxMs,
    pollMs: opts.pollMs ?? defaultBuffering.pollMs,
  };
}
