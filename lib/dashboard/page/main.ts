/**
 * The dashboard of `lake serve`: asks for an API key once (kept in this tab's session storage), then takes every
 * figure from the public API with it. One date range drives every chart; clicking a chart shows the rows behind it.
 */
import {
  addDays,
  daysBetween,
  forgetKey,
  LakeApi,
  storedKey,
  storeKey,
  Unauthorized,
  type Outcome,
  type Row,
} from './api';
import {
  campaignOption,
  initChart,
  mentionsOption,
  revenueOption,
  trafficOption,
  type Chart,
  type ChartOption,
} from './charts';
import { byId, el, notice, outcomeNotice, setContent } from './dom';
import { runSearch, showDataset, showPipelines, type PipelineStatus } from './metadata-panels';
import { loadTables, showRows, type CatalogEntry } from './panels';
import { showVersions } from './versions-panel';

interface Range {
  /** first day, included */
  readonly from: string;
  /** last day, included (the API's `to` is the day after: exclusive) */
  readonly to: string;
}

interface ChartPanel {
  readonly id: string;
  readonly title: string;
  readonly subtitle: string;
  /** spans both columns of the grid */
  readonly wide?: boolean;
  readonly route: string;
  /** the option drawn from the route's rows over the range's days */
  option(rows: Row[], days: string[]): ChartOption;
  /** the rows route behind one clicked point */
  rowsBehind(point: { day: string; series: string; name: string }, range: Range): string;
}

type Status = 'ok' | 'forbidden' | 'missing' | 'error' | 'loading';

/** What the page holds, for anyone (a test, a curious user in the console) to read. */
interface DashboardState {
  keyId: string | null;
  range: Range | null;
  loads: number;
  busy: number;
  charts: Record<string, Chart>;
  options: Record<string, ChartOption>;
  status: Record<string, Status>;
  entries: CatalogEntry[];
}

declare global {
  interface Window {
    lakeDashboard: DashboardState;
  }
}

const state: DashboardState = {
  keyId: null,
  range: null,
  loads: 0,
  busy: 0,
  charts: {},
  options: {},
  status: {},
  entries: [],
};
window.lakeDashboard = state;

const MAX_RANGE_DAYS = 92;

const q = (params: Record<string, string | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, v);
  return p.toString();
};

const dayRange = (day: string): { from: string; to: string } => ({ from: day, to: addDays(day, 1) });
const apiRange = (r: Range): { from: string; to: string } => ({ from: r.from, to: addDays(r.to, 1) });

/** Revenue per day by a dimension; a click shows that day's transactions of the series (or the refunds). */
function revenuePanel(by: 'category' | 'country'): ChartPanel {
  return {
    id: `revenue-${by}`,
    title: `Daily revenue by ${by}`,
    subtitle: 'with refunds, USD',
    route: '/v1/metrics/daily-sales',
    option: (rows, days) => revenueOption(rows, days, by),
    rowsBehind: (p) => {
      const filter = p.series === 'refunded' ? { status: 'refunded' } : { [by]: p.series };
      return `/v1/transactions?${q({ ...dayRange(p.day), ...filter, limit: '50' })}`;
    },
  };
}

const panels: ChartPanel[] = [
  revenuePanel('category'),
  revenuePanel('country'),
  {
    id: 'campaigns',
    title: 'Campaigns',
    subtitle: 'spend, ROAS and CPA',
    route: '/v1/metrics/campaigns',
    option: campaignOption,
    rowsBehind: (p) => `/v1/ad-events?${q({ ...dayRange(p.day), limit: '50' })}`,
  },
  {
    id: 'traffic',
    title: 'Traffic',
    subtitle: 'by status class, bot share',
    route: '/v1/metrics/traffic',
    option: trafficOption,
    rowsBehind: (p) => {
      const filter =
        p.series === '4xx' || p.series === '5xx'
          ? { status_class: p.series }
          : p.series.startsWith('bot')
            ? { is_bot: 'true' }
            : {};
      return `/v1/server-logs?${q({ ...dayRange(p.day), ...filter, limit: '50' })}`;
    },
  },
  {
    id: 'mentions',
    title: 'Social mentions',
    subtitle: 'posts and sentiment per product',
    wide: true,
    route: '/v1/metrics/product-mentions',
    option: (rows) => mentionsOption(rows),
    rowsBehind: (p, range) =>
      `/v1/social-posts?${q({ ...apiRange(range), product_id: p.name, limit: '50' })}`,
  },
];

