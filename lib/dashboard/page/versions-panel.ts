/**
 * The versions and quality panel: per table the key may read, its current version and how many it has
 * (`/v1/datasets/{name}/versions`), the last run's quality outcome (`/v1/pipelines`) and its tags; a click on a table
 * lists its versions. A table the role may not read shows "not granted" in its line, never an error.
 */
import type { LakeApi, Outcome } from './api';
import { el, notice, outcomeNotice, setContent, table, text } from './dom';
import type { CatalogEntry } from './panels';
import type { PipelineStatus, TableHealth } from './metadata-panels';

/** The parts of the versions route's answer the panel shows. */
export interface DatasetVersion {
  readonly version: string;
  readonly current: boolean;
  readonly undone: boolean;
  readonly committedAt: string;
  readonly operation: string;
  readonly runId: string | null;
  readonly rowsAdded: number | null;
  readonly rowsRemoved: number | null;
  readonly tags: readonly string[];
}

export interface DatasetVersions {
  readonly table: string;
  readonly currentVersion: string | null;
  readonly total: number;
  readonly data: readonly DatasetVersion[];
}

export type Quality = 'passed' | 'warned' | 'reported' | 'blocked' | 'no gate' | 'no run';

/**
 * The last run's quality outcome: the gate's own (`passed`, `warned`, `reported`: a critical failure published in
 * report mode, `blocked`), `blocked` for a run held by its
 * gate even where the report names no outcome, `no gate` for a run without checks (no new data), `no run`.
 */
export function qualityOf(h: TableHealth | undefined): Quality {
  if (!h?.lastRun) return 'no run';
  const q = h.quality?.toLowerCase() ?? null;
  if (q === 'passed' || q === 'warned' || q === 'reported' || q === 'blocked') return q;
  if (h.lastRun.status === 'blocked' || (q !== null && /fail|block/.test(q))) return 'blocked';
  return 'no gate';
}

function qualityBadge(q: Quality): HTMLElement {
  return el('span', { class: `quality quality-${q.replace(' ', '-')}`, 'data-quality': q }, q);
}

/** The tags of a table's versions, each `name@version` shortened. */
function tagsOf(v: DatasetVersions): string {
  const tags = v.data.flatMap((d) => d.tags.map((t) => `${t}@${d.version.slice(0, 8)}`));
  return tags.length ? tags.join(', ') : '–';
}

const signed = (n: number | null, sign: string): string => (n === null ? '–' : `${sign}${text(n)}`);

/** One table's versions, newest first. */
export function versionList(v: DatasetVersions): HTMLElement {
  if (!v.data.length) return notice('empty', `${v.table} has no version yet.`);
  return el(
    'div',
    { class: 'scroll' },
    el(
      'div',
      { class: 'muted small' },
      `${v.table}: ${v.total} versions${v.total > v.data.length ? `, newest ${v.data.length} shown` : ''}`,
    ),
    table(
      ['version', 'committed at', 'operation', 'rows added', 'rows removed', 'run', 'tags'],
      v.data.map((d) => [
        el(
          'span',
          { class: 'mono', title: d.version },
          `${d.version}${d.current ? ' (current)' : d.undone ? ' (undone)' : ''}`,
        ),
        d.committedAt.replace('T', ' ').slice(0, 19),
        d.operation,
        el('span', { class: 'num' }, signed(d.rowsAdded, '+')),
        el('span', { class: 'num' }, signed(d.rowsRemoved, '−')),
        el('span', { class: 'mono' }, d.runId ?? '–'),
        d.tags.join(', '),
      ]),
      'grid version-list',
    ),
  );
}

export async function showVersions(
  api: LakeApi,
  entries: readonly CatalogEntry[],
  pipelines: Outcome<PipelineStatus>,
  target: HTMLElement,
  detail: HTMLElement,
): Promise<void> {
  if (!entries.length) return setContent(target, notice('empty', 'this key may read no table.'));
  const health = pipelines.kind === 'ok' ? pipelines.data.tables : [];
  const answers = await Promise.all(
    entries.map(async (e) => ({
      entry: e,
      versions: await api.get<DatasetVersions>(`/v1/datasets/${encodeURIComponent(e.name)}/versions`),
    })),
  );
  const rows = answers.map(({ entry, versions }) => {
    const name = `${entry.database}.${entry.name}`;
    const quality = qualityBadge(qualityOf(health.find((t) => t.table === entry.name)));
    if (versions.kind !== 'ok')
      return [el('span', { class: 'mono' }, name), outcomeNotice(versions), '', quality, ''];
    const v = versions.data;
    const open = el('a', { href: '#versions-detail', class: 'mono', 'data-table': entry.name }, name);
    open.addEventListener('click', (ev) => {
      ev.preventDefault();
      setContent(detail, versionList(v));
    });
    return [
      open,
      el('span', { class: 'mono', title: v.currentVersion ?? '' }, v.currentVersion ?? '–'),
      el('span', { class: 'num' }, text(v.total)),
      quality,
      tagsOf(v),
    ];
  });
  setContent(
    target,
    table(['table', 'current version', 'versions', 'last run quality', 'tags'], rows, 'grid versions'),
  );
}
