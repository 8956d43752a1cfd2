/**
 * The tables panel (rows, freshness against objective, version, quality) and the rows behind a chart. Each asks the
 * API and shows what it answered, including "not granted" (403) and "not available on this server" (404).
 */
import { type LakeApi, type Outcome, type Row } from './api';
import { el, notice, outcomeNotice, setContent, table, text } from './dom';
import { minutesText, type PipelineStatus } from './metadata-panels';

export interface CatalogEntry {
  readonly name: string;
  readonly database: string;
  readonly description: string;
  readonly timeColumn: string;
  readonly route: string | null;
  readonly columns: readonly { name: string; type: string; description: string; pii?: boolean }[];
}

export interface TableStats extends CatalogEntry {
  readonly rowCount: number | null;
  readonly freshness: unknown;
  readonly currentVersion: string | null;
}

interface List<T> {
  readonly data: T[];
}

/**
 * How old the newest record is. Freshness against the table's objective is the pipeline panel's: the objective is
 * about the table's runs (a table fed old events is fresh when its job ran in time).
 */
export function freshnessText(latest: unknown, now = Date.now()): string {
  if (latest === null || latest === undefined) return 'empty';
  const t = Date.parse(String(latest).length === 10 ? `${String(latest)}T23:59:59Z` : String(latest));
  if (Number.isNaN(t)) return String(latest);
  const minutes = Math.max(0, Math.round((now - t) / 60_000));
  return `${String(latest).replace('T', ' ').slice(0, 16)} (${minutesText(minutes)} ago)`;
}

export async function loadTables(
  api: LakeApi,
  entries: readonly CatalogEntry[],
  pipelines: Outcome<PipelineStatus>,
  target: HTMLElement,
): Promise<TableStats[]> {
  const stats = await Promise.all(
    entries.map(async (e) => {
      const s = await api.get<TableStats>(`/v1/datasets/${encodeURIComponent(e.name)}`);
      return { entry: e, stats: s };
    }),
  );
  const health = pipelines.kind === 'ok' ? pipelines.data.tables : [];
  const rows = stats.map(({ entry, stats: s }) => {
    const st = s.kind === 'ok' ? s.data : undefined;
    const h = health.find((t) => t.table === entry.name);
    return [
      el('span', { class: 'mono' }, `${entry.database}.${entry.name}`),
      el('span', { class: 'num' }, st ? text(st.rowCount) : s.kind),
      freshnessText(st?.freshness),
      el(
        'span',
        { class: 'mono', title: st?.currentVersion ?? '' },
        st?.currentVersion ? st.currentVersion.slice(0, 10) : '–',
      ),
      h?.quality ?? '–',
    ];
  });
  setContent(
    target,
    rows.length
      ? table(['table', 'rows', 'newest record', 'version', 'quality'], rows, 'grid tables')
      : notice('empty', 'this key may read no table.'),
  );
  return stats.flatMap((s) => (s.stats.kind === 'ok' ? [s.stats.data] : []));
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
