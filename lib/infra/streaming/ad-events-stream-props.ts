import type { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { LakeZone } from '../storage/lake-zones';

export type KinesisCapacityMode = 'on-demand' | 'provisioned';

export interface AdEventsStreamProps {
  /** Names the stream and the delivery stream (`<prefix>-ad-events`). */
  readonly prefix: string;
  /** The raw zone Firehose delivers into; its key (the lake key) also encrypts the stream. */
  readonly raw: LakeZone;
  /** Key prefix of delivered records (arrival time). @default 'ad_events/!{timestamp:yyyy/MM/dd/HH}/' */
  readonly dataOutputPrefix?: string;
  /** Key prefix of records Firehose could not deliver. @default 'ad_events_errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/' */
  readonly errorOutputPrefix?: string;
  /** @default 'on-demand' */
  readonly capacityMode?: KinesisCapacityMode;
  /** Shards in provisioned mode. @default 1 */
  readonly shardCount?: number;
  /** Stream retention (at least 7 days). @default Duration.hours(168) */
  readonly retentionPeriod?: Duration;
  /** Firehose buffering interval. @default Duration.seconds(300) */
  readonly bufferingInterval?: Duration;
  /** Firehose buffering size. @default Size.mebibytes(64) */
  readonly bufferingSize?: Size;
  /** Retention of the Firehose error log group. @default 90 days */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Applied by AdEventsStream (and reported by the environment config, in the same units). */
export const AD_EVENTS_STREAM_DEFAULTS = {
  capacityMode: 'on-demand',
  shardCount: 1,
  retentionHours: 168,
  bufferIntervalSeconds: 300,
  bufferSizeMiB: 64,
} as const satisfies Record<string, number | KinesisCapacityMode>;
