/**
 * The route table, declared once and generated from the dataset contracts (lib/contracts) plus the metric
 * definitions below. The router, the query builder, the validation and the OpenAPI document all read it.
 */
import { curatedTables, datasets, tableContract } from '../../lib/contracts';
import type { AnyContract, Column, ColumnType, FilterOp } from '../../lib/contracts';
import { metadataRoutes, type MetadataRouteDef } from './metadata-routes';

/** A column a route returns. `expr` is SQL over the source alias `t` (or `u` for an unnested array). */
export interface OutputColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
  readonly pii: boolean;
  readonly expr: string;
  /** the contract's allowed values, when it declares them */
  readonly allowed?: readonly string[];
}

export type FilterValueType = 'string' | 'int' | 'boolean';

export interface FilterDef {
  readonly param: string;
  readonly op: FilterOp;
  /** SQL expression the value is compared with (an identifier from the contract) */
  readonly expr: string;
  /** the type of `expr`: `contains` needs an array, `eq` and `prefix` a scalar (checked when the table is built) */
  readonly exprType: ColumnType;
  /** the contract column the filter reads */
  readonly column: string;
  readonly valueType: FilterValueType;
  readonly description: string;
  readonly allowed?: readonly string[];
  readonly pattern?: string;
  readonly maxLength: number;
  readonly min?: number;
  readonly max?: number;
  /** filters on a PII column are only offered to roles with the PII grant */
  readonly pii: boolean;
}

export interface QueryRouteDef {
  readonly kind: 'query';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  /** the table whose grant governs the route, and the FROM of its query */
  readonly table: AnyContract;
  /** the source table's time column: the required range filters it, so that partitions are pruned */
  readonly timeColumn: string;
  readonly timeType: 'timestamp' | 'date';
  readonly maxRangeDays: number;
  readonly columns: readonly OutputColumn[];
  readonly filters: readonly FilterDef[];
  /** output columns that order the rows uniquely: the keyset sealed in the cursor */
  readonly sortKeys: readonly string[];
  /** an aggregate route: GROUP BY these expressions (the query is wrapped so that the keyset applies after) */
  readonly groupBy?: readonly string[];
  /** a route over the elements of an array column: `CROSS JOIN UNNEST(t.<column>) AS u(<as>)` */
  readonly unnest?: { readonly column: string; readonly as: string };
}

export const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/** Quote an identifier that comes from the contracts; anything else is a programming error. */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not an allowed identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

const col = (alias: 't' | 'u', name: string): string => `${alias}.${ident(name)}`;

function valueTypeOf(c: Column): FilterValueType {
  if (c.type === 'int' || c.type === 'bigint') return 'int';
  if (c.type === 'boolean') return 'boolean';
  return 'string';
}

function filterOf(c: Column, expr: string): FilterDef | undefined {
  if (!c.filter) return undefined;
  const r = c.rules ?? {};
  const exact = c.filter.op === 'eq';
  const what = { eq: 'equals', prefix: 'starts with', contains: 'contains the element' }[c.filter.op];
  return {
    param: c.filter.param,
    op: c.filter.op,
    expr,
    exprType: c.type,
    column: c.name,
    valueType: valueTypeOf(c),
    description: `Only rows whose \`${c.name}\` ${what} this value. ${c.description}`,
    ...(exact && r.allowed ? { allowed: r.allowed } : {}),
    ...(exact && r.pattern ? { pattern: r.pattern } : {}),
    maxLength: Math.min(r.maxLength ?? 256, 2048),
    ...(r.min !== undefined ? { min: r.min } : {}),
    ...(r.max !== undefined ? { max: r.max } : {}),
    pii: c.pii ?? false,
  };
}

function timeTypeOf(t: AnyContract): 'timestamp' | 'date' {
  const c = t.columns.find((x) => x.name === t.timeColumn);
  if (c?.type !== 'timestamp' && c?.type !== 'date')
    throw new Error(`${t.name}.${t.timeColumn} is not a time`);
  return c.type;
}

function camel(s: string): string {
  return s.replace(/[-/_]([a-z])/g, (_m, ch: string) => ch.toUpperCase());
}

