import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { ENV } from '../../lambdas/api/config';
import { allRoutes } from '../../lambdas/api/routes';
import { grantSpecs } from '../../lib/infra/governance/lake-grants';
import { LakeNames } from '../../lib/infra/config/lake-names';
import { AthenaWorkgroups } from '../../lib/infra/consumption/athena-workgroups';
import { API_RUNTIME, LakeApi } from '../../lib/infra/consumption/lake-api';
import { LakeQueryRole } from '../../lib/infra/consumption/lake-query-role';
import { LakeZone } from '../../lib/infra/storage/lake-zones';
import { resourcesOf, testApp, testStack } from './helpers';
import type { CfnResource } from './helpers';

const names = new LakeNames('shoplake-t');
let t: Template;
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'infra-access-'));
  const app = testApp({ outdir, bundle: true });
  const stack = testStack(app);
  const key = new Key(stack, 'K');
  const results = new Bucket(stack, 'Results');
  const processed = new Bucket(stack, 'Processed');
  new AthenaWorkgroups(stack, 'Wg', { names, resultsBucket: results, key });
  const fnRole = new Role(stack, 'FnRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  const marketing = new LakeQueryRole(stack, 'Marketing', {
    names,
    dataRole: 'marketing',
    workgroup: 'api',
    assumedBy: fnRole,
    results: new LakeZone(results, key),
  });
  new LakeApi(stack, 'Api', {
    names,
    key,
    role: fnRole,
    databases: { processed: 'p_db', curated: 'c_db' },
    dataRoles: { marketing: { workgroup: names.workgroup('api'), roleArn: marketing.role.roleArn } },
    reports: { bucket: processed, key, prefix: '_reports' },
    stream: { streamName: 'shoplake-t-ad-events', deliveryStreamName: 'shoplake-t-ad-events-to-raw' },
  });
  new LakeApi(stack, 'Guarded', {
    names: new LakeNames('other'),
    key,
    databases: { processed: 'p', curated: 'c' },
    dataRoles: {},
    waf: true,
    principalRoles: { 'arn:aws:iam::111122223333:role/x': 'bi' },
  });
  t = Template.fromStack(stack);
  app.synth();
});

const only = (type: string, prefix: string): CfnResource => {
  const hits = resourcesOf(t, type, prefix);
  if (hits.length !== 1) throw new Error(`${hits.length} ${type} under ${prefix}`);
  return (hits[0] as [string, CfnResource])[1];
};

describe('AthenaWorkgroups defaults', () => {
  test.each(['api', 'analysts', 'bi'] as const)(
    '%s: engine v3, enforced, KMS results under its prefix, 10 GiB cutoff',
    (wg) => {
      t.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: names.workgroup(wg),
        RecursiveDeleteOption: false,
        WorkGroupConfiguration: {
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          BytesScannedCutoffPerQuery: 10240 * 1024 * 1024,
          ResultConfiguration: {
            EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
            OutputLocation: {
              'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Results') }, `/${wg}/`]],
            },
          },
        },
      });
    },
  );
});

describe('LakeQueryRole', () => {
  test('trusted by the API function role, Athena only in its workgroup', () => {
    const role = only('AWS::IAM::Role', 'MarketingRole');
    expect(role.Properties?.Description).toBe('Queries the lake as marketing in the api workgroup');
    expect(JSON.stringify(role.Properties?.AssumeRolePolicyDocument)).toContain('FnRole');
    const policy = JSON.stringify(only('AWS::IAM::Policy', 'MarketingRoleDefaultPolicy').Properties);
    expect(policy).toContain(`workgroup/${names.workgroup('api')}`);
    expect(policy).toContain('lakeformation:GetDataAccess');
  });

  test("its Lake Formation grants are the grants model's, for marketing", () => {
    const n = grantSpecs({ names, principalArn: 'x', access: { kind: 'read', role: 'marketing' } }).length;
    expect(resourcesOf(t, 'AWS::LakeFormation::PrincipalPermissions', 'Marketing')).toHaveLength(n);
  });
});

