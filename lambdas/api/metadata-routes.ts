/**
 * The metadata routes of the route table: catalog search, lineage and pipeline health. They answer from read models
 * over the contracts, the run reports and the OpenLineage events (lib/catalog-search, lib/lineage, lib/status); they
 * never query data. Declared here, beside the query and service routes of routes.ts, so that the router, the
 * OpenAPI document and the API Gateway resources read them from the one table.
 */

/** Hops a lineage answer follows unless asked, and at most. */
export const DEFAULT_DEPTH = 10;
export const MAX_DEPTH = 50;

export type MetadataRouteName = 'search' | 'lineage' | 'pipelines';

export interface MetadataRouteDef {
  readonly kind: 'metadata';
  readonly name: MetadataRouteName;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  /** the query-string parameters the route takes (all optional to API Gateway: the handler names what is wrong) */
  readonly params: readonly string[];
}

export const metadataRoutes: readonly MetadataRouteDef[] = [
  {
    kind: 'metadata',
    name: 'search',
    path: '/v1/catalog/search',
    operationId: 'searchCatalog',
    summary: 'Search tables and columns: names, glossary (English and French), tags, owners, descriptions',
    description:
      'Ranked hits (BM25F with field boosts: exact name first, then column name > glossary term > tag > description), prefix and one-typo matching, facets with counts. Only tables and columns the caller may read are searched: a hidden column is neither a hit nor a count.',
    params: ['q', 'type', 'zone', 'tag', 'owner', 'limit'],
  },
  {
    kind: 'metadata',
    name: 'lineage',
    path: '/v1/lineage/{dataset}',
    operationId: 'getLineage',
    summary: 'Where a table or column comes from, or what is built from it',
    description:
      "The lineage graph from the contracts and the jobs' OpenLineage run events: raw batches, table versions, column derivations. Nodes the caller may not read are left out, and paths through them are cut.",
    params: ['direction', 'depth'],
  },
  {
    kind: 'metadata',
    name: 'pipelines',
    path: '/v1/pipelines',
    operationId: 'getPipelines',
    summary: 'Pipeline health: last run per job, held runs, freshness against objective, stream lag',
    description:
      'What `lake status --json` prints, for the tables the caller may read: the light is red when one of them is stale, never ran or failed its last run.',
    params: [],
  },
];
