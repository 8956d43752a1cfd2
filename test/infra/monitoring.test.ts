import { Match, Template } from 'aws-cdk-lib/assertions';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LakeNames } from '../../lib/infra/config/lake-names';
import { LakeMonitoring } from '../../lib/infra/monitoring/lake-monitoring';
import { resourcesOf, testApp, testStack } from './helpers';

const names = new LakeNames('shoplake-t');
let t: Template;

beforeAll(() => {
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
  });
  t = Template.fromStack(stack);
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

  test('exactly those eight alarms', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 8);
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
