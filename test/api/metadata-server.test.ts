/**
 * The metadata routes (catalog search, lineage, pipeline health) and the scanned-bytes header over real HTTP on
 * 127.0.0.1, on the shared fixture lake: what each role may learn, what bad input answers, and every answer checked
 * against the role's own OpenAPI document.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLogger } from '../../lambdas/api/logger';
import { WITHHELD_ERROR } from '../../lambdas/api/metadata-handlers';
import { canRead, grants, roles, type DataRole } from '../../lib/governance/grants';
import { rawBatchOf } from '../../lib/lineage/graph';
import { readRunReports } from '../../lib/local/runner';
import { openLocalEngine, type LocalEngine } from '../../lib/local/sql-engine';
import { createKey } from '../../lib/serve/api-keys';
import { createLocalRouter } from '../../lib/serve/local-app';
import { localMetadata } from '../../lib/serve/local-metadata';
import { startServer, type RunningServer } from '../../lib/serve/server';
import { localPipelineStatus } from '../../lib/status/local-status';
import { copyFixtureLake, fixtureLake, fixtureParams } from '../support/fixture-lake';
import { OpenApiCheck } from './support/openapi-check';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Body;
}

/** A server of its own over `metadataHome`, a key per role, and each role's OpenAPI document to check answers by. */
interface Served {
  get(path: string, role?: DataRole): Promise<Answer>;
  close(): Promise<void>;
}

const dirs: string[] = [];
let lake: LocalEngine;

async function serve(metadataHome: string): Promise<Served> {
  const home = mkdtempSync(join(tmpdir(), 'lake-metadata-'));
  dirs.push(home);
  const keys = Object.fromEntries(roles.map((r) => [r, createKey(home, r).key])) as Record<DataRole, string>;
  const srv: RunningServer = await startServer(
    createLocalRouter({
      home,
      metadataHome,
      engine: lake,
      logger: jsonLogger({ level: 'silent' }),
      throttle: { ratePerSecond: 1000, burst: 1000 },
    }),
    { port: 0 },
  );
  const checks = new Map<DataRole, OpenApiCheck>();
  const get = async (path: string, role: DataRole = 'admin'): Promise<Answer> => {
    const res = await fetch(srv.url + path, { headers: { 'x-api-key': keys[role] } });
    const text = await res.text();
    const headers = Object.fromEntries(res.headers);
    if (path !== '/v1/openapi.json') {
      if (!checks.has(role)) checks.set(role, new OpenApiCheck((await get('/v1/openapi.json', role)).body));
      checks.get(role)?.check({
        path: new URL(srv.url + path).pathname,
        status: res.status,
        contentType: res.headers.get('content-type'),
        body: text,
        headers,
      });
    }
    return { status: res.status, headers, body: JSON.parse(text) as Body };
  };
  return { get, close: () => srv.close() };
}

