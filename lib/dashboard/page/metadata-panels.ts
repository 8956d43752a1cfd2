/**
 * The panels over the metadata routes: pipeline health (`/v1/pipelines`: freshness against each table's objective,
 * the last run's outcome, the stream's lag) and catalog search (`/v1/catalog/search`: ranked hits with facets, each
 * opening its dataset). Both show what the key's role may read, as the server filtered it.
 */
import type { LakeApi, Outcome } from './api';
import { el, notice, outcomeNotice, setContent, table, text } from './dom';

/** The parts of the API's pipeline status the page shows. */
export interface TableHealth {
  readonly table: string;
  readonly qualifiedName: string;
  readonly light: 'green' | 'red';
  readonly freshness: {
    readonly state: 'fresh' | 'stale' | 'never-run';
    readonly objectiveMinutes: number;
    readonly ageMinutes: number | null;
  };
  readonly lastRun: {
    readonly status: string;
    readonly startedAt: string;
    readonly error: string | null;
  } | null;
  readonly held: readonly unknown[];
  readonly quality: string | null;
  readonly problems: readonly string[];
}

export interface PipelineStatus {
  readonly at: string;
  readonly light: 'green' | 'red';
  readonly empty: boolean;
  readonly tables: readonly TableHealth[];
  readonly stream: {
    readonly stream: string;
    readonly reachable: boolean;
    readonly undeliveredRecords: number | null;
    readonly oldestUndeliveredAgeMinutes: number | null;
    readonly note?: string;
  } | null;
  readonly problems: readonly string[];
}

/** `45 min`, `3 h`, `2 d`. */
export function minutesText(minutes: number): string {
  if (minutes < 120) return `${minutes} min`;
  if (minutes < 2880) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
}

/** `fresh · 12 min of 30 min`, `stale · 2 d of 26 h`, `never run`: the age of the last successful run. */
export function freshnessAgainstObjective(f: TableHealth['freshness']): string {
  if (f.ageMinutes === null) return 'never run';
  return `${f.state} · ${minutesText(f.ageMinutes)} of ${minutesText(f.objectiveMinutes)}`;
}

function light(l: 'green' | 'red'): HTMLElement {
  return el('span', { class: `light light-${l}`, 'data-light': l, title: l }, l === 'red' ? 'red' : 'ok');
}

export function showPipelines(p: Outcome<PipelineStatus>, target: HTMLElement): void {
  if (p.kind !== 'ok') return setContent(target, outcomeNotice(p));
  const s = p.data;
  if (!s.tables.length) return setContent(target, notice('empty', 'this key may read no table.'));
  const held = s.tables.some((t) => t.held.length > 0);
  const rows = s.tables.map((t) => [
    light(t.light),
    el('span', { class: 'mono' }, t.qualifiedName),
    freshnessAgainstObjective(t.freshness),
    t.lastRun
      ? el(
          'span',
          { title: t.lastRun.startedAt },
          `${t.lastRun.status} ${t.lastRun.startedAt.slice(5, 16).replace('T', ' ')}`,
        )
      : 'no run yet',
    ...(held ? [t.held.length ? `${t.held.length} held` : ''] : []),
  ]);
  const stream = s.stream
    ? el(
        'div',
        { class: 'muted small', id: 'stream-lag' },
        s.stream.reachable
          ? `stream ${s.stream.stream}: ${text(s.stream.undeliveredRecords)} record(s) not yet delivered` +
              (s.stream.oldestUndeliveredAgeMinutes !== null
                ? `, oldest ${minutesText(s.stream.oldestUndeliveredAgeMinutes)}`
                : '')
          : `stream ${s.stream.stream}: ${s.stream.note ?? 'lag unknown'}`,
      )
    : null;
  setContent(
    target,
    el(
      'div',
      { class: `summary summary-${s.light}`, 'data-light': s.light },
      s.light === 'red' ? 'RED' : 'GREEN',
      ' ',
      el(
        'span',
        { class: 'muted' },
        s.problems.length ? `${s.problems.length} problem(s)` : 'every table within its objective',
      ),
    ),
    table(
      ['', 'table', 'last success / objective', 'last run', ...(held ? ['held'] : [])],
      rows,
      'grid health',
    ),
    ...(stream ? [stream] : []),
    ...(s.problems.length
      ? [el('ul', { class: 'problems small' }, ...s.problems.slice(0, 6).map((x) => el('li', {}, x)))]
      : []),
  );
}

interface SearchHit {
  readonly kind: 'table' | 'column';
  readonly id: string;
  readonly table: string;
  readonly type?: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly link: string;
}

interface SearchResult {
  readonly total: number;
  readonly hits: readonly SearchHit[];
  readonly facets: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

function facetsLine(facets: SearchResult['facets']): string {
  return ['zone', 'type', 'dataset']
    .map((f) =>
      Object.entries(facets[f] ?? {})
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    )
    .filter((s) => s !== '')
    .join(' · ');
}

/** Search, and show the hits; a hit opens its dataset (columns and types) with `open`. */
export async function runSearch(
  api: LakeApi,
  q: string,
  target: HTMLElement,
  open: (link: string) => void,
): Promise<void> {
  if (!q.trim()) return setContent(target, notice('empty', 'type a word: a table, a column, a term.'));
  const r = await api.get<SearchResult>(`/v1/catalog/search?${new URLSearchParams({ q }).toString()}`);
  if (r.kind !== 'ok') return setContent(target, outcomeNotice(r));
  const { hits, total, facets } = r.data;
  const list = hits.map((h) => {
    const link = el('a', { class: 'mono', href: '#rows', 'data-link': h.link }, h.id);
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      open(h.link);
    });
    return el(
      'li',
      { class: 'hit', 'data-id': h.id },
      el('span', { class: 'tag' }, h.kind),
      link,
      el('span', { class: 'muted mono' }, h.type ?? ''),
      el('span', { class: 'muted' }, h.description),
    );
  });
  setContent(
    target,
    el(
      'div',
      { class: 'muted small', id: 'search-summary' },
      `${total} result${total === 1 ? '' : 's'}${total > hits.length ? `, ${hits.length} shown` : ''}` +
        (total ? ` · ${facetsLine(facets)}` : ''),
    ),
    list.length ? el('ul', { class: 'hits' }, ...list) : notice('empty', `nothing matches "${q}".`),
  );
}

interface DatasetEntry {
  readonly name: string;
  readonly database: string;
  readonly description: string;
  readonly columns: readonly { name: string; type: string; description: string }[];
}

/** A dataset's catalog entry, as the key's role may see it: its columns, types and descriptions. */
export async function showDataset(
  api: LakeApi,
  link: string,
  target: HTMLElement,
  title: HTMLElement,
): Promise<void> {
  title.textContent = link;
  setContent(target, notice('loading', link));
  const r = await api.get<DatasetEntry>(link);
  if (r.kind !== 'ok') return setContent(target, outcomeNotice(r));
  const d = r.data;
  setContent(
    target,
    el('div', { class: 'muted small' }, `${d.database}.${d.name}: ${d.description}`),
    el(
      'div',
      { class: 'scroll' },
      table(
        ['column', 'type', 'description'],
        d.columns.map((c) => [el('span', { class: 'mono' }, c.name), c.type, c.description]),
        'grid rows',
      ),
    ),
  );
}
