import {
  AccountRootPrincipal,
  CompositePrincipal,
  Effect,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { roles as dataRoles } from '../../governance/grants';
import type { DataRole } from '../../governance/grants';
import { AthenaWorkgroups } from '../consumption/athena-workgroups';
import { LakeApi } from '../consumption/lake-api';
import type { ApiDataRole } from '../consumption/lake-api-props';
import { LakeQueryRole } from '../consumption/lake-query-role';
import { acknowledge, iam5 } from '../nag';
import { REPORTS_PREFIX } from '../processing/lake-etl';
import { importZones } from './storage-stack';
import type { ZonesStackProps } from './storage-stack';
import { retention } from '../config/retention';

export interface AccessStackProps extends ZonesStackProps {
  /** The API handler file. @default '<repo>/lambdas/api/handler.ts' */
  readonly apiEntry?: string;
}

/**
 * Query and access: Athena workgroups (api, analysts, bi), the data roles (one per grants-model role for the
 * API, one for analysts, one for BI tools) with their Lake Formation grants, and the REST API.
 */
export class AccessStack extends Stack {
  public readonly workgroups: AthenaWorkgroups;
  public readonly api: LakeApi;
  public readonly apiRoles: Readonly<Record<DataRole, LakeQueryRole>>;
  public readonly analystsRole: LakeQueryRole;
  public readonly biRole: LakeQueryRole;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id, props);
    const zones = importZones(this, props);
    const { config, names } = props;
    this.workgroups = new AthenaWorkgroups(this, 'Workgroups', {
      names,
      resultsBucket: zones.athenaResults.bucket,
      key: zones.key,
      bytesScannedCutoffMiB: config.query.bytesScannedCutoffMiB,
      recursiveDelete: config.destroyData,
    });
    const common = { names, results: zones.athenaResults };

    const apiRole = new Role(this, 'ApiFunctionRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${config.prefix}: the API Lambda (assumes the caller's data role)`,
    });
    const apiRoles = {} as Record<DataRole, LakeQueryRole>;
    for (const r of dataRoles) {
      apiRoles[r] = new LakeQueryRole(this, `Api-${r}`, {
        ...common,
        dataRole: r,
        workgroup: 'api',
        assumedBy: apiRole,
      });
    }
    this.apiRoles = apiRoles;
    this.analystsRole = new LakeQueryRole(this, 'Analysts', {
      ...common,
      dataRole: 'analyst',
      workgroup: 'analysts',
      assumedBy: new AccountRootPrincipal(),
      description:
        'Analysts: Athena console on every table except personal data (assume via SSO or sts:AssumeRole)',
    });
    this.biRole = new LakeQueryRole(this, 'Bi', {
      ...common,
      dataRole: 'bi',
      workgroup: 'bi',
      assumedBy: new CompositePrincipal(
        new ServicePrincipal('quicksight.amazonaws.com'),
        new AccountRootPrincipal(),
      ),
      description:
        'BI tools (QuickSight, Tableau via the Athena JDBC/ODBC driver): curated tables in the bi workgroup',
    });

    const routing: Partial<Record<DataRole, ApiDataRole>> = {};
    for (const r of dataRoles)
      routing[r] = { workgroup: names.workgroup('api'), roleArn: apiRoles[r].role.roleArn };
    this.api = new LakeApi(this, 'Api', {
      names,
      key: zones.key,
      role: apiRole,
      entry: props.apiEntry,
      databases: { processed: names.database('processed'), curated: names.database('curated') },
      dataRoles: routing,
      principalRoles: {
        [this.analystsRole.role.roleArn]: 'analyst',
        [this.biRole.role.roleArn]: 'bi',
        ...config.api.principalRoles,
      },
      reservedConcurrency: config.api.reservedConcurrency,
      memoryMiB: config.api.memoryMiB,
      throttlingRateLimit: config.api.throttlingRateLimit,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      waf: config.api.waf,
      wafRateLimit: config.api.wafRateLimit,
      logRetention: retention(config.logRetentionDays),
      reports: { bucket: zones.processed.bucket, key: zones.key, prefix: REPORTS_PREFIX },
      // named as the streaming stack names them (no cross-stack reference: metrics are read by name)
      stream: { streamName: names.resource('ad-events'), deliveryStreamName: names.resource('ad-events') },
    });
    // IAM auth: callers need execute-api:Invoke; the stack's own human-facing roles get it for GET on this API.
    const invoke = this.api.api.arnForExecuteApi('GET', '/*', this.api.api.deploymentStage.stageName);
    for (const r of [this.analystsRole, this.biRole]) {
      r.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'CallTheLakeApi',
          effect: Effect.ALLOW,
          actions: ['execute-api:Invoke'],
          resources: [invoke],
        }),
      );
      const policy = r.role.node.findChild('DefaultPolicy');
      acknowledge(
        policy,
        iam5(policy, invoke),
        `GET on every route of this environment's lake API (stage ${this.api.api.deploymentStage.stageName}); the API maps the role to its data role.`,
      );
    }
    if (config.destroyData) this.api.cursorSecret.applyRemovalPolicy(RemovalPolicy.DESTROY);

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.api.url,
      description: 'Base URL of the lake API (SigV4, service execute-api)',
    });
    for (const wg of ['api', 'analysts', 'bi'] as const) {
      new CfnOutput(this, `${wg}Workgroup`, {
        value: names.workgroup(wg),
        description: `Athena workgroup ${wg}`,
      });
    }
    new CfnOutput(this, 'AnalystsRoleArn', {
      value: this.analystsRole.role.roleArn,
      description: 'Role analysts assume for the Athena console',
    });
    new CfnOutput(this, 'BiRoleArn', {
      value: this.biRole.role.roleArn,
      description: 'Role for QuickSight / Tableau (bi workgroup)',
    });
  }
}