let api: Served;
beforeAll(async () => {
  lake = await openLocalEngine(fixtureLake().home);
  api = await serve(fixtureLake().home);
});
afterAll(async () => {
  await api.close();
  await lake.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const search = (q: string, role: DataRole = 'admin', extra: Record<string, string> = {}) =>
  api.get(`/v1/catalog/search?${new URLSearchParams({ q, ...extra }).toString()}`, role);

describe('GET /v1/catalog/search', () => {
  it('ranks an exact column name first, counts the hits in its facets, and links each hit to its dataset', async () => {
    const r = await search('customer_email');
    expect(r.status).toBe(200);
    expect(r.body.hits[0]).toMatchObject({
      id: 'processed.transactions.customer_email',
      kind: 'column',
      exactName: true,
      link: '/v1/datasets/transactions',
    });
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(r.body.facets.type)).toBe(r.body.total);
    expect(sum(r.body.facets.dataset)).toBe(r.body.total);
    expect(sum(r.body.facets.zone)).toBe(r.body.total);
    expect(r.body.total).toBeGreaterThan(r.body.hits.length - 1);
    for (const link of new Set<string>(r.body.hits.map((h: { link: string }) => h.link)))
      expect((await api.get(link)).status).toBe(200);
  });

  it("carries each table's live facts: its row count is the table's", async () => {
    const r = await search('transactions', 'analyst', { type: 'table' });
    const hit = r.body.hits.find((h: { id: string }) => h.id === 'processed.transactions');
    const n = (await lake.query('SELECT count(*) AS n FROM processed.transactions')).rows[0]?.n;
    expect(hit.facts.rowCount).toBe(n);
    expect(hit.facts.version).toMatch(/^\d+$/);
  });

  it('keeps the table facts it read until its TTL passes', async () => {
    const m = localMetadata(fixtureLake().home, { ttlMs: 60_000 });
    const at = Date.now();
    const facts = m.tableFacts(new Date(at));
    expect(m.tableFacts(new Date(at + 59_000))).toBe(facts);
    expect(m.tableFacts(new Date(at + 61_000))).not.toBe(facts);
    expect(Object.keys(await facts).sort()).toEqual([...grants.admin.tables].sort());
  });

  it('finds a column by its French synonym', async () => {
    expect((await search('courriel')).body.hits[0].id).toBe('processed.transactions.customer_email');
  });

  it('an analyst searching "email" does not learn that customer_email exists: no hit, no count, no tag', async () => {
    const admin = await search('email');
    expect(JSON.stringify(admin.body)).toContain('customer_email');
    expect(admin.body.facets.tag.pii).toBeGreaterThan(0);
    for (const role of ['analyst', 'marketing', 'bi'] as const) {
      const r = await search('email', role);
      expect(r.status).toBe(200);
      const text = JSON.stringify(r.body);
      for (const c of ['customer_email', 'customer_name', 'user_handle', 'client_ip', 'remote_user'])
        expect(text).not.toContain(c);
      expect(r.body.facets.tag.pii).toBeUndefined();
    }
  });

  it('a role finds only the tables it may read, in hits and facets alike', async () => {
    for (const q of ['order', 'revenue', 'transactions', 'status']) {
      const r = await search(q, 'marketing');
      for (const h of r.body.hits) expect(grants.marketing.tables).toContain(h.table);
      for (const t of Object.keys(r.body.facets.dataset)) expect(grants.marketing.tables).toContain(t);
    }
  });

  it('filters by type, zone, tag and owner', async () => {
    const cols = await search('revenue', 'admin', { type: 'column', zone: 'curated' });
    expect(cols.body.hits.length).toBeGreaterThan(0);
    for (const h of cols.body.hits) expect([h.kind, h.database]).toEqual(['column', 'curated']);
    const pii = await search('customer', 'admin', { tag: 'pii' });
    for (const h of pii.body.hits) expect(h.tags).toContain('pii');
    const owned = await search('campaign', 'admin', { owner: 'marketing-data' });
    for (const h of owned.body.hits) expect(h.owner).toBe('marketing-data');
  });

  it.each([
    ['no q', '', 'q'],
    ['an empty q', 'q=', 'q'],
    ['a 2,000-character q', `q=${'a'.repeat(2000)}`, 'q'],
    ['an unknown type', 'q=order&type=view', 'type'],
    ['an unknown zone', 'q=order&zone=raw', 'zone'],
    ['an unknown tag', 'q=order&tag=secret', 'tag'],
    ['an unknown owner', 'q=order&owner=nobody', 'owner'],
    ['a limit of 0', 'q=order&limit=0', 'limit'],
    ['a limit that is no number', 'q=order&limit=ten', 'limit'],
    ['a parameter of no route', 'q=order&colour=red', 'colour'],
    ['q twice', 'q=order&q=refund', 'q'],
  ])('answers %s with a 400 naming the field', async (_what, query, field) => {
    const r = await api.get(`/v1/catalog/search?${query}`, 'analyst');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'bad_request', details: { field } });
  });
});

