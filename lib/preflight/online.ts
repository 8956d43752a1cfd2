/**
 * Online preflight: with the caller's AWS credentials, find what would break a first `cdk deploy` of the lake,
 * before CloudFormation does (and rolls back for half an hour). Read-only calls only:
 *
 * - STS GetCallerIdentity: credentials work; the account is the one the environment targets.
 * - CloudFormation DescribeStacks(CDKToolkit): the CDK bootstrap exists, is healthy, uses the expected qualifier
 *   and is recent enough (BootstrapVersion >= 6, what the synthesized templates require).
 * - CloudFormation DescribeStacks(<prefix>-*): no stack of this environment is stuck (ROLLBACK_COMPLETE must be
 *   deleted first; *_IN_PROGRESS means someone else is deploying).
 * - Lake Formation GetDataLakeSettings: whether the CDK deploy role is already a data lake admin; which current
 *   admins the REPLACE in the catalog stack would remove; whether IAM_ALLOWED_PRINCIPALS default permissions are
 *   on (the stack turns them off for the whole account and region).
 * - Glue GetJobs: AWS offers no API that lists the Glue versions of a region, and creating a job to find out is
 *   not read-only. What is checkable: that the Glue API answers, and whether a job of the account already runs
 *   the configured version (then it is available). Otherwise the result is a warning, not a pass.
 *
 * Not checkable here: S3 bucket-name collisions with retained buckets (no S3 client), service quotas.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Stack as CfnStack } from '@aws-sdk/client-cloudformation';
import { GetJobsCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetDataLakeSettingsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** what to do about a warn or fail */
  readonly fix?: string;
}

export interface PreflightClients {
  readonly sts: STSClient;
  readonly cloudFormation: CloudFormationClient;
  readonly lakeFormation: LakeFormationClient;
  readonly glue: GlueClient;
}

export interface OnlinePreflightOptions {
  /** Environment prefix: stacks are `<prefix>-<part>`. */
  readonly prefix: string;
  readonly region: string;
  /** Account the environment pins, if any. */
  readonly expectedAccount?: string;
  /** CDK bootstrap qualifier. @default 'hnb659fds' */
  readonly cdkQualifier?: string;
  /** CDK bootstrap stack name. @default 'CDKToolkit' */
  readonly toolkitStackName?: string;
  /** Admins the catalog stack sets (undefined: the CDK cfn-exec role). */
  readonly lakeFormationAdmins?: readonly string[];
  /** @default '5.1' */
  readonly glueVersion?: string;
  /** Stack parts of the app. @default ['storage','catalog','streaming','processing','access','monitoring'] */
  readonly stackParts?: readonly string[];
  /** @default real SDK v3 clients for `region` */
  readonly clients?: PreflightClients;
}

/** Oldest bootstrap version the synthesized templates accept (their CheckBootstrapVersion rule). */
export const MIN_BOOTSTRAP_VERSION = 6;
export const STACK_PARTS = ['storage', 'catalog', 'streaming', 'processing', 'access', 'monitoring'] as const;

export function defaultClients(region: string): PreflightClients {
  return {
    sts: new STSClient({ region }),
    cloudFormation: new CloudFormationClient({ region }),
    lakeFormation: new LakeFormationClient({ region }),
    glue: new GlueClient({ region }),
  };
}

export function cfnExecRoleArn(
  partition: string,
  account: string,
  region: string,
  qualifier: string,
): string {
  return `arn:${partition}:iam::${account}:role/cdk-${qualifier}-cfn-exec-role-${account}-${region}`;
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : 'Error';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function describeStack(cfn: CloudFormationClient, name: string): Promise<CfnStack | undefined> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return out.Stacks?.[0];
  } catch (e) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist"
    if (errorName(e) === 'ValidationError' && /does not exist/.test(message(e))) return undefined;
    throw e;
  }
}

