/**
 * The online preflight's checks. Each one fetches its facts with read-only AWS calls and hands them to a pure
 * judgement (exported, so it can be tested without AWS): the fetching knows the SDK, the judging knows the lake.
 * A check whose calls fail is judged by its `unreachable`.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetJobsCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import { GetDataLakeSettingsCommand } from '@aws-sdk/client-lakeformation';
import type { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CheckResult } from './check-result';

/** The SDK clients the checks call. */
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
  /** CDK bootstrap qualifier the app synthesizes for (the environment config resolves its default). */
  readonly cdkQualifier: string;
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

/** What the checks judge against: the options with their defaults applied, for the caller's account. */
export interface PreflightTarget extends Required<
  Pick<
    OnlinePreflightOptions,
    'prefix' | 'region' | 'toolkitStackName' | 'lakeFormationAdmins' | 'glueVersion' | 'stackParts'
  >
> {
  /** the account of the credentials */
  readonly account: string;
  /** the CDK bootstrap qualifier the app expects */
  readonly qualifier: string;
  /** the CDK CloudFormation execution role, which deploys the catalog stack */
  readonly execRole: string;
}

/** One online check: facts from AWS, judged by a pure function. */
export interface OnlineCheck<Facts> {
  readonly id: string;
  facts(clients: PreflightClients, target: PreflightTarget): Promise<Facts>;
  judge(facts: Facts, target: PreflightTarget): CheckResult[];
  /** the result when fetching the facts failed */
  unreachable(error: unknown, target: PreflightTarget): CheckResult;
}

/** Oldest bootstrap version the synthesized templates accept (their CheckBootstrapVersion rule). */
export const MIN_BOOTSTRAP_VERSION = 6;

export function cfnExecRoleArn(
  partition: string,
  account: string,
  region: string,
  qualifier: string,
): string {
  return `arn:${partition}:iam::${account}:role/cdk-${qualifier}-cfn-exec-role-${account}-${region}`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The result of a check whose AWS call failed: the call, its error, and the permission or fix it needs. */
function callFailed(id: string, title: string, call: string, e: unknown, fix: string): CheckResult {
  return { id, title, status: 'fail', detail: `${call} failed: ${errorMessage(e)}`, fix };
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : 'Error';
}

// --- credentials -----------------------------------------------------------------------------------------------

export interface CallerFacts {
  readonly arn: string | undefined;
  readonly account: string;
  readonly partition: string;
}

export async function callerFacts(sts: STSClient): Promise<CallerFacts> {
  const id = await sts.send(new GetCallerIdentityCommand({}));
  return {
    arn: id.Arn,
    account: id.Account ?? '',
    partition: /^arn:([^:]+):/.exec(id.Arn ?? '')?.[1] ?? 'aws',
  };
}

/** Credentials work; the account is the one the environment pins (if it pins one). */
export function judgeCaller(caller: CallerFacts, expectedAccount: string | undefined): CheckResult[] {
  return [
    {
      id: 'credentials',
      title: 'AWS credentials',
      status: 'pass',
      detail: `${caller.arn ?? '?'} in account ${caller.account}`,
    },
    expectedAccount !== undefined && expectedAccount !== caller.account
      ? {
          id: 'account',
          title: 'Target account',
          status: 'fail',
          detail: `the environment targets ${expectedAccount} but the credentials are for ${caller.account}`,
          fix: 'Use credentials of the target account, or fix `account` of the environment in cdk.json.',
        }
      : { id: 'account', title: 'Target account', status: 'pass', detail: caller.account },
  ];
}

export function credentialsUnavailable(e: unknown): CheckResult {
  return callFailed(
    'credentials',
    'AWS credentials',
    'STS GetCallerIdentity',
    e,
    'Configure credentials (AWS_PROFILE, SSO login or environment variables) for the target account.',
  );
}

// --- CloudFormation stacks -------------------------------------------------------------------------------------

export interface StackFacts {
  readonly name: string;
  readonly status: string | undefined;
  readonly outputs: Readonly<Record<string, string | undefined>>;
  readonly parameters: Readonly<Record<string, string | undefined>>;
}

/** The stack, or undefined when it does not exist. */
export async function describeStack(
  cfn: CloudFormationClient,
  name: string,
): Promise<StackFacts | undefined> {
  try {
    const st = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (!st) return undefined;
    return {
      name,
      status: st.StackStatus,
      outputs: Object.fromEntries((st.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue])),
      parameters: Object.fromEntries(
        (st.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue]),
      ),
    };
  } catch (e) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist"
    if (errorName(e) === 'ValidationError' && /does not exist/.test(errorMessage(e))) return undefined;
    throw e;
  }
}

