/**
 * The dashboard of `lake serve`, driven in headless Chromium (Debian's package, through playwright-core) against
 * the real server over the shared fixture lake: it loads without console errors, every chart holds the API's
 * figures, the pipeline panel shows the API's health, search answers with the API's hits, the date range changes
 * the charts, a click shows the rows behind a bar, and a marketing key sees neither transaction data nor any PII.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { jsonLogger } from '../../lambdas/api/logger';
import { dashboardFiles, ensureDashboard } from '../../lib/dashboard/bundle';
import { openLocalEngine, type LocalEngine } from '../../lib/local/sql-engine';
import { createKey } from '../../lib/serve/api-keys';
import { createLocalRouter } from '../../lib/serve/local-app';
import { startServer, type RunningServer } from '../../lib/serve/server';
import { staticAssets } from '../../lib/serve/static-assets';
import { chromiumHint, chromiumPath } from '../../lib/setup/toolchain';
import { fixtureLake, repoRoot } from '../support/fixture-lake';

type Row = Record<string, unknown>;

/** What the page exposes on `(globalThis as unknown as Hooks).lakeDashboard` (read inside the browser, hence the casts of globalThis). */
interface Hooks {
  lakeDashboard: {
    loads: number;
    busy: number;
    range: { from: string; to: string };
    status: Record<string, string>;
    charts: Record<
      string,
      { getOption(): unknown; convertToPixel(finder: object, value: unknown[]): number[] }
    >;
  };
  sessionStorage: { getItem(key: string): string | null };
}
interface Series {
  name: string;
  type: string;
  data: (number | null)[];
}

const artifacts = join(repoRoot, 'test-artifacts');
let home: string;
let profile: string;
let engine: LocalEngine;
let srv: RunningServer;
let browser: BrowserContext;
const keys = { admin: '', analyst: '', marketing: '' };

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: ${chromiumHint}`);
  home = mkdtempSync(join(tmpdir(), 'lake-dashboard-'));
  profile = mkdtempSync(join(tmpdir(), 'lake-chromium-'));
  for (const r of ['admin', 'analyst', 'marketing'] as const) keys[r] = createKey(home, r).key;
  engine = await openLocalEngine(fixtureLake().home);
  const router = createLocalRouter({
    home,
    metadataHome: fixtureLake().home,
    engine,
    logger: jsonLogger({ write: () => undefined }),
    throttle: { ratePerSecond: 1000, burst: 1000 },
  });
  const page = await ensureDashboard();
  srv = await startServer(router, {
    port: 0,
    host: '127.0.0.1',
    assets: staticAssets(page.dir, dashboardFiles),
  });
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await engine?.close();
  for (const d of [home, profile]) if (d) rmSync(d, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(path: string, key: string): Promise<{ status: number; body: any }> {
  const res = await fetch(srv.url + path, { headers: { 'x-api-key': key } });
  return { status: res.status, body: await res.json() };
}

async function rows(path: string, key: string): Promise<Row[]> {
  const r = await api(path, key);
  expect(r.status).toBe(200);
  expect(r.body.page.next).toBeNull(); // the fixture is small: one page holds it all
  return r.body.data as Row[];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const day = (v: unknown): string => String(v).slice(0, 10);
const nextDay = (d: string): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** A page of the dashboard with what the browser reported about it. */
interface Opened {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  failed: { status: number; url: string }[];
}

async function open(key: string, via: 'dialog' | 'fragment'): Promise<Opened> {
  const page = await browser.newPage();
  const o: Opened = { page, consoleErrors: [], pageErrors: [], failed: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') o.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => o.pageErrors.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400) o.failed.push({ status: r.status(), url: new URL(r.url()).pathname });
  });
  if (via === 'fragment') await page.goto(`${srv.url}/#key=${encodeURIComponent(key)}`);
  else {
    await page.goto(`${srv.url}/`);
    await page.locator('#key-dialog').waitFor({ state: 'visible' });
    await page.fill('#key-input', key);
    await page.click('#key-form button[type=submit]');
  }
  await settled(page, 1);
  return o;
}

