/**
 * The OpenAPI 3.1 document, generated from the route table for one caller: routes and fields the caller's
 * role may not see are left out, so a PII column never appears in the document of a role without the grant.
 */
import { allTables, type ColumnType } from '../../lib/contracts';
import { canRead, type DataRole } from '../../lib/governance/grants';
import { errorCodes, type ErrorCode } from './errors';
import { API_VERSION, SCANNED_BYTES_HEADER } from './http';
import { metadataRoutes } from './metadata-routes';
import { metadataOperation } from './openapi-metadata';
import {
  AS_OF_MAX_LENGTH,
  DATE_PATTERN,
  DEFAULT_LIMIT,
  INSTANT_PATTERN,
  MAX_LIMIT,
  visibleFilters,
  visibleOutput,
} from './params';
import {
  queryRoutes,
  staticRoutes,
  type OutputColumn,
  type QueryRouteDef,
  type StaticRouteDef,
} from './routes';
import { TOKEN_MAX_LENGTH, TOKEN_PATTERN } from './cursor';

type Schema = Record<string, unknown>;

/** The days the examples of the document use: days the lake holds, so that a generated call returns rows. */
export interface ExampleRange {
  /** YYYY-MM-DD, inclusive */
  readonly from: string;
  /** YYYY-MM-DD, exclusive */
  readonly to: string;
}

const DAY_MS = 86_400_000;

/** The last seven whole UTC days before `now`: where a lake fed daily has rows. */
export function recentDays(now = Date.now(), days = 7): ExampleRange {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(today - days * DAY_MS), to: iso(today) };
}

function schemaOf(type: ColumnType, allowed?: readonly string[]): Schema {
  switch (type) {
    case 'string':
      return allowed ? { enum: [...allowed, null] } : { type: ['string', 'null'] };
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

/** The error answers, by status, and the response each one documents. */
const errorResponses: Record<string, { name: string; codes: readonly ErrorCode[]; description: string }> = {
  '400': {
    name: 'BadRequest',
    codes: ['bad_request'],
    description: 'Invalid input; `details.field` names the parameter.',
  },
  '401': { name: 'Unauthorized', codes: ['unauthorized'], description: 'Missing or invalid credentials.' },
  '403': {
    name: 'Forbidden',
    codes: ['forbidden'],
    description: "The caller's role may not read this table, or the principal has no data role.",
  },
  '404': {
    name: 'NotFound',
    codes: ['not_found'],
    description:
      'No such route, dataset, query or version. For an `as_of` the table lacks (an unknown version or tag, a time before its first version), the message and `details` name what exists: `versions` (the newest), `versionCount`, `tags`, `branches`, `firstVersionAt`.',
  },
  '405': {
    name: 'MethodNotAllowed',
    codes: ['method_not_allowed'],
    description: 'Only GET is allowed; the `allow` header says so.',
  },
  '409': {
    name: 'Cancelled',
    codes: ['query_cancelled'],
    description: 'The query was cancelled before it finished; send the request again.',
  },
  '429': {
    name: 'Throttled',
    codes: ['throttled'],
    description: 'Too many requests from this caller; retry after `retry-after` seconds.',
  },
  '431': {
    name: 'HeadersTooLarge',
    codes: ['headers_too_large'],
    description: 'The request line and headers are too large; send a shorter URL or fewer headers.',
  },
  '500': {
    name: 'Internal',
    codes: ['internal'],
    description: 'Unexpected error; `details.requestId` identifies it in the logs.',
  },
  '502': {
    name: 'QueryFailed',
    codes: ['query_failed'],
    description: 'The query engine failed the query; `details.requestId` identifies it in the logs.',
  },
};

/** Answers every operation can give, before it knows the route: input size, method, rate, the unexpected. */
const always = ['400', '405', '429', '431', '500'];
const authenticated = ['401', '403'];

/** The scanned-bytes header of a 200 answer; `always` where every such answer carries it. */
function scannedBytes(always: boolean): { headers: Record<string, unknown> } {
  return {
    headers: {
      [SCANNED_BYTES_HEADER]: {
        $ref: always ? '#/components/headers/ScannedBytes' : '#/components/headers/ScannedBytesWhenKnown',
      },
    },
  };
}

function errorsOf(statuses: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    [...new Set(statuses)].sort().map((s) => [s, ref((errorResponses[s] as { name: string }).name)]),
  );
}

const timeSchema = (): Schema => ({
  type: 'string',
  anyOf: [
    { format: 'date', pattern: DATE_PATTERN },
    // RFC 3339's date-time needs seconds; the API also takes HH:MM, so the pattern says it all
    { pattern: INSTANT_PATTERN },
  ],
});

function outputSchema(c: OutputColumn): Schema {
  return { ...schemaOf(c.type, c.allowed), description: c.description };
}

function queryOperation(route: QueryRouteDef, role: DataRole, examples: ExampleRange) {
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
        description: `Start of the range (inclusive): YYYY-MM-DD (midnight UTC) or an ISO 8601 instant with \`Z\` or an offset, from 1970 to 9999. At most ${route.maxRangeDays} days before \`to\`.`,
        schema: timeSchema(),
        example: examples.from,
      },
      {
        name: 'to',
        in: 'query',
        required: true,
        description: `End of the range (exclusive), after \`from\` and at most ${route.maxRangeDays} days after it: YYYY-MM-DD or an ISO 8601 instant.`,
        schema: timeSchema(),
        example: examples.to,
      },
      {
        name: 'fields',
        in: 'query',
        required: false,
        description: `Comma-separated columns to return (default: all the caller may see): ${cols.map((c) => c.name).join(', ')}.`,
        schema: {
          type: 'string',
          minLength: 1,
          pattern: `^(${cols.map((c) => c.name).join('|')})(,(${cols.map((c) => c.name).join('|')}))*$`,
        },
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
        schema: { type: 'string', minLength: 1, maxLength: TOKEN_MAX_LENGTH, pattern: TOKEN_PATTERN },
      },
      {
        name: 'as_of',
        in: 'query',
        required: false,
        description: `Read ${route.table.database}.${route.table.name} as it was at a version: a version id (a snapshot id, as GET /v1/datasets/${route.table.name}/versions lists them), an ISO 8601 time (YYYY-MM-DD or an instant; no zone means UTC: the version current then) or a tag or branch name. The answer's \`asOf\` names the version read. An unknown version or tag, or a time before the table's first version, answers 404 naming what exists; a text that is none of these answers 400.`,
        schema: { type: 'string', minLength: 1, maxLength: AS_OF_MAX_LENGTH },
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
        ...scannedBytes(true),
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
                    properties: Object.fromEntries(cols.map((c) => [c.name, outputSchema(c)])),
                  },
                },
                page: { $ref: '#/components/schemas/Page' },
                asOf: { $ref: '#/components/schemas/VersionRead' },
              },
            },
          },
        },
      },
      '202': ref('Pending'),
      ...errorsOf([...always, ...authenticated, '404', '409', '502']),
    },
  };
}