describe('LakeApi defaults', () => {
  test(`the newest Node.js runtime (${API_RUNTIME.name}), ARM, tracing, reserved concurrency 10, 512 MiB, 28 s`, () => {
    expect(API_RUNTIME.name).toBe('nodejs24.x');
    expect(only('AWS::Lambda::Function', 'ApiHandler').Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: 10,
      MemorySize: 512,
      Timeout: 28,
      Handler: 'index.handler',
    });
  });

  test('the environment holds every variable the handler reads (lambdas/api/config.ts)', () => {
    const env = (
      only('AWS::Lambda::Function', 'ApiHandler').Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    for (const name of Object.values(ENV)) expect(env).toHaveProperty(name);
    expect(env[ENV.processedDatabase]).toBe('p_db');
    expect(env[ENV.syncBudgetMs]).toBe('10000');
    expect(env[ENV.cursorSecretArn]).toEqual({ Ref: expect.stringMatching(/^ApiCursorSecret/) });
    expect(JSON.stringify(env[ENV.roleConfig])).toContain(names.workgroup('api'));
  });

  test('bundled by the local esbuild (no Docker): a JS file, Powertools inside', () => {
    const bundles = readdirSync(outdir).filter((f) => existsSync(join(outdir, f, 'index.js')));
    expect(bundles.length).toBeGreaterThanOrEqual(1);
    const code = readFileSync(join(outdir, bundles[0] as string, 'index.js'), 'utf8');
    expect(code).toContain('POWERTOOLS');
  });

  test('log groups keep 90 days, encrypted with the lake key; no principal is mapped unless configured', () => {
    const groups = resourcesOf(t, 'AWS::Logs::LogGroup', 'Api');
    expect(groups).toHaveLength(2);
    groups.forEach(([, g]) => {
      expect(g.Properties?.RetentionInDays).toBe(90);
      expect(g.Properties?.KmsKeyId).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^K[0-9A-F]{8}$/), 'Arn'],
      });
    });
    const env = (
      only('AWS::Lambda::Function', 'ApiHandler').Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env[ENV.principalRoles]).toBe('{}');
  });

  test('the cursor secret: encrypted with the lake key, read at run time, in no environment variable', () => {
    const secret = only('AWS::SecretsManager::Secret', 'ApiCursorSecret');
    expect(secret.Properties?.KmsKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^K[0-9A-F]{8}$/), 'Arn'],
    });
    const fn = JSON.stringify(only('AWS::Lambda::Function', 'ApiHandler').Properties);
    expect(fn).not.toContain('resolve:secretsmanager');
    const policy = JSON.stringify(only('AWS::IAM::Policy', 'FnRoleDefaultPolicy').Properties);
    expect(policy).toContain('secretsmanager:GetSecretValue');
    expect(policy).toContain('ApiCursorSecret');
    // the key lives in this test stack, so CDK grants the decrypt in its key policy (via Secrets Manager only)
    const keyPolicy = JSON.stringify(only('AWS::KMS::Key', 'K').Properties?.KeyPolicy);
    expect(keyPolicy).toContain('kms:ViaService');
    expect(keyPolicy).toContain('FnRole');
  });

  test('the function may list and read the run reports prefix, and nothing else of the processed bucket', () => {
    const statements = (
      only('AWS::IAM::Policy', 'FnRoleDefaultPolicy').Properties?.PolicyDocument as {
        Statement: { Sid?: string; Action: unknown; Resource: unknown; Condition?: unknown }[];
      }
    ).Statement;
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid ?? '', st]));
    const processedArn = { 'Fn::GetAtt': [expect.stringMatching(/^Processed/), 'Arn'] };
    expect(bySid.ListRunReports).toMatchObject({
      Action: 's3:ListBucket',
      Resource: processedArn,
      Condition: { StringLike: { 's3:prefix': ['_reports/*'] } },
    });
    expect(bySid.ReadRunReports).toMatchObject({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [processedArn, '/_reports/*']] },
    });
    expect(bySid.DecryptRunReports).toMatchObject({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
    });
    // no other statement names the processed bucket
    const others = statements.filter((st) => !['ListRunReports', 'ReadRunReports'].includes(st.Sid ?? ''));
    expect(JSON.stringify(others)).not.toMatch(/Processed/);
    const env = (
      only('AWS::Lambda::Function', 'ApiHandler').Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(JSON.stringify(env[ENV.reportsUri])).toContain('/_reports');
    const guarded = (
      only('AWS::Lambda::Function', 'GuardedHandler').Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(guarded).not.toHaveProperty(ENV.reportsUri);
  });

  test("the function may read CloudWatch metrics (GetMetricData alone, in its region) for the stream's lag", () => {
    const env = (
      only('AWS::Lambda::Function', 'ApiHandler').Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env[ENV.streamName]).toBe('shoplake-t-ad-events');
    expect(env[ENV.deliveryStreamName]).toBe('shoplake-t-ad-events-to-raw');
    const policy = only('AWS::IAM::Policy', 'ApiStreamLagMetrics');
    expect(policy.Properties?.Roles).toEqual([{ Ref: expect.stringMatching(/^FnRole/) }]);
    expect(policy.Properties?.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadStreamLagMetrics',
          Effect: 'Allow',
          Action: 'cloudwatch:GetMetricData',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
        },
      ],
    });
    // the function is created once it may read them, and no other policy grants a CloudWatch action
    expect(only('AWS::Lambda::Function', 'ApiHandler').DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ApiStreamLagMetrics/)]),
    );
    const others = resourcesOf(t, 'AWS::IAM::Policy').filter(([id]) => !id.startsWith('ApiStreamLagMetrics'));
    expect(JSON.stringify(others)).not.toContain('cloudwatch:');
    // without stream names: no variable, no policy
    const guarded = (
      only('AWS::Lambda::Function', 'GuardedHandler').Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(guarded).not.toHaveProperty(ENV.streamName);
    expect(guarded).not.toHaveProperty(ENV.deliveryStreamName);
    expect(resourcesOf(t, 'AWS::IAM::Policy', 'GuardedStreamLagMetrics')).toEqual([]);
  });

  test('the function may assume exactly its data roles', () => {
    const policy = JSON.stringify(only('AWS::IAM::Policy', 'FnRoleDefaultPolicy').Properties);
    expect(policy).toContain('sts:AssumeRole');
    expect(policy).toContain('MarketingRole');
  });

  test('every route of the route table is a GET with IAM auth and the parameter validator', () => {
    const methods = resourcesOf(t, 'AWS::ApiGateway::Method', 'Api');
    expect(methods).toHaveLength(allRoutes.length);
    for (const [, m] of methods) {
      expect(m.Properties).toMatchObject({
        HttpMethod: 'GET',
        AuthorizationType: 'AWS_IAM',
        RequestValidatorId: { Ref: expect.stringMatching(/^ApiValidator/) },
      });
    }
    t.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestParameters: true,
      ValidateRequestBody: true,
    });
  });

  test('query routes require from and to', () => {
    const query = resourcesOf(t, 'AWS::ApiGateway::Method', 'Api').filter(
      ([, m]) =>
        (m.Properties?.RequestParameters as Record<string, boolean> | undefined)?.[
          'method.request.querystring.from'
        ] !== undefined,
    );
    expect(query).toHaveLength(allRoutes.filter((r) => r.kind === 'query').length);
    query.forEach(([, m]) =>
      expect(m.Properties?.RequestParameters).toMatchObject({
        'method.request.querystring.from': true,
        'method.request.querystring.to': true,
      }),
    );
  });

  test("API Gateway's own errors keep the API's error shape and request id", () => {
    const responses = t.findResources('AWS::ApiGateway::GatewayResponse');
    const byType = Object.fromEntries(
      Object.values(responses).map((r) => [r.Properties?.ResponseType, r.Properties] as const),
    );
    for (const type of [
      'BAD_REQUEST_PARAMETERS',
      'MISSING_AUTHENTICATION_TOKEN',
      'THROTTLED',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
    ]) {
      expect(byType[type]).toBeDefined();
      expect(byType[type].ResponseParameters['gatewayresponse.header.x-request-id']).toBe(
        'context.requestId',
      );
      expect(
        JSON.parse(
          byType[type].ResponseTemplates['application/json']
            .replace('$context.error.messageString', '"m"')
            .replace('$context.error.responseType', 'T'),
        ),
      ).toMatchObject({ error: { code: expect.any(String), message: 'm' } });
    }
    expect(byType.BAD_REQUEST_PARAMETERS.ResponseTemplates['application/json']).toContain(
      '"code":"bad_request"',
    );
  });

  test('stage: api, throttled 20/40, access logs, X-Ray, metrics', () => {
    expect(only('AWS::ApiGateway::Stage', 'Api').Properties).toMatchObject({
      StageName: 'api',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: expect.anything(), Format: expect.stringContaining('requestId') },
      MethodSettings: [
        expect.objectContaining({
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
        }),
      ],
    });
  });

  test('no WAF by default; with waf, a web ACL with managed rules and a rate limit on the stage', () => {
    expect(resourcesOf(t, 'AWS::WAFv2::WebACL', 'Api')).toHaveLength(0);
    const acl = only('AWS::WAFv2::WebACL', 'Guarded').Properties as {
      Scope: string;
      Rules: { Name: string; Statement: Record<string, { Limit?: number }> }[];
    };
    expect(acl.Scope).toBe('REGIONAL');
    expect(acl.Rules.map((r) => r.Name)).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
      'rate-limit-per-ip',
    ]);
    expect(acl.Rules[3]?.Statement.RateBasedStatement?.Limit).toBe(1000);
    only('AWS::WAFv2::WebACLAssociation', 'Guarded');
  });

  test('principal mapping reaches the handler', () => {
    const env = (
      only('AWS::Lambda::Function', 'GuardedHandler').Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(JSON.parse(env[ENV.principalRoles] as string)).toEqual({
      'arn:aws:iam::111122223333:role/x': 'bi',
    });
  });
});
