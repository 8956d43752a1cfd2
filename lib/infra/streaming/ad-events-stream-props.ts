import type { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { KinesisCapacityMode } from '../config/environment-config';

export interface AdEventsStreamProps {
  /** Names the stream and the delivery stream (`<prefix>-ad-events`). */
  readonly prefix: string;
  /** Key encrypting the stream and the delivered objects. */
  readonly key: IKey;
  /** Raw-zone bucket Firehose delivers into. */
  readonly rawBucket: IBucket;
  /** Key prefix of delivered records (arrival time). @default 'ad_events/!{timestamp:yyyy/MM/dd/HH}/' */
  readonly dataOutputPrefix?: string;
  /** Key prefix of records Firehose could not deliver. @default 'ad_events_errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/' */
  readonly errorOutputPrefix?: string;
  /** @default 'on-demand' */
  readonly capacityMode?: KinesisCapacityMode;
  /** Shards in provisioned mode. @default 1 */
  readonly shardCount?: number;
  /** Stream retention (at least 7 days). @default Duration.days(7) */
  readonly retentionPeriod?: Duration;
  /** Firehose buffering interval. @default Duration.seconds(300) */
  readonly bufferingInterval?: Duration;
  /** Firehose buffering size. @default Size.mebibytes(64) */
  readonly bufferingSize?: Size;
  /** Retention of the Firehose error log group. @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}
