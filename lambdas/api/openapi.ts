/**
 * The OpenAPI 3.1 document, generated from the route table for one caller: routes and fields the caller's
 * role may not see are left out, so a PII column never appears in the document of a role without the grant.
 */
import type { ColumnType } from '../../lib/contracts';
import { canRead, type DataRole } from '../../lib/governance/grants';
import { DEFAULT_LIMIT, MAX_LIMIT, visibleFilters, visibleOutput } from './params';
import { queryRoutes, staticRoutes, type QueryRouteDef, type StaticRouteDef } from './routes';

type Schema = Record<string, unknown>;

function schemaOf(type: ColumnType): Schema {
  switch (type) {
    case 'string':
      return { type: ['string', 'null'] };
    case 'int':
    case 'bigint':
      return { type: ['integer', 'null'] };
    case 'double':
    case 'decimal(18,2)':
    case 'decimal(18,4)':
      return { type: ['number', 'null'] };
    case 'boolean':
      return { type: ['boolean', 'null'] };
    case 'timestamp':
      return { type: ['string', 'null'], format: 'date-time' };
    case 'date':
      return { type: ['string', 'null'], format: 'date' };
    case 'array<string>':
      return { type: ['array', 'null'], items: { type: 'string' } };
  }
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
const errorRefs = {
  '400': ref('BadRequest'),
  '401': ref('Unauthorized'),
  '403': ref('Forbidden'),
  '429': ref('Throttled'),
  '500': ref('Internal'),
};

function queryOperation(route: QueryRouteDef, role: DataRole) {
  const cols = visibleOutput(route, role);
  const timeNote = route.timeType === 'date' ? 'UTC days' : 'instants';
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `${route.description} Source: ${route.table.database}.${route.table.name}; time column ${route.timeColumn} (${timeNote}).`,
    tags: [route.path.startsWith('/v1/metrics/') ? 'metrics' : 'datasets'],
    parameters: [
      {
        name: 'from',
        in: 'query',
        required: true,
        description: `Start of the range (inclusive): YYYY-MM-DD or an ISO 8601 instant. At most ${route.maxRangeDays} days before \`to\`.`,
        schema: { type: 'string' },
        example: '2024-01-01',
      },
      {
        name: 'to',
        in: 'query',
        required: true,
        description: 'End of the range (exclusive): YYYY-MM-DD or an ISO 8601 instant.',
        schema: { type: 'string' },
        example: '2024-01-08',
      },
      {
        name: 'fields',
        in: 'query',
        required: false,
        description: 'Comma-separated columns to return (default: all the caller may see).',
        schema: { type: 'string' },
        example: cols
          .slice(0, 2)
          .map((c) => c.name)
          .join(','),
      },
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Rows per page.',
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The `page.next` of the previous page; valid only with the same parameters.',
        schema: { type: 'string' },
      },
      ...visibleFilters(route, role).map((f) => ({
        name: f.param,
        in: 'query',
        required: false,
        description: f.description,
        schema:
          f.valueType === 'boolean'
            ? { type: 'boolean' }
            : f.valueType === 'int'
              ? {
                  type: 'integer',
                  ...(f.min !== undefined ? { minimum: f.min } : {}),
                  ...(f.max !== undefined ? { maximum: f.max } : {}),
                }
              : {
                  type: 'string',
                  minLength: 1,
                  maxLength: f.maxLength,
                  ...(f.allowed ? { enum: f.allowed } : {}),
                  ...(f.pattern ? { pattern: `^(?:${f.pattern})$` } : {}),
                },
      })),
    ],
    responses: {
      '200': {
        description: 'A page of rows.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['data', 'page'],
              properties: {
                data: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    properties: Object.fromEntries(
                      cols.map((c) => [c.name, { ...schemaOf(c.type), description: c.description }]),
                    ),
                  },
                },
                page: { $ref: '#/components/schemas/Page' },
              },
            },
          },
        },
      },
      '202': ref('Pending'),
      ...errorRefs,
    },
  };
}

