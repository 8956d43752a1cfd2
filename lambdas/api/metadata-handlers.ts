/**
 * The handlers of the metadata routes (metadata-routes.ts): catalog search, lineage, pipeline health. Each validates
 * its input (a 400 naming the parameter, a 404 naming what does not exist), asks the read model, and filters what it
 * answers by the caller's grants: a table or column the role may not read is never named, counted or linked.
 */
import { CatalogSearch, SearchInputError } from '../../lib/catalog-search/catalog-search';
import type { SearchOptions } from '../../lib/catalog-search/catalog-search';
import { visibleTo } from '../../lib/catalog-search/grants';
import { allTables, datasets, isTableName, tableContract } from '../../lib/contracts';
import type { AnyContract, TableName } from '../../lib/contracts';
import type { RunReport } from '../../lib/contracts/run-report';
import { canRead, grants, visibleColumns, type DataRole } from '../../lib/governance/grants';
import { buildGraph, LineageTargetError, resolveTarget, traverse } from '../../lib/lineage/graph';
import type { LineageNode } from '../../lib/lineage/graph';
import { pipelineStatus, STREAM_OBJECTIVE_MINUTES } from '../../lib/status/pipeline-status';
import { ApiError, badRequest } from './errors';
import { json, type ApiRequest, type ApiResponse } from './http';
import type { MetadataSource } from './metadata-source';
import { DEFAULT_DEPTH, MAX_DEPTH, type MetadataRouteDef } from './metadata-routes';

/**
 * What replaces a failed run's error for a role without the PII grant: a Spark error can quote the record it failed
 * on, so only roles that may see personal data read it.
 */
export const WITHHELD_ERROR = 'the run failed; its error message is shown to roles with the PII grant';

function onlyParams(req: ApiRequest, allowed: readonly string[]): void {
  for (const k of Object.keys(req.query))
    if (!allowed.includes(k))
      throw badRequest(
        k,
        allowed.length
          ? `is not a parameter of this route (parameters: ${allowed.join(', ')})`
          : 'is not a parameter of this route',
      );
  const repeated = req.repeatedQuery?.[0];
  if (repeated !== undefined) throw badRequest(repeated, 'may be given once');
}

/** The dataset a raw batch (`raw:transactions/ingest_date=…/batch=…`) was landed for. */
function rawDataset(batchId: string): TableName | undefined {
  const key = batchId.replace(/^raw:/, '');
  return datasets.find(
    (d) =>
      key.startsWith(d.raw.prefix) || (d.raw.errorPrefix !== undefined && key.startsWith(d.raw.errorPrefix)),
  )?.name;
}

/** Lineage nodes the role may see: tables it may read, their columns it may see, raw batches of those tables. */
function nodeVisible(role: DataRole): (n: LineageNode) => boolean {
  return (n) => {
    const table = n.kind === 'raw-batch' ? rawDataset(n.id) : n.table;
    if (table === undefined || !isTableName(table) || !canRead(role, table)) return false;
    if (n.kind !== 'column') return true;
    const column = n.id.split('.')[2];
    return visibleColumns(role, tableContract(table)).some((c) => c.name === column);
  };
}

const shown = (s: string): string => (s.length > 120 ? `${s.slice(0, 120)}…` : s);

/**
 * `daily_sales`, `curated.daily_sales`, `transactions.amount_usd` or `processed.transactions.amount_usd` -> its node.
 * An unknown table, and a column the role may not see, are 404s alike: the answer never tells a hidden column from
 * one that does not exist.
 */
function lineageTarget(target: string, role: DataRole): string {
  const parts = target.trim().split('.');
  const tableParts = parts[0] === 'processed' || parts[0] === 'curated' ? 2 : 1;
  const [column, extra] = parts.slice(tableParts);
  let tableId: string;
  try {
    if (extra !== undefined)
      throw new LineageTargetError('dataset', `'${shown(target)}' is not table or table.column`);
    tableId = resolveTarget(parts.slice(0, tableParts).join('.'));
  } catch (e) {
    if (e instanceof LineageTargetError)
      throw new ApiError('not_found', `no dataset '${shown(target)}': ${e.message}`, {
        dataset: shown(target),
      });
    throw e;
  }
  const t: AnyContract = tableContract(tableId.split('.')[1] ?? '');
  if (!canRead(role, t.name))
    throw new ApiError('forbidden', `role '${role}' may not read ${t.name}`, { table: t.name });
  if (column === undefined) return tableId;
  const visible = visibleColumns(role, t).map((c) => c.name);
  if (!visible.includes(column))
    throw new ApiError(
      'not_found',
      `${t.name} has no column '${shown(column)}' (columns: ${visible.join(', ')})`,
      {
        column: shown(column),
      },
    );
  return `${tableId}.${column}`;
}

