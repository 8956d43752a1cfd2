/**
 * The lineage graph, a read model built from two things and nothing else: what the contracts declare (curated tables
 * from processed ones, curated columns from processed columns, processed tables from their raw prefix) and the
 * OpenLineage run events the jobs emitted (which raw batches each run read, which table versions it read and
 * wrote). It never reads data. Pure: the events are given.
 */
import { allTables, isTableName, tableContract } from '../contracts';
import type { AnyContract } from '../contracts';

/** The parts of an OpenLineage run event this graph uses (the jobs write the full event). */
export interface RunEvent {
  readonly eventType: string;
  readonly eventTime: string;
  readonly run: { readonly runId: string };
  readonly job: { readonly name: string };
  readonly inputs?: readonly LineageDataset[];
  readonly outputs?: readonly LineageDataset[];
}

export interface LineageDataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: { readonly version?: { readonly datasetVersion: string } };
}

export type NodeKind = 'raw-batch' | 'table' | 'column';

export interface LineageNode {
  /** `raw:<batch prefix>`, `processed.transactions`, `curated.daily_sales.revenue_usd` */
  readonly id: string;
  readonly kind: NodeKind;
  /** the table a table or column node belongs to */
  readonly table?: string;
  /** table versions (Iceberg snapshot ids) the runs wrote, oldest first */
  readonly versions?: readonly string[];
  /** raw files of a batch that runs read */
  readonly files?: readonly string[];
}

export type EdgeKind =
  /** a job run read `from` and wrote `to` */
  | 'run'
  /** the contracts declare `to` is built from `from` (tables) */
  | 'declared'
  /** column values flow from `from` into `to` */
  | 'direct'
  /** `from` filters, groups or joins the rows of `to` */
  | 'indirect'
  /** a column of its table: a table's upstream is its columns' upstream */
  | 'column-of';

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** runs (OpenLineage run ids) that carried the edge, for `run` edges */
  readonly runs?: readonly string[];
  /** how a column is derived, for `direct` edges */
  readonly how?: string;
}

export interface LineageGraph {
  readonly nodes: ReadonlyMap<string, LineageNode>;
  readonly edges: readonly LineageEdge[];
}

const tableId = (t: AnyContract): string => `${t.database}.${t.name}`;

/** `raw/<dataset>/ingest_date=…/batch=<id>/file` -> its batch; a stream delivery -> its hour folder. */
export function rawBatchOf(key: string): string {
  const parts = key.split('/');
  const batch = parts.findIndex((p) => p.startsWith('batch='));
  if (batch >= 0) return parts.slice(0, batch + 1).join('/');
  return parts.slice(0, -1).join('/') || key;
}

/** A dataset name of an event (`processed.transactions` or a raw key) -> the node it stands for. */
function eventDatasetId(d: LineageDataset): string {
  const [db, name] = d.name.split('.');
  const known = allTables.find((t) => t.name === name && d.name === `${db}.${t.name}`);
  if (known) return tableId(known);
  // deployed database names (lake_processed_prod.transactions) still end in the table name
  const byName = allTables.find((t) => d.name.endsWith(`.${t.name}`));
  if (byName && !d.name.includes('/')) return tableId(byName);
  return `raw:${rawBatchOf(d.name)}`;
}

export function buildGraph(events: readonly RunEvent[]): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const put = (n: LineageNode): void => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
  };
  const link = (e: LineageEdge): void => {
    const k = `${e.from}>${e.to}>${e.kind}`;
    const old = edges.get(k);
    if (!old) edges.set(k, e);
    else if (e.runs) edges.set(k, { ...old, runs: [...(old.runs ?? []), ...e.runs] });
  };

  for (const t of allTables) {
    put({ id: tableId(t), kind: 'table', table: t.name });
    for (const c of t.columns) {
      const id = `${tableId(t)}.${c.name}`;
      put({ id, kind: 'column', table: t.name });
      link({ from: id, to: tableId(t), kind: 'column-of' });
      const d = c.derivedFrom;
      for (const ref of d?.from ?? []) {
        link({ from: columnId(ref), to: id, kind: 'direct', how: d?.how ?? 'transformation' });
      }
      for (const ref of d?.filteredBy ?? []) link({ from: columnId(ref), to: id, kind: 'indirect' });
    }
    if (t.database === 'curated')
      for (const input of t.inputs)
        link({ from: tableId(tableContract(input)), to: tableId(t), kind: 'declared' });
  }

  const versions = new Map<string, string[]>();
  const files = new Map<string, Set<string>>();
  const done = events
    .filter((e) => e.eventType === 'COMPLETE' || e.eventType === 'FAIL')
    .sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  for (const e of done) {
    const outs = (e.outputs ?? []).map(eventDatasetId);
    for (const [i, out] of (e.outputs ?? []).entries()) {
      const v = out.facets?.version?.datasetVersion;
      const id = outs[i] ?? '';
      if (e.eventType === 'COMPLETE' && v !== undefined) {
        const list = versions.get(id) ?? [];
        if (!list.includes(v)) list.push(v);
        versions.set(id, list);
      }
    }
    if (e.eventType !== 'COMPLETE') continue;
    for (const input of e.inputs ?? []) {
      const id = eventDatasetId(input);
      if (id.startsWith('raw:')) {
        put({ id, kind: 'raw-batch' });
        const set = files.get(id) ?? new Set<string>();
        set.add(input.name);
        files.set(id, set);
      }
      for (const out of outs) link({ from: id, to: out, kind: 'run', runs: [e.run.runId] });
    }
  }
  for (const [id, v] of versions) {
    const n = nodes.get(id);
    if (n) nodes.set(id, { ...n, versions: v });
  }
  for (const [id, f] of files) {
    const n = nodes.get(id);
    if (n) nodes.set(id, { ...n, files: [...f].sort() });
  }
  return { nodes, edges: [...edges.values()] };
}