/** The first page of a pending query: the 200 of one of the routes the role may read. */
function queryResultSchema(role: DataRole): Schema {
  const pages = queryRoutes
    .filter((r) => canRead(role, r.table.name))
    .map((r) => ({
      $ref: `#/paths/${r.path.replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`,
    }));
  return { anyOf: pages };
}

const staticResponses: Record<StaticRouteDef['kind'], Record<string, unknown>> = {
  health: {
    '200': {
      description: 'The API and its engine answer.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['status', 'version'],
            additionalProperties: false,
            properties: { status: { const: 'ok' }, version: { type: 'string', example: API_VERSION } },
          },
        },
      },
    },
  },
  openapi: {
    '200': {
      description: 'This document.',
      ...scannedBytes(true),
      content: { 'application/json': { schema: { type: 'object' } } },
    },
  },
  datasets: {
    '200': {
      description: 'Tables the caller may read.',
      ...scannedBytes(true),
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
      ...scannedBytes(false),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Dataset' } } },
    },
    ...errorsOf(['404']),
  },
  versions: {
    '200': {
      description: "The table's versions, newest first.",
      content: { 'application/json': { schema: { $ref: '#/components/schemas/DatasetVersions' } } },
    },
    ...errorsOf(['404', '502']),
  },
  'query-status': {
    '200': {
      description: 'The first page of the query, as its route would have answered.',
      ...scannedBytes(true),
    },
    '202': ref('Pending'),
    ...errorsOf(['404', '409', '502']),
  },
};

function staticOperation(route: StaticRouteDef, role: DataRole) {
  const name = {
    name: 'name',
    in: 'path',
    required: true,
    description: 'A table name; one the role may not read answers 403.',
    schema: { enum: allTables.map((t) => t.name) },
    example: 'daily_sales',
  };
  const params =
    route.kind === 'dataset'
      ? [name]
      : route.kind === 'versions'
        ? [
            name,
            {
              name: 'limit',
              in: 'query',
              required: false,
              description: 'The newest N versions (`total` tells how many there are).',
              schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
            },
          ]
        : route.kind === 'query-status'
          ? [
              {
                name: 'id',
                in: 'path',
                required: true,
                description:
                  'The `queryId` of a 202 answer. An id the API did not give out (or that expired) answers 404.',
                schema: { type: 'string', minLength: 1, maxLength: TOKEN_MAX_LENGTH, pattern: TOKEN_PATTERN },
              },
            ]
          : [];
  const responses = { ...staticResponses[route.kind] };
  if (route.kind === 'query-status')
    responses['200'] = {
      ...(responses['200'] as object),
      content: { 'application/json': { schema: queryResultSchema(role) } },
    };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: ['service'],
    ...(route.kind === 'health' ? { security: [] } : {}),
    parameters: params,
    responses: {
      ...responses,
      ...errorsOf(route.kind === 'health' ? always : [...always, ...authenticated]),
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
      additionalProperties: false,
      properties: {
        code: { enum: [...errorCodes] },
        message: { type: 'string' },
        details: { type: 'object' },
      },
    },
  },
};

