import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup, LogStream } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, iam5 } from '../nag';
import { retention } from '../config/retention';
import { AD_EVENTS_STREAM_DEFAULTS as DEFAULTS } from './ad-events-stream-props';
import type { AdEventsStreamProps } from './ad-events-stream-props';

export const DEFAULT_AD_EVENTS_PREFIX = 'ad_events/!{timestamp:yyyy/MM/dd/HH}/';
/** Firehose requires `!{firehose:error-output-type}` in the error prefix once the data prefix uses expressions. */
export const DEFAULT_AD_EVENTS_ERROR_PREFIX =
  'ad_events_errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/';

/** The part of a Firehose prefix before its first `!{...}` expression. */
export function staticPrefix(prefix: string): string {
  const i = prefix.indexOf('!{');
  return i < 0 ? prefix : prefix.slice(0, i);
}

/**
 * The ad-event stream: a KMS-encrypted Kinesis Data Stream, and a Firehose delivery stream that lands its records
 * in the raw zone as gzip NDJSON (a newline appended to each record) under an arrival-time prefix, with failed records under an error prefix and
 * delivery errors logged to CloudWatch. Firehose runs as its own role with explicit, least-privilege actions.
 */
export class AdEventsStream extends Construct {
  public readonly stream: Stream;
  public readonly deliveryStream: CfnDeliveryStream;
  public readonly deliveryStreamName: string;
  public readonly logGroup: LogGroup;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: AdEventsStreamProps) {
    super(scope, id);
    const retentionPeriod = props.retentionPeriod ?? Duration.hours(DEFAULTS.retentionHours);
    if (retentionPeriod.toHours() < 168)
      throw new Error('AdEventsStream: retentionPeriod must be at least 7 days');
    const provisioned = (props.capacityMode ?? DEFAULTS.capacityMode) === 'provisioned';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.deliveryStreamName = `${props.prefix}-ad-events`;

    this.stream = new Stream(this, 'Stream', {
      streamName: `${props.prefix}-ad-events`,
      encryption: StreamEncryption.KMS,
      encryptionKey: props.raw.key,
      retentionPeriod,
      streamMode: provisioned ? StreamMode.PROVISIONED : StreamMode.ON_DEMAND,
      shardCount: provisioned ? (props.shardCount ?? DEFAULTS.shardCount) : undefined,
      removalPolicy,
    });

    this.logGroup = new LogGroup(this, 'DeliveryLogs', {
      logGroupName: `/aws/kinesisfirehose/${this.deliveryStreamName}`,
      retention: props.logRetention ?? retention(),
      encryptionKey: props.raw.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new LogStream(this, 'DeliveryLogStream', {
      logGroup: this.logGroup,
      logStreamName: 'S3Delivery',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const dataPrefix = staticPrefix(props.dataOutputPrefix ?? DEFAULT_AD_EVENTS_PREFIX);
    const errorPrefix = staticPrefix(props.errorOutputPrefix ?? DEFAULT_AD_EVENTS_ERROR_PREFIX);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com'),
      description: `${props.prefix}: Firehose reads the ad-event stream and writes the raw zone`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
          'kinesis:ListShards',
        ],
        resources: [this.stream.streamArn],
      }),
    );
    props.raw.grantWrite(this.role, [dataPrefix, errorPrefix]);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const policy = this.role.node.findChild('DefaultPolicy');

    this.deliveryStream = new CfnDeliveryStream(this, 'Delivery', {
      deliveryStreamName: this.deliveryStreamName,
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: {
        kinesisStreamArn: this.stream.streamArn,
        roleArn: this.role.roleArn,
      },
      extendedS3DestinationConfiguration: {
        bucketArn: props.raw.bucket.bucketArn,
        roleArn: this.role.roleArn,
        compressionFormat: 'GZIP',
        prefix: props.dataOutputPrefix ?? DEFAULT_AD_EVENTS_PREFIX,
        errorOutputPrefix: props.errorOutputPrefix ?? DEFAULT_AD_EVENTS_ERROR_PREFIX,
        fileExtension: '.ndjson.gz',
        bufferingHints: {
          intervalInSeconds: (
            props.bufferingInterval ?? Duration.seconds(DEFAULTS.bufferIntervalSeconds)
          ).toSeconds(),
          sizeInMBs: (props.bufferingSize ?? Size.mebibytes(DEFAULTS.bufferSizeMiB)).toMebibytes(),
        },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.raw.key.keyArn } },
        // Producers send one JSON object per record without a newline; Firehose would concatenate them.
        processingConfiguration: {
          enabled: true,
          processors: [{ type: 'AppendDelimiterToRecord', parameters: [] }],
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    // Firehose checks its permissions when the delivery stream is created.
    this.deliveryStream.node.addDependency(policy);

    acknowledge(
      this.stream,
      'AwsSolutions-KDS3',
      "The stream is encrypted with the lake's customer-managed key (rotated, key policy and CloudTrail under our control) on purpose, not with aws/kinesis.",
    );
    acknowledge(
      this.deliveryStream,
      'AwsSolutions-KDF1',
      'Firehose server-side encryption does not apply to a Kinesis-stream source: the source stream is KMS-encrypted and Firehose writes S3 objects with the lake key.',
    );
    acknowledge(
      policy,
      iam5(policy, props.raw.objectsArn(dataPrefix)),
      'Firehose writes objects under arrival-hour keys that do not exist in advance; limited to the ad_events/ prefix of the raw bucket.',
    );
    acknowledge(
      policy,
      iam5(policy, props.raw.objectsArn(errorPrefix)),
      'Firehose writes undeliverable records under generated keys; limited to the ad_events_errors/ prefix of the raw bucket.',
    );
  }
}
