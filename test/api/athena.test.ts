/** The Athena adapter and the Lambda handler, with AWS mocked (aws-sdk-client-mock); request shapes asserted. */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  type GetQueryResultsOutput,
} from '@aws-sdk/client-athena';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { AthenaEngine, athenaParameter, backoff } from '../../lambdas/api/athena-engine';
import { readConfig } from '../../lambdas/api/config';
import { createLambdaRouter } from '../../lambdas/api/lambda-app';
import { assumeRoleCredentials } from '../../lambdas/api/sts-credentials';
import { apiGatewayEvent } from '../support/api-gateway-events';
import { call, captureLogger, principalOf } from './support/harness';

const athena = mockClient(AthenaClient);
const sts = mockClient(STSClient);
const secrets = mockClient(SecretsManagerClient);
const CURSOR_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:lake-cursor';

const env = {
  AWS_REGION: 'eu-west-1',
  LAKE_PROCESSED_DATABASE: 'lake_processed_test',
  LAKE_CURATED_DATABASE: 'lake_curated_test',
  LAKE_ROLE_CONFIG: JSON.stringify({
    admin: { workgroup: 'lake-admin', roleArn: 'arn:aws:iam::123456789012:role/lake-data-admin' },
    analyst: { workgroup: 'lake-analyst', roleArn: 'arn:aws:iam::123456789012:role/lake-data-analyst' },
    marketing: { workgroup: 'lake-marketing', roleArn: 'arn:aws:iam::123456789012:role/lake-data-marketing' },
    bi: { workgroup: 'lake-bi' },
  }),
  LAKE_PRINCIPAL_ROLES: JSON.stringify(
    Object.fromEntries(Object.entries(principalOf).map(([r, arn]) => [arn, r])),
  ),
  LAKE_CURSOR_SECRET_ARN: CURSOR_SECRET_ARN,
  LAKE_SYNC_BUDGET_MS: '2000',
};

const sleeps: number[] = [];
let clock = 0;
function lambdaRouter(budget?: number) {
  const config = readConfig({
    ...env,
    ...(budget !== undefined ? { LAKE_SYNC_BUDGET_MS: String(budget) } : {}),
  });
  return createLambdaRouter(config, captureLogger(), {
    credentials: async () => ({
      accessKeyId: 'A',
      secretAccessKey: 'S',
      sessionToken: 'T',
      expiration: new Date(Date.now() + 3600_000),
    }),
    athena: {
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
    },
  });
}

const header = (names: string[]) => ({ Data: names.map((n) => ({ VarCharValue: n })) });
function resultsPage(
  rows: (string | undefined)[][],
  columns: [string, string][],
  next?: string,
  withHeader = true,
): GetQueryResultsOutput {
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Type })) },
      Rows: [
        ...(withHeader ? [header(columns.map((c) => c[0]))] : []),
        ...rows.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
      ],
    },
    ...(next ? { NextToken: next } : {}),
  };
}

beforeEach(() => {
  athena.reset();
  sts.reset();
  secrets.reset();
  secrets
    .on(GetSecretValueCommand, { SecretId: CURSOR_SECRET_ARN, VersionStage: 'AWSCURRENT' })
    .resolves({ SecretString: 'lambda-test-secret-0123456789' })
    .on(GetSecretValueCommand, { SecretId: CURSOR_SECRET_ARN, VersionStage: 'AWSPREVIOUS' })
    .rejects(new ResourceNotFoundException({ message: 'no previous version', $metadata: {} }));
  sleeps.length = 0;
  clock = 0;
});