/** A route that returns the rows of one table (processed dataset or curated table). */
function rowsRoute(t: AnyContract): QueryRouteDef {
  const sortKeys = [t.timeColumn, ...t.businessKey.filter((k) => k !== t.timeColumn)];
  return {
    kind: 'query',
    path: `/v1/${t.api.route}`,
    operationId: camel(`list-${t.api.route}`),
    summary: `Rows of ${t.database}.${t.name}`,
    description: t.description,
    table: t,
    timeColumn: t.timeColumn,
    timeType: timeTypeOf(t),
    maxRangeDays: t.api.maxRangeDays,
    columns: t.columns.map((c) => ({
      name: c.name,
      type: c.type,
      description: c.description,
      pii: c.pii ?? false,
      expr: col('t', c.name),
      ...(c.rules?.allowed ? { allowed: c.rules.allowed } : {}),
    })),
    filters: t.columns.flatMap((c) => filterOf(c, col('t', c.name)) ?? []),
    sortKeys,
  };
}

const m = (name: string, type: ColumnType, description: string, expr: string): OutputColumn => ({
  name,
  type,
  description,
  pii: false,
  expr,
});

const countWhen = (cond: string): string => `sum(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;

function contractFilter(t: AnyContract, param: string): FilterDef {
  const c = t.columns.find((x) => x.filter?.param === param);
  const f = c && filterOf(c, col('t', c.name));
  if (!f) throw new Error(`${t.name} declares no filter '${param}'`);
  return f;
}

/**
 * The contract's `contains` filter of an array column, on a route that unnests that column: each output row holds
 * one element, so the filter keeps the rows whose element equals the value (an array-element match, the meaning
 * `contains` has on the rows route, and a predicate on a scalar that Trino and DuckDB read alike).
 */
function elementFilter(t: AnyContract, param: string, unnest: { column: string; as: string }): FilterDef {
  const f = contractFilter(t, param);
  if (f.op !== 'contains' || f.column !== unnest.column)
    throw new Error(`${t.name}.${param} is not a contains filter of the unnested ${unnest.column}`);
  const c = t.columns.find((x) => x.name === f.column) as Column;
  return {
    ...f,
    op: 'eq',
    expr: col('u', unnest.as),
    exprType: 'string',
    description: `Only the rows of the product equal to this value (posts whose \`${f.column}\` contains it). ${c.description}`,
  };
}

/** Traffic per UTC day from processed.server_logs: requests, error rate, bot share. */
function trafficRoute(): QueryRouteDef {
  const t = tableContract('server_logs');
  const requests = 'count(*)';
  return {
    kind: 'query',
    path: '/v1/metrics/traffic',
    operationId: 'metricsTraffic',
    summary: 'Web traffic per day: requests, error rate, bot share',
    description: 'Aggregated from processed.server_logs per UTC day of request_time.',
    table: t,
    timeColumn: t.timeColumn,
    timeType: 'timestamp',
    maxRangeDays: 92,
    columns: [
      m('day', 'date', 'UTC day.', col('t', 'request_date')),
      m('requests', 'bigint', 'Requests.', requests),
      m('errors', 'bigint', 'Requests answered with status >= 400.', countWhen(col('t', 'is_error'))),
      m(
        'server_errors',
        'bigint',
        'Requests answered with a 5xx status.',
        countWhen(`${col('t', 'status')} >= 500`),
      ),
      m(
        'error_rate',
        'double',
        'errors / requests.',
        `CAST(${countWhen(col('t', 'is_error'))} AS DOUBLE) / ${requests}`,
      ),
      m(
        'bot_requests',
        'bigint',
        'Requests from crawlers, monitors and scripts.',
        countWhen(col('t', 'is_bot')),
      ),
      m(
        'bot_share',
        'double',
        'bot_requests / requests.',
        `CAST(${countWhen(col('t', 'is_bot'))} AS DOUBLE) / ${requests}`,
      ),
    ],
    filters: [contractFilter(t, 'path_prefix')],
    sortKeys: ['day'],
    groupBy: [col('t', 'request_date')],
  };
}