describe('GET /v1/lineage/{dataset}', () => {
  it('curated.daily_sales reaches the raw transaction batches of its rows, each table linking to its dataset', async () => {
    const r = await api.get('/v1/lineage/curated.daily_sales', 'analyst');
    expect(r.status).toBe(200);
    const batches = r.body.nodes
      .filter((n: { kind: string }) => n.kind === 'raw-batch')
      .map((n: { id: string }) => n.id);
    const landed = fixtureLake()
      .reports.filter((x) => x.dataset === 'transactions')
      .flatMap((x) => x.files)
      .map((f) => `raw:${rawBatchOf(f)}`);
    expect(landed.length).toBeGreaterThan(0);
    expect([...new Set(batches)].sort()).toEqual([...new Set(landed)].sort());
    const tx = r.body.nodes.find((n: { id: string }) => n.id === 'processed.transactions');
    expect(tx).toMatchObject({ kind: 'table', link: '/v1/datasets/transactions', distance: 1 });
  });

  it("a column's downstream impact is exactly the columns built from it, however the column is spelled", async () => {
    const want = [
      'curated.campaign_performance.revenue_usd',
      'curated.campaign_performance.roas',
      'curated.daily_sales.refunded_usd',
      'curated.daily_sales.revenue_usd',
    ];
    for (const target of ['transactions.amount_usd', 'processed.transactions.amount_usd']) {
      const r = await api.get(`/v1/lineage/${target}?direction=downstream`);
      expect(r.body.target).toBe('processed.transactions.amount_usd');
      expect(
        r.body.nodes
          .filter((n: { distance: number }) => n.distance > 0)
          .map((n: { id: string }) => n.id)
          .sort(),
      ).toEqual(want);
    }
    const one = await api.get('/v1/lineage/transactions?direction=downstream&depth=1');
    expect(Math.max(...one.body.nodes.map((n: { distance: number }) => n.distance))).toBe(1);
  });

  it("hides what a role may not read: a PII column is not found, another role's table is forbidden", async () => {
    const hidden = await api.get('/v1/lineage/transactions.customer_email', 'analyst');
    const absent = await api.get('/v1/lineage/transactions.no_such_column', 'analyst');
    expect([hidden.status, absent.status]).toEqual([404, 404]);
    // the two answers differ only by the name asked for
    expect(JSON.stringify(hidden.body.error).replaceAll('customer_email', 'X')).toBe(
      JSON.stringify(absent.body.error).replaceAll('no_such_column', 'X'),
    );
    expect((await api.get('/v1/lineage/transactions.customer_email')).status).toBe(200);
    const up = await api.get('/v1/lineage/transactions', 'analyst');
    expect(JSON.stringify(up.body)).not.toContain('customer_email');
    expect(JSON.stringify((await api.get('/v1/lineage/transactions')).body)).toContain('customer_email');

    expect((await api.get('/v1/lineage/daily_sales', 'marketing')).status).toBe(403);
    const perf = await api.get('/v1/lineage/campaign_performance', 'marketing');
    const ids: string[] = perf.body.nodes.map((n: { id: string }) => n.id);
    expect(ids).toContain('processed.ad_events');
    expect(ids.filter((i) => i.includes('transactions'))).toEqual([]);
    expect(ids.some((i) => i.startsWith('raw:ad_events/'))).toBe(true);
    for (const e of perf.body.edges) expect(`${e.from} ${e.to}`).not.toContain('transactions');
  });

  it.each([
    ['an unknown table', '/v1/lineage/nope', 404, 'dataset'],
    ['an unknown column', '/v1/lineage/daily_sales.nope', 404, 'column'],
    ['a name with too many parts', '/v1/lineage/curated.daily_sales.orders.x', 404, 'dataset'],
    ['a table in the wrong zone', '/v1/lineage/curated.transactions', 404, 'dataset'],
    ['an unknown direction', '/v1/lineage/daily_sales?direction=sideways', 400, 'field'],
    ['a depth of 0', '/v1/lineage/daily_sales?depth=0', 400, 'field'],
    ['a depth of 51', '/v1/lineage/daily_sales?depth=51', 400, 'field'],
    ['a depth that is no number', '/v1/lineage/daily_sales?depth=deep', 400, 'field'],
    ['a parameter of no route', '/v1/lineage/daily_sales?column=orders', 400, 'field'],
  ])('answers %s with %s', async (_what, path, status, detail) => {
    const r = await api.get(path, 'analyst');
    expect(r.status).toBe(status);
    expect(r.body.error.details).toHaveProperty(detail);
  });
});

