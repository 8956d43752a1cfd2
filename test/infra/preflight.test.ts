import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetJobsCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetDataLakeSettingsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { formatResults } from '../../lib/preflight/check-result';
import { configFromCdkJson } from '../../lib/preflight/environment';
import { cfnExecRoleArn, preflightPassed, runOnlinePreflight } from '../../lib/preflight/online';
import type { CheckResult, PreflightClients } from '../../lib/preflight/online';
import {
  judgeBootstrap,
  judgeCaller,
  judgeGlueVersion,
  judgeLakeFormation,
  judgeStacks,
} from '../../lib/preflight/online-checks';
import type { PreflightTarget, StackFacts } from '../../lib/preflight/online-checks';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const EXEC = cfnExecRoleArn('aws', ACCOUNT, REGION, 'hnb659fds');

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const lf = mockClient(LakeFormationClient);
const glue = mockClient(GlueClient);

const clients = (): PreflightClients => ({
  sts: new STSClient({ region: REGION }),
  cloudFormation: new CloudFormationClient({ region: REGION }),
  lakeFormation: new LakeFormationClient({ region: REGION }),
  glue: new GlueClient({ region: REGION }),
});

const notFound = (name: string) =>
  Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });

function healthyAccount(): void {
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/me` });
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
    if (input.StackName === 'CDKToolkit') {
      return {
        Stacks: [
          {
            StackName: 'CDKToolkit',
            StackStatus: 'UPDATE_COMPLETE',
            CreationTime: new Date(),
            Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '29' }],
            Parameters: [{ ParameterKey: 'Qualifier', ParameterValue: 'hnb659fds' }],
          },
        ],
      };
    }
    throw notFound(input.StackName);
  });
  lf.on(GetDataLakeSettingsCommand).resolves({
    DataLakeSettings: {
      DataLakeAdmins: [{ DataLakePrincipalIdentifier: EXEC }],
      CreateDatabaseDefaultPermissions: [],
      CreateTableDefaultPermissions: [],
    },
  });
  glue.on(GetJobsCommand).resolves({ Jobs: [{ Name: 'other', GlueVersion: '5.1' }] });
}

const run = (extra: Partial<Parameters<typeof runOnlinePreflight>[0]> = {}): Promise<CheckResult[]> =>
  runOnlinePreflight({
    prefix: 'shoplake-dev',
    region: REGION,
    cdkQualifier: DefaultStackSynthesizer.DEFAULT_QUALIFIER,
    clients: clients(),
    ...extra,
  });
const status = (rs: CheckResult[], id: string) => rs.find((r) => r.id === id)?.status;

beforeEach(() => {
  for (const m of [sts, cfn, lf, glue]) m.reset();
  healthyAccount();
});

describe('online preflight', () => {
  test('a ready account passes every check', async () => {
    const rs = await run({ expectedAccount: ACCOUNT });
    expect(rs.map((r) => [r.id, r.status])).toEqual([
      ['credentials', 'pass'],
      ['account', 'pass'],
      ['bootstrap', 'pass'],
      ['stacks', 'pass'],
      ['lf-admin', 'pass'],
      ['lf-defaults', 'pass'],
      ['glue-version', 'pass'],
    ]);
    expect(preflightPassed(rs)).toBe(true);
  });

  test('no credentials: one failure, nothing else is called', async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const rs = await run();
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ id: 'credentials', status: 'fail' });
    expect(cfn.calls()).toHaveLength(0);
  });

  test('wrong account is a failure', async () => {
    expect(status(await run({ expectedAccount: '999999999999' }), 'account')).toBe('fail');
  });

  test('missing bootstrap fails with the bootstrap command', async () => {
    cfn.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
      throw notFound(input.StackName);
    });
    const rs = await run();
    expect(rs.find((r) => r.id === 'bootstrap')).toMatchObject({
      status: 'fail',
      fix: `npx cdk bootstrap aws://${ACCOUNT}/${REGION}`,
    });
  });

  test('an old bootstrap or another qualifier fails', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({
      Stacks: [
        {
          StackName: 'CDKToolkit',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '4' }],
          Parameters: [{ ParameterKey: 'Qualifier', ParameterValue: 'custom' }],
        },
      ],
    });
    const r = (await run()).find((x) => x.id === 'bootstrap');
    expect(r?.status).toBe('fail');
    expect(r?.detail).toMatch(/BootstrapVersion 4 < 6/);
    expect(r?.detail).toMatch(/qualifier custom/);
  });

  test('a stack of the environment in ROLLBACK_COMPLETE blocks the deploy', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'shoplake-dev-catalog' }).resolves({
      Stacks: [
        { StackName: 'shoplake-dev-catalog', StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() },
      ],
    });
    const r = (await run()).find((x) => x.id === 'stacks');
    expect(r).toMatchObject({ status: 'fail' });
    expect(r?.detail).toContain('shoplake-dev-catalog (ROLLBACK_COMPLETE)');
  });

  test('Lake Formation: deploy role not yet admin, other admins would be replaced, IAM_ALLOWED_PRINCIPALS defaults on', async () => {
    lf.on(GetDataLakeSettingsCommand).resolves({
      DataLakeSettings: {
        DataLakeAdmins: [{ DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Admin` }],
        CreateTableDefaultPermissions: [
          { Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] },
        ],
      },
    });
    const rs = await run();
    expect(status(rs, 'lf-admin')).toBe('warn');
    expect(rs.find((r) => r.id === 'lf-admins-removed')?.detail).toContain('role/Admin');
    expect(status(rs, 'lf-defaults')).toBe('warn');
    expect(preflightPassed(rs)).toBe(true);
  });

  test('an admin list without the deploy role is flagged', async () => {
    const rs = await run({ lakeFormationAdmins: [`arn:aws:iam::${ACCOUNT}:role/Admin`] });
    expect(status(rs, 'lf-admins-config')).toBe('warn');
  });

  test('GetDataLakeSettings denied is a failure', async () => {
    lf.on(GetDataLakeSettingsCommand).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );
    expect(status(await run(), 'lf-admin')).toBe('fail');
  });

  test('Glue version: unverified (warn) when no job uses it, pages followed', async () => {
    glue
      .on(GetJobsCommand)
      .resolvesOnce({ Jobs: [{ Name: 'a', GlueVersion: '4.0' }], NextToken: 't' })
      .resolvesOnce({ Jobs: [{ Name: 'b', GlueVersion: '3.0' }] });
    const rs = await run();
    expect(status(rs, 'glue-version')).toBe('warn');
    expect(glue.commandCalls(GetJobsCommand)).toHaveLength(2);
  });

  test('the partition of the caller names the deploy role', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: ACCOUNT, Arn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Ops/me` });
    const rs = await run();
    expect(rs.find((r) => r.id === 'lf-admin')?.detail).toContain('arn:aws-cn:iam::');
  });
});

describe('preflight helpers', () => {
  test('reads an environment from cdk.json like the app', () => {
    expect(configFromCdkJson('prod').prefix).toBe('shoplake-prod');
    expect(() => configFromCdkJson('nope')).toThrow(/not in cdk.json/);
  });

  test('formats results with fixes for non-passing checks', () => {
    const text = formatResults([
      { id: 'a', title: 'A', status: 'pass', detail: 'fine', fix: 'unused' },
      { id: 'b', title: 'B', status: 'fail', detail: 'broken', fix: 'do this' },
    ]);
    expect(text).toBe('[ok  ] A: fine\n[FAIL] B: broken\n       -> do this');
  });
});

describe('online preflight judgements (pure, no AWS)', () => {
  const target: PreflightTarget = {
    prefix: 'shoplake-dev',
    region: REGION,
    account: ACCOUNT,
    qualifier: 'hnb659fds',
    toolkitStackName: 'CDKToolkit',
    execRole: EXEC,
    lakeFormationAdmins: [EXEC],
    glueVersion: '5.1',
    stackParts: ['storage', 'catalog'],
  };
  const toolkit = (over: Partial<StackFacts> = {}): StackFacts => ({
    name: 'CDKToolkit',
    status: 'UPDATE_COMPLETE',
    outputs: { BootstrapVersion: '29' },
    parameters: { Qualifier: 'hnb659fds' },
    ...over,
  });
  const statuses = (rs: CheckResult[]) => rs.map((r) => [r.id, r.status]);

  test('caller: the pinned account must match the credentials', () => {
    const caller = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/me`, account: ACCOUNT, partition: 'aws' };
    expect(statuses(judgeCaller(caller, undefined))).toEqual([
      ['credentials', 'pass'],
      ['account', 'pass'],
    ]);
    expect(judgeCaller(caller, '999999999999')[1]).toMatchObject({
      status: 'fail',
      detail: `the environment targets 999999999999 but the credentials are for ${ACCOUNT}`,
    });
  });

  test('bootstrap: missing, unhealthy, old, or of another qualifier fails; a good one passes', () => {
    expect(judgeBootstrap(undefined, target)[0]).toMatchObject({
      status: 'fail',
      detail: `no CDKToolkit stack in ${REGION}`,
    });
    expect(judgeBootstrap(toolkit(), target)[0]).toMatchObject({
      status: 'pass',
      detail: 'CDKToolkit UPDATE_COMPLETE, version 29, qualifier hnb659fds',
    });
    expect(judgeBootstrap(toolkit({ status: 'UPDATE_ROLLBACK_COMPLETE' }), target)[0]?.detail).toBe(
      'status UPDATE_ROLLBACK_COMPLETE',
    );
    expect(judgeBootstrap(toolkit({ outputs: {} }), target)[0]?.detail).toBe('BootstrapVersion missing < 6');
    expect(
      judgeBootstrap(
        toolkit({ outputs: { BootstrapVersion: '5' }, parameters: { Qualifier: 'x' } }),
        target,
      )[0]?.detail,
    ).toBe('BootstrapVersion 5 < 6; qualifier x, the app expects hnb659fds');
    // a bootstrap without a Qualifier parameter uses CDK's default one
    expect(judgeBootstrap(toolkit({ parameters: {} }), target)[0]?.status).toBe('pass');
  });

  test('stacks: failed rollbacks, failed deletes and running operations block a deploy', () => {
    const st = (name: string, status: string): StackFacts => ({ name, status, outputs: {}, parameters: {} });
    expect(judgeStacks([])[0]).toMatchObject({ status: 'pass', detail: 'none deployed yet' });
    expect(judgeStacks([st('a', 'UPDATE_COMPLETE'), st('b', 'UPDATE_ROLLBACK_COMPLETE')])[0]).toMatchObject({
      status: 'pass',
      detail: 'deployed: a, b',
    });
    for (const s of ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'UPDATE_IN_PROGRESS'])
      expect(judgeStacks([st('a', 'CREATE_COMPLETE'), st('b', s)])[0]).toMatchObject({
        status: 'fail',
        detail: `blocked: b (${s})`,
      });
  });

  test('Lake Formation: admin list, admins the catalog stack would remove, IAM_ALLOWED_PRINCIPALS defaults', () => {
    expect(statuses(judgeLakeFormation({ admins: [EXEC], iamAllowedDefaults: false }, target))).toEqual([
      ['lf-admin', 'pass'],
      ['lf-defaults', 'pass'],
    ]);
    const other = `arn:aws:iam::${ACCOUNT}:role/Admin`;
    const rs = judgeLakeFormation(
      { admins: [other], iamAllowedDefaults: true },
      { ...target, lakeFormationAdmins: [other] },
    );
    expect(statuses(rs)).toEqual([
      ['lf-admins-config', 'warn'],
      ['lf-admin', 'warn'],
      ['lf-defaults', 'warn'],
    ]);
    const removed = judgeLakeFormation({ admins: [EXEC, other], iamAllowedDefaults: false }, target);
    expect(removed.find((r) => r.id === 'lf-admins-removed')).toMatchObject({
      status: 'warn',
      detail: `the catalog stack REPLACES the admin list: ${other} would lose admin rights`,
    });
  });

  test('Glue version: proven by a job that runs it, otherwise unverified', () => {
    expect(judgeGlueVersion({ inUse: true }, target)[0]).toMatchObject({
      id: 'glue-version',
      title: `Glue 5.1 in ${REGION}`,
      status: 'pass',
    });
    expect(judgeGlueVersion({ inUse: false }, target)[0]?.status).toBe('warn');
  });
});
