/**
 * Versions on Athena, with AWS mocked (aws-sdk-client-mock): `as_of` is resolved against the table's metadata tables
 * and read with `FOR VERSION AS OF` / `FOR TIMESTAMP AS OF` in the generated SQL; GET /v1/datasets/{name}/versions
 * lists what those metadata tables say. The SQL and the requests are asserted; the metadata rows are Athena's shape.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type GetQueryResultsOutput,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaEngine, parseVersionRows, versionsSql } from '../../lambdas/api/athena-engine';
import { call, captureLogger, principals, SECRET } from './support/harness';
import { createRouter } from '../../lambdas/api/router';
import { iamAuthenticator } from '../../lambdas/api/iam-auth';
import { Sealer } from '../../lambdas/api/cursor';

const athena = mockClient(AthenaClient);

const T1 = Date.parse('2025-03-03T10:00:00.000Z');
const T2 = Date.parse('2025-03-04T10:00:00.000Z');
const T3 = Date.parse('2025-03-05T10:00:00.000Z');

const metaColumns = ['kind', 'id', 'parent', 'ms', 'detail', 'summary'];
const metaTypes = ['varchar', 'varchar', 'varchar', 'bigint', 'varchar', 'varchar'];
/** What versionsSql returns for a table with two commits, a rollback to the first, a tag and the main branch. */
const metaRows: (string | undefined)[][] = [
  ['log', '1001', undefined, String(T3), undefined, undefined],
  [
    'snapshot',
    '1002',
    '1001',
    String(T2),
    'overwrite',
    JSON.stringify({
      'added-records': '1',
      'deleted-records': '1',
      'total-records': '10',
      'lake.run-id': 'run-2',
    }),
  ],
  ['log', '1002', undefined, String(T2), undefined, undefined],
  [
    'snapshot',
    '1001',
    undefined,
    String(T1),
    'append',
    JSON.stringify({ 'added-records': '10', 'total-records': '10', 'lake.run-id': 'run-1' }),
  ],
  ['log', '1001', undefined, String(T1), undefined, undefined],
  ['ref', '1001', 'main', undefined, 'BRANCH', undefined],
  ['ref', '1001', 'release-1', '86400000', 'TAG', undefined],
];

function page(columns: string[], types: string[], rows: (string | undefined)[][]): GetQueryResultsOutput {
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map((Name, i) => ({ Name, Type: types[i] })) },
      Rows: [
        { Data: columns.map((c) => ({ VarCharValue: c })) },
        ...rows.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
      ],
    },
  };
}

function router() {
  const engine = new AthenaEngine({
    databases: { processed: 'lake_processed_test', curated: 'lake_curated_test' },
    roles: { analyst: { workgroup: 'lake-analyst' }, marketing: { workgroup: 'lake-marketing' } },
    credentials: async () => ({
      accessKeyId: 'A',
      secretAccessKey: 'S',
      sessionToken: 'T',
      expiration: new Date(Date.now() + 3600_000),
    }),
    client: () => new AthenaClient({ region: 'eu-west-1' }),
    sleep: async () => undefined,
  });
  return createRouter({
    engine,
    authenticate: iamAuthenticator(principals),
    logger: captureLogger(),
    sealer: new Sealer(SECRET),
    syncBudgetMs: 2000,
  });
}

const started = () => athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);

beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) => ({
    QueryExecutionId: input.QueryString?.includes('$snapshots') ? 'qe-meta' : 'qe-rows',
  }));
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  athena
    .on(GetQueryResultsCommand, { QueryExecutionId: 'qe-meta' })
    .resolves(page(metaColumns, metaTypes, metaRows))
    .on(GetQueryResultsCommand, { QueryExecutionId: 'qe-rows' })
    .resolves(page(['transaction_id', 'status'], ['varchar', 'varchar'], [['T-1', 'pending']]));
});

const range = { from: '2025-03-03', to: '2025-03-05', fields: 'transaction_id,status' };