async function settled(page: Page, loads: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      (globalThis as unknown as Hooks).lakeDashboard?.loads >= n &&
      (globalThis as unknown as Hooks).lakeDashboard.busy === 0,
    loads,
    { timeout: 20_000 },
  );
}

async function chartSeries(page: Page, id: string): Promise<{ x: string[]; series: Series[] }> {
  return page.evaluate((chart) => {
    const c = (globalThis as unknown as Hooks).lakeDashboard.charts[chart];
    if (!c) throw new Error(`no chart ${chart}`);
    const o = c.getOption() as { xAxis: { data: string[] }[]; series: Series[] };
    return {
      x: o.xAxis[0]?.data ?? [],
      series: o.series.map((s) => ({ name: s.name, type: s.type, data: s.data })),
    };
  }, id);
}

/** Every error the browser printed is a 403 or 404 that the page showed as such, nothing else. */
function onlyExpectedErrors(o: Opened, allowed: RegExp): void {
  expect(o.pageErrors).toEqual([]);
  for (const f of o.failed) expect(`${f.status} ${f.url}`).toMatch(allowed);
  const unexplained = o.consoleErrors.filter(
    (t) => !/^Failed to load resource: the server responded with a status of 40[34]/.test(t),
  );
  expect(unexplained).toEqual([]);
  expect(o.consoleErrors.length).toBeLessThanOrEqual(o.failed.length);
}

// a route another part of the lake adds; a server without it answers 404 and the panel says "not available"
const optional = /^404 \/v1\/datasets\/[a-z_]+\/versions$/;

/** The pipeline panel's lines: the data-light of each, its table and its text. */
async function healthRows(page: Page): Promise<{ light: string | null; table: string; text: string }[]> {
  return page.locator('#pipelines tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      light: tr.querySelector('[data-light]')?.getAttribute('data-light') ?? null,
      table: tr.querySelectorAll('td')[1]?.textContent ?? '',
      text: [...tr.querySelectorAll('td')].map((td) => td.textContent).join('\t'),
    })),
  );
}

