import { defaultBuffering, resolveBuffering, resolveStreamTarget } from '../../lib/stream/config';
import { deliveryKeys, hourPrefix } from '../../lib/stream/raw-files';

describe('stream configuration', () => {
  it('defaults to the managed emulator, stream lake-ad-events, 2 shards, us-east-1', () => {
    expect(resolveStreamTarget({}, {})).toEqual({
      kind: 'managed-emulator',
      streamName: 'lake-ad-events',
      shardCount: 2,
      region: 'us-east-1',
    });
  });

  it('takes an endpoint, real Kinesis, and names from options before the environment', () => {
    const env = {
      LAKE_STREAM_NAME: 'env-stream',
      LAKE_STREAM_SHARDS: '4',
      LAKE_KINESIS_ENDPOINT: 'http://127.0.0.1:4567',
      AWS_REGION: 'eu-west-1',
    };
    expect(resolveStreamTarget({}, env)).toEqual({
      kind: 'endpoint',
      streamName: 'env-stream',
      shardCount: 4,
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4567',
    });
    expect(resolveStreamTarget({ streamName: 'opt', aws: true }, env)).toEqual({
      kind: 'aws',
      streamName: 'opt',
      shardCount: 4,
      region: 'eu-west-1',
    });
    expect(resolveStreamTarget({}, { LAKE_STREAM_TARGET: 'aws' }).kind).toBe('aws');
    expect(() => resolveStreamTarget({}, { LAKE_STREAM_SHARDS: 'two' })).toThrow(/LAKE_STREAM_SHARDS/);
  });

  it('buffers 1 MiB or 5 s per shard and polls every 250 ms by default', () => {
    expect(defaultBuffering).toEqual({ maxBytes: 1048576, maxMs: 5000, pollMs: 250 });
    expect(resolveBuffering({}, {})).toEqual(defaultBuffering);
    expect(
      resolveBuffering({ maxMs: 100 }, { LAKE_STREAM_BUFFER_BYTES: '2048', LAKE_STREAM_BUFFER_MS: '9' }),
    ).toEqual({ maxBytes: 2048, maxMs: 100, pollMs: 250 });
  });

  it('names delivery files by arrival hour (UTC), shard and first sequence number', () => {
    const at = Date.UTC(2026, 0, 2, 3, 59, 59, 999);
    expect(hourPrefix(at)).toBe('2026/01/02/03');
    expect(deliveryKeys('shardId-000000000001', '4968', at)).toEqual({
      records: 'ad_events/2026/01/02/03/ad_events-shardId-000000000001-4968.ndjson.gz',
      errors: 'ad_events_errors/2026/01/02/03/ad_events-shardId-000000000001-4968.ndjson.gz',
    });
  });
});
