import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Compression, DeliveryStream, EnableLogging, KinesisStreamSource, S3Bucket } from 'aws-cdk-lib/aws-kinesisfirehose';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AdEventsStreamProps } from './ad-events-stream-props';

export const DEFAULT_AD_EVENTS_PREFIX = 'ad_events/!{timestamp:yyyy/MM/dd/HH}/';
/** Firehose requires `!{firehose:error-output-type}` in the error prefix once the data prefix uses expressions. */
export const DEFAULT_AD_EVENTS_ERROR_PREFIX = 'ad_events_errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/';

/**
 * The ad-event stream: a KMS-encrypted Kinesis Data Stream, and a Firehose delivery stream that lands its records
 * in the raw zone as gzip NDJSON under an arrival-time prefix, with failed records under an error prefix and
 * delivery errors logged to CloudWatch.
 */
export class AdEventsStream extends Construct {
  public readonly stream: Stream;
  public readonly deliveryStream: DeliveryStream;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AdEventsStreamProps) {
    super(scope, id);
    const retentionPeriod = props.retentionPeriod ?? Duration.days(7);
    if (retentionPeriod.toHours() < 168) throw new Error('AdEventsStream: retentionPeriod must be at least 7 days');
    const provisioned = (props.capacityMode ?? 'on-demand') === 'provisioned';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.stream = new Stream(this, 'Stream', {
      streamName: `${props.prefix}-ad-events`,
      encryption: StreamEncryption.KMS,
      encryptionKey: props.key,
      retentionPeriod,
      streamMode: provisioned ? StreamMode.PROVISIONED : StreamMode.ON_DEMAND,
      shardCount: provisioned ? (props.shardCount ?? 1) : undefined,
      removalPolicy,
    });

    this.logGroup = new LogGroup(this, 'DeliveryLogs', {
      logGroupName: `/aws/kinesisfirehose/${props.prefix}-ad-events`,
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.deliveryStream = new DeliveryStream(this, 'Delivery', {
      deliveryStreamName: `${props.prefix}-ad-events`,
      source: new KinesisStreamSource(this.stream),
      destination: new S3Bucket(props.rawBucket, {
        compression: Compression.GZIP,
        dataOutputPrefix: props.dataOutputPrefix ?? DEFAULT_AD_EVENTS_PREFIX,
        errorOutputPrefix: props.errorOutputPrefix ?? DEFAULT_AD_EVENTS_ERROR_PREFIX,
        fileExtension: '.ndjson.gz',
        bufferingInterval: props.bufferingInterval ?? Duration.seconds(300),
        bufferingSize: props.bufferingSize ?? Size.mebibytes(64),
        encryptionKey: props.key,
        loggingConfig: new EnableLogging(this.logGroup),
      }),
    });
  }
}