let api: LakeApi | null = null;

function busy<T>(p: Promise<T>): Promise<T> {
  state.busy++;
  return p.finally(() => {
    state.busy--;
  });
}

function askForKey(message?: string): void {
  const dialog = byId('key-dialog');
  byId('key-error').textContent = message ?? '';
  dialog.hidden = false;
  byId<HTMLInputElement>('key-input').focus();
}

function signedOut(message: string): void {
  forgetKey();
  api = null;
  askForKey(message);
}

/** A key given in the address's fragment (`#key=...`, never sent to a server) is taken once, then removed. */
function keyFromFragment(): string | null {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(m[1]);
}

/** The default range: the last seven days that have data. */
function defaultRange(latest: readonly unknown[]): Range {
  const days = latest.filter((v) => v !== null && v !== undefined).map((v) => String(v).slice(0, 10));
  const to = days.sort().at(-1) ?? new Date().toISOString().slice(0, 10);
  return { from: addDays(to, -6), to };
}

function readRange(): Range | string {
  const from = byId<HTMLInputElement>('from').value;
  const to = byId<HTMLInputElement>('to').value;
  if (!from || !to) return 'choose both days';
  if (to < from) return 'the last day comes before the first';
  if (daysBetween(from, to).length > MAX_RANGE_DAYS) return `at most ${MAX_RANGE_DAYS} days`;
  return { from, to };
}

function showRange(r: Range): void {
  byId<HTMLInputElement>('from').value = r.from;
  byId<HTMLInputElement>('to').value = r.to;
  byId('range-error').textContent = '';
}

function chartOf(id: string): Chart {
  const existing = state.charts[id];
  if (existing) return existing;
  const c = initChart(byId(`chart-${id}`));
  state.charts[id] = c;
  c.on('click', (e: { name?: string; seriesName?: string }) => {
    const panel = panels.find((p) => p.id === id);
    if (!panel || !state.range || !api) return;
    const name = e.name ?? '';
    const point = { day: name, series: e.seriesName ?? '', name };
    void busy(showRows(api, panel.rowsBehind(point, state.range), byId('rows'), byId('rows-url')));
  });
  return c;
}

async function loadCharts(r: Range): Promise<void> {
  if (!api) return;
  const client = api;
  const days = daysBetween(r.from, r.to);
  const cache = new Map<string, Promise<Outcome<Row[]>>>();
  const fetchRows = (route: string): Promise<Outcome<Row[]>> => {
    const hit = cache.get(route);
    if (hit) return hit;
    const p = client.rows(route, apiRange(r));
    cache.set(route, p);
    return p;
  };
  await Promise.all(
    panels.map(async (panel) => {
      const box = byId(`chart-${panel.id}`);
      const note = byId(`note-${panel.id}`);
      const link = byId<HTMLAnchorElement>(`rows-${panel.id}`);
      state.status[panel.id] = 'loading';
      const out = await fetchRows(panel.route);
      if (out.kind !== 'ok') {
        state.status[panel.id] = out.kind;
        state.charts[panel.id]?.clear();
        delete state.options[panel.id];
        box.hidden = true;
        link.hidden = true;
        setContent(note, outcomeNotice(out));
        return;
      }
      box.hidden = false;
      link.hidden = false;
      const url = `${panel.route}?${q({ ...apiRange(r), limit: '50' })}`;
      link.dataset.url = url;
      link.textContent = `rows behind this chart: ${url}`;
      setContent(
        note,
        out.data.length ? document.createTextNode('') : notice('empty', 'no rows in this range.'),
      );
      const option = panel.option(out.data, days);
      const chart = chartOf(panel.id);
      chart.setOption(option, { notMerge: true });
      chart.resize();
      state.options[panel.id] = option;
      state.status[panel.id] = 'ok';
    }),
  );
}

