import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
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
import { acknowledge } from '../nag';
import type { LakeMonitoringProps } from './lake-monitoring-props';

/**
 * Monitoring of the lake: a KMS-encrypted SNS topic (TLS only) fed by CloudWatch alarms (Kinesis iterator age
 * and write throttles, Firehose freshness and delivery errors, Lambda errors and throttles, API 5xx and p99
 * latency) and by EventBridge rules (Glue job failures and timeouts, Glue Data Quality failures), plus a
 * dashboard of the same metrics.
 */
export class LakeMonitoring extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;
  public readonly alarms: Alarm[] = [];
  public readonly dashboard: Dashboard;
  public readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: LakeMonitoringProps) {
    super(scope, id);
    const names = props.names;
    const period = props.period ?? Duration.minutes(5);

    this.key = new Key(this, 'Key', {
      alias: `alias/${names.prefix}-alarms`,
      description: `${names.prefix}: encrypts the alarm topic`,
      enableKeyRotation: true,
    });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.key.grant(new ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    this.topic = new Topic(this, 'Alarms', {
      topicName: names.resource('alarms'),
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (
      id: string,
      metric: IMetric,
      threshold: number,
      description: string,
      op = ComparisonOperator.GREATER_THAN_THRESHOLD,
    ): Alarm => {
      const a = new Alarm(this, id, {
        alarmName: names.resource(id),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: op,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    const iteratorAge = props.stream.metricGetRecordsIteratorAgeMilliseconds({
      statistic: 'Maximum',
      period,
    });
    const writeThrottles = props.stream.metricWriteProvisionedThroughputExceeded({
      statistic: 'Sum',
      period,
    });
    const firehose = (metricName: string, statistic: string): Metric =>
      new Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: props.deliveryStreamName },
        statistic,
        period,
      });
    const freshness = firehose('DeliveryToS3.DataFreshness', 'Maximum');
    const deliverySuccess = firehose('DeliveryToS3.Success', 'Minimum');
    const lambdaErrors = props.apiFunction.metricErrors({ statistic: 'Sum', period });
    const lambdaThrottles = props.apiFunction.metricThrottles({ statistic: 'Sum', period });
    const api5xx = props.api.metricServerError({ statistic: 'Sum', period });
    const apiLatency = props.api.metricLatency({ statistic: 'p99', period });

    alarm(
      'kinesis-iterator-age',
      iteratorAge,
      props.iteratorAgeMs ?? 600000,
      'Firehose falls behind the ad-event stream.',
    );
    alarm(
      'kinesis-write-throttles',
      writeThrottles,
      0,
      'Producers are throttled writing to the ad-event stream.',
    );
    alarm(
      'firehose-freshness',
      freshness,
      props.firehoseFreshnessSeconds ?? 900,
      'Ad events wait too long before they land in raw.',
    );
    alarm(
      'firehose-delivery-errors',
      deliverySuccess,
      1,
      'Firehose failed to deliver to S3 (see the error prefix and log group).',
      ComparisonOperator.LESS_THAN_THRESHOLD,
    );
    alarm('api-lambda-errors', lambdaErrors, 0, 'The API Lambda raised errors.');
    alarm('api-lambda-throttles', lambdaThrottles, 0, 'The API Lambda hit its reserved concurrency.');
    alarm('api-5xx', api5xx, 0, 'The API answered 5xx.');
    alarm('api-latency-p99', apiLatency, props.apiLatencyP99Ms ?? 10000, 'API p99 latency is high.');

    this.deadLetters = new Queue(this, 'NotificationDeadLetters', {
      queueName: names.resource('alarm-dead-letters'),
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetters,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the EventBridge notification targets.',
    );
    acknowledge(
      this.deadLetters,
      'Serverless-SQSRedrivePolicy',
      'A dead-letter queue has no further redrive target; operators inspect and replay its messages.',
    );
    const target = (message?: RuleTargetInput): SnsTopic =>
      new SnsTopic(this.topic, { message, deadLetterQueue: this.deadLetters, retryAttempts: 10 });

    const glueFailures = new Rule(this, 'GlueJobFailures', {
      ruleName: names.resource('glue-job-failures'),
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
      ruleName: names.resource('dq-failures'),
      description: 'A Glue Data Quality evaluation of the lake failed.',
      eventPattern: {
        source: ['aws.glue-dataquality'],
        detailType: ['Data Quality Evaluation Results Available'],
        detail: { rulesetNames: [...props.rulesetNames], state: ['FAILED'] },
      },
    });
    dqFailures.addTarget(target());

    const glueMetric = (job: string, metricName: string): Metric =>
      new Metric({
        namespace: 'Glue',
        metricName,
        dimensionsMap: { JobName: job, JobRunId: 'ALL', Type: 'count' },
        statistic: 'Sum',
        period,
      });
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: names.resource('lake') });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${names.prefix} data lake\nAlarms go to SNS topic \`${names.resource('alarms')}\`; Glue job and data quality failures arrive through EventBridge.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Kinesis: iterator age (ms)', left: [iteratorAge], width: 8 }),
      new GraphWidget({ title: 'Kinesis: throttled records', left: [writeThrottles], width: 8 }),
      new GraphWidget({
        title: 'Firehose: freshness (s) / success',
        left: [freshness],
        right: [deliverySuccess],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API: requests / 4xx / 5xx',
        left: [props.api.metricCount({ period }), props.api.metricClientError({ period }), api5xx],
        width: 8,
      }),
      new GraphWidget({ title: 'API: latency p99 (ms)', left: [apiLatency], width: 8 }),
      new GraphWidget({
        title: 'Lambda: errors / throttles',
        left: [lambdaErrors, lambdaThrottles],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Glue: failed / completed tasks',
        left: props.glueJobNames.map((j) => glueMetric(j, 'glue.driver.aggregate.numFailedTasks')),
        right: props.glueJobNames.map((j) => glueMetric(j, 'glue.driver.aggregate.numCompletedTasks')),
        width: 24,
      }),
    );
  }
}