export async function runOnlinePreflight(opts: OnlinePreflightOptions): Promise<CheckResult[]> {
  const clients = opts.clients ?? defaultClients(opts.region);
  const qualifier = opts.cdkQualifier ?? 'hnb659fds';
  const results: CheckResult[] = [];

  // 1. credentials and account
  let account: string;
  let partition = 'aws';
  try {
    const id = await clients.sts.send(new GetCallerIdentityCommand({}));
    account = id.Account ?? '';
    partition = /^arn:([^:]+):/.exec(id.Arn ?? '')?.[1] ?? 'aws';
    results.push({
      id: 'credentials',
      title: 'AWS credentials',
      status: 'pass',
      detail: `${id.Arn ?? '?'} in account ${account}`,
    });
  } catch (e) {
    results.push({
      id: 'credentials',
      title: 'AWS credentials',
      status: 'fail',
      detail: `STS GetCallerIdentity failed: ${message(e)}`,
      fix: 'Configure credentials (AWS_PROFILE, SSO login or environment variables) for the target account.',
    });
    return results; // nothing else can be checked
  }
  if (opts.expectedAccount !== undefined && opts.expectedAccount !== account) {
    results.push({
      id: 'account',
      title: 'Target account',
      status: 'fail',
      detail: `the environment targets ${opts.expectedAccount} but the credentials are for ${account}`,
      fix: 'Use credentials of the target account, or fix `account` of the environment in cdk.json.',
    });
  } else {
    results.push({ id: 'account', title: 'Target account', status: 'pass', detail: account });
  }

  // 2. CDK bootstrap
  const toolkit = opts.toolkitStackName ?? 'CDKToolkit';
  try {
    const st = await describeStack(clients.cloudFormation, toolkit);
    if (!st) {
      results.push({
        id: 'bootstrap',
        title: 'CDK bootstrap',
        status: 'fail',
        detail: `no ${toolkit} stack in ${opts.region}`,
        fix: `npx cdk bootstrap aws://${account}/${opts.region}`,
      });
    } else {
      const version = Number(st.Outputs?.find((o) => o.OutputKey === 'BootstrapVersion')?.OutputValue ?? NaN);
      const q = st.Parameters?.find((p) => p.ParameterKey === 'Qualifier')?.ParameterValue ?? 'hnb659fds';
      const status = st.StackStatus ?? 'UNKNOWN';
      const problems: string[] = [];
      if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status)) problems.push(`status ${status}`);
      if (!(version >= MIN_BOOTSTRAP_VERSION))
        problems.push(
          `BootstrapVersion ${Number.isNaN(version) ? 'missing' : version} < ${MIN_BOOTSTRAP_VERSION}`,
        );
      if (q !== qualifier) problems.push(`qualifier ${q}, the app expects ${qualifier}`);
      results.push(
        problems.length === 0
          ? {
              id: 'bootstrap',
              title: 'CDK bootstrap',
              status: 'pass',
              detail: `${toolkit} ${status}, version ${version}, qualifier ${q}`,
            }
          : {
              id: 'bootstrap',
              title: 'CDK bootstrap',
              status: 'fail',
              detail: problems.join('; '),
              fix: `npx cdk bootstrap aws://${account}/${opts.region} (with --qualifier ${qualifier} if you changed it), or set cdkQualifier in cdk.json`,
            },
      );
    }
  } catch (e) {
    results.push({
      id: 'bootstrap',
      title: 'CDK bootstrap',
      status: 'fail',
      detail: `DescribeStacks failed: ${message(e)}`,
      fix: 'Allow cloudformation:DescribeStacks.',
    });
  }

  // 3. stacks of this environment that would block a deploy
  try {
    const stuck: string[] = [];
    const existing: string[] = [];
    for (const part of opts.stackParts ?? STACK_PARTS) {
      const name = `${opts.prefix}-${part}`;
      const st = await describeStack(clients.cloudFormation, name);
      if (!st) continue;
      existing.push(name);
      const s = st.StackStatus ?? '';
      if (
        s === 'ROLLBACK_COMPLETE' ||
        s === 'ROLLBACK_FAILED' ||
        s === 'DELETE_FAILED' ||
        s.endsWith('_IN_PROGRESS')
      )
        stuck.push(`${name} (${s})`);
    }
    results.push(
      stuck.length > 0
        ? {
            id: 'stacks',
            title: 'Environment stacks',
            status: 'fail',
            detail: `blocked: ${stuck.join(', ')}`,
            fix: 'Delete stacks in ROLLBACK_COMPLETE/ROLLBACK_FAILED/DELETE_FAILED, or wait for the running operation.',
          }
        : {
            id: 'stacks',
            title: 'Environment stacks',
            status: 'pass',
            detail: existing.length > 0 ? `deployed: ${existing.join(', ')}` : 'none deployed yet',
          },
    );
  } catch (e) {
    results.push({ id: 'stacks', title: 'Environment stacks', status: 'fail', detail: message(e) });
  }

  // 4. Lake Formation
  const execRole = cfnExecRoleArn(partition, account, opts.region, qualifier);
  const wanted = opts.lakeFormationAdmins ?? [execRole];
  try {
    const out = await clients.lakeFormation.send(new GetDataLakeSettingsCommand({}));
    const s = out.DataLakeSettings ?? {};
    const admins = (s.DataLakeAdmins ?? [])
      .map((a) => a.DataLakePrincipalIdentifier ?? '')
      .filter((a) => a !== '');
    if (!wanted.includes(execRole)) {
      results.push({
        id: 'lf-admins-config',
        title: 'Lake Formation admins (config)',
        status: 'warn',
        detail: `lakeFormationAdmins does not include the CDK deploy role ${execRole}: after the catalog stack replaces the admin list, later grants fail`,
        fix: 'Add the deploy role to lakeFormationAdmins in cdk.json.',
      });
    }
    const removed = admins.filter((a) => !wanted.includes(a));
    results.push(
      admins.includes(execRole)
        ? { id: 'lf-admin', title: 'Deploy role is a Lake Formation admin', status: 'pass', detail: execRole }
        : {
            id: 'lf-admin',
            title: 'Deploy role is a Lake Formation admin',
            status: 'warn',
            detail: `${execRole} is not an admin yet (admins: ${admins.join(', ') || 'none'}); the catalog stack makes it one before any grant`,
            fix: 'Nothing to do unless the deploy role lacks lakeformation:PutDataLakeSettings (e.g. a restricted execution policy).',
          },
    );
    if (removed.length > 0) {
      results.push({
        id: 'lf-admins-removed',
        title: 'Lake Formation admins kept',
        status: 'warn',
        detail: `the catalog stack REPLACES the admin list: ${removed.join(', ')} would lose admin rights`,
        fix: 'Add them to lakeFormationAdmins in cdk.json to keep them.',
      });
    }
    const iamAllowed = [
      ...(s.CreateDatabaseDefaultPermissions ?? []),
      ...(s.CreateTableDefaultPermissions ?? []),
    ].some((p) => p.Principal?.DataLakePrincipalIdentifier === 'IAM_ALLOWED_PRINCIPALS');
    results.push(
      iamAllowed
        ? {
            id: 'lf-defaults',
            title: 'Lake Formation default permissions',
            status: 'warn',
            detail:
              'IAM_ALLOWED_PRINCIPALS is granted on new databases/tables; the catalog stack sets both lists to [] for the whole account and region',
            fix: 'Check that no other workload in this account and region relies on IAM-only access to new Glue tables.',
          }
        : {
            id: 'lf-defaults',
            title: 'Lake Formation default permissions',
            status: 'pass',
            detail: 'no IAM_ALLOWED_PRINCIPALS defaults',
          },
    );
  } catch (e) {
    results.push({
      id: 'lf-admin',
      title: 'Deploy role is a Lake Formation admin',
      status: 'fail',
      detail: `GetDataLakeSettings failed: ${message(e)}`,
      fix: 'Allow lakeformation:GetDataLakeSettings, and check Lake Formation is available in the region.',
    });
  }

  // 5. Glue version
  const version = opts.glueVersion ?? '5.1';
  try {
    let token: string | undefined;
    let seen = false;
    let pages = 0;
    do {
      const out = await clients.glue.send(new GetJobsCommand({ NextToken: token, MaxResults: 200 }));
      seen = (out.Jobs ?? []).some((j) => j.GlueVersion === version);
      token = out.NextToken;
      pages++;
    } while (!seen && token && pages < 10);
    results.push(
      seen
        ? {
            id: 'glue-version',
            title: `Glue ${version} in ${opts.region}`,
            status: 'pass',
            detail: `a job of this account already runs Glue ${version}`,
          }
        : {
            id: 'glue-version',
            title: `Glue ${version} in ${opts.region}`,
            status: 'warn',
            detail: `the Glue API answers, but no API lists the versions of a region and no job here uses ${version} yet: unverified`,
            fix: `Check the AWS Glue release notes for ${version} in ${opts.region}, or set etl.glueVersion in cdk.json.`,
          },
    );
  } catch (e) {
    results.push({
      id: 'glue-version',
      title: `Glue ${version} in ${opts.region}`,
      status: 'fail',
      detail: `GetJobs failed: ${message(e)}`,
      fix: 'Allow glue:GetJobs.',
    });
  }
  return results;
}

/** Exit status of a preflight: failed when any check failed. */
export function preflightPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}
