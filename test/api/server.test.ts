/** `lake serve`'s server over real HTTP on 127.0.0.1 (random port): API keys, throttling, the OpenAPI contract. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLogger } from '../../lambdas/api/logger';
import { metadataRoutes } from '../../lambdas/api/metadata-routes';
import { queryRoutes, staticRoutes } from '../../lambdas/api/routes';
import { apiKeysFile, createKey, revokeKey } from '../../lib/serve/api-keys';
import { createLocalRouter } from '../../lib/serve/local-app';
import { startServer, type RunningServer } from '../../lib/serve/server';
import { canRead, roles, type DataRole } from '../../lib/governance/grants';
import { openLocalEngine, type LocalEngine } from '../../lib/local/sql-engine';
import { fixtureLake, fixtureParams } from '../support/fixture-lake';
import { OpenApiCheck } from './support/openapi-check';

let home: string;
let lake: LocalEngine;
let srv: RunningServer;
const keys = {} as Record<DataRole, string>;
const logLines: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lake-api-'));
  for (const r of roles) keys[r] = createKey(home, r, `test ${r}`).key;
  // the shared fixture lake, built by the real jobs; keys and the cursor secret live in a home of our own
  lake = await openLocalEngine(fixtureLake().home, { olderVersions: true });
  const router = createLocalRouter({
    home,
    metadataHome: fixtureLake().home,
    engine: lake,
    logger: jsonLogger({ write: (l) => logLines.push(l) }),
    throttle: { ratePerSecond: 1000, burst: 1000 },
  });
  srv = await startServer(router, { port: 0, host: '127.0.0.1' });
  for (const r of roles) {
    const doc = await fetch(`${srv.url}/v1/openapi.json`, { headers: { 'x-api-key': keys[r] } });
    checks[r] = new OpenApiCheck((await doc.json()) as Record<string, unknown>);
  }
});

/** The OpenAPI document of each role, which every answer of this suite is checked against. */
const checks = {} as Record<DataRole, OpenApiCheck>;

/** fetch, then check the answer against the document of the key's role (a request without a key: admin's). */
async function fetchChecked(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const res = await fetch(url, init);
  const presented =
    init.headers?.['x-api-key'] ?? /^Bearer (.+)$/.exec(init.headers?.authorization ?? '')?.[1];
  const role = roles.find((r) => keys[r] === presented) ?? 'admin';
  checks[role].check({
    path: new URL(url).pathname,
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: await res.clone().text(),
    headers: Object.fromEntries(res.headers),
  });
  return res;
}
afterAll(async () => {
  await srv.close();
  await lake.close();
  rmSync(home, { recursive: true, force: true });
});