describe('GET /v1/pipelines', () => {
  it('is what `lake status --json` prints, for the admin', async () => {
    const r = await api.get('/v1/pipelines');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      JSON.parse(JSON.stringify(await localPipelineStatus(fixtureLake().home, { now: new Date(r.body.at) }))),
    );
    expect(r.body.tables).toHaveLength(6);
  });

  it("filters by the caller's grants: tables, the stream and the light", async () => {
    for (const role of roles) {
      const r = await api.get('/v1/pipelines', role);
      expect(r.body.tables.map((t: { table: string }) => t.table).sort()).toEqual(
        [...grants[role].tables].sort(),
      );
      expect(r.body.stream === null).toBe(!canRead(role, 'ad_events'));
      for (const p of r.body.problems as string[])
        expect(grants[role].tables.some((t) => p.startsWith(`${t}:`) || p.startsWith('stream '))).toBe(true);
    }
  });

  it('shows a failed run to every role that may read it, and its message only to roles with the PII grant', async () => {
    const copy = copyFixtureLake();
    const last = readRunReports(copy.home, 'transactions').at(-1);
    const failedAt = new Date(Date.parse(last?.started_at ?? '') + 60_000);
    const runId = `${failedAt
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-abcdef`;
    const error = "cannot cast 'ann.smith@example.com' to TIMESTAMP in row 12";
    const dir = join(copy.home, 'reports', 'transactions');
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    writeFileSync(
      join(dir, `${runId}.json`),
      JSON.stringify({ ...last, run_id: runId, started_at: failedAt.toISOString(), status: 'failed', error }),
    );
    const own = await serve(copy.home);
    try {
      const admin = await own.get('/v1/pipelines');
      const tx = (b: Body) => b.tables.find((t: { table: string }) => t.table === 'transactions');
      expect(tx(admin.body).lastRun).toMatchObject({ runId, status: 'failed', error });
      const analyst = await own.get('/v1/pipelines', 'analyst');
      expect(tx(analyst.body).lastRun).toMatchObject({ runId, status: 'failed', error: WITHHELD_ERROR });
      expect(analyst.body.light).toBe('red');
      expect(JSON.stringify(analyst.body)).not.toContain('example.com');
    } finally {
      await own.close();
      copy.cleanup();
    }
  });

  it('on an empty lake: red, with an explanation; search and lineage still answer from the contracts', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lake-empty-'));
    dirs.push(empty);
    const own = await serve(empty);
    try {
      const r = await own.get('/v1/pipelines', 'analyst');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ light: 'red', empty: true });
      expect(r.body.problems).toContain('transactions: no successful run yet');
      const s = await own.get('/v1/catalog/search?q=revenue', 'analyst');
      expect(s.body.total).toBeGreaterThan(0);
      const l = await own.get('/v1/lineage/daily_sales', 'analyst');
      expect(l.body.nodes.map((n: { id: string }) => n.id)).toContain('processed.transactions');
      expect(l.body.nodes.filter((n: { kind: string }) => n.kind === 'raw-batch')).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describe('x-lake-scanned-bytes', () => {
  const day = fixtureParams.start;
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + (fixtureParams.days + 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);

  /** The table's data files, with the day their partition holds. */
  function files(table: string) {
    const t = lake.tables().find((x) => x.contract.name === table);
    const field = t?.snapshot?.metadata.partitionSpec.find((f) => f.sourceName === t.contract.timeColumn);
    return (t?.files ?? []).map((f) => ({
      day: String(f.partition[field?.name ?? ''] ?? ''),
      bytes: f.fileSizeBytes,
    }));
  }
  const bytes = (fs: { bytes: number }[]) => fs.reduce((a, f) => a + f.bytes, 0);

  it("is the bytes of the data files a one-day query reads, those of its day's partition", async () => {
    const all = files('transactions');
    expect(new Set(all.map((f) => f.day)).size).toBeGreaterThan(1);
    const oneDay = await api.get(`/v1/transactions?from=${day}&to=${next}&limit=1`, 'analyst');
    expect(oneDay.status).toBe(200);
    expect(Number(oneDay.headers['x-lake-scanned-bytes'])).toBe(bytes(all.filter((f) => f.day === day)));
    const whole = await api.get(`/v1/transactions?from=${day}&to=${end}&limit=1`, 'analyst');
    expect(Number(whole.headers['x-lake-scanned-bytes'])).toBe(bytes(all));
    expect(bytes(all)).toBeGreaterThan(bytes(all.filter((f) => f.day === day)));
  });

  it("is the whole table's for its statistics, and 0 for answers from metadata alone", async () => {
    const stats = await api.get('/v1/datasets/daily_sales', 'bi');
    expect(Number(stats.headers['x-lake-scanned-bytes'])).toBe(bytes(files('daily_sales')));
    for (const path of ['/v1/datasets', '/v1/openapi.json', '/v1/pipelines', '/v1/catalog/search?q=order'])
      expect([path, (await api.get(path, 'bi')).headers['x-lake-scanned-bytes']]).toEqual([path, '0']);
  });
});