describe('the dashboard with an analyst key', () => {
  let o: Opened;
  let range: { from: string; to: string };
  beforeAll(async () => {
    o = await open(keys.analyst, 'dialog');
    range = await o.page.evaluate(() => (globalThis as unknown as Hooks).lakeDashboard.range);
  });
  afterAll(() => o.page.close());

  it('is served without a key, with a policy that keeps it to its own origin', async () => {
    const res = await fetch(`${srv.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('/assets/dashboard.js');
    expect((await fetch(`${srv.url}/v1/datasets`)).status).toBe(401);
  });

  it('loads with no console error and keeps the key in session storage', async () => {
    onlyExpectedErrors(o, optional);
    expect(
      await o.page.evaluate(() => (globalThis as unknown as Hooks).sessionStorage.getItem('lake.apiKey')),
    ).toBe(keys.analyst);
    expect(await o.page.evaluate(() => (globalThis as unknown as Hooks).lakeDashboard.status)).toEqual({
      'revenue-category': 'ok',
      'revenue-country': 'ok',
      campaigns: 'ok',
      traffic: 'ok',
      mentions: 'ok',
    });
  });

  it('lists every table with its row count from the API', async () => {
    const list = (await api('/v1/datasets', keys.analyst)).body.data as { name: string; database: string }[];
    expect(list.length).toBe(6);
    const shown = await o.page.locator('#tables tbody tr').allInnerTexts();
    for (const t of list) {
      const stats = (await api(`/v1/datasets/${t.name}`, keys.analyst)).body as { rowCount: number };
      expect(stats.rowCount).toBeGreaterThan(0);
      const line = shown.find((s) => s.startsWith(`${t.database}.${t.name}\t`));
      expect(line?.split('\t')[1]).toBe(stats.rowCount.toLocaleString('en-US'));
    }
  });

  it('draws daily revenue by category and by country, with refunds, as the API reports them', async () => {
    const sales = await rows(
      `/v1/metrics/daily-sales?from=${range.from}&to=${nextDay(range.to)}&limit=1000`,
      keys.analyst,
    );
    expect(sales.length).toBeGreaterThan(0);
    for (const [id, by] of [
      ['revenue-category', 'category'],
      ['revenue-country', 'country'],
    ] as const) {
      const { x, series } = await chartSeries(o.page, id);
      expect(x[0]).toBe(range.from);
      expect(x.at(-1)).toBe(range.to);
      const groups = [...new Set(sales.map((r) => String(r[by])))];
      expect(
        series
          .filter((s) => s.type === 'bar')
          .map((s) => s.name)
          .sort(),
      ).toEqual(groups.sort());
      for (const g of groups) {
        const want = x.map((d) =>
          round2(
            sales
              .filter((r) => r[by] === g && day(r.order_date) === d)
              .reduce((a, r) => a + Number(r.revenue_usd), 0),
          ),
        );
        expect(series.find((s) => s.name === g)?.data).toEqual(want);
      }
      const refunded = x.map((d) =>
        round2(sales.filter((r) => day(r.order_date) === d).reduce((a, r) => a + Number(r.refunded_usd), 0)),
      );
      expect(series.find((s) => s.name === 'refunded')?.data).toEqual(refunded);
      expect(refunded.some((v) => v > 0)).toBe(true);
    }
  });

  it('draws campaign spend, ROAS and CPA from /v1/metrics/campaigns', async () => {
    const perf = await rows(
      `/v1/metrics/campaigns?from=${range.from}&to=${nextDay(range.to)}&limit=1000`,
      keys.analyst,
    );
    const { x, series } = await chartSeries(o.page, 'campaigns');
    const sum = (d: string, k: string): number =>
      perf.filter((r) => day(r.event_date) === d).reduce((a, r) => a + Number(r[k] ?? 0), 0);
    expect(series.find((s) => s.name === 'spend')?.data).toEqual(x.map((d) => round2(sum(d, 'spend_usd'))));
    expect(series.find((s) => s.name === 'ROAS')?.data).toEqual(
      x.map((d) => (sum(d, 'spend_usd') > 0 ? round2(sum(d, 'revenue_usd') / sum(d, 'spend_usd')) : null)),
    );
    expect(series.find((s) => s.name === 'CPA (USD)')?.data).toEqual(
      x.map((d) => (sum(d, 'conversions') > 0 ? round2(sum(d, 'spend_usd') / sum(d, 'conversions')) : null)),
    );
    expect(x.some((d) => sum(d, 'spend_usd') > 0)).toBe(true);
  });

  it('draws traffic by status class with the bot share from /v1/metrics/traffic', async () => {
    const traffic = await rows(
      `/v1/metrics/traffic?from=${range.from}&to=${nextDay(range.to)}&limit=1000`,
      keys.analyst,
    );
    const { x, series } = await chartSeries(o.page, 'traffic');
    const at = (d: string): Row | undefined => traffic.find((r) => day(r.day) === d);
    const n = (d: string, k: string): number => Number(at(d)?.[k] ?? 0);
    expect(series.find((s) => s.name === '2xx-3xx')?.data).toEqual(
      x.map((d) => n(d, 'requests') - n(d, 'errors')),
    );
    expect(series.find((s) => s.name === '4xx')?.data).toEqual(
      x.map((d) => n(d, 'errors') - n(d, 'server_errors')),
    );
    expect(series.find((s) => s.name === '5xx')?.data).toEqual(x.map((d) => n(d, 'server_errors')));
    expect(series.find((s) => s.name === 'bot share %')?.data).toEqual(
      x.map((d) => (at(d) ? round2(n(d, 'bot_share') * 100) : null)),
    );
    expect(traffic.reduce((a, r) => a + Number(r.requests), 0)).toBeGreaterThan(0);
  });

  it('draws social mentions per product from /v1/metrics/product-mentions', async () => {
    const m = await rows(
      `/v1/metrics/product-mentions?from=${range.from}&to=${nextDay(range.to)}&limit=1000`,
      keys.analyst,
    );
    const { x, series } = await chartSeries(o.page, 'mentions');
    const posts = new Map<string, number>();
    for (const r of m)
      posts.set(String(r.product_id), (posts.get(String(r.product_id)) ?? 0) + Number(r.posts));
    expect([...x].sort()).toEqual([...posts.keys()].sort());
    expect(series.find((s) => s.name === 'mentions')?.data).toEqual(x.map((p) => posts.get(p)));
    const sentiment = series.find((s) => s.name === 'avg sentiment')?.data ?? [];
    expect(sentiment.length).toBe(x.length);
    for (const v of sentiment) expect(Math.abs(v ?? 9)).toBeLessThanOrEqual(1);
  });

  it("shows each table's freshness against its objective and its last run, as /v1/pipelines reports them", async () => {
    const s = (await api('/v1/pipelines', keys.analyst)).body as {
      light: string;
      tables: {
        qualifiedName: string;
        light: string;
        freshness: { state: string };
        lastRun: { status: string; startedAt: string };
      }[];
    };
    const shown = await healthRows(o.page);
    expect(shown).toHaveLength(s.tables.length);
    expect(s.tables).toHaveLength(6);
    for (const t of s.tables) {
      const line = shown.find((r) => r.table === t.qualifiedName);
      expect(line?.light).toBe(t.light);
      expect(line?.text).toContain(t.freshness.state);
      expect(line?.text).toContain(' of ');
      expect(line?.text).toContain(
        `${t.lastRun.status} ${t.lastRun.startedAt.slice(5, 16).replace('T', ' ')}`,
      );
    }
    expect(await o.page.locator('#pipelines .summary').getAttribute('data-light')).toBe(s.light);
  });

  it("answers a search with the API's ranked hits and facets, and a hit opens its dataset", async () => {
    const want = (await api('/v1/catalog/search?q=refund', keys.analyst)).body as {
      total: number;
      hits: { id: string; link: string }[];
      facets: { zone: Record<string, number> };
    };
    expect(want.hits.length).toBeGreaterThan(0);
    await o.page.fill('#search-input', 'refund');
    await o.page.click('#search-form button');
    await o.page.locator('#search-results li').first().waitFor();
    const ids = await o.page
      .locator('#search-results li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')));
    expect(ids).toEqual(want.hits.map((h) => h.id));
    const summary = await o.page.locator('#search-summary').innerText();
    expect(summary).toContain(`${want.total} result`);
    for (const [zone, n] of Object.entries(want.facets.zone)) expect(summary).toContain(`${zone} ${n}`);
    const first = want.hits[0] as { id: string; link: string };
    await o.page.locator(`#search-results li[data-id="${first.id}"] a`).click();
    await o.page.locator('#rows table').waitFor();
    await settled(o.page, 1);
    expect(await o.page.locator('#rows-url').innerText()).toBe(first.link);
    const entry = (await api(first.link, keys.analyst)).body as { columns: { name: string }[] };
    const columns = await o.page.locator('#rows tbody tr td:first-child').allInnerTexts();
    expect(columns).toEqual(entry.columns.map((c) => c.name));
  });

  it('shows the rows behind a clicked bar', async () => {
    const { x, series } = await chartSeries(o.page, 'revenue-category');
    const target = series[0] as Series;
    const i = target.data.findIndex((v) => (v ?? 0) > 0);
    const at = await o.page.evaluate(
      ([d, v]) =>
        (globalThis as unknown as Hooks).lakeDashboard.charts['revenue-category']?.convertToPixel(
          { seriesIndex: 0 },
          [d, v],
        ),
      [x[i], (target.data[i] ?? 0) / 2] as const,
    );
    // the panels above may have grown: bring the chart into the viewport before clicking it
    await o.page.locator('#chart-revenue-category').scrollIntoViewIfNeeded();
    const box = await o.page.locator('#chart-revenue-category').boundingBox();
    expect(at && box).toBeTruthy();
    await o.page.mouse.click((box?.x ?? 0) + (at?.[0] ?? 0), (box?.y ?? 0) + (at?.[1] ?? 0));
    await settled(o.page, 1);
    const url = `/v1/transactions?from=${x[i]}&to=${nextDay(String(x[i]))}&category=${target.name}&limit=50`;
    // the rows panel may still show what an earlier test opened: wait for this click's rows
    await o.page.locator('#rows-url', { hasText: url }).waitFor();
    await settled(o.page, 1);
    await o.page.locator('#rows table').waitFor();
    expect(await o.page.locator('#rows-url').innerText()).toBe(url);
    const want = (await api(url, keys.analyst)).body.data as Row[];
    expect(want.length).toBeGreaterThan(0);
    expect(await o.page.locator('#rows tbody tr').count()).toBe(want.length);
    expect(await o.page.locator('#rows tbody tr td').first().innerText()).toBe(
      String(want[0]?.transaction_id),
    );
    const head = await o.page.locator('#rows thead th').allInnerTexts();
    expect(head.map((h) => h.toLowerCase())).toContain('transaction_id');
    expect(head.map((h) => h.toLowerCase())).not.toContain('customer_email');
  });

  it("shows each table's current version, version count and last run quality, and lists a table's versions on a click", async () => {
    const list = (await api('/v1/datasets', keys.analyst)).body.data as { name: string; database: string }[];
    const health = (await api('/v1/pipelines', keys.analyst)).body.tables as {
      table: string;
      quality: string | null;
      lastRun: { status: string } | null;
    }[];
    const lines = await o.page.locator('#versions tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        quality: tr.querySelector('[data-quality]')?.getAttribute('data-quality') ?? null,
      })),
    );
    expect(lines).toHaveLength(list.length);
    let versioned = 0;
    for (const t of list) {
      const v = (await api(`/v1/datasets/${t.name}/versions`, keys.analyst)).body as {
        currentVersion: string | null;
        total: number;
      };
      const line = lines.find((l) => l.cells[0] === `${t.database}.${t.name}`);
      expect(line?.cells[1]).toBe(v.currentVersion ?? '–');
      expect(line?.cells[2]).toBe(v.total.toLocaleString('en-US'));
      const h = health.find((x) => x.table === t.name);
      const want = !h?.lastRun
        ? 'no run'
        : ['passed', 'warned', 'reported', 'blocked'].includes(h.quality ?? '')
          ? h.quality
          : h.lastRun.status === 'blocked'
            ? 'blocked'
            : 'no gate';
      expect(line?.quality).toBe(want);
      if (v.total > 0) versioned++;
    }
    expect(versioned).toBe(list.length); // the fixture lake has committed every table

    const first = list[0];
    if (!first) throw new Error('no table');
    const versions = (await api(`/v1/datasets/${first.name}/versions`, keys.analyst)).body.data as {
      version: string;
      committedAt: string;
      operation: string;
      runId: string | null;
      rowsAdded: number | null;
    }[];
    await o.page.click(`#versions a[data-table=${first.name}]`);
    const shown = await o.page
      .locator('#versions-detail tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    expect(shown).toHaveLength(versions.length);
    for (const [i, v] of versions.entries()) {
      const cells = shown[i] ?? [];
      expect(cells[0]?.startsWith(v.version)).toBe(true);
      expect(cells[1]).toBe(v.committedAt.replace('T', ' ').slice(0, 19));
      expect(cells[2]).toBe(v.operation);
      expect(cells[3]).toBe(v.rowsAdded === null ? '–' : `+${v.rowsAdded.toLocaleString('en-US')}`);
      expect(cells[5]).toBe(v.runId ?? '–');
    }
  });

  it('redraws every chart for the range picked', async () => {
    const d = range.from < range.to ? range.to : range.from;
    const before = await chartSeries(o.page, 'campaigns');
    const loads = await o.page.evaluate(() => (globalThis as unknown as Hooks).lakeDashboard.loads);
    await o.page.fill('#from', d);
    await o.page.fill('#to', d);
    await o.page.click('#range-form button');
    await settled(o.page, loads + 1);
    for (const id of ['revenue-category', 'revenue-country', 'campaigns', 'traffic'])
      expect((await chartSeries(o.page, id)).x).toEqual([d]);
    const after = await chartSeries(o.page, 'campaigns');
    const perf = await rows(`/v1/metrics/campaigns?from=${d}&to=${nextDay(d)}&limit=1000`, keys.analyst);
    expect(after.series.find((s) => s.name === 'spend')?.data).toEqual([
      round2(perf.reduce((a, r) => a + Number(r.spend_usd), 0)),
    ]);
    expect(after.x).not.toEqual(before.x);
    const m = await rows(`/v1/metrics/product-mentions?from=${d}&to=${nextDay(d)}&limit=1000`, keys.analyst);
    expect((await chartSeries(o.page, 'mentions')).x.sort()).toEqual(
      [...new Set(m.map((r) => String(r.product_id)))].sort(),
    );
    mkdirSync(artifacts, { recursive: true });
    await o.page.fill('#from', range.from);
    await o.page.fill('#to', range.to);
    await o.page.click('#range-form button');
    await settled(o.page, loads + 2);
    await o.page.screenshot({ path: join(artifacts, 'dashboard-analyst.png'), fullPage: true });
  });
});

