/**
 * The panels that are not charts: tables (rows, freshness, version, quality), pipeline health, metadata search
 * and the rows behind a chart. Each asks the API and shows what it answered, including "not granted" (403) and
 * "not available on this server" (404).
 */
import { type LakeApi, type Outcome, type Row } from './api';
import { el, notice, setContent, table, text } from './dom';

export interface CatalogEntry {
  readonly name: string;
  readonly database: string;
  readonly description: string;
  readonly timeColumn: string;
  readonly route: string | null;
  readonly columns: readonly { name: string; type: string; description: string; pii?: boolean }[];
  readonly freshnessObjectiveMinutes?: number;
}

export interface TableStats extends CatalogEntry {
  readonly rowCount: number | null;
  readonly freshness: unknown;
  readonly currentVersion: string | null;
}

interface List<T> {
  readonly data: T[];
}

/** An outcome that is not data, as the panel's message. */
export function outcomeNotice(o: Exclude<Outcome<unknown>, { kind: 'ok' }>): HTMLElement {
  if (o.kind === 'forbidden') return notice('forbidden', o.message);
  if (o.kind === 'missing') return notice('missing', 'this server does not offer it yet.');
  return notice('error', o.message);
}

/** How old the newest record is, against the table's objective when it declares one. */
export function freshnessText(
  latest: unknown,
  objectiveMinutes: number | undefined,
  now = Date.now(),
): string {
  if (latest === null || latest === undefined) return 'empty';
  const t = Date.parse(String(latest).length === 10 ? `${String(latest)}T23:59:59Z` : String(latest));
  if (Number.isNaN(t)) return String(latest);
  const minutes = Math.max(0, Math.round((now - t) / 60_000));
  const age =
    minutes < 120
      ? `${minutes} min`
      : minutes < 2880
        ? `${Math.round(minutes / 60)} h`
        : `${Math.round(minutes / 1440)} d`;
  const base = `${String(latest).replace('T', ' ').slice(0, 16)} (${age} ago)`;
  if (objectiveMinutes === undefined) return base;
  return `${base} ${minutes <= objectiveMinutes ? 'within' : 'beyond'} its ${objectiveMinutes} min objective`;
}

function findFor(items: readonly Row[], table: string): Row | undefined {
  return items.find((i) => [i.dataset, i.table, i.name, i.job].includes(table));
}

function qualityOf(item: Row | undefined): string {
  const q = item?.quality;
  if (q === undefined || q === null) return '–';
  if (typeof q === 'string') return q;
  if (typeof q === 'object') {
    const o = q as Row;
    return text(o.status ?? o.outcome ?? o.state ?? JSON.stringify(o));
  }
  return text(q);
}

export async function loadTables(
  api: LakeApi,
  entries: readonly CatalogEntry[],
  pipelines: Outcome<List<Row>>,
  target: HTMLElement,
): Promise<TableStats[]> {
  const stats = await Promise.all(
    entries.map(async (e) => {
      const [s, v] = await Promise.all([
        api.get<TableStats>(`/v1/datasets/${encodeURIComponent(e.name)}`),
        api.get<List<Row>>(`/v1/datasets/${encodeURIComponent(e.name)}/versions`),
      ]);
      return { entry: e, stats: s, versions: v };
    }),
  );
  const items = pipelines.kind === 'ok' ? pipelines.data.data : [];
  const rows = stats.map(({ entry, stats: s, versions }) => {
    const st = s.kind === 'ok' ? s.data : undefined;
    const history = versions.kind === 'ok' ? ` · ${versions.data.data.length} versions` : '';
    return [
      el('span', { class: 'mono' }, `${entry.database}.${entry.name}`),
      el('span', { class: 'num' }, st ? text(st.rowCount) : s.kind),
      freshnessText(st?.freshness, entry.freshnessObjectiveMinutes ?? st?.freshnessObjectiveMinutes),
      el(
        'span',
        { class: 'mono', title: st?.currentVersion ?? '' },
        `${st?.currentVersion ? st.currentVersion.slice(0, 10) : '–'}${history}`,
      ),
      pipelines.kind === 'ok' ? qualityOf(findFor(items, entry.name)) : '–',
    ];
  });
  setContent(
    target,
    rows.length
      ? table(['table', 'rows', 'freshness', 'version', 'quality'], rows, 'grid tables')
      : notice('empty', 'this key may read no table.'),
  );
  return stats.flatMap((s) => (s.stats.kind === 'ok' ? [s.stats.data] : []));
}

