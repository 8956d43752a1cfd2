/**
 * The metadata routes: GET /v1/catalog/search, /v1/lineage/{dataset} and /v1/pipelines. They answer from read
 * models (lib/catalog-search, lib/lineage, lib/status) over what a MetadataSource gives; they never query data.
 * Every answer is filtered by the caller's grants: a hidden table or column is never named.
 */
import { CatalogSearch, SearchInputError } from '../../lib/catalog-search/catalog-search';
import type { TableFacts } from '../../lib/catalog-search/catalog-search';
import { visibleTo } from '../../lib/catalog-search/grants';
import { isTableName } from '../../lib/contracts';
import { canRead, grants, type DataRole } from '../../lib/governance/grants';
import { buildGraph, LineageTargetError, resolveTarget, traverse } from '../../lib/lineage/graph';
import type { LineageNode, RunEvent } from '../../lib/lineage/graph';
import type { PipelineStatus } from '../../lib/status/pipeline-status';
import { allTables } from '../../lib/contracts';
import { ApiError, badRequest } from './errors';
import { json, type ApiRequest, type ApiResponse } from './http';

/** Where the facts come from: the lake home locally; the contracts alone where no source is wired. */
export interface MetadataSource {
  facts(): Promise<Readonly<Record<string, TableFacts>>>;
  lineageEvents(): Promise<readonly RunEvent[]>;
  /** null when this deployment keeps no run history the API can read */
  pipelineStatus(): Promise<PipelineStatus | null>;
}

export const contractsOnly: MetadataSource = {
  facts: () => Promise.resolve({}),
  lineageEvents: () => Promise.resolve([]),
  pipelineStatus: () => Promise.resolve(null),
};

function onlyParams(req: ApiRequest, allowed: readonly string[]): void {
  for (const k of Object.keys(req.query))
    if (!allowed.includes(k))
      throw badRequest(k, `is not a parameter of this route (parameters: ${allowed.join(', ')})`);
  const repeated = req.repeatedQuery?.[0];
  if (repeated !== undefined) throw badRequest(repeated, 'may be given once');
}

function nodeVisible(role: DataRole): (n: LineageNode) => boolean {
  return (n) => {
    if (n.kind === 'raw-batch') return grants[role].tables.length === allTables.length;
    const t = n.table;
    if (t === undefined || !isTableName(t) || !canRead(role, t)) return false;
    if (n.kind !== 'column') return true;
    const contract = allTables.find((x) => x.name === t);
    const c = contract?.columns.find((x) => n.id === `${contract.database}.${t}.${x.name}`);
    return grants[role].pii || !(c?.pii ?? false);
  };
}

export function metadataRoutes(source: MetadataSource) {
  let search: CatalogSearch | undefined;

  async function catalog(): Promise<CatalogSearch> {
    const facts = await source.facts();
    if (search?.fingerprint !== JSON.stringify(facts)) search = CatalogSearch.fromContracts(facts);
    return search;
  }

  return {
    async search(req: ApiRequest, role: DataRole): Promise<ApiResponse> {
      onlyParams(req, ['q', 'type', 'tag', 'owner', 'limit']);
      const q = req.query;
      const limit = q.limit === undefined ? undefined : Number(q.limit);
      try {
        const result = (await catalog()).search(
          {
            q: q.q ?? '',
            ...(q.type !== undefined ? { type: q.type as 'table' | 'column' } : {}),
            ...(q.tag !== undefined ? { tag: q.tag } : {}),
            ...(q.owner !== undefined ? { owner: q.owner } : {}),
            ...(limit !== undefined ? { limit } : {}),
          },
          role,
          visibleTo(role),
        );
        return json(200, result);
      } catch (e) {
        if (e instanceof SearchInputError) throw badRequest(e.field, e.message);
        throw e;
      }
    },

    async lineage(dataset: string, req: ApiRequest, role: DataRole): Promise<ApiResponse> {
      onlyParams(req, ['column', 'direction', 'depth']);
      const direction = req.query.direction ?? 'upstream';
      if (direction !== 'upstream' && direction !== 'downstream')
        throw badRequest('direction', 'must be upstream or downstream');
      const depth = req.query.depth === undefined ? 10 : Number(req.query.depth);
      if (!Number.isInteger(depth) || depth < 1 || depth > 50)
        throw badRequest('depth', 'must be a whole number from 1 to 50');
      const column = req.query.column;
      let id: string;
      try {
        id = resolveTarget(column === undefined ? dataset : `${dataset}.${column}`);
      } catch (e) {
        if (e instanceof LineageTargetError)
          throw e.field === 'dataset'
            ? new ApiError('not_found', `no dataset '${dataset}'`, { dataset })
            : badRequest('column', e.message);
        throw e;
      }
      const visible = nodeVisible(role);
      const target = buildGraph(await source.lineageEvents());
      const node = target.nodes.get(id);
      if (!node || !visible(node))
        throw column !== undefined &&
          node &&
          isTableName(node.table ?? '') &&
          canRead(role, node.table as never)
          ? badRequest('column', `no column '${column}' in ${dataset}`)
          : new ApiError('forbidden', `role '${role}' may not read ${dataset}`, { table: dataset });
      return json(200, traverse(target, id, direction, depth, visible));
    },

    async pipelines(req: ApiRequest, role: DataRole): Promise<ApiResponse> {
      onlyParams(req, []);
      const status = await source.pipelineStatus();
      if (status === null)
        return json(200, { light: null, message: 'this deployment keeps no run history the API can read' });
      const tables = status.tables.filter((t) => isTableName(t.table) && canRead(role, t.table));
      const stream = canRead(role, 'ad_events') ? status.stream : null;
      const streamProblems = stream ? status.problems.filter((p) => p.startsWith('stream ')) : [];
      const problems = [...tables.flatMap((t) => t.problems), ...streamProblems];
      return json(200, {
        ...status,
        tables,
        stream,
        problems,
        light: problems.length ? 'red' : 'green',
      });
    },
  };
}