function intParam(field: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw badRequest(field, `must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

function withheld(r: RunReport): RunReport {
  return r.error === null ? r : { ...r, error: WITHHELD_ERROR };
}

export type MetadataHandler = (
  route: MetadataRouteDef,
  params: Readonly<Record<string, string>>,
  req: ApiRequest,
  role: DataRole,
) => Promise<ApiResponse>;

export function metadataHandler(
  source: MetadataSource,
  clock: () => Date = () => new Date(),
): MetadataHandler {
  let catalog: CatalogSearch | undefined;

  async function currentCatalog(now: Date): Promise<CatalogSearch> {
    const facts = await source.tableFacts(now);
    // a new set of facts (a run, a table going stale) is a new index; the same facts keep the role indexes built
    if (catalog?.fingerprint !== JSON.stringify(facts)) catalog = CatalogSearch.fromContracts(facts);
    return catalog;
  }

  async function search(req: ApiRequest, role: DataRole): Promise<ApiResponse> {
    const q = req.query;
    const opts: SearchOptions = {
      q: q.q ?? '',
      ...(q.type !== undefined ? { type: q.type as 'table' | 'column' } : {}),
      ...(q.zone !== undefined ? { zone: q.zone } : {}),
      ...(q.tag !== undefined ? { tag: q.tag } : {}),
      ...(q.owner !== undefined ? { owner: q.owner } : {}),
      ...(q.limit !== undefined ? { limit: /^\d{1,4}$/.test(q.limit) ? Number(q.limit) : Number.NaN } : {}),
    };
    try {
      return json(200, (await currentCatalog(clock())).search(opts, role, visibleTo(role)));
    } catch (e) {
      if (e instanceof SearchInputError) throw badRequest(e.field, e.message);
      throw e;
    }
  }

  async function lineage(dataset: string, req: ApiRequest, role: DataRole): Promise<ApiResponse> {
    const direction = req.query.direction ?? 'upstream';
    if (direction !== 'upstream' && direction !== 'downstream')
      throw badRequest('direction', 'must be upstream or downstream');
    const depth = intParam('depth', req.query.depth, DEFAULT_DEPTH, 1, MAX_DEPTH);
    const id = lineageTarget(dataset, role);
    const view = traverse(buildGraph(await source.lineageEvents()), id, direction, depth, nodeVisible(role));
    return json(200, {
      ...view,
      nodes: view.nodes.map((n) => (n.table !== undefined ? { ...n, link: `/v1/datasets/${n.table}` } : n)),
    });
  }

  async function pipelines(role: DataRole): Promise<ApiResponse> {
    const now = clock();
    const tables = allTables.filter((t) => canRead(role, t.name));
    const reports = new Map(
      await Promise.all(
        tables.map(async (t) => {
          const rs = await source.runReports(t.name);
          return [t.name, grants[role].pii ? rs : rs.map(withheld)] as const;
        }),
      ),
    );
    // the stream delivers the ad events: its lag is theirs to see
    const stream = canRead(role, 'ad_events') ? await source.streamLag(now) : null;
    return json(
      200,
      pipelineStatus(tables, (t) => reports.get(t as TableName) ?? [], stream, now, STREAM_OBJECTIVE_MINUTES),
    );
  }

  return async (route, params, req, role) => {
    onlyParams(req, route.params);
    switch (route.name) {
      case 'search':
        return search(req, role);
      case 'lineage':
        return lineage(params.dataset ?? '', req, role);
      case 'pipelines':
        return pipelines(role);
    }
  };
}
