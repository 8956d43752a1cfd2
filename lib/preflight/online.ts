/**
 * Online preflight: with the caller's AWS credentials, find what would break a first `cdk deploy` of the lake,
 * before CloudFormation does (and rolls back for half an hour). Read-only calls only; each check fetches its facts
 * and a pure function judges them (lib/preflight/online-checks.ts):
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
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GlueClient } from '@aws-sdk/client-glue';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { STSClient } from '@aws-sdk/client-sts';
import type { CheckResult } from './check-result';
import {
  callerFacts,
  cfnExecRoleArn,
  credentialsUnavailable,
  judgeCaller,
  onlineChecks,
} from './online-checks';
import type { CallerFacts, OnlinePreflightOptions, PreflightClients, PreflightTarget } from './online-checks';

export type { CheckResult, CheckStatus } from './check-result';
export { preflightPassed } from './check-result';
export { cfnExecRoleArn, MIN_BOOTSTRAP_VERSION } from './online-checks';
export type { OnlinePreflightOptions, PreflightClients } from './online-checks';

export const STACK_PARTS = ['storage', 'catalog', 'streaming', 'processing', 'access', 'monitoring'] as const;

export function defaultClients(region: string): PreflightClients {
  return {
    sts: new STSClient({ region }),
    cloudFormation: new CloudFormationClient({ region }),
    lakeFormation: new LakeFormationClient({ region }),
    glue: new GlueClient({ region }),
  };
}

/** The options with their defaults applied, for the account the credentials belong to. */
export function preflightTarget(opts: OnlinePreflightOptions, caller: CallerFacts): PreflightTarget {
  const qualifier = opts.cdkQualifier;
  const execRole = cfnExecRoleArn(caller.partition, caller.account, opts.region, qualifier);
  return {
    prefix: opts.prefix,
    region: opts.region,
    account: caller.account,
    qualifier,
    toolkitStackName: opts.toolkitStackName ?? 'CDKToolkit',
    execRole,
    lakeFormationAdmins: opts.lakeFormationAdmins ?? [execRole],
    glueVersion: opts.glueVersion ?? '5.1',
    stackParts: opts.stackParts ?? STACK_PARTS,
  };
}

export async function runOnlinePreflight(opts: OnlinePreflightOptions): Promise<CheckResult[]> {
  const clients = opts.clients ?? defaultClients(opts.region);
  let caller: CallerFacts;
  try {
    caller = await callerFacts(clients.sts);
  } catch (e) {
    return [credentialsUnavailable(e)]; // nothing else can be checked
  }
  const target = preflightTarget(opts, caller);
  const results = judgeCaller(caller, opts.expectedAccount);
  for (const check of onlineChecks) results.push(...(await check.run(clients, target)));
  return results;
}