/** Pipeline health as the server reports it: one line per job, its scalar facts as columns. */
export function showPipelines(p: Outcome<List<Row>>, target: HTMLElement): void {
  if (p.kind !== 'ok') return setContent(target, outcomeNotice(p));
  const items = p.data.data;
  if (!items.length) return setContent(target, notice('empty', 'no pipeline has run yet.'));
  const keys = [...new Set(items.flatMap((i) => Object.keys(i)))]
    .filter((k) => items.some((i) => i[k] === null || typeof i[k] !== 'object'))
    .slice(0, 6);
  setContent(
    target,
    table(
      keys,
      items.map((i) => keys.map((k) => text(i[k]))),
      'grid',
    ),
  );
}

interface SearchHit {
  readonly kind?: string;
  readonly type?: string;
  readonly name?: string;
  readonly title?: string;
  readonly dataset?: string;
  readonly table?: string;
  readonly description?: string;
  readonly snippet?: string;
}

/** Matches of a query in the catalog the caller may see, for servers without a search route. */
export function searchCatalog(entries: readonly CatalogEntry[], q: string): SearchHit[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const has = (s: string): boolean => words.every((w) => s.toLowerCase().includes(w));
  const hits: SearchHit[] = [];
  for (const e of entries) {
    if (has(`${e.name} ${e.description}`))
      hits.push({
        kind: 'table',
        name: `${e.database}.${e.name}`,
        dataset: e.name,
        description: e.description,
      });
    for (const c of e.columns)
      if (has(`${c.name} ${c.description}`))
        hits.push({
          kind: 'column',
          name: `${e.name}.${c.name}`,
          dataset: e.name,
          description: c.description,
        });
  }
  return hits.slice(0, 25);
}

export async function runSearch(
  api: LakeApi,
  entries: readonly CatalogEntry[],
  q: string,
  target: HTMLElement,
): Promise<void> {
  if (!q.trim()) return setContent(target, notice('empty', 'type a word: a table, a column, a term.'));
  const r = await api.get<{ data?: SearchHit[]; hits?: SearchHit[] }>(
    `/v1/catalog/search?${new URLSearchParams({ q }).toString()}`,
  );
  let hits: SearchHit[];
  let source: string;
  if (r.kind === 'ok') {
    hits = r.data.data ?? r.data.hits ?? [];
    source = 'catalog search';
  } else if (r.kind === 'missing') {
    hits = searchCatalog(entries, q);
    source = 'server search not available: names and descriptions from /v1/datasets';
  } else return setContent(target, outcomeNotice(r));
  const list = hits.map((h) =>
    el(
      'li',
      { class: 'hit' },
      el('span', { class: 'tag' }, h.kind ?? h.type ?? 'match'),
      el('span', { class: 'mono' }, h.title ?? h.name ?? h.dataset ?? ''),
      el('span', { class: 'muted' }, h.description ?? h.snippet ?? ''),
    ),
  );
  setContent(
    target,
    el('div', { class: 'muted small' }, `${hits.length} result${hits.length === 1 ? '' : 's'} · ${source}`),
    list.length ? el('ul', { class: 'hits' }, ...list) : notice('empty', `nothing matches "${q}".`),
  );
}

/** The rows behind a chart: the rows route URL (as it can be called with the key) and its first rows. */
export async function showRows(
  api: LakeApi,
  url: string,
  target: HTMLElement,
  title: HTMLElement,
): Promise<void> {
  title.textContent = url;
  setContent(target, notice('loading', url));
  const r = await api.get<List<Row>>(url);
  if (r.kind !== 'ok') return setContent(target, outcomeNotice(r));
  const rows = r.data.data;
  if (!rows.length) return setContent(target, notice('empty', 'no rows.'));
  const keys = Object.keys(rows[0] ?? {});
  setContent(
    target,
    el(
      'div',
      { class: 'muted small' },
      `${rows.length} rows (first page) · curl -H "x-api-key: $KEY" '${location.origin}${url}'`,
    ),
    el(
      'div',
      { class: 'scroll' },
      table(
        keys,
        rows.map((row) => keys.map((k) => text(row[k]))),
        'grid rows',
      ),
    ),
  );
}
