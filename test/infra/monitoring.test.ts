import { Match, Template } from 'aws-cdk-lib/assertions';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { allTables, tableContract } from '../../lib/contracts';
import { LakeNames } from '../../lib/infra/config/lake-names';
import { LakeMonitoring, RUN_METRICS, freshnessWindow } from '../../lib/infra/monitoring/lake-monitoring';
import type { LakeMonitoringProps } from '../../lib/infra/monitoring/lake-monitoring-props';
import { resourcesOf, testApp, testStack } from './helpers';

const names = new LakeNames('shoplake-t');
let t: Template;

/** A stack with the monitoring of `props` (and a stand-in stream, function and API to watch). */
function monitoringTemplate(props: Partial<LakeMonitoringProps> = {}): Template {
  const app = testApp();
  const stack = testStack(app);
  const fn = new LambdaFunction(stack, 'Fn', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler=async()=>1'),
  });
  const api = new RestApi(stack, 'RestApi');
  api.root.addMethod('GET');
  new LakeMonitoring(stack, 'Mon', {
    names,
    stream: new Stream(stack, 'S'),
    deliveryStreamName: 'shoplake-t-ad-events',
    apiFunction: fn,
    api,
    glueJobNames: ['shoplake-t-transactions', 'shoplake-t-curated'],
    rulesetNames: ['shoplake-t-transactions-dq'],
    alarmEmail: 'ops@example.com',
    ...props,
  });
  return Template.fromStack(stack);
}

beforeAll(() => {
  t = monitoringTemplate();
});

