/**
 * The stream's lag on AWS: read from CloudWatch (mocked with aws-sdk-client-mock) by the API Lambda, from the Kinesis
 * stream's iterator age and the Firehose delivery stream's data freshness; no datapoints and a CloudWatch error are
 * answers, never a failed route.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchStreamLag, lagFromMetrics } from '../../lambdas/api/cloudwatch-stream-lag';
import { readConfig } from '../../lambdas/api/config';
import { createLambdaRouter } from '../../lambdas/api/lambda-app';
import { call, captureLogger, principalOf } from './support/harness';

const cw = mockClient(CloudWatchClient);
const secrets = mockClient(SecretsManagerClient);
const NOW = new Date('2026-03-02T10:00:30Z');
const at = (minutesBefore: number) => new Date(Date.parse('2026-03-02T10:00:00Z') - minutesBefore * 60_000);
const STREAMS = { streamName: 'shoplake-dev-ad-events', deliveryStreamName: 'shoplake-dev-ad-events-to-raw' };

const result = (Id: string, points: [number, number][]): MetricDataResult => ({
  Id,
  StatusCode: 'Complete',
  Timestamps: points.map(([m]) => at(m)),
  Values: points.map(([, v]) => v),
});

beforeEach(() => cw.reset());

describe('the stream lag from CloudWatch', () => {
  it('is the larger of the newest iterator age and data freshness; the count stays unknown', async () => {
    // the newest datapoint counts, not the largest of the window (the stream caught up since 8 min ago)
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          result('iteratorAge', [
            [3, 90_000],
            [8, 600_000],
          ]),
          result('freshness', [[2, 240]]),
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          result('incoming', [
            [2, 400],
            [3, 350],
          ]),
          result('delivered', [[2, 500]]),
        ],
      });
    const lag = await cloudWatchStreamLag({ client: new CloudWatchClient({}), ...STREAMS })(NOW);
    expect(lag).toMatchObject({
      stream: 'shoplake-dev-ad-events',
      reachable: true,
      undeliveredRecords: null,
      // 240 s of freshness, measured over the minute that ended at 09:59:00
      oldestUndeliveredAgeMinutes: 4,
      oldestUndeliveredAt: '2026-03-02T09:55:00.000Z',
    });
    expect(lag.note).toContain(
      '240 s old, in the Firehose buffer (data freshness), as of 2026-03-02T09:59:00.000Z',
    );
    expect(lag.note).toContain('iterator age 90 s');
    expect(lag.note).toContain('records not yet delivered are not in the metrics (null)');
    expect(lag.note).toContain('750 records came into the stream and 500 were delivered to S3');
    // one query per metric, each on its own stream's dimension, over the last 10 whole minutes, pages followed
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.NextToken).toBe('page-2');
    const input = calls[0] as GetMetricDataCommandInput;
    expect(input.StartTime).toEqual(new Date('2026-03-02T09:51:00Z'));
    expect(input.EndTime).toEqual(new Date('2026-03-02T10:01:00Z'));
    expect(
      input.MetricDataQueries?.map((q) => [
        q.Id,
        q.MetricStat?.Metric?.Namespace,
        q.MetricStat?.Metric?.MetricName,
        q.MetricStat?.Metric?.Dimensions,
        q.MetricStat?.Stat,
        q.MetricStat?.Period,
      ]),
    ).toEqual([
      [
        'iteratorAge',
        'AWS/Kinesis',
        'GetRecords.IteratorAgeMilliseconds',
        [{ Name: 'StreamName', Value: STREAMS.streamName }],
        'Maximum',
        60,
      ],
      [
        'freshness',
        'AWS/Firehose',
        'DeliveryToS3.DataFreshness',
        [{ Name: 'DeliveryStreamName', Value: STREAMS.deliveryStreamName }],
        'Maximum',
        60,
      ],
      [
        'incoming',
        'AWS/Kinesis',
        'IncomingRecords',
        [{ Name: 'StreamName', Value: STREAMS.streamName }],
        'Sum',
        60,
      ],
      [
        'delivered',
        'AWS/Firehose',
        'DeliveryToS3.Records',
        [{ Name: 'DeliveryStreamName', Value: STREAMS.deliveryStreamName }],
        'Sum',
        60,
      ],
    ]);
  });

  it('takes the iterator age when Firehose holds nothing older', () => {
    const w = { ...STREAMS, windowMinutes: 10, periodSeconds: 60 };
    const lag = lagFromMetrics(
      w,
      {
        iteratorAge: { timestamps: [at(1)], values: [1_860_000] },
        freshness: { timestamps: [], values: [] },
      },
      NOW,
    );
    expect(lag).toMatchObject({
      reachable: true,
      undeliveredRecords: null,
      oldestUndeliveredAgeMinutes: 31,
      oldestUndeliveredAt: '2026-03-02T09:29:00.000Z',
    });
    expect(lag.note).toContain('waiting on the stream (iterator age)');
    expect(lag.note).toContain('no data freshness in the last 10 min (nothing buffered)');
  });

  it('with no datapoints at all: reachable, idle or unknown, and says so', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: ['iteratorAge', 'freshness', 'incoming', 'delivered'].map((id) => result(id, [])),
    });
    const lag = await cloudWatchStreamLag({ client: new CloudWatchClient({}), ...STREAMS })(NOW);
    expect(lag).toEqual({
      stream: STREAMS.streamName,
      reachable: true,
      undeliveredRecords: null,
      oldestUndeliveredAt: null,
      oldestUndeliveredAgeMinutes: null,
      note: expect.stringMatching(/^lag idle or unknown: no CloudWatch datapoints in the last 10 min/),
    });
    expect(lag.note).toContain('an idle stream');
  });

  it('records that moved without an age reported: unknown, not idle', () => {
    const lag = lagFromMetrics(
      { ...STREAMS, windowMinutes: 10, periodSeconds: 60 },
      { incoming: { timestamps: [at(2)], values: [12] } },
      NOW,
    );
    expect(lag.oldestUndeliveredAgeMinutes).toBeNull();
    expect(lag.note).toMatch(
      /^lag unknown: records moved \(over the last 10 min, 12 records came into the stream and 0/,
    );
  });

  it('a CloudWatch error is an unreachable lag with its reason, and a metric CloudWatch could not read likewise', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), {
      name: 'AccessDenied',
    });
    cw.on(GetMetricDataCommand).rejects(denied);
    const read = cloudWatchStreamLag({ client: new CloudWatchClient({}), ...STREAMS });
    expect(await read(NOW)).toEqual({
      stream: STREAMS.streamName,
      reachable: false,
      undeliveredRecords: null,
      oldestUndeliveredAt: null,
      oldestUndeliveredAgeMinutes: null,
      note: 'CloudWatch not readable (AccessDenied: User is not authorized to perform: cloudwatch:GetMetricData): lag unknown',
    });
    cw.reset();
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [result('iteratorAge', [[1, 5]]), { Id: 'freshness', StatusCode: 'InternalError' }],
    });
    expect(await read(NOW)).toMatchObject({
      reachable: false,
      note: expect.stringContaining('DeliveryToS3.DataFreshness: InternalError'),
    });
  });
});

describe('GET /v1/pipelines on AWS reads the lag from CloudWatch', () => {
  function router() {
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'lambda-test-secret-0123456789' });
    const config = readConfig({
      AWS_REGION: 'eu-west-1',
      LAKE_PROCESSED_DATABASE: 'p',
      LAKE_CURATED_DATABASE: 'c',
      LAKE_ROLE_CONFIG: JSON.stringify({ admin: { workgroup: 'wg' } }),
      LAKE_PRINCIPAL_ROLES: JSON.stringify({ [principalOf.admin]: 'admin' }),
      LAKE_CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:c',
      LAKE_STREAM_NAME: STREAMS.streamName,
      LAKE_DELIVERY_STREAM_NAME: STREAMS.deliveryStreamName,
    });
    expect(config.stream).toEqual(STREAMS);
    return createLambdaRouter(config, captureLogger(), {
      credentials: async () => {
        throw new Error('no query runs on a metadata route');
      },
    });
  }

  it('a lag past the objective turns the status red; a CloudWatch error does not fail the route', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [result('freshness', [[0, 45 * 60]])],
    });
    const r = await call(router(), '/v1/pipelines');
    expect(r.status).toBe(200);
    expect(r.body.stream).toMatchObject({ reachable: true, oldestUndeliveredAgeMinutes: 45 });
    expect(r.body.light).toBe('red');
    expect(r.body.problems).toContain(
      `stream ${STREAMS.streamName}: oldest undelivered record is 45 min old, objective 30 min`,
    );

    cw.reset();
    cw.on(GetMetricDataCommand).rejects(new Error('Rate exceeded'));
    const down = await call(router(), '/v1/pipelines');
    expect(down.status).toBe(200);
    expect(down.body.stream).toMatchObject({
      reachable: false,
      note: expect.stringContaining('Rate exceeded'),
    });
  });

  it('the stream and the delivery stream are named together or not at all', () => {
    expect(() =>
      readConfig({
        LAKE_PROCESSED_DATABASE: 'p',
        LAKE_CURATED_DATABASE: 'c',
        LAKE_ROLE_CONFIG: '{}',
        LAKE_CURSOR_SECRET_ARN: 'arn:x',
        LAKE_STREAM_NAME: 'only-one',
      }),
    ).toThrow(/LAKE_STREAM_NAME and LAKE_DELIVERY_STREAM_NAME are set together/);
  });
});