/** The CDK bootstrap exists, is healthy, uses the expected qualifier and is recent enough. */
export function judgeBootstrap(toolkit: StackFacts | undefined, target: PreflightTarget): CheckResult[] {
  const base = { id: 'bootstrap', title: 'CDK bootstrap' } as const;
  if (!toolkit)
    return [
      {
        ...base,
        status: 'fail',
        detail: `no ${target.toolkitStackName} stack in ${target.region}`,
        fix: `npx cdk bootstrap aws://${target.account}/${target.region}`,
      },
    ];
  const version = Number(toolkit.outputs.BootstrapVersion ?? NaN);
  const q = toolkit.parameters.Qualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const status = toolkit.status ?? 'UNKNOWN';
  const problems: string[] = [];
  if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status)) problems.push(`status ${status}`);
  if (!(version >= MIN_BOOTSTRAP_VERSION))
    problems.push(
      `BootstrapVersion ${Number.isNaN(version) ? 'missing' : version} < ${MIN_BOOTSTRAP_VERSION}`,
    );
  if (q !== target.qualifier) problems.push(`qualifier ${q}, the app expects ${target.qualifier}`);
  return [
    problems.length === 0
      ? {
          ...base,
          status: 'pass',
          detail: `${target.toolkitStackName} ${status}, version ${version}, qualifier ${q}`,
        }
      : {
          ...base,
          status: 'fail',
          detail: problems.join('; '),
          fix: `npx cdk bootstrap aws://${target.account}/${target.region} (with --qualifier ${target.qualifier} if you changed it), or set cdkQualifier in cdk.json`,
        },
  ];
}

export const bootstrapCheck: OnlineCheck<StackFacts | undefined> = {
  id: 'bootstrap',
  facts: (clients, target) => describeStack(clients.cloudFormation, target.toolkitStackName),
  judge: judgeBootstrap,
  unreachable: (e) =>
    callFailed('bootstrap', 'CDK bootstrap', 'DescribeStacks', e, 'Allow cloudformation:DescribeStacks.'),
};

/** A stack in one of these states blocks a deploy until it is deleted or its operation ends. */
export function blocksDeploy(status: string): boolean {
  return (
    status === 'ROLLBACK_COMPLETE' ||
    status === 'ROLLBACK_FAILED' ||
    status === 'DELETE_FAILED' ||
    status.endsWith('_IN_PROGRESS')
  );
}

/** No stack of this environment is stuck (ROLLBACK_COMPLETE must be deleted first; *_IN_PROGRESS means someone
 * else is deploying). `stacks` are the environment's stacks that exist. */
export function judgeStacks(stacks: readonly StackFacts[]): CheckResult[] {
  const stuck = stacks
    .filter((s) => blocksDeploy(s.status ?? ''))
    .map((s) => `${s.name} (${s.status ?? ''})`);
  const base = { id: 'stacks', title: 'Environment stacks' } as const;
  return [
    stuck.length > 0
      ? {
          ...base,
          status: 'fail',
          detail: `blocked: ${stuck.join(', ')}`,
          fix: 'Delete stacks in ROLLBACK_COMPLETE/ROLLBACK_FAILED/DELETE_FAILED, or wait for the running operation.',
        }
      : {
          ...base,
          status: 'pass',
          detail:
            stacks.length > 0 ? `deployed: ${stacks.map((s) => s.name).join(', ')}` : 'none deployed yet',
        },
  ];
}

