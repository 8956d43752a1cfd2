/**
 * The whole app, as `cdk synth` builds it, for two environments side by side plus a disposable one (one synth):
 * cdk-nag AwsSolutions + Serverless with zero unacknowledged findings (before and after synthesis), the
 * CloudFormation validation plugin, cfn-lint over every template, and the isolation of environments.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import type { App, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ENV } from '../../lambdas/api/config';
import { environmentConfigFromContext } from '../../lib/infra/config/environment-config';
import { buildLakeApp } from '../../lib/infra/lake-app';
import type { LakeStacks } from '../../lib/infra/lake-app';
import { lintTemplates, templatesIn } from '../../lib/preflight/offline';
import { cdkContext, testApp } from './helpers';

let app: App;
let outdir: string;
const envs: Record<string, LakeStacks> = {};
let nagBefore: string[] = [];

function violations(scope: App): string[] {
  return [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)].flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.map(
        (v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
  );
}

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'infra-app-'));
  const scratchEnvs = { ...(cdkContext['lake:environments'] as object), scratch: { destroyData: true } };
  app = testApp({ outdir, context: { 'lake:environments': scratchEnvs } });
  for (const env of ['dev', 'prod', 'scratch']) {
    const config = environmentConfigFromContext(
      { tryGetContext: (k) => (k === 'env' ? env : app.node.tryGetContext(k)) },
      {},
    );
    envs[env] = buildLakeApp(app, config, { validations: false });
  }
  nagBefore = violations(app);
  app.synth();
});

const stacksOf = (env: string): Stack[] => Object.values(envs[env] ?? {}) as Stack[];

describe('validation', () => {
  test('cdk-nag AwsSolutions and Serverless: no unacknowledged finding before synthesis', () => {
    expect(nagBefore).toEqual([]);
  });

  test('... nor after synthesis, where cross-stack references are resolved', () => {
    expect(violations(app)).toEqual([]);
  });

  test('the CloudFormation validation plugin passes every template', () => {
    const stackTemplates = Object.values(envs).flatMap((e) =>
      (Object.values(e) as Stack[]).map((s) => ({
        stackConstructPath: s.node.path,
        templatePath: join(outdir, s.templateFile),
        accountId: undefined,
        region: undefined,
      })),
    );
    const report = new CloudFormationValidatePlugin().validate({
      templatePaths: templatesIn(outdir),
      stackTemplates,
      appConstruct: app,
    });
    expect(stackTemplates).toHaveLength(18);
    expect(report.violations.filter((v) => v.severity !== 'warning' && v.severity !== 'info')).toEqual([]);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  test('cfn-lint is clean over every template (no ignores besides the documented resource-level W3005)', () => {
    const lint = lintTemplates(templatesIn(outdir));
    expect(lint.output).toBe('');
    expect(lint.exitCode).toBe(0);
  });

  test('each acknowledgment names one finding and gives a specific reason', () => {
    const acks: [string, string][] = [];
    const walk = (c: IConstruct): void => {
      for (const m of c.node.metadata)
        if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          acks.push(...Object.entries(m.data as Record<string, string>));
      c.node.children.forEach(walk);
    };
    walk(app);
    expect(acks.length).toBeGreaterThan(10);
    for (const [id, reason] of acks) {
      expect(id.replace(/^annotation::/i, '')).toMatch(
        /^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[^\]]+\])?$/,
      );
      expect(String(reason).length).toBeGreaterThanOrEqual(50);
    }
  });
});

/** Properties that name a resource account-wide (or region-wide). */
const PHYSICAL = [
  'Name',
  'BucketName',
  'DatabaseInput',
  'TopicName',
  'QueueName',
  'AlarmName',
  'DashboardName',
  'DeliveryStreamName',
  'LogGroupName',
  'TagKey',
  'AliasName',
  'FunctionName',
  'RoleName',
];

