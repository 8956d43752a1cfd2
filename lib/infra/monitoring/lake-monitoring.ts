import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { allTables } from '../../contracts';
import type { AnyContract } from '../../contracts';
import { acknowledge } from '../nag';
import { withDefaults } from '../config/defaults';
import type { LakeNames } from '../config/lake-names';
import { LAKE_MONITORING_DEFAULTS } from './lake-monitoring-props';
import type { LakeMonitoringProps } from './lake-monitoring-props';

/** The metrics the alarms watch and the dashboard shows. */
interface LakeMetrics {
  readonly iteratorAge: IMetric;
  readonly writeThrottles: IMetric;
  readonly freshness: IMetric;
  readonly deliverySuccess: IMetric;
  readonly lambdaErrors: IMetric;
  readonly lambdaThrottles: IMetric;
  readonly apiRequests: IMetric;
  readonly api4xx: IMetric;
  readonly api5xx: IMetric;
  readonly apiLatency: IMetric;
}

/** The run metrics the Glue jobs publish per run and table (glue-jobs/lake_jobs/run_metrics.py). */
export const RUN_METRICS = [
  'InputRows',
  'OutputRows',
  'QuarantinedRows',
  'DuplicateRows',
  'QuarantineSharePercent',
  'RunSucceeded',
  'FreshnessLagSeconds',
] as const;
export type RunMetricName = (typeof RUN_METRICS)[number];

/** Their dimension: the run report's dataset (a contract table name). */
export const RUN_METRICS_DIMENSION = 'Dataset';

/** The longest range a CloudWatch alarm can evaluate (periods x period). */
const MAX_ALARM_RANGE_MINUTES = 7 * 24 * 60;

/**
 * How a freshness objective becomes an alarm window: one period of exactly the objective up to a day, otherwise
 * hourly periods (CloudWatch wants periods of at least an hour when the range is longer than a day) covering it.
 * The alarm fires when no period of the window saw a successful run.
 */
export function freshnessWindow(objectiveMinutes: number): { periodMinutes: number; periods: number } {
  if (
    !Number.isInteger(objectiveMinutes) ||
    objectiveMinutes < 1 ||
    objectiveMinutes > MAX_ALARM_RANGE_MINUTES
  )
    throw new Error(
      `freshness objective ${objectiveMinutes} min: CloudWatch alarms need a whole number of minutes from 1 to ${MAX_ALARM_RANGE_MINUTES}`,
    );
  return objectiveMinutes <= 24 * 60
    ? { periodMinutes: objectiveMinutes, periods: 1 }
    : { periodMinutes: 60, periods: Math.ceil(objectiveMinutes / 60) };
}

/**
 * Monitoring of the lake: a KMS-encrypted SNS topic (TLS only) fed by CloudWatch alarms (Kinesis iterator age
 * and write throttles, Firehose freshness and delivery errors, Lambda errors and throttles, API 5xx and p99
 * latency, and per table: a freshness objective missed and a quarantine share above its threshold, from the
 * jobs' run metrics) and by EventBridge rules (Glue job failures and timeouts, Glue Data Quality failures), plus
 * a dashboard of the same metrics.
 */
