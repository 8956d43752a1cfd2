import { Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { adEvents } from '../../lib/contracts/ad-events';
import {
  AdEventsStream,
  DEFAULT_AD_EVENTS_ERROR_PREFIX,
  DEFAULT_AD_EVENTS_PREFIX,
  staticPrefix,
} from '../../lib/infra/streaming/ad-events-stream';
import { LakeZone } from '../../lib/infra/storage/lake-zones';
import { allowedActions, resourcesOf, testApp, testStack } from './helpers';

let t: Template;
let tooShort: unknown;

beforeAll(() => {
  const app = testApp();
  const stack = testStack(app);
  const raw = new LakeZone(new Bucket(stack, 'Raw'), new Key(stack, 'K'));
  new AdEventsStream(stack, 'Std', { prefix: 'p1', raw });
  new AdEventsStream(stack, 'Tuned', {
    prefix: 'p2',
    raw,
    capacityMode: 'provisioned',
    shardCount: 3,
    retentionPeriod: Duration.days(14),
    bufferingInterval: Duration.seconds(60),
    bufferingSize: Size.mebibytes(16),
  });
  try {
    new AdEventsStream(stack, 'TooShort', {
      prefix: 'p3',
      raw,
      retentionPeriod: Duration.days(1),
    });
  } catch (e) {
    tooShort = e;
  }
  t = Template.fromStack(stack);
});

const props = (type: string, prefix: string): Record<string, unknown> => {
  const hit = resourcesOf(t, type, prefix)[0];
  if (!hit) throw new Error(`no ${type} under ${prefix}`);
  return hit[1].Properties ?? {};
};

describe('AdEventsStream defaults', () => {
  test('Kinesis: KMS with the lake key, 7 days, on demand', () => {
    const s = props('AWS::Kinesis::Stream', 'Std');
    expect(s).toMatchObject({
      Name: 'p1-ad-events',
      RetentionPeriodHours: 168,
      StreamEncryption: {
        EncryptionType: 'KMS',
        KeyId: { 'Fn::GetAtt': [expect.stringMatching(/^K/), 'Arn'] },
      },
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
    expect(s.ShardCount).toBeUndefined();
    expect(resourcesOf(t, 'AWS::Kinesis::Stream', 'Std')[0]?.[1].DeletionPolicy).toBe('Retain');
  });

  test('Firehose: from the stream to raw, NDJSON (newline per record), gzip, arrival-time prefix, error prefix, logging, buffering 300 s / 64 MiB', () => {
    const d = props('AWS::KinesisFirehose::DeliveryStream', 'Std');
    expect(d.DeliveryStreamType).toBe('KinesisStreamAsSource');
    expect(d.ExtendedS3DestinationConfiguration).toMatchObject({
      CompressionFormat: 'GZIP',
      Prefix: 'ad_events/!{timestamp:yyyy/MM/dd/HH}/',
      ErrorOutputPrefix: 'ad_events_errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
      FileExtension: '.ndjson.gz',
      BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 },
      CloudWatchLoggingOptions: { Enabled: true },
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: expect.anything() } },
      ProcessingConfiguration: {
        Enabled: true,
        Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
      },
    });
  });

  test("the default prefixes are the contract's raw prefixes", () => {
    expect(staticPrefix(DEFAULT_AD_EVENTS_PREFIX)).toBe(adEvents.raw.prefix);
    expect(staticPrefix(DEFAULT_AD_EVENTS_ERROR_PREFIX)).toBe(adEvents.raw.errorPrefix);
  });

  test('delivery errors are logged to a log group with retention, encrypted with the lake key', () => {
    expect(props('AWS::Logs::LogGroup', 'Std')).toMatchObject({
      LogGroupName: '/aws/kinesisfirehose/p1-ad-events',
      RetentionInDays: 90,
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^K[0-9A-F]{8}$/), 'Arn'] },
    });
  });

  test("Firehose's role: explicit actions, writes only the two raw prefixes", () => {
    expect(allowedActions(t).filter((a) => a.includes('*'))).toEqual([]);
    const policy = props('AWS::IAM::Policy', 'StdRoleDefaultPolicy');
    expect(JSON.stringify(policy)).toContain('/ad_events/*');
    expect(JSON.stringify(policy)).toContain('/ad_events_errors/*');
  });

  test('the delivery stream waits for its policy', () => {
    const [, d] = resourcesOf(t, 'AWS::KinesisFirehose::DeliveryStream', 'Std')[0] ?? [];
    expect(d?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^StdRoleDefaultPolicy/)]));
  });
});

describe('AdEventsStream from config', () => {
  test('provisioned with shards, longer retention, own buffering', () => {
    expect(props('AWS::Kinesis::Stream', 'Tuned')).toMatchObject({
      ShardCount: 3,
      RetentionPeriodHours: 336,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
    expect(props('AWS::KinesisFirehose::DeliveryStream', 'Tuned')).toMatchObject({
      ExtendedS3DestinationConfiguration: { BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 16 } },
    });
  });

  test('retention under 7 days is refused', () => {
    expect(String(tooShort)).toMatch(/at least 7 days/);
    t.resourceCountIs('AWS::Kinesis::Stream', 2);
  });
});