async function get(path: string, key?: string, headers: Record<string, string> = {}) {
  const res = await fetchChecked(srv.url + path, {
    headers: { ...(key ? { 'x-api-key': key } : {}), ...headers },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('API keys', () => {
  it('listens on the loopback interface', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('401s without a key, with an unknown or forged key; accepts x-api-key and Bearer', async () => {
    const role = (r: { body: { info: { description: string } } }) =>
      /role '([a-z]+)'/.exec(r.body.info.description)?.[1];
    expect((await get('/v1/openapi.json')).status).toBe(401);
    expect((await get('/v1/openapi.json', 'lake_000000000000_' + 'A'.repeat(43))).status).toBe(401);
    const real = keys.analyst;
    const forged = real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A');
    expect((await get('/v1/openapi.json', forged)).status).toBe(401);
    const ok = await get('/v1/openapi.json', real);
    expect(ok.status).toBe(200);
    expect(role(ok)).toBe('analyst');
    const bearer = await get('/v1/openapi.json', undefined, { authorization: `Bearer ${keys.bi}` });
    expect(role(bearer)).toBe('bi');
  });

  it('refuses a revoked key from the next request on, without a restart', async () => {
    const { key, entry } = createKey(home, 'bi', 'short-lived');
    expect((await get('/v1/datasets', key)).status).toBe(200);
    expect(revokeKey(home, entry.id)?.id).toBe(entry.id);
    expect((await get('/v1/datasets', key)).status).toBe(401);
  });

  it('answers /health without a key, and tells nothing but that it is up and its version', async () => {
    const r = await get('/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', version: expect.any(String) });
  });

  it('stores keys hashed, with their role', () => {
    const text = readFileSync(apiKeysFile(home), 'utf8');
    // the secret is everything after `lake_<id>_` (base64url, so it may hold '_' itself)
    for (const r of roles) expect(text).not.toContain(keys[r].split('_').slice(2).join('_'));
    const stored = JSON.parse(text).keys as { role: string }[];
    expect(stored.map((k) => k.role).sort()).toEqual([...roles].sort());
  });

  it('puts a request id on every response and logs one JSON line per request', async () => {
    const ids = new Set<string>();
    for (const path of ['/health', '/nope', '/v1/transactions']) {
      const r = await fetchChecked(srv.url + path, { headers: { 'x-api-key': keys.admin } });
      const id = r.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(id as string);
    }
    expect(ids.size).toBe(3);
    const logged = logLines.map(
      (l) => JSON.parse(l) as { requestId?: string; status?: number; level: string },
    );
    for (const id of ids) expect(logged.find((l) => l.requestId === id)?.level).toBe('INFO');
  });
});

describe('throttling', () => {
  /** A server of its own with a small bucket, stopped after `use`. */
  async function throttled(burst: number, use: (url: string) => Promise<void>): Promise<void> {
    const router = createLocalRouter({
      home,
      engine: lake,
      logger: jsonLogger({ level: 'silent' }),
      throttle: { ratePerSecond: 1, burst },
    });
    const s = await startServer(router, { port: 0 });
    try {
      await use(s.url);
    } finally {
      await s.close();
    }
  }

  it('429s a key over its token bucket, with Retry-After, and leaves other keys alone', async () => {
    await throttled(3, async (url) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await fetchChecked(`${url}/v1/datasets`, { headers: { 'x-api-key': keys.analyst } });
        statuses.push(r.status);
        if (r.status === 429) {
          expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(((await r.json()) as { error: { code: string } }).error.code).toBe('throttled');
        } else await r.text();
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      const other = await fetchChecked(`${url}/v1/datasets`, { headers: { 'x-api-key': keys.bi } });
      expect(other.status).toBe(200);
    });
  });

  it('429s callers without a valid key by their address, so a flood of bad keys is throttled too', async () => {
    await throttled(2, async (url) => {
      const statuses: number[] = [];
      for (const key of ['lake_000000000000_' + 'A'.repeat(43), 'nonsense', undefined, undefined]) {
        const r = await fetchChecked(`${url}/v1/datasets`, { headers: key ? { 'x-api-key': key } : {} });
        statuses.push(r.status);
        const body = (await r.json()) as { error: { code: string; message: string } };
        if (r.status === 429) expect(body.error.message).toBe('too many requests from this address');
      }
      expect(statuses).toEqual([401, 401, 429, 429]);
      expect((await fetchChecked(`${url}/health`)).status).toBe(429);
      // a valid key has a bucket of its own
      expect((await fetchChecked(`${url}/v1/datasets`, { headers: { 'x-api-key': keys.bi } })).status).toBe(
        200,
      );
    });
  });
});

describe('answers the document describes', () => {
  it('documents each error a caller can meet, with its schema', async () => {
    const cases: [string, number, Record<string, string>?][] = [
      ['/v1/datasets/nope', 404],
      ['/v1/queries/abc', 404],
      ['/v1/queries/' + 'a'.repeat(10) + '.' + 'b'.repeat(43), 404],
      [`/v1/transactions?from=${from}&to=yesterday`, 400],
      [`/v1/transactions?from=${from}&to=${to}&limit=0`, 400],
      [`/v1/transactions?from=${from}&to=${to}&cursor=x.y`, 400],
      ['/v1/nope', 404],
    ];
    for (const [path, status] of cases)
      expect([path, (await get(path, keys.admin)).status]).toEqual([path, status]);
    const post = await fetchChecked(`${srv.url}/v1/datasets`, {
      method: 'POST',
      headers: { 'x-api-key': keys.admin },
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('answers 202 for a query that outlives the budget, then its first page at the location', async () => {
    const router = createLocalRouter({
      home,
      engine: lake,
      logger: jsonLogger({ level: 'silent' }),
      syncBudgetMs: 0,
    });
    const s = await startServer(router, { port: 0 });
    try {
      const first = await fetchChecked(`${s.url}/v1/metrics/traffic?from=${from}&to=${to}`, {
        headers: { 'x-api-key': keys.analyst },
      });
      expect(first.status).toBe(202);
      const location = ((await first.json()) as { location: string }).location;
      let r = first;
      for (let i = 0; i < 100 && r.status === 202; i++) {
        await new Promise((done) => setTimeout(done, 20));
        r = await fetchChecked(s.url + location, { headers: { 'x-api-key': keys.analyst } });
      }
      expect(r.status).toBe(200);
      expect(((await r.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});

describe('requests node:http cannot take', () => {
  it.each([
    ['a very long URL', (url: string) => fetchChecked(`${url}/v1/transactions?x=${'a'.repeat(20_000)}`)],
    [
      'very long headers',
      (url: string) =>
        fetchChecked(`${url}/v1/datasets`, {
          headers: { 'x-api-key': keys.admin, 'x-junk': 'b'.repeat(20_000) },
        }),
    ],
  ])('answers %s with 431, the JSON error and a request id', async (_what, send) => {
    const r = await send(srv.url);
    expect(r.status).toBe(431);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await r.json()) as { error: { code: string; message: string; details: object } };
    expect(body.error.code).toBe('headers_too_large');
    expect(body.error.message).toContain('16384 bytes');
  });
});

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
};
const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
function conforms(v: unknown, s: Schema): boolean {
  if (!s.type) return true;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const t = jsonType(v);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

const from = fixtureParams.start;
const to = new Date(Date.parse(`${from}T00:00:00Z`) + fixtureParams.days * 86_400_000)
  .toISOString()
  .slice(0, 10);

describe('the generated lake through HTTP', () => {
  it('counts traffic per day exactly as the processed table holds it', async () => {
    const r = await get(`/v1/metrics/traffic?from=${from}&to=${to}`, keys.analyst);
    expect(r.status).toBe(200);
    const direct = await lake.query(
      'SELECT CAST(request_time AS DATE) AS day, count(*) AS n, count(*) FILTER (WHERE is_bot) AS bots FROM processed.server_logs GROUP BY 1 ORDER BY 1',
    );
    expect(direct.rows.length).toBeGreaterThan(0);
    expect(
      r.body.data.map((d: { day: string; requests: number; bot_requests: number }) => [
        d.day,
        d.requests,
        d.bot_requests,
      ]),
    ).toEqual(direct.rows.map((d) => [d.day, d.n, d.bots]));
  });

  it('shows customer e-mails to the admin and never to the analyst', async () => {
    const q = `/v1/transactions?from=${from}&to=${to}&limit=50`;
    const admin = await get(q, keys.admin);
    const analyst = await get(q, keys.analyst);
    expect(admin.body.data.length).toBe(50);
    expect(admin.body.data.every((row: { customer_email: string }) => row.customer_email.includes('@'))).toBe(
      true,
    );
    expect(analyst.body.data.length).toBe(50);
    for (const row of analyst.body.data) {
      expect(row).not.toHaveProperty('customer_email');
      expect(row).not.toHaveProperty('customer_name');
    }
    expect(JSON.stringify(analyst.body)).not.toMatch(/@[a-z0-9-]+\.[a-z]/i);
  });
});

describe('every route behaves as openapi.json documents it', () => {
  it.each(roles)('for role %s', async (role) => {
    const doc = (await get('/v1/openapi.json', keys[role])).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.keys(doc.paths as object);
    // the document lists exactly the routes the role may use
    const expected = [
      ...staticRoutes.map((r) => r.path),
      ...metadataRoutes.map((r) => r.path),
      ...queryRoutes.filter((r) => canRead(role, r.table.name)).map((r) => r.path),
    ];
    expect(documented.sort()).toEqual(expected.sort());
    for (const r of queryRoutes.filter((q) => !canRead(role, q.table.name)))
      expect((await get(`${r.path}?from=2024-01-01&to=2024-01-02`, keys[role])).status).toBe(403);

    for (const path of documented) {
      const op = doc.paths[path].get;
      const params = op.parameters as { name: string; in: string; required: boolean; example?: string }[];
      if (params.some((p) => p.in === 'path' && p.example === undefined)) continue; // /v1/queries/{id}: see the 202 tests
      let url = path;
      const qs = new URLSearchParams();
      for (const p of params) {
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(p.example as string));
        else if (p.example !== undefined) qs.set(p.name, p.example);
      }
      // the documented example range, moved onto the fixture lake's days
      if (qs.has('from')) {
        qs.set('from', from);
        qs.set('to', to);
      }
      const r = await get(qs.size > 0 ? `${url}?${qs}` : url, keys[role]);
      expect(Object.keys(op.responses)).toContain(String(r.status));
      if (r.status !== 200) {
        expect(r.body.error.code).toEqual(expect.any(String));
        continue;
      }
      const schema = op.responses['200'].content['application/json'].schema as Schema;
      if (schema.properties?.data?.items?.properties) {
        const props = schema.properties.data.items.properties;
        const fields = qs.get('fields')?.split(',');
        expect(r.body.data.length).toBeGreaterThan(0);
        for (const row of r.body.data as Record<string, unknown>[]) {
          expect(Object.keys(row).sort()).toEqual([...(fields ?? Object.keys(props))].sort());
          for (const [k, v] of Object.entries(row))
            expect({ k, ok: conforms(v, props[k] as Schema) }).toEqual({ k, ok: true });
        }
        expect(Object.keys(r.body.page).sort()).toEqual(['count', 'limit', 'next']);
      }
      // invalid input is a documented 400 on query routes
      if (path.startsWith('/v1/') && params.some((p) => p.name === 'from')) {
        const bad = await get(`${url}?from=yesterday&to=2024-01-02`, keys[role]);
        expect(bad.status).toBe(400);
        expect(Object.keys(op.responses)).toContain('400');
      }
    }
    // the metadata routes answered their documented 200, body and headers checked
    for (const r of metadataRoutes) expect(checks[role].covered).toContain(`${r.path} 200`);
  });
});

describe('versions through HTTP, each answer checked against the document', () => {
  it("lists a table's versions and reads the rows as of one: the same rows the current version holds", async () => {
    const dataset = await get('/v1/datasets/transactions', keys.analyst);
    const listed = await get('/v1/datasets/transactions/versions', keys.analyst);
    expect(listed.status).toBe(200);
    expect(listed.body.table).toBe('processed.transactions');
    expect(listed.body.currentVersion).toBe(dataset.body.currentVersion);
    expect(listed.body.data[0]).toMatchObject({ version: dataset.body.currentVersion, current: true });
    expect(listed.body.data.length).toBe(listed.body.total);
    const version = listed.body.data[0].version as string;
    const range = `from=${from}&to=${to}&fields=transaction_id,status&limit=50`;
    const now = await get(`/v1/transactions?${range}`, keys.analyst);
    const then = await get(`/v1/transactions?${range}&as_of=${version}`, keys.analyst);
    expect(then.status).toBe(200);
    expect(then.body.asOf).toEqual({
      requested: version,
      version,
      committedAt: listed.body.data[0].committedAt,
    });
    expect(then.body.data).toEqual(now.body.data);
    expect(then.body.data.length).toBeGreaterThan(0);
    // the next page of a query as of a version stays as of it; a cursor of the current version does not serve it
    const next = await get(
      `/v1/transactions?${range}&as_of=${version}&cursor=${encodeURIComponent(then.body.page.next)}`,
      keys.analyst,
    );
    expect(next.status).toBe(200);
    expect(next.body.asOf.version).toBe(version);
    const mixed = await get(
      `/v1/transactions?${range}&as_of=${version}&cursor=${encodeURIComponent(now.body.page.next)}`,
      keys.analyst,
    );
    expect(mixed.status).toBe(400);
    const limited = await get('/v1/datasets/transactions/versions?limit=1', keys.analyst);
    expect(limited.body.data).toHaveLength(1);
  });

  it('answers an unknown tag or a time before the first version with a 404 naming what exists, bad text with a 400', async () => {
    const range = `from=${from}&to=${to}`;
    const tag = await get(`/v1/metrics/daily-sales?${range}&as_of=release-9`, keys.bi);
    expect(tag.status).toBe(404);
    expect(tag.body.error.message).toMatch(
      /^curated\.daily_sales has no tag or branch 'release-9' \(tags: none; branches: main\)$/,
    );
    expect(tag.body.error.details).toMatchObject({
      as_of: 'release-9',
      table: 'curated.daily_sales',
      branches: ['main'],
    });
    const early = await get(`/v1/transactions?${range}&as_of=2001-01-01`, keys.analyst);
    expect(early.status).toBe(404);
    expect(early.body.error.message).toMatch(
      /has no version at 2001-01-01T00:00:00\.000Z: its first version \d+/,
    );
    expect(early.body.error.details.firstVersionAt).toEqual(expect.any(String));
    const bad = await get(
      `/v1/transactions?${range}&as_of=${encodeURIComponent('no such thing!')}`,
      keys.analyst,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('as_of');
    expect((await get('/v1/datasets/transactions/versions?limit=0', keys.analyst)).status).toBe(400);
    expect((await get('/v1/datasets/nope/versions', keys.analyst)).status).toBe(404);
    // the versions of a table follow its grants: bi may not read transactions
    expect((await get('/v1/datasets/transactions/versions', keys.bi)).status).toBe(403);
  });

  it('covers the versions route and as_of in the document', () => {
    for (const c of [
      '/v1/datasets/{name}/versions 200',
      '/v1/datasets/{name}/versions 400',
      '/v1/datasets/{name}/versions 403',
      '/v1/datasets/{name}/versions 404',
      '/v1/transactions 404',
    ])
      expect(roles.some((r) => checks[r].covered.has(c))).toBe(true);
  });
});