describe('as_of on Athena', () => {
  it.each([
    ['a version id', '1002', 'FOR VERSION AS OF 1002', '1002'],
    ['a tag, by the snapshot id it names', 'release-1', 'FOR VERSION AS OF 1001', '1001'],
    [
      'a past time, by time',
      '2025-03-04T12:00:00Z',
      "FOR TIMESTAMP AS OF TIMESTAMP '2025-03-04 12:00:00.000 UTC'",
      '1002',
    ],
    [
      'a time after the rollback: the version it made current',
      '2025-03-06',
      "FOR TIMESTAMP AS OF TIMESTAMP '2025-03-06 00:00:00.000 UTC'",
      '1001',
    ],
  ])('reads %s', async (_what, asOf, clause, version) => {
    const r = await call(router(), '/v1/transactions', { role: 'analyst', query: { ...range, as_of: asOf } });
    expect(r.status).toBe(200);
    expect(r.body.asOf).toEqual({
      requested: asOf,
      version,
      committedAt: new Date(version === '1001' ? T1 : T2).toISOString(),
    });
    const [meta, rows] = started();
    // the versions come from the table's metadata tables, in the caller's workgroup, before the rows are read
    expect(meta?.WorkGroup).toBe('lake-analyst');
    expect(meta?.QueryString).toBe(versionsSql('lake_processed_test', 'transactions'));
    expect(rows?.WorkGroup).toBe('lake-analyst');
    expect(rows?.QueryString).toContain(`FROM "lake_processed_test"."transactions" ${clause}`);
    expect(rows?.QueryString).toMatch(
      / (FOR VERSION AS OF \d+|FOR TIMESTAMP AS OF TIMESTAMP '[^']+') AS t WHERE /,
    );
    // the version is a literal the code made (Athena takes `?` only in WHERE); the parameters are the range alone
    expect(rows?.ExecutionParameters).toEqual(["'2025-03-03 00:00:00.000'", "'2025-03-05 00:00:00.000'"]);
  });

  it('404s an unknown tag, version or a time before the first version, naming what exists; no rows are read', async () => {
    const tag = await call(router(), '/v1/transactions', {
      role: 'analyst',
      query: { ...range, as_of: 'nope' },
    });
    expect(tag.status).toBe(404);
    expect(tag.body.error.message).toBe(
      "processed.transactions has no tag or branch 'nope' (tags: release-1; branches: main)",
    );
    expect(tag.body.error.details).toMatchObject({ as_of: 'nope', tags: ['release-1'], branches: ['main'] });
    const version = await call(router(), '/v1/transactions', {
      role: 'analyst',
      query: { ...range, as_of: '42' },
    });
    expect(version.status).toBe(404);
    expect(version.body.error.message).toMatch(/has no version 42; its newest versions: 1002 .*, 1001 /);
    const early = await call(router(), '/v1/transactions', {
      role: 'analyst',
      query: { ...range, as_of: '2025-03-01' },
    });
    expect(early.status).toBe(404);
    expect(early.body.error.message).toBe(
      `processed.transactions has no version at 2025-03-01T00:00:00.000Z: its first version 1001 became current at ${new Date(T1).toISOString()}`,
    );
    expect(early.body.error.details.firstVersionAt).toBe(new Date(T1).toISOString());
    expect(started().every((q) => q.QueryString?.includes('$snapshots'))).toBe(true);
  });

  it('400s an as_of that is no version, time or name, before asking Athena anything', async () => {
    const r = await call(router(), '/v1/transactions', {
      role: 'analyst',
      query: { ...range, as_of: "x'; DROP TABLE y --" },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.field).toBe('as_of');
    expect(started()).toHaveLength(0);
  });
});

describe('GET /v1/datasets/{name}/versions on Athena', () => {
  it("lists the table's versions newest first, the rollback as its own entry, with run ids, counts and refs", async () => {
    const r = await call(router(), '/v1/datasets/transactions/versions', { role: 'analyst' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ table: 'processed.transactions', currentVersion: '1001', total: 3 });
    expect(r.body.data.map((v: { version: string; operation: string }) => [v.version, v.operation])).toEqual([
      ['1001', 'rollback'],
      ['1002', 'overwrite'],
      ['1001', 'append'],
    ]);
    expect(r.body.data[0]).toMatchObject({
      current: true,
      rollbackFrom: '1002',
      tags: ['release-1'],
      branches: ['main'],
    });
    expect(r.body.data[1]).toMatchObject({
      undone: true,
      runId: 'run-2',
      rowsAdded: 1,
      rowsRemoved: 1,
      totalRows: 10,
    });
    expect(r.body.data[2]).toMatchObject({
      runId: 'run-1',
      rowsAdded: 10,
      committedAt: new Date(T1).toISOString(),
    });
    expect(started()).toEqual([
      expect.objectContaining({
        WorkGroup: 'lake-analyst',
        QueryString: versionsSql('lake_processed_test', 'transactions'),
      }),
    ]);
    const one = await call(router(), '/v1/datasets/transactions/versions', {
      role: 'analyst',
      query: { limit: '1' },
    });
    expect(one.body.total).toBe(3);
    expect(one.body.data).toHaveLength(1);
  });

  it('403s a role that may not read the table and 400s unknown parameters, without a query', async () => {
    const denied = await call(router(), '/v1/datasets/transactions/versions', { role: 'marketing' });
    expect(denied.status).toBe(403);
    const bad = await call(router(), '/v1/datasets/transactions/versions', {
      role: 'analyst',
      query: { since: '1' },
    });
    expect(bad.status).toBe(400);
    expect(started()).toHaveLength(0);
  });

  it('reads the metadata tables of the table by name, checked as an identifier', () => {
    expect(versionsSql('lake_curated_test', 'daily_sales')).toContain(
      'FROM "lake_curated_test"."daily_sales$refs"',
    );
    expect(() => versionsSql('lake_curated_test', 'x"; --')).toThrow(/not an allowed identifier/);
    expect(parseVersionRows([]).currentSnapshot).toBeNull();
  });
});