function errorResponse(status: string) {
  const e = errorResponses[status] as { codes: readonly ErrorCode[]; description: string };
  const schema = {
    allOf: [
      { $ref: '#/components/schemas/Error' },
      { properties: { error: { properties: { code: { enum: e.codes } } } } },
    ],
  };
  return {
    description: e.description,
    ...(status === '429' ? { headers: { 'retry-after': { schema: { type: 'integer', minimum: 1 } } } } : {}),
    ...(status === '405' ? { headers: { allow: { schema: { const: 'GET' } } } } : {}),
    content: { 'application/json': { schema } },
  };
}

export function openApiDocument(
  role: DataRole,
  serverUrl?: string,
  examples: ExampleRange = recentDays(),
): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const r of staticRoutes) paths[r.path] = { get: staticOperation(r, role) };
  for (const r of metadataRoutes)
    paths[r.path] = {
      get: metadataOperation(
        r,
        role,
        scannedBytes(true),
        errorsOf([...always, ...authenticated, ...(r.name === 'lineage' ? ['404'] : [])]),
      ),
    };
  for (const r of queryRoutes)
    if (canRead(role, r.table.name)) paths[r.path] = { get: queryOperation(r, role, examples) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shop data lake API',
      version: API_VERSION,
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
        VersionRead: {
          type: 'object',
          description: 'The version a query as of one read (present only when `as_of` was given).',
          required: ['requested', 'version', 'committedAt'],
          additionalProperties: false,
          properties: {
            requested: { type: 'string', description: 'The `as_of` as sent.' },
            version: { type: 'string', pattern: '^-?\\d{1,19}$', description: 'The snapshot id read.' },
            committedAt: { type: 'string', format: 'date-time' },
          },
        },
        DatasetVersions: {
          type: 'object',
          required: ['table', 'currentVersion', 'total', 'data'],
          additionalProperties: false,
          properties: {
            table: { type: 'string', description: '`database.table`' },
            currentVersion: { type: ['string', 'null'] },
            total: { type: 'integer', minimum: 0, description: 'Versions the table has (before `limit`).' },
            data: { type: 'array', items: { $ref: '#/components/schemas/DatasetVersion' } },
          },
        },
        DatasetVersion: {
          type: 'object',
          description:
            "One change of the table's state: a commit, or a rollback that made an older version current again.",
          required: [
            'version',
            'parentVersion',
            'current',
            'undone',
            'madeCurrentAt',
            'committedAt',
            'operation',
            'rollbackFrom',
            'runId',
            'rowsAdded',
            'rowsRemoved',
            'totalRows',
            'builtFrom',
            'tags',
            'branches',
          ],
          additionalProperties: false,
          properties: {
            version: {
              type: 'string',
              pattern: '^-?\\d{1,19}$',
              description: 'The snapshot id: what `as_of` takes.',
            },
            parentVersion: { type: ['string', 'null'] },
            current: { type: 'boolean', description: "The table's current version." },
            undone: { type: 'boolean', description: 'A rollback left this version behind.' },
            madeCurrentAt: { type: 'string', format: 'date-time' },
            committedAt: { type: 'string', format: 'date-time' },
            operation: {
              type: 'string',
              description: "Iceberg's operation (append, overwrite, delete, ...) or `rollback`.",
            },
            rollbackFrom: {
              type: ['string', 'null'],
              description: 'A rollback: the version that was current before it.',
            },
            runId: { type: ['string', 'null'], description: 'The job run that committed the version.' },
            rowsAdded: { type: ['integer', 'null'] },
            rowsRemoved: { type: ['integer', 'null'] },
            totalRows: { type: ['integer', 'null'] },
            builtFrom: {
              type: 'array',
              description: 'A curated table: the upstream table versions it was computed from.',
              items: {
                type: 'object',
                required: ['table', 'version'],
                additionalProperties: false,
                properties: { table: { type: 'string' }, version: { type: 'string' } },
              },
            },
            tags: { type: 'array', items: { type: 'string' } },
            branches: { type: 'array', items: { type: 'string' } },
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
      headers: {
        ScannedBytes: {
          description:
            "Bytes the request's query scanned: Athena's `DataScannedInBytes` on AWS (what Athena bills), the bytes of the data files the local engine's pruned scan read locally; 0 for answers from the contracts and metadata alone.",
          required: true,
          schema: { type: 'integer', minimum: 0 },
        },
        ScannedBytesWhenKnown: {
          description:
            "Bytes the request's query scanned, as `ScannedBytes`; absent while the query still runs (`statsStatus: pending`).",
          schema: { type: 'integer', minimum: 0 },
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
                additionalProperties: false,
                properties: {
                  status: { const: 'running' },
                  queryId: { type: 'string', pattern: TOKEN_PATTERN },
                  location: { type: 'string' },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
        ...Object.fromEntries(
          Object.entries(errorResponses).map(([status, e]) => [e.name, errorResponse(status)]),
        ),
      },
    },
  };
}
