/**
 * The metadata routes as the Lambda answers them: the run reports and OpenLineage events of the fixture lake, served
 * from a mocked S3 (aws-sdk-client-mock) at the keys the Glue jobs write on AWS, read through the S3 adapter of the
 * metadata port. The answers are the local server's, but for the stream (its lag is CloudWatch's on AWS, tested in
 * cloudwatch-stream-lag.test.ts; this router is given no stream names).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type GetObjectCommandOutput,
  type ListObjectsV2CommandInput,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { readConfig } from '../../lambdas/api/config';
import { createLambdaRouter } from '../../lambdas/api/lambda-app';
import { s3Metadata } from '../../lambdas/api/s3-metadata';
import { parseS3Uri } from '../../lambdas/api/s3-uri';
import { localMetadata } from '../../lib/serve/local-metadata';
import { DuckDbEngine } from '../../lib/serve/duckdb-engine';
import { localPipelineStatus } from '../../lib/status/local-status';
import { openLocalEngine, type LocalEngine } from '../../lib/local/sql-engine';
import { fixtureLake } from '../support/fixture-lake';
import { call, captureLogger, principalOf, testRouter } from './support/harness';

const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const BUCKET = 'lake-processed-123456789012-eu-west-1';
const REPORTS = `s3://${BUCKET}/_reports`;

/** The bucket: every file of the fixture's reports folder at `_reports/<dataset>/<file>`, as the jobs write them. */
const objects = new Map<string, string>();
let lake: LocalEngine;

beforeAll(async () => {
  const root = join(fixtureLake().home, 'reports');
  for (const dataset of readdirSync(root))
    for (const f of readdirSync(join(root, dataset)))
      objects.set(`_reports/${dataset}/${f}`, readFileSync(join(root, dataset, f), 'utf8'));
  lake = await openLocalEngine(fixtureLake().home);
});
afterAll(() => lake.close());

/** Listings in pages of `pageSize` keys, as S3 pages them (in key order, continued by a token). */
function serveBucket(pageSize = 1000): void {
  s3.reset();
  s3.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => {
    const keys = [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
    const start = Number(input.ContinuationToken ?? 0);
    const page = keys.slice(start, start + pageSize);
    const more = start + pageSize < keys.length;
    return {
      Contents: page.map((Key) => ({ Key })),
      IsTruncated: more,
      ...(more ? { NextContinuationToken: String(start + pageSize) } : {}),
    };
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const text = objects.get(input.Key);
    if (text === undefined) throw new Error(`NoSuchKey ${input.Key}`);
    return { Body: { transformToString: async () => text } } as unknown as GetObjectCommandOutput;
  });
}

function lambdaRouter() {
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'lambda-test-secret-0123456789' });
  const config = readConfig({
    AWS_REGION: 'eu-west-1',
    LAKE_PROCESSED_DATABASE: 'p',
    LAKE_CURATED_DATABASE: 'c',
    LAKE_ROLE_CONFIG: JSON.stringify({ admin: { workgroup: 'wg' }, analyst: { workgroup: 'wg' } }),
    LAKE_PRINCIPAL_ROLES: JSON.stringify(
      Object.fromEntries(Object.entries(principalOf).map(([r, a]) => [a, r])),
    ),
    LAKE_CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:c',
    LAKE_REPORTS_URI: `${REPORTS}/`,
  });
  expect(config.reportsUri).toBe(REPORTS);
  return createLambdaRouter(config, captureLogger(), {
    credentials: async () => {
      throw new Error('no query runs on a metadata route');
    },
  });
}