describe('Athena adapter through the router', () => {
  it('starts the query in the role workgroup with quoted ExecutionParameters, polls with backoff, maps results', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 10_485_760 } },
      });
    athena.on(GetQueryResultsCommand).resolves(
      resultsPage(
        [
          ['T-1', '2024-01-02 10:00:00.123', '12.50', 'completed'],
          ['T-2', '2024-01-02 11:00:00.000', undefined, 'completed'],
        ],
        [
          ['transaction_id', 'varchar'],
          ['created_at', 'timestamp'],
          ['amount', 'decimal'],
          ['status', 'varchar'],
        ],
      ),
    );
    const r = await call(lambdaRouter(), '/v1/transactions', {
      role: 'analyst',
      query: {
        from: '2024-01-02',
        to: '2024-01-03',
        customer_id: 'O-Brien',
        product_id: "it's \\ fine",
        fields: 'transaction_id,amount,status',
        limit: '50',
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([
      { transaction_id: 'T-1', amount: 12.5, status: 'completed' },
      { transaction_id: 'T-2', amount: null, status: 'completed' },
    ]);
    expect(r.body.page.next).toBeNull();
    // what Athena says the query scanned (and bills), from the status poll that saw it succeed: no extra call
    expect(r.headers['x-lake-scanned-bytes']).toBe('10485760');
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);

    const start = athena.commandCalls(StartQueryExecutionCommand);
    expect(start).toHaveLength(1);
    const input = start[0]!.args[0].input;
    expect(input.WorkGroup).toBe('lake-analyst');
    expect(input.QueryString).toContain('FROM "lake_processed_test"."transactions" AS t');
    expect(input.QueryString).not.toContain('O-Brien');
    expect(input.ExecutionParameters).toEqual([
      "'2024-01-02 00:00:00.000'",
      "'2024-01-03 00:00:00.000'",
      "'O-Brien'",
      "'it''s \\ fine'",
    ]);
    expect(input.QueryString).toMatch(/ LIMIT 1001$/);
    expect((input.QueryString?.match(/\?/g) ?? []).length).toBe(input.ExecutionParameters?.length);
    expect(sleeps).toEqual([backoff(0), backoff(1)]);
    const results = athena.commandCalls(GetQueryResultsCommand);
    expect(results[0]!.args[0].input).toMatchObject({ QueryExecutionId: 'qe-1', MaxResults: 52 });
  });

  it('answers 202 when the budget runs out, then serves the rows from /v1/queries/{id}', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-slow' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    const router = lambdaRouter(1500);
    const first = await call(router, '/v1/metrics/daily-sales', {
      role: 'bi',
      query: { from: '2024-01-01', to: '2024-02-01', limit: '1' },
    });
    expect(first.status).toBe(202);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(1500);
    expect(first.body.queryId).not.toContain('qe-slow');
    // the link carries the API Gateway stage the caller used
    expect(first.body.location).toBe(`/prod/v1/queries/${encodeURIComponent(first.body.queryId as string)}`);

    const path = (first.body.location as string).replace(/^\/prod/, '');
    const again = await call(router, path, { role: 'bi' });
    expect(again.status).toBe(202);

    expect(again.headers['x-lake-scanned-bytes']).toBeUndefined();

    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 2048 } },
    });
    athena.on(GetQueryResultsCommand).resolves(
      resultsPage(
        [
          ['2024-01-01', 'shoes', 'US', '3'],
          ['2024-01-01', 'shoes', 'DE', '1'],
        ],
        [
          ['order_date', 'date'],
          ['category', 'varchar'],
          ['country', 'varchar'],
          ['orders', 'bigint'],
        ],
      ),
    );
    const done = await call(router, path, { role: 'bi' });
    expect(done.status).toBe(200);
    expect(done.body.data).toHaveLength(1);
    expect(done.body.data[0]).toMatchObject({
      order_date: '2024-01-01',
      category: 'shoes',
      country: 'US',
      orders: 3,
    });
    expect(typeof done.body.page.next).toBe('string');
    expect(done.headers['x-lake-scanned-bytes']).toBe('2048');
    for (const c of athena.commandCalls(GetQueryExecutionCommand))
      expect(c.args[0].input.QueryExecutionId).toBe('qe-slow');

    // the next page is a new query starting after the last row's keys
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-2' });
    const next = await call(router, '/v1/metrics/daily-sales', {
      role: 'bi',
      query: { from: '2024-01-01', to: '2024-02-01', limit: '1', cursor: done.body.page.next as string },
    });
    expect(next.status).toBe(200);
    const params = athena.commandCalls(StartQueryExecutionCommand).at(-1)!.args[0].input.ExecutionParameters;
    expect(params).toEqual([
      "'2024-01-01'",
      "'2024-02-01'",
      "'2024-01-01'",
      "'2024-01-01'",
      "'shoes'",
      "'shoes'",
      "'US'",
    ]);
  });

  it.each([
    [
      { State: 'FAILED', AthenaError: { ErrorCategory: 2, ErrorMessage: 'COLUMN_NOT_FOUND: line 1:8' } },
      502,
      'query_failed',
    ],
    [
      { State: 'FAILED', AthenaError: { ErrorCategory: 1, ErrorMessage: 'internal stack trace xyz' } },
      502,
      'query_failed',
    ],
    [
      { State: 'FAILED', StateChangeReason: 'Insufficient Lake Formation permission(s) on transactions' },
      403,
      'forbidden',
    ],
    [{ State: 'CANCELLED' }, 409, 'query_cancelled'],
  ] as const)('maps %j to %i', async (status, code, errorCode) => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-x' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: status } });
    const r = await call(lambdaRouter(), '/v1/ad-events', {
      role: 'marketing',
      query: { from: '2024-01-01', to: '2024-01-02' },
    });
    expect(r.status).toBe(code);
    expect(r.body.error.code).toBe(errorCode);
    expect(r.body.error.details.queryExecutionId).toBe('qe-x');
    expect(JSON.stringify(r.body)).not.toContain('internal stack trace');
  });

  it('404s a query id Athena does not know', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-gone' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    const router = lambdaRouter(0);
    const first = await call(router, '/v1/metrics/campaigns', {
      role: 'bi',
      query: { from: '2024-01-01', to: '2024-01-02' },
    });
    expect(first.status).toBe(202);
    athena
      .on(GetQueryExecutionCommand)
      .rejects(
        new InvalidRequestException({ message: 'QueryExecution qe-gone was not found', $metadata: {} }),
      );
    expect((await call(router, first.body.location as string, { role: 'bi' })).status).toBe(404);
  });

  it('selects arrays as JSON and parses them back', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-a' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves(
      resultsPage(
        [['P-1', '["sale, now","x"]', 'true']],
        [
          ['post_id', 'varchar'],
          ['hashtags', 'json'],
          ['user_verified', 'boolean'],
        ],
      ),
    );
    const r = await call(lambdaRouter(), '/v1/social-posts', {
      role: 'analyst',
      query: {
        from: '2024-01-01',
        to: '2024-01-02',
        fields: 'post_id,hashtags,user_verified',
        hashtag: 'sale',
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.data[0]).toEqual({ post_id: 'P-1', hashtags: ['sale, now', 'x'], user_verified: true });
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString;
    expect(sql).toContain('CAST(t."hashtags" AS JSON) AS "hashtags"');
    expect(sql).toContain('contains(t."hashtags", ?)');
  });

  it('runs no query for invalid input', async () => {
    const r = await call(lambdaRouter(), '/v1/transactions', {
      role: 'admin',
      query: { from: '2024-01-01', to: '2024-06-01' },
    });
    expect(r.status).toBe(400);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});