/** `transactions.amount_usd` (contract spelling) -> `processed.transactions.amount_usd`. */
function columnId(ref: string): string {
  const [table, column] = ref.split('.');
  return `${tableId(tableContract(table ?? ''))}.${column ?? ''}`;
}

export class LineageTargetError extends Error {
  constructor(
    readonly field: 'dataset' | 'column',
    message: string,
  ) {
    super(message);
    this.name = 'LineageTargetError';
  }
}

/**
 * `daily_sales`, `curated.daily_sales`, `daily_sales.revenue_usd` or `curated.daily_sales.revenue_usd` -> its node
 * id. Throws LineageTargetError naming what is unknown.
 */
export function resolveTarget(target: string): string {
  const parts = target.trim().split('.');
  const withDb = parts[0] === 'processed' || parts[0] === 'curated';
  const [table, column, extra] = withDb ? parts.slice(1) : parts;
  const known = allTables.map((t) => t.name).join(', ');
  if (!table || extra !== undefined || !isTableName(table))
    throw new LineageTargetError('dataset', `unknown table '${target}' (known: ${known})`);
  const t = tableContract(table);
  if (withDb && parts[0] !== t.database)
    throw new LineageTargetError('dataset', `${table} is in ${t.database}, not ${parts[0] ?? ''}`);
  if (column === undefined) return tableId(t);
  if (!t.columns.some((c) => c.name === column))
    throw new LineageTargetError(
      'column',
      `${t.name} has no column '${column}' (columns: ${t.columns.map((c) => c.name).join(', ')})`,
    );
  return `${tableId(t)}.${column}`;
}

export interface LineageView {
  readonly target: string;
  readonly direction: 'upstream' | 'downstream';
  readonly depth: number;
  readonly nodes: readonly (LineageNode & { readonly distance: number })[];
  readonly edges: readonly LineageEdge[];
}

/**
 * What `target` is built from (upstream) or what is built from it (downstream), up to `depth` hops. A table's
 * upstream includes its columns' upstream; a column's downstream is exactly the columns its value or row selection
 * reaches. `visible` hides nodes (tables or columns a role may not read): paths through them are cut.
 */
export function traverse(
  graph: LineageGraph,
  target: string,
  direction: 'upstream' | 'downstream',
  depth: number,
  visible: (n: LineageNode) => boolean = () => true,
): LineageView {
  const up = direction === 'upstream';
  const next = new Map<string, LineageEdge[]>();
  for (const e of graph.edges) {
    // a table's downstream is not its columns, and a column's upstream is not its table
    if (e.kind === 'column-of' && !up) continue;
    const key = up ? e.to : e.from;
    next.set(key, [...(next.get(key) ?? []), e]);
  }
  if (up) {
    // a column of a processed table comes from the raw batches (and upstream versions) its table's runs read
    for (const e of graph.edges)
      if (e.kind === 'column-of') {
        const runs = (next.get(e.to) ?? []).filter((x) => x.kind === 'run' || x.kind === 'declared');
        if (graph.nodes.get(e.to)?.table && isProcessed(e.to))
          next.set(e.from, [...(next.get(e.from) ?? []), ...runs]);
      }
  }
  const distance = new Map<string, number>([[target, 0]]);
  const used: LineageEdge[] = [];
  let frontier = [target];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const found: string[] = [];
    for (const id of frontier) {
      for (const e of next.get(id) ?? []) {
        const other = up ? e.from : e.to;
        const node = graph.nodes.get(other);
        if (!node || !visible(node)) continue;
        // a table's upstream walks through its own columns without counting them as hops
        const hop = e.kind === 'column-of' ? 0 : 1;
        used.push(e);
        if (distance.has(other)) continue;
        distance.set(other, d - 1 + hop);
        if (hop === 0) frontier.push(other);
        else found.push(other);
      }
    }
    frontier = found;
  }
  const nodes = [...distance.entries()].flatMap(([id, dist]) => {
    const n = graph.nodes.get(id);
    return n ? [{ ...n, distance: dist }] : [];
  });
  nodes.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
  return { target, direction, depth, nodes, edges: dedupeEdges(used) };
}

const isProcessed = (id: string): boolean => id.startsWith('processed.');

function dedupeEdges(edges: readonly LineageEdge[]): LineageEdge[] {
  const seen = new Map<string, LineageEdge>();
  for (const e of edges) seen.set(`${e.from}>${e.to}>${e.kind}`, e);
  return [...seen.values()];
}