describe('the metadata routes on AWS, from the reports in S3', () => {
  it('GET /v1/pipelines is the local status of the same reports, without the stream', async () => {
    serveBucket(1);
    const r = await call(lambdaRouter(), '/v1/pipelines');
    expect(r.status).toBe(200);
    expect(r.headers['x-lake-scanned-bytes']).toBe('0');
    const local = await localPipelineStatus(fixtureLake().home, { now: new Date(r.body.at), stream: false });
    expect(r.body).toEqual(JSON.parse(JSON.stringify(local)));
    expect(r.body.stream).toBeNull();
    // every listing stays in the reports prefix, and the pages were followed
    const lists = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    for (const l of lists)
      expect(l).toMatchObject({ Bucket: BUCKET, Prefix: expect.stringMatching(/^_reports\/[a-z_]+\/$/) });
    expect(lists.some((l) => l.ContinuationToken !== undefined)).toBe(true);
  });

  it('answers lineage and search as the local server does, from one read of S3', async () => {
    serveBucket();
    const aws = lambdaRouter();
    const engine = new DuckDbEngine(lake);
    const local = testRouter(engine, { metadata: localMetadata(fixtureLake().home) });
    for (const [path, query] of [
      ['/v1/lineage/curated.daily_sales', {}],
      ['/v1/lineage/transactions.amount_usd', { direction: 'downstream' }],
      ['/v1/catalog/search', { q: 'revenue', type: 'column' }],
    ] as const) {
      const a = await call(aws, path, { role: 'analyst', query });
      const l = await call(local, path, { role: 'analyst', query });
      expect([path, a.status]).toEqual([path, 200]);
      // search hits carry facts: on AWS only what the run reports tell (no row counts), so compare without them
      const strip = (b: unknown) =>
        JSON.parse(JSON.stringify(b, (k, v: unknown) => (k === 'facts' ? undefined : v)));
      expect(strip(a.body)).toEqual(strip(l.body));
    }
    const calls = s3.calls().length;
    await call(aws, '/v1/lineage/daily_sales', { role: 'analyst' });
    await call(aws, '/v1/pipelines', { role: 'analyst' });
    expect(s3.calls().length).toBe(calls);
  });

  it("gives search the facts the reports hold: each table's version and last run, and no row count", async () => {
    serveBucket();
    const r = await call(lambdaRouter(), '/v1/catalog/search', {
      role: 'admin',
      query: { q: 'transactions', type: 'table' },
    });
    const hit = r.body.hits.find((h: { id: string }) => h.id === 'processed.transactions');
    const last = fixtureLake().reports.find((x) => x.dataset === 'transactions');
    expect(hit.facts).toMatchObject({
      rowCount: null,
      version: last?.snapshot_id,
      lastRunStatus: last?.status,
      lastRunAt: last?.started_at,
    });
    // no count is not "no table": a table whose runs wrote a version exists
    expect(hit.tags).not.toContain('no-table-yet');
  });

  it('reuses what it read for its TTL, then reads again', async () => {
    serveBucket();
    let clock = 0;
    const source = s3Metadata({ client: new S3Client({}), reportsUri: REPORTS, now: () => clock });
    const first = await source.runReports('daily_sales');
    expect(first.length).toBeGreaterThan(0);
    const calls = s3.calls().length;
    clock = 59_000;
    expect(await source.runReports('daily_sales')).toBe(first);
    expect(s3.calls().length).toBe(calls);
    clock = 61_000;
    expect(await source.runReports('daily_sales')).toEqual(first);
    expect(s3.calls().length).toBeGreaterThan(calls);
  });

  it('reuses the stream lag it is given for the same TTL', async () => {
    let clock = 0;
    let reads = 0;
    const lag = { stream: 's', reachable: true, undeliveredRecords: null, oldestUndeliveredAt: null };
    const source = s3Metadata({
      client: new S3Client({}),
      reportsUri: REPORTS,
      now: () => clock,
      streamLag: async () => ({ ...lag, oldestUndeliveredAgeMinutes: ++reads }),
    });
    expect(await source.streamLag(new Date(0))).toMatchObject({ oldestUndeliveredAgeMinutes: 1 });
    clock = 59_000;
    expect(await source.streamLag(new Date(0))).toMatchObject({ oldestUndeliveredAgeMinutes: 1 });
    clock = 61_000;
    expect(await source.streamLag(new Date(0))).toMatchObject({ oldestUndeliveredAgeMinutes: 2 });
  });

  it('skips a report still being written, and reads only the newest reports of each table', async () => {
    const key = '_reports/transactions/99991231T235959Z-ffffff.json';
    objects.set(key, '{"dataset": "transactions", "run_');
    try {
      serveBucket();
      const source = s3Metadata({ client: new S3Client({}), reportsUri: REPORTS, reportsPerTable: 1 });
      expect(await source.runReports('transactions')).toEqual([]);
      const reads = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key);
      expect(reads).toEqual([key]);
    } finally {
      objects.delete(key);
    }
  });

  it('takes the reports root as an S3 URI, and refuses anything else', () => {
    expect(parseS3Uri('s3://b-1/_reports/')).toEqual({
      bucket: 'b-1',
      prefix: '_reports/',
      uri: 's3://b-1/_reports',
    });
    expect(parseS3Uri('s3://b-1')).toEqual({ bucket: 'b-1', prefix: '', uri: 's3://b-1' });
    for (const bad of ['https://b-1/x', 's3://', 's3://B_1/x', '/tmp/reports'])
      expect(() => parseS3Uri(bad)).toThrow(/not an S3 URI/);
  });
});
