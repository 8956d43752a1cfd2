/**
 * The OpenAPI operations and schemas of the metadata routes (metadata-routes.ts), for one caller's role: the tables,
 * columns and lineage nodes a schema allows are only those the role may read, so the document itself says what an
 * answer can never contain.
 */
import {
  FIELD_BOOSTS,
  MAX_LIMIT,
  MAX_QUERY_LENGTH,
  tagVocabulary,
} from '../../lib/catalog-search/catalog-search';
import { allTables, datasets } from '../../lib/contracts';
import { canRead, visibleColumns, type DataRole } from '../../lib/governance/grants';
import { DEFAULT_DEPTH, MAX_DEPTH, type MetadataRouteDef, type MetadataRouteName } from './metadata-routes';

type Schema = Record<string, unknown>;

const nullable = (type: string): Schema => ({ type: [type, 'null'] });
const counts: Schema = { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } };

function readable(role: DataRole) {
  return allTables.filter((t) => canRead(role, t.name));
}

/** `processed.transactions` and `processed.transactions.amount_usd` of everything the role may see. */
function visibleIds(role: DataRole): string[] {
  return readable(role).flatMap((t) => [
    `${t.database}.${t.name}`,
    ...visibleColumns(role, t).map((c) => `${t.database}.${t.name}.${c.name}`),
  ]);
}

const tableNames = (role: DataRole): Schema => ({ enum: readable(role).map((t) => t.name) });

function searchHit(role: DataRole): Schema {
  return {
    type: 'object',
    required: ['kind', 'id', 'name', 'table', 'database', 'owner', 'description', 'tags', 'score', 'link'],
    properties: {
      kind: { enum: ['table', 'column'] },
      id: { enum: visibleIds(role), description: 'database.table, or database.table.column' },
      name: { type: 'string' },
      table: tableNames(role),
      database: { enum: ['processed', 'curated'] },
      owner: { type: 'string' },
      description: { type: 'string' },
      type: { type: 'string', description: 'Column type (columns only).' },
      tags: { type: 'array', items: { type: 'string' } },
      glossary: {
        type: 'array',
        items: { type: 'string' },
        description: 'Business terms and synonyms (en, fr).',
      },
      score: { type: 'number' },
      exactName: { type: 'boolean', description: 'The query is exactly this name: such hits come first.' },
      matched: {
        type: 'object',
        propertyNames: { enum: Object.keys(FIELD_BOOSTS) },
        additionalProperties: { type: 'array', items: { type: 'string' } },
        description: 'Index terms that matched, by field.',
      },
      link: {
        type: 'string',
        pattern: '^/v1/datasets/[a-z_]+$',
        description: "The dataset's catalog entry.",
      },
      facts: {
        type: 'object',
        properties: {
          rowCount: nullable('integer'),
          newestEventTime: nullable('string'),
          version: nullable('string'),
          lastRunStatus: nullable('string'),
          lastRunAt: nullable('string'),
          stale: { type: 'boolean' },
          quality: nullable('string'),
        },
      },
    },
  };
}

function searchResult(role: DataRole): Schema {
  return {
    type: 'object',
    required: ['query', 'total', 'hits', 'facets'],
    additionalProperties: false,
    properties: {
      query: { type: 'string' },
      total: { type: 'integer', minimum: 0, description: 'Hits in all; `hits` holds the first `limit`.' },
      hits: { type: 'array', items: searchHit(role) },
      facets: {
        type: 'object',
        required: ['type', 'zone', 'dataset', 'tag', 'owner'],
        additionalProperties: false,
        description: 'Counts of the hits by kind, zone, dataset, tag and owner.',
        properties: {
          type: counts,
          zone: counts,
          dataset: { ...counts, propertyNames: tableNames(role) },
          tag: counts,
          owner: counts,
        },
      },
    },
  };
}

