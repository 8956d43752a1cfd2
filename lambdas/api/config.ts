/** The Lambda's configuration, read once from its environment (set by the CDK stack). */
import { isRole, type DataRole } from '../../lib/governance/grants';
import type { AthenaRoleConfig } from './athena-engine';
import { parsePrincipalRoles } from './iam-auth';
import { parseS3Uri } from './s3-uri';

export interface LambdaConfig {
  readonly region?: string;
  readonly databases: Readonly<Record<'processed' | 'curated', string>>;
  readonly roles: Readonly<Partial<Record<DataRole, AthenaRoleConfig>>>;
  readonly principals: ReadonlyMap<string, DataRole>;
  /** The Secrets Manager secret holding the cursor-signing keys (read at run time, never from here). */
  readonly cursorSecretArn: string;
  readonly syncBudgetMs: number;
  /**
   * The reports root of the Glue jobs (`s3://<bucket>/<prefix>`): their run reports and OpenLineage events, which
   * the metadata routes read. Absent: those routes answer from the contracts alone.
   */
  readonly reportsUri?: string;
  /**
   * The ad-events Kinesis stream and its Firehose delivery stream, whose CloudWatch metrics tell the stream's lag
   * in `GET /v1/pipelines`. Absent: the lag is null there.
   */
  readonly stream?: { readonly streamName: string; readonly deliveryStreamName: string };
}

/**
 * How long a request waits for its query before the API answers 202 with a poll URL (ms). API Gateway stops
 * waiting at 29 s, so the budget stays well under it.
 */
export const SYNC_BUDGET_MS = { default: 10_000, max: 25_000 } as const;

/** The environment variables the handler reads; the CDK construct of the API sets exactly these. */
export const ENV = {
  processedDatabase: 'LAKE_PROCESSED_DATABASE',
  curatedDatabase: 'LAKE_CURATED_DATABASE',
  roleConfig: 'LAKE_ROLE_CONFIG',
  principalRoles: 'LAKE_PRINCIPAL_ROLES',
  cursorSecretArn: 'LAKE_CURSOR_SECRET_ARN',
  syncBudgetMs: 'LAKE_SYNC_BUDGET_MS',
  reportsUri: 'LAKE_REPORTS_URI',
  streamName: 'LAKE_STREAM_NAME',
  deliveryStreamName: 'LAKE_DELIVERY_STREAM_NAME',
} as const;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

export function readConfig(env: NodeJS.ProcessEnv): LambdaConfig {
  const rolesJson: unknown = JSON.parse(required(env, ENV.roleConfig));
  if (typeof rolesJson !== 'object' || rolesJson === null)
    throw new Error(`${ENV.roleConfig} must be a JSON object`);
  const roles: Partial<Record<DataRole, AthenaRoleConfig>> = {};
  for (const [role, cfg] of Object.entries(rolesJson as Record<string, unknown>)) {
    const c = cfg as Partial<AthenaRoleConfig> | null;
    if (!isRole(role) || !c || typeof c.workgroup !== 'string')
      throw new Error(`${ENV.roleConfig}: expected {role: {workgroup, roleArn?}}, got ${role}`);
    roles[role] = {
      workgroup: c.workgroup,
      ...(typeof c.roleArn === 'string' ? { roleArn: c.roleArn } : {}),
    };
  }
  const budget = Number(env[ENV.syncBudgetMs] ?? SYNC_BUDGET_MS.default);
  if (!Number.isInteger(budget) || budget < 0 || budget > SYNC_BUDGET_MS.max)
    throw new Error(`${ENV.syncBudgetMs} must be 0..${SYNC_BUDGET_MS.max} ms (API Gateway gives up at 29 s)`);
  const reportsUri = env[ENV.reportsUri];
  const streamName = env[ENV.streamName];
  const deliveryStreamName = env[ENV.deliveryStreamName];
  if (!streamName !== !deliveryStreamName)
    throw new Error(`${ENV.streamName} and ${ENV.deliveryStreamName} are set together or not at all`);
  return {
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    databases: {
      processed: required(env, ENV.processedDatabase),
      curated: required(env, ENV.curatedDatabase),
    },
    roles,
    principals: parsePrincipalRoles(env[ENV.principalRoles]),
    cursorSecretArn: required(env, ENV.cursorSecretArn),
    syncBudgetMs: budget,
    ...(reportsUri ? { reportsUri: parseS3Uri(reportsUri).uri } : {}),
    ...(streamName && deliveryStreamName ? { stream: { streamName, deliveryStreamName } } : {}),
  };
}
