import { CfnOutput, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { importZones } from './storage-stack';
import type { ZonesStackProps } from './storage-stack';
import { AdEventsStream } from '../streaming/ad-events-stream';
import { retention } from '../config/retention';

export type StreamingStackProps = ZonesStackProps;

/** Kinesis -> Firehose -> raw zone, for ad events. */
export class StreamingStack extends Stack {
  public readonly adEvents: AdEventsStream;

  constructor(scope: Construct, id: string, props: StreamingStackProps) {
    super(scope, id, props);
    const zones = importZones(this, props);
    const { config } = props;
    const s = config.streaming;
    this.adEvents = new AdEventsStream(this, 'AdEvents', {
      prefix: config.prefix,
      raw: zones.raw,
      capacityMode: s.mode,
      shardCount: s.shardCount,
      retentionPeriod: Duration.hours(s.retentionHours),
      bufferingInterval: Duration.seconds(s.bufferIntervalSeconds),
      bufferingSize: Size.mebibytes(s.bufferSizeMiB),
      logRetention: retention(config.logRetentionDays),
      removalPolicy: config.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'StreamName', {
      value: this.adEvents.stream.streamName,
      description: 'Kinesis stream producers write ad events to',
    });
    new CfnOutput(this, 'DeliveryStreamName', {
      value: this.adEvents.deliveryStreamName,
      description: 'Firehose delivery stream to raw',
    });
  }
}