export const stacksCheck: OnlineCheck<StackFacts[]> = {
  id: 'stacks',
  async facts(clients, target) {
    const found: StackFacts[] = [];
    for (const part of target.stackParts) {
      const st = await describeStack(clients.cloudFormation, `${target.prefix}-${part}`);
      if (st) found.push(st);
    }
    return found;
  },
  judge: judgeStacks,
  unreachable: (e) => ({
    id: 'stacks',
    title: 'Environment stacks',
    status: 'fail',
    detail: errorMessage(e),
  }),
};

// --- Lake Formation --------------------------------------------------------------------------------------------

export interface LakeFormationFacts {
  /** the current data lake admins */
  readonly admins: readonly string[];
  /** whether new databases or tables grant IAM_ALLOWED_PRINCIPALS by default */
  readonly iamAllowedDefaults: boolean;
}

/** The deploy role and the admin list the catalog stack sets (it REPLACES the account's list), and the
 * IAM_ALLOWED_PRINCIPALS defaults it turns off for the whole account and region. */
export function judgeLakeFormation(lf: LakeFormationFacts, target: PreflightTarget): CheckResult[] {
  const { execRole, lakeFormationAdmins: wanted } = target;
  const results: CheckResult[] = [];
  if (!wanted.includes(execRole))
    results.push({
      id: 'lf-admins-config',
      title: 'Lake Formation admins (config)',
      status: 'warn',
      detail: `lakeFormationAdmins does not include the CDK deploy role ${execRole}: after the catalog stack replaces the admin list, later grants fail`,
      fix: 'Add the deploy role to lakeFormationAdmins in cdk.json.',
    });
  const adminTitle = 'Deploy role is a Lake Formation admin';
  results.push(
    lf.admins.includes(execRole)
      ? { id: 'lf-admin', title: adminTitle, status: 'pass', detail: execRole }
      : {
          id: 'lf-admin',
          title: adminTitle,
          status: 'warn',
          detail: `${execRole} is not an admin yet (admins: ${lf.admins.join(', ') || 'none'}); the catalog stack makes it one before any grant`,
          fix: 'Nothing to do unless the deploy role lacks lakeformation:PutDataLakeSettings (e.g. a restricted execution policy).',
        },
  );
  const removed = lf.admins.filter((a) => !wanted.includes(a));
  if (removed.length > 0)
    results.push({
      id: 'lf-admins-removed',
      title: 'Lake Formation admins kept',
      status: 'warn',
      detail: `the catalog stack REPLACES the admin list: ${removed.join(', ')} would lose admin rights`,
      fix: 'Add them to lakeFormationAdmins in cdk.json to keep them.',
    });
  const defaultsTitle = 'Lake Formation default permissions';
  results.push(
    lf.iamAllowedDefaults
      ? {
          id: 'lf-defaults',
          title: defaultsTitle,
          status: 'warn',
          detail:
            'IAM_ALLOWED_PRINCIPALS is granted on new databases/tables; the catalog stack sets both lists to [] for the whole account and region',
          fix: 'Check that no other workload in this account and region relies on IAM-only access to new Glue tables.',
        }
      : {
          id: 'lf-defaults',
          title: defaultsTitle,
          status: 'pass',
          detail: 'no IAM_ALLOWED_PRINCIPALS defaults',
        },
  );
  return results;
}

