/** The router through API Gateway proxy events (the Lambda's input), on a real DuckDB lake. */
import { DuckDbEngine } from '../../lib/serve/duckdb-engine';
import type { QueryEngine } from '../../lambdas/api/query-engine';
import { tableContract } from '../../lib/contracts';
import { grants, roles } from '../../lib/governance/grants';
import { call, captureLogger, principalOf, testRouter, type Reply } from './support/harness';
import { openMemoryLake, type MemoryLake } from './support/memory-lake';

let lake: MemoryLake;
let engine: DuckDbEngine;
let router: ReturnType<typeof testRouter>;

beforeAll(async () => {
  lake = await openMemoryLake({ days: 10, perDay: 12 });
  engine = new DuckDbEngine(lake);
  router = testRouter(engine);
});
afterAll(async () => lake.close());

const range = { from: '2024-01-02', to: '2024-01-06' };

async function allPages(path: string, query: Record<string, string>, role: 'admin' | 'analyst' = 'admin') {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await call(router, path, { role, query: { ...query, ...(cursor ? { cursor } : {}) } });
    expect(r.status).toBe(200);
    rows.push(...(r.body.data as Record<string, unknown>[]));
    cursor = r.body.page.next ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { rows, pages };
}

describe('authentication and routing', () => {
  it('answers 401 without an IAM identity and 403 for a principal without a data role', async () => {
    const none = await call(router, '/v1/datasets', { principal: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const stranger = await call(router, '/v1/datasets', {
      principal: 'arn:aws:iam::999999999999:role/Other',
    });
    expect(stranger.status).toBe(403);
  });

  it('answers /health without credentials, telling only that it is up and its version', async () => {
    for (const principal of [null, 'arn:aws:iam::999999999999:role/Other', principalOf.admin]) {
      const r = await call(router, '/health', { principal });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    }
    expect((await call(router, '/health', { principal: null, method: 'POST' })).status).toBe(405);
    expect((await call(router, '/health', { principal: null, query: { x: '1' } })).status).toBe(400);
  });

  it('maps an assumed-role session to its role', async () => {
    const r = await call(router, '/v1/openapi.json', {
      principal: 'arn:aws:sts::123456789012:assumed-role/LakeMarketing/some-session',
    });
    expect(r.status).toBe(200);
    expect(r.body.info.description).toContain("role 'marketing'");
  });

  it('puts the request id on every response, success or error', async () => {
    for (const [path, status] of [
      ['/health', 200],
      ['/v1/nope', 404],
      ['/v1/transactions', 400],
    ] as const) {
      const r = await call(router, path);
      expect(r.status).toBe(status);
      expect(r.headers['x-request-id']).toBe(r.requestId);
    }
  });

  it('404s unknown routes and datasets, 405s other methods', async () => {
    expect((await call(router, '/v1/unknown')).status).toBe(404);
    expect((await call(router, '/v1/datasets/nope')).status).toBe(404);
    const post = await call(router, '/v1/transactions', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(post.body.error.code).toBe('method_not_allowed');
  });

  it('403s a role without the table, on rows and on the catalog', async () => {
    for (const path of ['/v1/transactions', '/v1/datasets/transactions', '/v1/metrics/traffic']) {
      const r = await call(router, path, { role: 'marketing', query: range });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    const bi = await call(router, '/v1/metrics/daily-sales', { role: 'bi', query: range });
    expect(bi.status).toBe(200);
  });

  it('lists only the tables a role may read', async () => {
    for (const role of roles) {
      const r = await call(router, '/v1/datasets', { role });
      expect(r.status).toBe(200);
      expect((r.body.data as { name: string }[]).map((d) => d.name).sort()).toEqual(
        [...grants[role].tables].sort(),
      );
    }
  });

  it('describes one table with its row count and freshness', async () => {
    const r = await call(router, '/v1/datasets/daily_sales', { role: 'bi' });
    expect(r.status).toBe(200);
    const direct = await lake.query(
      'SELECT count(*) AS n, max(order_date) AS latest FROM curated.daily_sales',
    );
    expect(r.body.rowCount).toBe(direct.rows[0]?.n);
    expect(r.body.freshness).toBe(direct.rows[0]?.latest);
    expect(r.body.statsStatus).toBe('complete');
  });
});

describe('validation: 400 naming the field, and no query run', () => {
  const cases: [string, Record<string, string | string[]>, string][] = [
    ['/v1/transactions', { to: '2024-01-02' }, 'from'],
    ['/v1/transactions', { from: '2024-01-02' }, 'to'],
    ['/v1/transactions', { from: '2024-13-01', to: '2024-01-02' }, 'from'],
    ['/v1/transactions', { from: '2024-02-30', to: '2024-03-02' }, 'from'],
    ['/v1/transactions', { from: '2024-01-01T00:00:00', to: '2024-01-02' }, 'from'],
    ['/v1/transactions', { from: '2024-01-05', to: '2024-01-02' }, 'to'],
    ['/v1/server-logs', { from: '2024-01-01', to: '2024-03-01' }, 'to'],
    ['/v1/transactions', { ...range, limit: '0' }, 'limit'],
    ['/v1/transactions', { ...range, limit: '1001' }, 'limit'],
    ['/v1/transactions', { ...range, limit: '1e3' }, 'limit'],
    ['/v1/transactions', { ...range, fields: 'amount,nope' }, 'fields'],
    ['/v1/transactions', { ...range, fields: '' }, 'fields'],
    ['/v1/transactions', { ...range, status: 'shipped' }, 'status'],
    ['/v1/transactions', { ...range, customer_id: "x' OR '1'='1" }, 'customer_id'],
    ['/v1/transactions', { ...range, hashtag: 'x' }, 'hashtag'],
    ['/v1/server-logs', { ...range, status: 'abc' }, 'status'],
    ['/v1/server-logs', { ...range, status: '99' }, 'status'],
    ['/v1/server-logs', { ...range, is_bot: 'yes' }, 'is_bot'],
    ['/v1/transactions', { ...range, cursor: 'garbage' }, 'cursor'],
    ['/v1/transactions', { ...range, status: ['completed', 'refunded'] }, 'status'],
    ['/v1/datasets', { limit: '3' }, 'limit'],
  ];
  it.each(cases)('%s %j -> 400 on %s', async (path, query, field) => {
    const before = lake.log.length;
    const r = await call(router, path, { query });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_request');
    expect(r.body.error.details.field).toBe(field);
    expect(r.body.error.message).toContain(field);
    expect(lake.log.length).toBe(before);
  });
});

describe('rows', () => {
  it('returns exactly the rows in range and filter, page after page, without gaps or repeats', async () => {
    const q = { ...range, status: 'completed', limit: '7', fields: 'transaction_id,status,created_at' };
    const { rows, pages } = await allPages('/v1/transactions', q);
    expect(pages).toBeGreaterThan(1);
    const direct = await lake.query(
      `SELECT transaction_id FROM processed.transactions WHERE created_at >= TIMESTAMP '2024-01-02' AND created_at < TIMESTAMP '2024-01-06' AND status = 'completed' ORDER BY created_at, transaction_id`,
    );
    expect(rows.map((r) => r.transaction_id)).toEqual(direct.rows.map((r) => r.transaction_id));
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['created_at', 'status', 'transaction_id']);
      expect(r.status).toBe('completed');
      expect(String(r.created_at) >= '2024-01-02' && String(r.created_at) < '2024-01-06').toBe(true);
    }
  });

  it('pages an aggregate route by its keys', async () => {
    const { rows } = await allPages('/v1/metrics/product-mentions', { ...range, limit: '5' });
    const keys = rows.map((r) => `${String(r.day)}|${String(r.product_id)}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
    const direct = await lake.query(
      `SELECT count(*) AS n FROM (SELECT DISTINCT post_date, p FROM processed.social_posts, UNNEST(product_ids) AS u(p) WHERE created_at >= TIMESTAMP '2024-01-02' AND created_at < TIMESTAMP '2024-01-06')`,
    );
    expect(rows.length).toBe(direct.rows[0]?.n);
  });

  it('computes traffic rates from the counts it reports', async () => {
    const r = await call(router, '/v1/metrics/traffic', { query: range });
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBe(4);
    for (const d of r.body.data) {
      expect(d.error_rate).toBeCloseTo(d.errors / d.requests, 10);
      expect(d.bot_share).toBeCloseTo(d.bot_requests / d.requests, 10);
      expect(d.server_errors).toBeLessThanOrEqual(d.errors);
    }
  });

  it('filters array columns by element and strings by prefix', async () => {
    const posts = await call(router, '/v1/social-posts', {
      query: { ...range, hashtag: 'tag1', fields: 'hashtags' },
    });
    expect(posts.body.data.length).toBeGreaterThan(0);
    for (const p of posts.body.data) expect(p.hashtags).toContain('tag1');
    const logs = await call(router, '/v1/server-logs', {
      query: { ...range, path_prefix: '/prod', fields: 'path' },
    });
    expect(logs.body.data.length).toBeGreaterThan(0);
    for (const l of logs.body.data) expect(String(l.path).startsWith('/prod')).toBe(true);
  });
});

describe('cursors', () => {
  const q = { ...range, limit: '3', fields: 'transaction_id' };
  let next: string;
  beforeAll(async () => {
    next = (await call(router, '/v1/transactions', { query: q })).body.page.next as string;
    expect(typeof next).toBe('string');
  });

  it('refuses a cursor with any byte changed', async () => {
    const [body, mac] = next.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    payload.p.a[1] = 'transaction-id-0-0';
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
    const flipped = next.slice(0, -2) + (next.endsWith('A') ? 'B' : 'A') + next.slice(-1);
    for (const cursor of [forged, flipped, `${body}.`, `${body}`, next + 'x']) {
      const r = await call(router, '/v1/transactions', { query: { ...q, cursor } });
      expect(r.status).toBe(400);
      expect(r.body.error.details.field).toBe('cursor');
    }
  });

  it('is bound to its query: other parameters, route or role get 400', async () => {
    const other = await call(router, '/v1/transactions', {
      query: { ...q, cursor: next, status: 'completed' },
    });
    expect(other.status).toBe(400);
    const analyst = await call(router, '/v1/transactions', {
      role: 'analyst',
      query: { ...q, cursor: next },
    });
    expect(analyst.status).toBe(400);
    const route = await call(router, '/v1/social-posts', {
      query: { ...range, limit: '3', fields: 'post_id', cursor: next },
    });
    expect(route.status).toBe(400);
    const same = await call(router, '/v1/transactions', { query: { ...q, cursor: next } });
    expect(same.status).toBe(200);
  });
});

describe('PII', () => {
  const piiOf = (table: string) =>
    tableContract(table)
      .columns.filter((c) => c.pii)
      .map((c) => c.name);
  const allPii = ['transactions', 'server_logs', 'social_posts'].flatMap(piiOf);

  it('declares PII columns (the test would be empty otherwise)', () => {
    expect(allPii.length).toBeGreaterThan(4);
  });

  it('never shows PII to the analyst: not in rows, schemas, filters or the OpenAPI document', async () => {
    for (const path of ['/v1/transactions', '/v1/server-logs', '/v1/social-posts']) {
      const r = await call(router, path, { role: 'analyst', query: { ...range, limit: '5' } });
      expect(r.status).toBe(200);
      for (const row of r.body.data) for (const c of allPii) expect(row).not.toHaveProperty(c);
    }
    const texts = [
      JSON.stringify((await call(router, '/v1/datasets', { role: 'analyst' })).body),
      JSON.stringify((await call(router, '/v1/datasets/transactions', { role: 'analyst' })).body),
      JSON.stringify((await call(router, '/v1/openapi.json', { role: 'analyst' })).body),
    ];
    for (const t of texts) for (const c of allPii) expect(t).not.toContain(`"${c}"`);
    const asked = await call(router, '/v1/transactions', {
      role: 'analyst',
      query: { ...range, fields: 'customer_email' },
    });
    expect(asked.status).toBe(400);
    expect(asked.body.error.details.allowed).not.toContain('customer_email');
  });

  it('shows PII to the admin', async () => {
    const r = await call(router, '/v1/transactions', {
      role: 'admin',
      query: { ...range, limit: '1', fields: 'customer_email' },
    });
    expect(r.status).toBe(200);
    expect(typeof r.body.data[0].customer_email).toBe('string');
    expect(JSON.stringify((await call(router, '/v1/openapi.json')).body)).toContain('"customer_email"');
  });
});

describe('queries that outlive the synchronous budget', () => {
  it('answers 202 with a query id, then the page the route would have answered', async () => {
    const slow = testRouter(engine, { syncBudgetMs: 0 });
    const q = { ...range, limit: '4', fields: 'transaction_id' };
    const first = await call(slow, '/v1/transactions', { query: q });
    expect(first.status).toBe(202);
    expect(first.headers.location).toBe(first.body.location);
    // the link carries the stage the event came through (the factory's `prod`)
    expect(first.body.location).toMatch(/^\/prod\/v1\/queries\//);
    const location = (first.body.location as string).replace(/^\/prod/, '');
    let r: Reply = first;
    for (let i = 0; i < 50 && r.status === 202; i++) r = await call(slow, location);
    expect(r.status).toBe(200);
    const direct = await call(router, '/v1/transactions', { query: q });
    expect(r.body.data).toEqual(direct.body.data);
    // the next cursor continues the route's query
    const page2 = await call(router, '/v1/transactions', { query: { ...q, cursor: r.body.page.next } });
    expect(page2.status).toBe(200);
    expect(page2.body.data[0]).not.toEqual(r.body.data[0]);
    // another role cannot read it; a forged id is refused
    expect((await call(slow, location, { role: 'analyst' })).status).toBe(404);
    // a forged, truncated or malformed id names no query
    for (const id of [`${String(first.body.queryId).slice(0, -3)}xyz`, 'abc', 'a.b']) {
      const bad = await call(slow, `/v1/queries/${encodeURIComponent(id)}`);
      expect([bad.status, bad.body.error.code]).toEqual([404, 'not_found']);
    }
  });
});

describe('unexpected errors', () => {
  it('answers 500 with the request id only, and logs the cause with it', async () => {
    const broken: QueryEngine = Object.assign(Object.create(engine) as QueryEngine, {
      start: async () => {
        throw new Error('connection string postgres://secret@db');
      },
    });
    const logger = captureLogger();
    const r = await call(testRouter(broken, { logger }), '/v1/transactions', { query: range });
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect(r.body.error.details.requestId).toBe(r.requestId);
    const logged = logger.lines.find((l) => l.level === 'error');
    expect(logged?.fields.requestId).toBe(r.requestId);
    expect(JSON.stringify(logged)).toContain('secret');
  });
});