describe('LakeMonitoring', () => {
  test('alarm topic: KMS-encrypted with a rotated key, TLS only, e-mail subscription', () => {
    t.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'shoplake-t-alarms',
      KmsMasterKeyId: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test.each([
    ['kinesis-iterator-age', 'GetRecords.IteratorAgeMilliseconds', 600000, 'GreaterThanThreshold'],
    ['kinesis-write-throttles', 'WriteProvisionedThroughputExceeded', 0, 'GreaterThanThreshold'],
    ['firehose-freshness', 'DeliveryToS3.DataFreshness', 900, 'GreaterThanThreshold'],
    ['firehose-delivery-errors', 'DeliveryToS3.Success', 1, 'LessThanThreshold'],
    ['api-lambda-errors', 'Errors', 0, 'GreaterThanThreshold'],
    ['api-lambda-throttles', 'Throttles', 0, 'GreaterThanThreshold'],
    ['api-5xx', '5XXError', 0, 'GreaterThanThreshold'],
    ['api-latency-p99', 'Latency', 10000, 'GreaterThanThreshold'],
  ])('alarm %s on %s (default threshold %d) notifies the topic', (id, metric, threshold, op) => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `shoplake-t-${id}`,
      MetricName: metric,
      Threshold: threshold,
      ComparisonOperator: op,
      TreatMissingData: 'notBreaching',
      Period: 300,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonAlarms') }],
    });
  });

  test('exactly those eight alarms, plus a freshness and a quarantine-share alarm per table', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 8 + 2 * allTables.length);
  });

  test('Glue job failures and Data Quality failures arrive through EventBridge, with a dead-letter queue', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.glue'],
        'detail-type': ['Glue Job State Change'],
        detail: {
          jobName: ['shoplake-t-transactions', 'shoplake-t-curated'],
          state: ['FAILED', 'TIMEOUT', 'ERROR'],
        },
      },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), InputTransformer: Match.anyValue() })],
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.glue-dataquality'],
        detail: { rulesetNames: ['shoplake-t-transactions-dq'], state: ['FAILED'] },
      },
    });
    t.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 1209600,
    });
  });

  test('the key lets CloudWatch and EventBridge publish to the encrypted topic', () => {
    const key = JSON.stringify(resourcesOf(t, 'AWS::KMS::Key', 'Mon')[0]?.[1].Properties?.KeyPolicy);
    expect(key).toContain('cloudwatch.amazonaws.com');
    expect(key).toContain('events.amazonaws.com');
  });

  test.each(allTables.map((c) => [c.name, c.freshnessObjectiveMinutes]))(
    'freshness of %s: no successful run within its objective (%d min) alarms, and so does silence',
    (table, objective) => {
      const w = freshnessWindow(objective);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `shoplake-t-freshness-${table}`,
        Namespace: 'shoplake-t/jobs',
        MetricName: 'RunSucceeded',
        Dimensions: [{ Name: 'Dataset', Value: table }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        Period: w.periodMinutes * 60,
        EvaluationPeriods: w.periods,
        DatapointsToAlarm: w.periods,
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonAlarms') }],
      });
    },
  );

  test('the alarm windows cover each contract objective exactly: ad_events 30 min, transactions 26 h', () => {
    expect(freshnessWindow(tableContract('ad_events').freshnessObjectiveMinutes)).toEqual({
      periodMinutes: 30,
      periods: 1,
    });
    expect(freshnessWindow(2 * 60)).toEqual({ periodMinutes: 120, periods: 1 });
    expect(freshnessWindow(tableContract('transactions').freshnessObjectiveMinutes)).toEqual({
      periodMinutes: 60,
      periods: 26,
    });
    expect(freshnessWindow(24 * 60)).toEqual({ periodMinutes: 1440, periods: 1 });
    expect(freshnessWindow(24 * 60 + 1)).toEqual({ periodMinutes: 60, periods: 25 });
  });

  test.each([0, -5, 1.5, 7 * 24 * 60 + 1])(
    'an objective CloudWatch cannot evaluate (%d min) fails the synth with the reason',
    (objective) => {
      expect(() => freshnessWindow(objective)).toThrow(/whole number of minutes from 1 to 10080/);
    },
  );

  test.each(allTables.map((c) => [c.name]))(
    'quarantine share of %s above the default 5%% alarms (no data is not a breach)',
    (table) => {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `shoplake-t-quarantine-share-${table}`,
        Namespace: 'shoplake-t/jobs',
        MetricName: 'QuarantineSharePercent',
        Dimensions: [{ Name: 'Dataset', Value: table }],
        Statistic: 'Maximum',
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        Period: 300,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonAlarms') }],
      });
    },
  );

  test('the quarantine threshold and the watched tables come from the props', () => {
    const only = monitoringTemplate({ tables: [tableContract('social_posts')], quarantineSharePercent: 12 });
    only.resourceCountIs('AWS::CloudWatch::Alarm', 8 + 2);
    only.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shoplake-t-quarantine-share-social_posts',
      Threshold: 12,
    });
    only.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shoplake-t-freshness-social_posts',
      Period: 3600,
      EvaluationPeriods: 26,
    });
  });

  test('the dashboard shows every run metric of every table and the state of the table alarms', () => {
    const [, d] = resourcesOf(t, 'AWS::CloudWatch::Dashboard')[0] ?? [];
    const body = JSON.stringify(d?.Properties?.DashboardBody);
    for (const metric of RUN_METRICS)
      for (const c of allTables)
        expect(body).toContain(`\\"shoplake-t/jobs\\",\\"${metric}\\",\\"Dataset\\",\\"${c.name}\\"`);
    expect(body).toContain('Tables: freshness objective and quarantine share');
    // the alarm widget names each table alarm by its ARN (GetAtt of the alarm's logical id)
    for (const c of allTables)
      for (const kind of ['freshness', 'quarantineshare'])
        expect(body).toMatch(
          new RegExp(`"Fn::GetAtt":\\["Mon${kind}${c.name.replace(/_/g, '')}[0-9A-F]{8}","Arn"\\]`),
        );
  });

  test('a dashboard of the same metrics', () => {
    const [, d] = resourcesOf(t, 'AWS::CloudWatch::Dashboard')[0] ?? [];
    expect(d?.Properties?.DashboardName).toBe('shoplake-t-lake');
    const body = JSON.stringify(d?.Properties?.DashboardBody);
    for (const m of [
      'IteratorAgeMilliseconds',
      'DeliveryToS3.DataFreshness',
      '5XXError',
      'Throttles',
      'numFailedTasks',
    ])
      expect(body).toContain(m);
  });
});