const staticResponses: Record<StaticRouteDef['kind'], Record<string, unknown>> = {
  health: {
    '200': {
      description: 'The API and its engine answer.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['status'],
            properties: { status: { const: 'ok' }, engine: { type: 'string' }, role: { type: 'string' } },
          },
        },
      },
    },
  },
  openapi: {
    '200': { description: 'This document.', content: { 'application/json': { schema: { type: 'object' } } } },
  },
  datasets: {
    '200': {
      description: 'Tables the caller may read.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['data'],
            properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Dataset' } } },
          },
        },
      },
    },
  },
  dataset: {
    '200': {
      description: 'One table.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Dataset' } } },
    },
    '403': ref('Forbidden'),
    '404': ref('NotFound'),
  },
  'query-status': {
    '200': { description: 'The first page of the query, as its route would have answered.' },
    '202': ref('Pending'),
    '400': ref('BadRequest'),
    '404': ref('NotFound'),
  },
};

function staticOperation(route: StaticRouteDef) {
  const params =
    route.kind === 'dataset'
      ? [{ name: 'name', in: 'path', required: true, schema: { type: 'string' }, example: 'daily_sales' }]
      : route.kind === 'query-status'
        ? [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]
        : [];
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: ['service'],
    parameters: params,
    responses: {
      ...staticResponses[route.kind],
      '400': ref('BadRequest'),
      '401': ref('Unauthorized'),
      '403': ref('Forbidden'),
      '429': ref('Throttled'),
      '500': ref('Internal'),
    },
  };
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export function openApiDocument(role: DataRole, serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const r of staticRoutes) paths[r.path] = { get: staticOperation(r) };
  for (const r of queryRoutes)
    if (canRead(role, r.table.name)) paths[r.path] = { get: queryOperation(r, role) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shop data lake API',
      version: '1.0.0',
      description: `Governed read access to the lake. This document is generated for role '${role}': it lists only what that role may read.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ apiKey: [] }, { sigv4: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'Local server (`lake keys create`).',
        },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS SigV4 (IAM), on API Gateway.',
        },
      },
      schemas: {
        Error: errorSchema,
        Page: {
          type: 'object',
          required: ['limit', 'count', 'next'],
          properties: {
            limit: { type: 'integer' },
            count: { type: 'integer' },
            next: {
              type: ['string', 'null'],
              description: 'Cursor of the next page; null on the last page.',
            },
          },
        },
        Dataset: {
          type: 'object',
          required: ['name', 'database', 'description', 'columns'],
          properties: {
            name: { type: 'string' },
            database: { enum: ['processed', 'curated'] },
            description: { type: 'string' },
            owner: { type: 'string' },
            timeColumn: { type: 'string' },
            route: { type: ['string', 'null'] },
            maxRangeDays: { type: 'integer' },
            columns: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'type', 'description'],
                properties: {
                  name: { type: 'string' },
                  type: { type: 'string' },
                  description: { type: 'string' },
                  pii: { type: 'boolean' },
                },
              },
            },
            filters: { type: 'array', items: { type: 'object' } },
            rowCount: { type: ['integer', 'null'] },
            freshness: {},
            currentVersion: { type: ['string', 'null'] },
            statsStatus: { enum: ['complete', 'pending'] },
          },
        },
      },
      responses: {
        Pending: {
          description: 'The query outlived the synchronous budget: poll `location` (GET /v1/queries/{id}).',
          headers: { location: { schema: { type: 'string' } } },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['status', 'queryId', 'location'],
                properties: {
                  status: { const: 'running' },
                  queryId: { type: 'string' },
                  location: { type: 'string' },
                },
              },
            },
          },
        },
        BadRequest: errorResponse('Invalid input; `details.field` names the parameter.'),
        Unauthorized: errorResponse('Missing or invalid credentials.'),
        Forbidden: errorResponse("The caller's role may not read this table."),
        NotFound: errorResponse('No such route, dataset or query.'),
        Throttled: errorResponse('Too many requests; retry after `retry-after` seconds.'),
        Internal: errorResponse('Unexpected error; `details.requestId` identifies it in the logs.'),
      },
    },
  };
}