export class LakeMonitoring extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;
  public readonly alarms: Alarm[] = [];
  /** Per table: its freshness and quarantine-share alarms. */
  public readonly tableAlarms = new Map<string, { readonly freshness: Alarm; readonly quarantine: Alarm }>();
  public readonly dashboard: Dashboard;
  public readonly deadLetters: Queue;
  private readonly names: LakeNames;
  private readonly period: Duration;

  constructor(scope: Construct, id: string, props: LakeMonitoringProps) {
    super(scope, id);
    this.names = props.names;
    this.period = props.period ?? Duration.minutes(5);
    this.key = this.createKey();
    this.topic = new Topic(this, 'Alarms', {
      topicName: this.names.resource('alarms'),
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const metrics = this.metrics(props);
    this.addAlarms(props, metrics);
    this.deadLetters = this.createDeadLetters();
    this.addEventRules(props);
    this.dashboard = this.createDashboard(props, metrics);
  }

  /** The topic's key; CloudWatch alarms and EventBridge publish through it. */
  private createKey(): Key {
    const key = new Key(this, 'Key', {
      alias: `alias/${this.names.prefix}-alarms`,
      description: `${this.names.prefix}: encrypts the alarm topic`,
      enableKeyRotation: true,
    });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      key.grant(new ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    return key;
  }

  private metrics(props: LakeMonitoringProps): LakeMetrics {
    const period = this.period;
    const firehose = (metricName: string, statistic: string): Metric =>
      new Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: props.deliveryStreamName },
        statistic,
        period,
      });
    return {
      iteratorAge: props.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period }),
      writeThrottles: props.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period }),
      freshness: firehose('DeliveryToS3.DataFreshness', 'Maximum'),
      deliverySuccess: firehose('DeliveryToS3.Success', 'Minimum'),
      lambdaErrors: props.apiFunction.metricErrors({ statistic: 'Sum', period }),
      lambdaThrottles: props.apiFunction.metricThrottles({ statistic: 'Sum', period }),
      apiRequests: props.api.metricCount({ period }),
      api4xx: props.api.metricClientError({ period }),
      api5xx: props.api.metricServerError({ statistic: 'Sum', period }),
      apiLatency: props.api.metricLatency({ statistic: 'p99', period }),
    };
  }

  /** One alarm (named `<prefix>-<id>`) that notifies the topic; missing data is not a breach. */
  private alarm(
    id: string,
    metric: IMetric,
    threshold: number,
    description: string,
    op = ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluation: { readonly periods: number; readonly missing: TreatMissingData } = {
      periods: 1,
      missing: TreatMissingData.NOT_BREACHING,
    },
  ): Alarm {
    const a = new Alarm(this, id, {
      alarmName: this.names.resource(id),
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: evaluation.periods,
      datapointsToAlarm: evaluation.periods,
      comparisonOperator: op,
      treatMissingData: evaluation.missing,
    });
    a.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(a);
    return a;
  }

  private addAlarms(props: LakeMonitoringProps, m: LakeMetrics): void {
    const t = withDefaults(LAKE_MONITORING_DEFAULTS, props);
    this.alarm(
      'kinesis-iterator-age',
      m.iteratorAge,
      t.iteratorAgeMs,
      'Firehose falls behind the ad-event stream.',
    );
    this.alarm(
      'kinesis-write-throttles',
      m.writeThrottles,
      0,
      'Producers are throttled writing to the ad-event stream.',
    );
    this.alarm(
      'firehose-freshness',
      m.freshness,
      t.firehoseFreshnessSeconds,
      'Ad events wait too long before they land in raw.',
    );
    this.alarm(
      'firehose-delivery-errors',
      m.deliverySuccess,
      1,
      'Firehose failed to deliver to S3 (see the error prefix and log group).',
      ComparisonOperator.LESS_THAN_THRESHOLD,
    );
    this.alarm('api-lambda-errors', m.lambdaErrors, 0, 'The API Lambda raised errors.');
    this.alarm('api-lambda-throttles', m.lambdaThrottles, 0, 'The API Lambda hit its reserved concurrency.');
    this.alarm('api-5xx', m.api5xx, 0, 'The API answered 5xx.');
    this.alarm('api-latency-p99', m.apiLatency, t.apiLatencyP99Ms, 'API p99 latency is high.');
    for (const table of props.tables ?? allTables) this.addTableAlarms(table, t.quarantineSharePercent);
  }

  /** A run metric the Glue jobs publish (lake_jobs.run_metrics), for one table. */
  private runMetric(table: string, metricName: RunMetricName, statistic: string, period: Duration): Metric {
    return new Metric({
      namespace: this.names.metricsNamespace,
      metricName,
      dimensionsMap: { [RUN_METRICS_DIMENSION]: table },
      statistic,
      period,
    });
  }

  /**
   * Freshness: no successful run (succeeded or no new data) within the table's objective. Missing data breaches:
   * a job that stopped running publishes nothing, which is exactly a missed objective (and a table no job ran
   * for yet is red, as `lake status` says). Quarantine share: the largest share of a run in the period.
   */
  private addTableAlarms(table: AnyContract, quarantineSharePercent: number): void {
    const objective = table.freshnessObjectiveMinutes;
    const window = freshnessWindow(objective);
    const freshness = this.alarm(
      `freshness-${table.name}`,
      this.runMetric(table.name, 'RunSucceeded', 'Maximum', Duration.minutes(window.periodMinutes)),
      1,
      `${table.database}.${table.name}: no successful run within its freshness objective (${objective} minutes).`,
      ComparisonOperator.LESS_THAN_THRESHOLD,
      { periods: window.periods, missing: TreatMissingData.BREACHING },
    );
    const quarantine = this.alarm(
      `quarantine-share-${table.name}`,
      this.runMetric(table.name, 'QuarantineSharePercent', 'Maximum', this.period),
      quarantineSharePercent,
      `${table.database}.${table.name}: a run quarantined more than ${quarantineSharePercent}% of its input rows.`,
    );
    this.tableAlarms.set(table.name, { freshness, quarantine });
  }

  /** Where EventBridge puts notifications it could not deliver to the topic. */
  private createDeadLetters(): Queue {
    const queue = new Queue(this, 'NotificationDeadLetters', {
      queueName: this.names.resource('alarm-dead-letters'),
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the EventBridge notification targets.',
    );
    acknowledge(
      queue,
      'Serverless-SQSRedrivePolicy',
      'A dead-letter queue has no further redrive target; operators inspect and replay its messages.',
    );
    return queue;
  }

  /** Glue job failures and failed Data Quality evaluations, sent to the topic. */
  private addEventRules(props: LakeMonitoringProps): void {
    const target = (message?: RuleTargetInput): SnsTopic =>
      new SnsTopic(this.topic, { message, deadLetterQueue: this.deadLetters, retryAttempts: 10 });
    const glueFailures = new Rule(this, 'GlueJobFailures', {
      ruleName: this.names.resource('glue-job-failures'),
      description: 'A Glue job of the lake failed, timed out or errored.',
      eventPattern: {
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: { jobName: [...props.glueJobNames], state: ['FAILED', 'TIMEOUT', 'ERROR'] },
      },
    });
    glueFailures.addTarget(
      target(
        RuleTargetInput.fromText(
          `Glue job ${EventField.fromPath('$.detail.jobName')} ended ${EventField.fromPath('$.detail.state')}: ${EventField.fromPath('$.detail.message')} (run ${EventField.fromPath('$.detail.jobRunId')})`,
        ),
      ),
    );
    const dqFailures = new Rule(this, 'DataQualityFailures', {
      ruleName: this.names.resource('dq-failures'),
      description: 'A Glue Data Quality evaluation of the lake failed.',
      eventPattern: {
        source: ['aws.glue-dataquality'],
        detailType: ['Data Quality Evaluation Results Available'],
        detail: { rulesetNames: [...props.rulesetNames], state: ['FAILED'] },
      },
    });
    dqFailures.addTarget(target());
  }

  private createDashboard(props: LakeMonitoringProps, m: LakeMetrics): Dashboard {
    const names = this.names;
    const glueMetric = (job: string, metricName: string): Metric =>
      new Metric({
        namespace: 'Glue',
        metricName,
        dimensionsMap: { JobName: job, JobRunId: 'ALL', Type: 'count' },
        statistic: 'Sum',
        period: this.period,
      });
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: names.resource('lake') });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${names.prefix} data lake\nAlarms go to SNS topic \`${names.resource('alarms')}\`; Glue job and data quality failures arrive through EventBridge.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'Kinesis: iterator age (ms)', left: [m.iteratorAge], width: 8 }),
      new GraphWidget({ title: 'Kinesis: throttled records', left: [m.writeThrottles], width: 8 }),
      new GraphWidget({
        title: 'Firehose: freshness (s) / success',
        left: [m.freshness],
        right: [m.deliverySuccess],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API: requests / 4xx / 5xx',
        left: [m.apiRequests, m.api4xx, m.api5xx],
        width: 8,
      }),
      new GraphWidget({ title: 'API: latency p99 (ms)', left: [m.apiLatency], width: 8 }),
      new GraphWidget({
        title: 'Lambda: errors / throttles',
        left: [m.lambdaErrors, m.lambdaThrottles],
        width: 8,
      }),
    );
    this.addRunMetricWidgets(
      dashboard,
      (props.tables ?? allTables).map((c) => c.name),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Glue: failed / completed tasks',
        left: props.glueJobNames.map((j) => glueMetric(j, 'glue.driver.aggregate.numFailedTasks')),
        right: props.glueJobNames.map((j) => glueMetric(j, 'glue.driver.aggregate.numCompletedTasks')),
        width: 24,
      }),
    );
    return dashboard;
  }

  /** The jobs' run metrics, one line per table, and the state of every table alarm. */
  private addRunMetricWidgets(dashboard: Dashboard, tables: readonly string[]): void {
    const perTable = (metricName: RunMetricName, statistic: string): IMetric[] =>
      tables.map((table) => this.runMetric(table, metricName, statistic, this.period));
    const graph = (title: string, metricName: RunMetricName, statistic: string, width: number): GraphWidget =>
      new GraphWidget({ title: `Jobs: ${title}`, left: perTable(metricName, statistic), width });
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Tables: freshness objective and quarantine share',
        alarms: [...this.tableAlarms.values()].flatMap((a) => [a.freshness, a.quarantine]),
        width: 24,
        height: 3,
      }),
    );
    dashboard.addWidgets(
      graph('rows in', 'InputRows', 'Sum', 6),
      graph('rows out', 'OutputRows', 'Sum', 6),
      graph('rows quarantined', 'QuarantinedRows', 'Sum', 6),
      graph('duplicates', 'DuplicateRows', 'Sum', 6),
    );
    dashboard.addWidgets(
      graph('quarantine share (%)', 'QuarantineSharePercent', 'Maximum', 8),
      graph('freshness lag (s)', 'FreshnessLagSeconds', 'Maximum', 8),
      graph('runs succeeded (1) / failed (0)', 'RunSucceeded', 'Minimum', 8),
    );
  }
}