describe('GetQueryResults pages', () => {
  it('follows NextToken until it has the rows it needs, skipping the header once', async () => {
    const cols: [string, string][] = [['n', 'integer']];
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(
        resultsPage(
          Array.from({ length: 999 }, (_, i) => [String(i)]),
          cols,
          'tok-2',
        ),
      )
      .resolvesOnce(
        resultsPage(
          Array.from({ length: 1000 }, (_, i) => [String(999 + i)]),
          cols,
          'tok-3',
          false,
        ),
      );
    const engine = new AthenaEngine({
      databases: { processed: 'p', curated: 'c' },
      roles: { admin: { workgroup: 'wg' } },
      credentials: async () => {
        throw new Error('not used');
      },
    });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 73_400_320 } },
    });
    const rs = await engine.results('qe', 1500, { role: 'admin', requestId: 'r' });
    // results read without a status poll before them ask Athena for the statistics themselves
    expect(rs.scannedBytes).toBe(73_400_320);
    expect(rs.rows).toHaveLength(1500);
    expect(rs.rows[0]).toEqual({ n: 0 });
    expect(rs.rows[1499]).toEqual({ n: 1499 });
    const calls = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { QueryExecutionId: 'qe', MaxResults: 1000 },
      { QueryExecutionId: 'qe', MaxResults: 501, NextToken: 'tok-2' },
    ]);
  });
});