describe('environments side by side', () => {
  test('six stacks per environment, named by its prefix', () => {
    expect(
      stacksOf('dev')
        .map((s) => s.stackName)
        .sort(),
    ).toEqual(
      ['access', 'catalog', 'monitoring', 'processing', 'storage', 'streaming']
        .map((p) => `shoplake-dev-${p}`)
        .sort(),
    );
    expect(stacksOf('prod').every((s) => s.stackName.startsWith('shoplake-prod-'))).toBe(true);
  });

  test('no physical name is shared between dev and prod', () => {
    const physical = (env: string): Set<string> => {
      const out = new Set<string>();
      for (const s of stacksOf(env)) {
        const tpl = JSON.parse(readFileSync(join(outdir, s.templateFile), 'utf8')) as {
          Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
        };
        for (const r of Object.values(tpl.Resources)) {
          if (r.Type === 'AWS::ApiGateway::RequestValidator') continue; // scoped to its API
          for (const [k, v] of Object.entries(r.Properties ?? {})) {
            const reference = typeof v === 'object' && v !== null && ('Ref' in v || 'Fn::GetAtt' in v);
            if (PHYSICAL.includes(k) && !reference) out.add(typeof v === 'string' ? v : JSON.stringify(v));
          }
        }
      }
      return out;
    };
    const dev = physical('dev');
    const shared = [...physical('prod')].filter((n) => dev.has(n));
    expect(dev.size).toBeGreaterThan(20);
    expect(shared).toEqual([]);
  });

  test('data is retained unless the environment asks: dev and prod RETAIN, scratch DESTROYs', () => {
    const policies = (env: string): string[] => {
      const s = envs[env]?.storage as Stack;
      const tpl = JSON.parse(readFileSync(join(outdir, s.templateFile), 'utf8')) as {
        Resources: Record<string, { Type: string; DeletionPolicy?: string }>;
      };
      return Object.values(tpl.Resources)
        .filter((r) => r.Type === 'AWS::S3::Bucket' || r.Type === 'AWS::KMS::Key')
        .map((r) => r.DeletionPolicy ?? 'Delete');
    };
    expect(new Set(policies('dev'))).toEqual(new Set(['Retain']));
    expect(new Set(policies('prod'))).toEqual(new Set(['Retain']));
    expect(new Set(policies('scratch'))).toEqual(new Set(['Delete']));
  });

  test('outputs: API URL, workgroups, buckets', () => {
    const outputs = (part: keyof LakeStacks): string[] => {
      const s = envs.dev?.[part] as Stack;
      return Object.keys(
        (JSON.parse(readFileSync(join(outdir, s.templateFile), 'utf8')) as { Outputs: object }).Outputs,
      );
    };
    expect(outputs('access')).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'apiWorkgroup',
        'analystsWorkgroup',
        'biWorkgroup',
        'BiRoleArn',
        'AnalystsRoleArn',
      ]),
    );
    expect(outputs('storage')).toEqual(
      expect.arrayContaining([
        'RawBucket',
        'ProcessedBucket',
        'CuratedBucket',
        'QuarantineBucket',
        'AthenaResultsBucket',
      ]),
    );
  });

  test('the analysts and BI roles may call the API (IAM auth needs execute-api:Invoke)', () => {
    const tpl = readFileSync(join(outdir, (envs.dev?.access as Stack).templateFile), 'utf8');
    const invokes = tpl.match(/"execute-api:Invoke"/g) ?? [];
    expect(invokes).toHaveLength(2);
  });

  test("the API reads the lag of this environment's own stream and delivery stream", () => {
    const tpl = (part: keyof LakeStacks) =>
      JSON.parse(readFileSync(join(outdir, (envs.dev?.[part] as Stack).templateFile), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
      };
    const of = (part: keyof LakeStacks, type: string) =>
      Object.values(tpl(part).Resources).filter((r) => r.Type === type);
    const vars = of('access', 'AWS::Lambda::Function')
      .map((f) => f.Properties.Environment?.Variables as Record<string, unknown> | undefined)
      .find((v) => v?.[ENV.streamName] !== undefined);
    expect(vars?.[ENV.streamName]).toBe(of('streaming', 'AWS::Kinesis::Stream')[0]?.Properties.Name);
    expect(vars?.[ENV.deliveryStreamName]).toBe(
      of('streaming', 'AWS::KinesisFirehose::DeliveryStream')[0]?.Properties.DeliveryStreamName,
    );
    expect(vars?.[ENV.streamName]).toBe('shoplake-dev-ad-events');
  });

  test('grants wait for the catalog: processing and access deploy after it', () => {
    const deps = (s: Stack) => s.dependencies.map((d) => d.stackName);
    expect(deps(envs.dev?.processing as Stack)).toContain('shoplake-dev-catalog');
    expect(deps(envs.dev?.access as Stack)).toContain('shoplake-dev-catalog');
  });

  test('prod uses its own settings: provisioned stream, WAF, bigger workers', () => {
    const tpl = (part: keyof LakeStacks) =>
      readFileSync(join(outdir, (envs.prod?.[part] as Stack).templateFile), 'utf8');
    expect(tpl('streaming')).toContain('"StreamMode": "PROVISIONED"');
    expect(tpl('access')).toContain('AWS::WAFv2::WebACL');
    expect(tpl('processing')).toContain('"WorkerType": "G.2X"');
  });
});