async function apply(r: Range): Promise<void> {
  state.range = r;
  showRange(r);
  await busy(loadCharts(r));
  state.loads++;
}

async function start(key: string): Promise<void> {
  const client = new LakeApi(key);
  api = client;
  byId('key-dialog').hidden = true;
  try {
    const [datasets, pipelines] = await Promise.all([
      client.get<{ data: CatalogEntry[] }>('/v1/datasets'),
      client.get<PipelineStatus>('/v1/pipelines'),
    ]);
    // the key's id (not its secret) says which key the page uses, as `lake keys list` shows it
    state.keyId = /^lake_([0-9a-z]+)_/i.exec(key)?.[1] ?? null;
    byId('key-id').textContent = state.keyId ? `key ${state.keyId}` : '';
    if (datasets.kind !== 'ok') {
      setContent(byId('tables'), outcomeNotice(datasets));
      return;
    }
    state.entries = datasets.data.data;
    showPipelines(pipelines, byId('pipelines'));
    const [stats] = await busy(
      Promise.all([
        loadTables(client, state.entries, pipelines, byId('tables')),
        showVersions(client, state.entries, pipelines, byId('versions'), byId('versions-detail')),
      ]),
    );
    await apply(state.range ?? defaultRange(stats.map((s) => s.freshness)));
  } catch (e) {
    if (e instanceof Unauthorized) signedOut(`That key was refused: ${e.message}`);
    else throw e;
  }
}

/** One card per chart: title, the panel's message (not granted, no data), the chart, the link to its rows. */
function chartCards(): void {
  byId('charts').replaceChildren(
    ...panels.map((p) =>
      el(
        'article',
        { class: p.wide ? 'card span2' : 'card' },
        el('h3', {}, `${p.title} `, el('span', { class: 'muted' }, p.subtitle)),
        el('div', { id: `note-${p.id}` }),
        el('div', { id: `chart-${p.id}`, class: 'chart' }),
        el('a', { id: `rows-${p.id}`, class: 'rows-link', href: '#rows', hidden: '' }),
      ),
    ),
  );
}

function wire(): void {
  chartCards();
  byId<HTMLFormElement>('key-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = byId<HTMLInputElement>('key-input').value.trim();
    if (!key) return askForKey('Paste an API key (lake keys create --role analyst).');
    storeKey(key);
    void start(key);
  });
  byId('sign-out').addEventListener('click', () => signedOut(''));
  byId<HTMLFormElement>('range-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const r = readRange();
    if (typeof r === 'string') byId('range-error').textContent = r;
    else void apply(r).catch(onError);
  });
  byId<HTMLFormElement>('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!api) return;
    const client = api;
    const text = byId<HTMLInputElement>('search-input').value;
    const open = (link: string): void => {
      void busy(showDataset(client, link, byId('rows'), byId('rows-url'))).catch(onError);
    };
    void busy(runSearch(client, text, byId('search-results'), open)).catch(onError);
  });
  for (const panel of panels)
    byId(`rows-${panel.id}`).addEventListener('click', (ev) => {
      ev.preventDefault();
      const url = (ev.currentTarget as HTMLElement).dataset.url;
      if (api && url) void busy(showRows(api, url, byId('rows'), byId('rows-url'))).catch(onError);
    });
  window.addEventListener('resize', () => {
    for (const c of Object.values(state.charts)) c.resize();
  });
}

function onError(e: unknown): void {
  if (e instanceof Unauthorized) signedOut(`That key was refused: ${e.message}`);
  else setContent(byId('rows'), notice('error', String(e)));
}

wire();
const given = keyFromFragment();
if (given) storeKey(given);
const key = storedKey();
if (key) void start(key).catch(onError);
else askForKey();