/** Social mentions and sentiment per product per UTC day, from processed.social_posts. */
function productMentionsRoute(): QueryRouteDef {
  const t = tableContract('social_posts');
  const unnest = { column: 'product_ids', as: 'product_id' };
  return {
    kind: 'query',
    path: '/v1/metrics/product-mentions',
    operationId: 'metricsProductMentions',
    summary: 'Social mentions and sentiment per product per day',
    description:
      'Aggregated from processed.social_posts: one row per UTC day and catalog product a post mentions.',
    table: t,
    timeColumn: t.timeColumn,
    timeType: 'timestamp',
    maxRangeDays: 92,
    columns: [
      m('day', 'date', 'UTC day.', col('t', 'post_date')),
      m('product_id', 'string', 'Catalog product mentioned.', col('u', 'product_id')),
      m('posts', 'bigint', 'Posts mentioning the product.', 'count(*)'),
      m('avg_sentiment', 'double', 'Mean sentiment score (-1 .. 1).', `avg(${col('t', 'sentiment_score')})`),
      m('positive', 'bigint', 'Positive posts.', countWhen(`${col('t', 'sentiment_label')} = 'positive'`)),
      m('negative', 'bigint', 'Negative posts.', countWhen(`${col('t', 'sentiment_label')} = 'negative'`)),
      m(
        'engagement',
        'bigint',
        'Likes + shares + comments of those posts.',
        `sum(${col('t', 'engagement')})`,
      ),
    ],
    filters: [elementFilter(t, 'product_id', unnest), contractFilter(t, 'platform')],
    sortKeys: ['day', 'product_id'],
    groupBy: [col('t', 'post_date'), col('u', 'product_id')],
    unnest,
  };
}

export interface StaticRouteDef {
  readonly kind: 'health' | 'openapi' | 'datasets' | 'dataset' | 'versions' | 'query-status';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
}

export type RouteDef = QueryRouteDef | StaticRouteDef | MetadataRouteDef;

export const queryRoutes: readonly QueryRouteDef[] = [
  ...datasets.map(rowsRoute),
  ...curatedTables.map(rowsRoute),
  trafficRoute(),
  productMentionsRoute(),
];

// a filter's operator must fit the type it compares: `contains` an element of an array, the others a scalar
for (const r of queryRoutes)
  for (const f of r.filters)
    if ((f.op === 'contains') !== f.exprType.startsWith('array<'))
      throw new Error(`${r.path}: filter ${f.param} (${f.op}) cannot compare a ${f.exprType}`);

// a cursor carries the last row's sort keys: they must be columns every role that may read the route may see
for (const r of queryRoutes)
  for (const k of r.sortKeys) {
    const c = r.columns.find((x) => x.name === k);
    if (!c || c.pii) throw new Error(`${r.path}: sort key ${k} must be a non-PII output column`);
  }

export const staticRoutes: readonly StaticRouteDef[] = [
  { kind: 'health', path: '/health', operationId: 'health', summary: 'Liveness of the API and its engine' },
  { kind: 'openapi', path: '/v1/openapi.json', operationId: 'openapi', summary: 'This OpenAPI 3.1 document' },
  {
    kind: 'datasets',
    path: '/v1/datasets',
    operationId: 'listDatasets',
    summary: 'Tables the caller may read',
  },
  {
    kind: 'dataset',
    path: '/v1/datasets/{name}',
    operationId: 'getDataset',
    summary: 'One table: schema, freshness, size, version',
  },
  {
    kind: 'versions',
    path: '/v1/datasets/{name}/versions',
    operationId: 'listDatasetVersions',
    summary: "One table's versions, newest first: what each commit did, its run, its tags",
  },
  {
    kind: 'query-status',
    path: '/v1/queries/{id}',
    operationId: 'getQuery',
    summary: 'Status, then rows, of a query that outlived the synchronous budget',
  },
];

export const allRoutes: readonly RouteDef[] = [...staticRoutes, ...metadataRoutes, ...queryRoutes];

export function isQueryRoute(r: RouteDef): r is QueryRouteDef {
  return r.kind === 'query';
}

/** Match a path against the table; `{x}` segments capture one non-empty segment. */
export function matchRoute(path: string): { route: RouteDef; params: Record<string, string> } | undefined {
  const segs = path.split('/');
  for (const route of allRoutes) {
    const tpl = route.path.split('/');
    if (tpl.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < tpl.length && ok; i++) {
      const a = tpl[i] ?? '';
      const b = segs[i] ?? '';
      if (a.startsWith('{')) {
        if (b === '') ok = false;
        else params[a.slice(1, -1)] = decodeURIComponent(b);
      } else ok = a === b;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

export function queryRouteByPath(path: string): QueryRouteDef | undefined {
  return queryRoutes.find((r) => r.path === path);
}
