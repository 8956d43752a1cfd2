import type { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { AnyContract } from '../../contracts';
import type { LakeNames } from '../config/lake-names';

export interface LakeMonitoringProps {
  readonly names: LakeNames;
  readonly stream: IStream;
  readonly deliveryStreamName: string;
  readonly apiFunction: IFunction;
  readonly api: RestApi;
  /** Names of the Glue jobs whose failures alert. */
  readonly glueJobNames: readonly string[];
  /** Data Quality ruleset names whose failures alert. */
  readonly rulesetNames: readonly string[];
  /** E-mail address subscribed to the alarm topic. @default no subscription */
  readonly alarmEmail?: string;
  /** Kinesis iterator age (ms) above which the stream alarm fires. @default 600000 */
  readonly iteratorAgeMs?: number;
  /** Firehose data freshness (s) above which the delivery alarm fires. @default 900 */
  readonly firehoseFreshnessSeconds?: number;
  /** API p99 latency (ms) above which the latency alarm fires. @default 10000 */
  readonly apiLatencyP99Ms?: number;
  /**
   * Tables whose run metrics alarm: no successful run within the contract's `freshnessObjectiveMinutes`, or a run
   * quarantining more than `quarantineSharePercent` of its input. @default every table of lib/contracts
   */
  readonly tables?: readonly AnyContract[];
  /** Share of a run's input rows (percent) quarantined above which the quarantine alarm fires. @default 5 */
  readonly quarantineSharePercent?: number;
  /** Period of every alarm metric. @default Duration.minutes(5) */
  readonly period?: Duration;
}

/** The alarm thresholds, applied by LakeMonitoring (and reported by the environment config). */
export const LAKE_MONITORING_DEFAULTS = {
  iteratorAgeMs: 600000,
  firehoseFreshnessSeconds: 900,
  apiLatencyP99Ms: 10000,
  quarantineSharePercent: 5,
} as const satisfies Partial<LakeMonitoringProps>;