export const lakeFormationCheck: OnlineCheck<LakeFormationFacts> = {
  id: 'lake-formation',
  async facts(clients) {
    const s = (await clients.lakeFormation.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings ?? {};
    return {
      admins: (s.DataLakeAdmins ?? [])
        .map((a) => a.DataLakePrincipalIdentifier ?? '')
        .filter((a) => a !== ''),
      iamAllowedDefaults: [
        ...(s.CreateDatabaseDefaultPermissions ?? []),
        ...(s.CreateTableDefaultPermissions ?? []),
      ].some((p) => p.Principal?.DataLakePrincipalIdentifier === 'IAM_ALLOWED_PRINCIPALS'),
    };
  },
  judge: judgeLakeFormation,
  unreachable: (e) =>
    callFailed(
      'lf-admin',
      'Deploy role is a Lake Formation admin',
      'GetDataLakeSettings',
      e,
      'Allow lakeformation:GetDataLakeSettings, and check Lake Formation is available in the region.',
    ),
};

// --- Glue version ----------------------------------------------------------------------------------------------

export interface GlueVersionFacts {
  /** whether a job of the account already runs the configured Glue version */
  readonly inUse: boolean;
}

/** Pages of GetJobs read at most while looking for a job on the version. */
const MAX_GLUE_JOB_PAGES = 10;

/** AWS offers no API that lists the Glue versions of a region, and creating a job to find out is not read-only:
 * a job already running the version proves it; otherwise the version is unverified (a warning, not a pass). */
export function judgeGlueVersion(glue: GlueVersionFacts, target: PreflightTarget): CheckResult[] {
  const v = target.glueVersion;
  const base = { id: 'glue-version', title: `Glue ${v} in ${target.region}` } as const;
  return [
    glue.inUse
      ? { ...base, status: 'pass', detail: `a job of this account already runs Glue ${v}` }
      : {
          ...base,
          status: 'warn',
          detail: `the Glue API answers, but no API lists the versions of a region and no job here uses ${v} yet: unverified`,
          fix: `Check the AWS Glue release notes for ${v} in ${target.region}, or set etl.glueVersion in cdk.json.`,
        },
  ];
}

export const glueVersionCheck: OnlineCheck<GlueVersionFacts> = {
  id: 'glue-version',
  async facts(clients, target) {
    let token: string | undefined;
    let inUse = false;
    let pages = 0;
    do {
      const out = await clients.glue.send(new GetJobsCommand({ NextToken: token, MaxResults: 200 }));
      inUse = (out.Jobs ?? []).some((j) => j.GlueVersion === target.glueVersion);
      token = out.NextToken;
      pages++;
    } while (!inUse && token && pages < MAX_GLUE_JOB_PAGES);
    return { inUse };
  },
  judge: judgeGlueVersion,
  unreachable: (e, target) =>
    callFailed(
      'glue-version',
      `Glue ${target.glueVersion} in ${target.region}`,
      'GetJobs',
      e,
      'Allow glue:GetJobs.',
    ),
};

/** Runs one check: its facts, then its judgement; a failed call becomes the check's `unreachable` result. */
export async function runCheck<F>(
  check: OnlineCheck<F>,
  clients: PreflightClients,
  target: PreflightTarget,
): Promise<CheckResult[]> {
  let facts: F;
  try {
    facts = await check.facts(clients, target);
  } catch (e) {
    return [check.unreachable(e, target)];
  }
  return check.judge(facts, target);
}

/** A check with its facts' type closed over, so that checks of different facts share one list. */
export interface RunnableCheck {
  readonly id: string;
  run(clients: PreflightClients, target: PreflightTarget): Promise<CheckResult[]>;
}

function runnable<F>(check: OnlineCheck<F>): RunnableCheck {
  return { id: check.id, run: (clients, target) => runCheck(check, clients, target) };
}

/** The checks that run once the credentials work, in this order. */
export const onlineChecks: readonly RunnableCheck[] = [
  runnable(bootstrapCheck),
  runnable(stacksCheck),
  runnable(lakeFormationCheck),
  runnable(glueVersionCheck),
];