describe('STS credentials per data role', () => {
  it('assumes the role once and reuses the credentials until shortly before they expire', async () => {
    let now = Date.UTC(2024, 0, 1);
    sts.on(AssumeRoleCommand).callsFake(() => ({
      Credentials: {
        AccessKeyId: 'AK',
        SecretAccessKey: 'SK',
        SessionToken: 'ST',
        Expiration: new Date(now + 3600_000),
      },
    }));
    const provider = assumeRoleCredentials(new STSClient({ region: 'eu-west-1' }), { now: () => now });
    const arn = 'arn:aws:iam::123456789012:role/lake-data-analyst';
    await provider(arn, 'analyst');
    await provider(arn, 'analyst');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: arn,
      RoleSessionName: 'lake-api-analyst',
      DurationSeconds: 3600,
    });
    now += 56 * 60_000;
    await provider(arn, 'analyst');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('gives each role client the credentials of its role ARN', async () => {
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
      Credentials: {
        AccessKeyId: `AK-${input.RoleArn.split('/')[1]}`,
        SecretAccessKey: 'SK',
        SessionToken: 'ST',
        Expiration: new Date(Date.now() + 3600_000),
      },
    }));
    const config = readConfig(env);
    const engine = new AthenaEngine({
      databases: config.databases,
      roles: config.roles,
      credentials: assumeRoleCredentials(new STSClient({ region: 'eu-west-1' })),
      region: 'eu-west-1',
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const client = (engine as any).client('marketing') as AthenaClient;
    const creds = await (client.config.credentials as () => Promise<{ accessKeyId: string }>)();
    expect(creds.accessKeyId).toBe('AK-lake-data-marketing');
  });
});

describe('ExecutionParameters', () => {
  it("quotes strings with ' doubled and leaves numbers and booleans bare", () => {
    expect(athenaParameter("O'Brien")).toBe("'O''Brien'");
    expect(athenaParameter('a\\b')).toBe("'a\\b'");
    expect(athenaParameter(42)).toBe('42');
    expect(athenaParameter(true)).toBe('true');
    expect(() => athenaParameter(Number.NaN)).toThrow();
  });
});

describe('Lambda handler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.resetModules();
  });
  const ctx = { awsRequestId: 'aws-req', functionName: 'lake-api' } as Context;

  it('answers an API Gateway event with the request id, from the environment configuration', async () => {
    Object.assign(process.env, env);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'AK',
        SecretAccessKey: 'SK',
        SessionToken: 'ST',
        Expiration: new Date(Date.now() + 3600_000),
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../lambdas/api/handler') as typeof import('../../lambdas/api/handler');
    const event = apiGatewayEvent('/health', { principal: principalOf.bi });
    const out = (await handler(event, ctx)) as APIGatewayProxyResult;
    expect(out.statusCode).toBe(200);
    expect(out.headers?.['x-request-id']).toBe(event.requestContext.requestId);
    expect(JSON.parse(out.body)).toEqual({ status: 'ok', version: expect.any(String) });
  });

  it('answers 500 with the request id when its configuration is broken', async () => {
    delete process.env.LAKE_ROLE_CONFIG;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../lambdas/api/handler') as typeof import('../../lambdas/api/handler');
    const event = apiGatewayEvent('/health');
    const out = (await handler(event, ctx)) as APIGatewayProxyResult;
    expect(out.statusCode).toBe(500);
    expect(out.headers?.['x-request-id']).toBe(event.requestContext.requestId);
    expect(out.body).not.toContain('LAKE_ROLE_CONFIG');
  });
});
