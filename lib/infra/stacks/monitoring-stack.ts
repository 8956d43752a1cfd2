import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { TableName } from '../../contracts';
import { LakeMonitoring } from '../monitoring/lake-monitoring';
import type { AccessStack } from './access-stack';
import type { CatalogStack } from './catalog-stack';
import type { LakeStackProps } from './lake-stack-props';
import type { ProcessingStack } from './processing-stack';
import type { StreamingStack } from './streaming-stack';

export interface MonitoringStackProps extends LakeStackProps {
  readonly streaming: StreamingStack;
  readonly processing: ProcessingStack;
  readonly access: AccessStack;
  readonly catalog: CatalogStack;
}

/** Dashboard, alarms and the encrypted alarm topic. */
export class MonitoringStack extends Stack {
  public readonly monitoring: LakeMonitoring;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, names } = props;
    this.monitoring = new LakeMonitoring(this, 'Monitoring', {
      names,
      stream: props.streaming.adEvents.stream,
      deliveryStreamName: names.resource('ad-events'),
      apiFunction: props.access.api.handler,
      api: props.access.api.api,
      glueJobNames: [...props.processing.etl.jobs.keys()].map((j) => names.job(j)),
      rulesetNames: [...props.catalog.catalog.rulesets.keys()].map((t: TableName) => names.ruleset(t)),
      ...config.monitoring,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'Subscribe here for lake alarms',
    });
    new CfnOutput(this, 'DashboardName', {
      value: names.resource('lake'),
      description: 'CloudWatch dashboard',
    });
  }
}