function lineageView(role: DataRole): Schema {
  const ids = visibleIds(role);
  const raw = datasets.filter((d) => canRead(role, d.name));
  const prefixes = raw.flatMap((d) => [d.raw.prefix, d.raw.errorPrefix ?? []].flat());
  // raw batches of the datasets the role may read, and none for a role that may read no dataset
  const nodeId = prefixes.length
    ? { anyOf: [{ enum: ids }, { type: 'string', pattern: `^raw:(${prefixes.join('|')})` }] }
    : { enum: ids };
  return {
    type: 'object',
    required: ['target', 'direction', 'depth', 'nodes', 'edges'],
    additionalProperties: false,
    properties: {
      target: { enum: ids },
      direction: { enum: ['upstream', 'downstream'] },
      depth: { type: 'integer', minimum: 1, maximum: MAX_DEPTH },
      nodes: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'kind', 'distance'],
          additionalProperties: false,
          properties: {
            id: nodeId,
            kind: { enum: ['raw-batch', 'table', 'column'] },
            table: tableNames(role),
            distance: { type: 'integer', minimum: 0, description: 'Hops from the target.' },
            versions: {
              type: 'array',
              items: { type: 'string' },
              description: 'Table versions (Iceberg snapshot ids) the runs wrote, oldest first.',
            },
            files: {
              type: 'array',
              items: { type: 'string' },
              description: 'Raw files of the batch runs read.',
            },
            link: { type: 'string', pattern: '^/v1/datasets/[a-z_]+$' },
          },
        },
      },
      edges: {
        type: 'array',
        items: {
          type: 'object',
          required: ['from', 'to', 'kind'],
          additionalProperties: false,
          properties: {
            from: nodeId,
            to: nodeId,
            kind: {
              enum: ['run', 'declared', 'direct', 'indirect', 'column-of'],
              description:
                'run: a job run read `from` and wrote `to`; declared: the contracts build `to` from `from`; direct: values flow; indirect: `from` filters, groups or joins the rows of `to`; column-of: a column of its table.',
            },
            runs: { type: 'array', items: { type: 'string' }, description: 'OpenLineage run ids.' },
            how: { type: 'string', description: 'How the column is derived.' },
          },
        },
      },
    },
  };
}

const runSummary: Schema = {
  type: 'object',
  required: ['runId', 'startedAt', 'status', 'inputRows', 'outputRows', 'quarantinedRows', 'duplicateRows'],
  properties: {
    runId: { type: 'string' },
    startedAt: { type: 'string' },
    status: { type: 'string' },
    inputRows: { type: 'integer' },
    outputRows: { type: 'integer' },
    quarantinedRows: { type: 'integer' },
    duplicateRows: { type: 'integer' },
    durationMs: { type: 'integer' },
    error: {
      ...nullable('string'),
      description:
        'Why the run failed; for a role without the PII grant a notice instead (errors can quote records).',
    },
  },
};

