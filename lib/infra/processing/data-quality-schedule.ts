import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { allTables } from '../../contracts';
import { glueArn } from '../governance/catalog-policies';
import { rulesetNames } from '../governance/table-definitions';
import { DATA_QUALITY_SCHEDULE_DEFAULTS } from './data-quality-schedule-props';
import type { DataQualityScheduleProps } from './data-quality-schedule-props';

/**
 * Runs the Glue Data Quality rulesets (generated from the contracts by the catalog stack) on a schedule: one
 * EventBridge Scheduler schedule per table calls `glue:StartDataQualityRulesetEvaluationRun` (a universal
 * target), as the evaluation role. Results publish `Data Quality Evaluation Results Available` events, which the
 * monitoring stack turns into alerts when an evaluation fails.
 */
export class DataQualitySchedule extends Construct {
  public readonly schedules: CfnSchedule[] = [];
  public readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: DataQualityScheduleProps) {
    super(scope, id);
    const names = props.names;
    const contracts = props.contracts ?? allTables;
    const stack = Stack.of(this);

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: `${names.prefix}: starts the Glue Data Quality evaluations`,
    });
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['glue:StartDataQualityRulesetEvaluationRun'],
        resources: [
          ...contracts.flatMap((c) =>
            rulesetNames(names, c).map((r) => glueArn(this, 'dataQualityRuleset', r)),
          ),
          ...contracts.map((c) => glueArn(this, 'table', `${names.database(c.database)}/${c.name}`)),
          glueArn(this, 'database', names.database('processed')),
          glueArn(this, 'database', names.database('curated')),
          glueArn(this, 'catalog'),
        ],
      }),
    );
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [props.evaluationRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'glue.amazonaws.com' } },
      }),
    );

    for (const c of contracts) {
      const rulesets = rulesetNames(names, c);
      const s = new CfnSchedule(this, `Dq-${c.name}`, {
        name: `${names.prefix}-dq-${c.name.replace(/_/g, '-')}`,
        description: `Evaluates ${rulesets.join(' and ')} on ${names.database(c.database)}.${c.name}`,
        scheduleExpression: props.schedule ?? DATA_QUALITY_SCHEDULE_DEFAULTS.schedule,
        scheduleExpressionTimezone: 'UTC',
        flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 30 },
        state: 'ENABLED',
        target: {
          arn: 'arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun',
          roleArn: this.schedulerRole.roleArn,
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          input: stack.toJsonString({
            DataSource: { GlueTable: { DatabaseName: names.database(c.database), TableName: c.name } },
            Role: props.evaluationRole.roleArn,
            RulesetNames: rulesets,
            NumberOfWorkers: 2,
            Timeout: 60,
          }),
        },
      });
      this.schedules.push(s);
    }
  }
}