describe('the dashboard with a marketing key', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(keys.marketing, 'fragment');
  });
  afterAll(() => o.page.close());

  it('says which panels its role may not read, and draws the others', async () => {
    onlyExpectedErrors(o, new RegExp(`${optional.source}|^403 /v1/metrics/(daily-sales|traffic)$`));
    expect(await o.page.evaluate(() => (globalThis as unknown as Hooks).lakeDashboard.status)).toEqual({
      'revenue-category': 'forbidden',
      'revenue-country': 'forbidden',
      campaigns: 'ok',
      traffic: 'forbidden',
      mentions: 'ok',
    });
    for (const id of ['revenue-category', 'revenue-country', 'traffic'])
      expect(await o.page.locator(`#note-${id} [data-notice=forbidden]`).innerText()).toMatch(
        /Not granted.*marketing/,
      );
    // the key given in the address was taken and removed from it
    expect(new URL(o.page.url()).hash).toBe('');
  });

  it('shows the health of its own tables only', async () => {
    const shown = await healthRows(o.page);
    expect(shown.map((r) => r.table.split('.')[1]).sort()).toEqual([
      'ad_events',
      'campaign_performance',
      'social_posts',
    ]);
  });

  it('lists the versions of its own tables only, and says so for the others', async () => {
    const shown = await o.page.locator('#versions tbody tr td:first-child').allInnerTexts();
    expect(shown.map((t) => t.split('.')[1]).sort()).toEqual([
      'ad_events',
      'campaign_performance',
      'social_posts',
    ]);
    expect(await o.page.locator('#versions [data-notice=error]').count()).toBe(0);
    expect(
      await o.page.evaluate(
        (u) =>
          fetch(u, {
            headers: {
              'x-api-key': (globalThis as unknown as Hooks).sessionStorage.getItem('lake.apiKey') ?? '',
            },
          }).then((r) => r.status),
        '/v1/datasets/transactions/versions',
      ),
    ).toBe(403);
  });

  it('shows no personal data anywhere, not even after a search and the rows behind a chart', async () => {
    await o.page.click('#rows-mentions');
    await o.page.locator('#rows table').waitFor();
    await o.page.fill('#search-input', 'email');
    await o.page.click('#search-form button');
    await o.page.locator('#search-results .small').waitFor();
    await settled(o.page, 1);
    const html = await o.page.content();
    const range = await o.page.evaluate(() => (globalThis as unknown as Hooks).lakeDashboard.range);
    const q = `from=${range.from}&to=${nextDay(range.to)}&limit=1000`;
    const pii: string[] = [];
    // the admin's first page of each: the values a leak would show
    for (const r of (await api(`/v1/transactions?${q}`, keys.admin)).body.data as Row[])
      pii.push(String(r.customer_email), String(r.customer_name));
    for (const r of (await api(`/v1/social-posts?${q}`, keys.admin)).body.data as Row[])
      pii.push(String(r.user_handle));
    expect(pii.length).toBeGreaterThan(10);
    for (const v of pii.filter((x) => x.length > 3 && x !== 'null')) expect(html).not.toContain(v);
    for (const column of ['customer_email', 'customer_name', 'user_handle', 'client_ip', 'remote_user'])
      expect(html).not.toContain(column);
    expect(await o.page.locator('#rows tbody tr').count()).toBeGreaterThan(0);
    await o.page.screenshot({ path: join(artifacts, 'dashboard-marketing.png'), fullPage: true });
  });
});