function pipelineStatus(role: DataRole): Schema {
  return {
    type: 'object',
    required: ['at', 'light', 'empty', 'tables', 'stream', 'problems'],
    additionalProperties: false,
    properties: {
      at: { type: 'string', format: 'date-time' },
      light: { enum: ['green', 'red'], description: 'red when a table the caller may read has a problem.' },
      empty: { type: 'boolean', description: 'No run recorded at all.' },
      tables: {
        type: 'array',
        items: {
          type: 'object',
          required: ['table', 'qualifiedName', 'freshness', 'lastRun', 'held', 'light', 'problems'],
          properties: {
            table: tableNames(role),
            qualifiedName: { type: 'string' },
            owner: { type: 'string' },
            freshness: {
              type: 'object',
              required: ['state', 'objectiveMinutes', 'lastSuccessAt', 'ageMinutes'],
              properties: {
                state: { enum: ['fresh', 'stale', 'never-run'] },
                objectiveMinutes: { type: 'integer', description: "The contract's freshness objective." },
                lastSuccessAt: nullable('string'),
                ageMinutes: nullable('integer'),
              },
            },
            lastRun: { anyOf: [runSummary, { type: 'null' }] },
            held: { type: 'array', items: runSummary },
            quality: nullable('string'),
            light: { enum: ['green', 'red'] },
            problems: { type: 'array', items: { type: 'string' } },
          },
        },
      },
      stream: {
        description:
          "The ad-events stream's delivery lag, to roles that may read ad_events; null on AWS (CloudWatch alarms on it) and to other roles.",
        anyOf: [
          {
            type: 'object',
            required: ['stream', 'reachable', 'undeliveredRecords', 'oldestUndeliveredAgeMinutes'],
            properties: {
              stream: { type: 'string' },
              reachable: { type: 'boolean' },
              undeliveredRecords: nullable('integer'),
              oldestUndeliveredAt: nullable('string'),
              oldestUndeliveredAgeMinutes: nullable('integer'),
              note: { type: 'string' },
            },
          },
          { type: 'null' },
        ],
      },
      problems: { type: 'array', items: { type: 'string' } },
    },
  };
}

function parameters(name: MetadataRouteName, role: DataRole): Schema[] {
  const query = (p: string, description: string, schema: Schema, extra: Schema = {}): Schema => ({
    name: p,
    in: 'query',
    required: false,
    description,
    schema,
    ...extra,
  });
  switch (name) {
    case 'search':
      return [
        query(
          'q',
          'The text to search for: words of names, descriptions, glossary terms (English or French), tags or owners. Prefixes and one typo match too.',
          { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH },
          { required: true, example: 'revenue' },
        ),
        query('type', 'Only tables or only columns.', { enum: ['table', 'column'] }),
        query('zone', 'Only tables (and their columns) of this zone.', { enum: ['processed', 'curated'] }),
        query('tag', 'Only hits with this tag.', { enum: [...tagVocabulary()].sort() }),
        query('owner', 'Only tables and columns of this owner.', {
          enum: [...new Set(allTables.map((t) => t.owner))].sort(),
        }),
        query('limit', 'Hits to return.', { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 20 }),
      ];
    case 'lineage':
      return [
        {
          name: 'dataset',
          in: 'path',
          required: true,
          description:
            'A table (`daily_sales`, `curated.daily_sales`) or a column (`transactions.amount_usd`). An unknown table or a column the role may not see answers 404; a table the role may not read, 403.',
          schema: { type: 'string', minLength: 1, maxLength: 200 },
          example: readable(role).at(-1)?.name ?? 'daily_sales',
        },
        query('direction', 'upstream: what it is built from; downstream: what is built from it (impact).', {
          enum: ['upstream', 'downstream'],
          default: 'upstream',
        }),
        query('depth', 'Hops to follow.', {
          type: 'integer',
          minimum: 1,
          maximum: MAX_DEPTH,
          default: DEFAULT_DEPTH,
        }),
      ];
    case 'pipelines':
      return [];
  }
}

const bodies: Record<MetadataRouteName, { description: string; schema: (role: DataRole) => Schema }> = {
  search: { description: 'Ranked hits and facets.', schema: searchResult },
  lineage: { description: 'The nodes reached and the edges that reach them.', schema: lineageView },
  pipelines: { description: 'Pipeline health of the tables the caller may read.', schema: pipelineStatus },
};

/** The operation of a metadata route; `ok` is the 200 response's extra (its headers), `errors` the error answers. */
export function metadataOperation(
  route: MetadataRouteDef,
  role: DataRole,
  ok: Schema,
  errors: Record<string, unknown>,
): Schema {
  const body = bodies[route.name];
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tags: ['metadata'],
    parameters: parameters(route.name, role),
    responses: {
      '200': {
        description: body.description,
        ...ok,
        content: { 'application/json': { schema: body.schema(role) } },
      },
      ...errors,
    },
  };
}
