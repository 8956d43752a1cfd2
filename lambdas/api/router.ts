/**
 * The router: one function from ApiRequest to ApiResponse, shared by the Lambda handler (API Gateway proxy
 * events) and the local server (node:http). Authentication, throttling and the engine are injected.
 */
import { allTables, isTableName, type AnyContract } from '../../lib/contracts';
import { canRead, type DataRole } from '../../lib/governance/grants';
import { catalogEntry, tableStats } from './caller-catalog';
import { digest, type Sealer } from './cursor';
import { execute, type QueryContext, type QueryEngine, type ResultSet } from './query-engine';
import { ApiError, badRequest, errorResponse } from './errors';
import { API_VERSION, json, scanned, type ApiRequest, type ApiResponse } from './http';
import type { ApiLogger } from './logger';
import { metadataHandler } from './metadata-handlers';
import { contractsOnly, type MetadataSource } from './metadata-source';
import { openApiDocument, type ExampleRange } from './openapi';
import { canonicalQuery, parseQueryInput, type QueryInput } from './params';
import {
  matchRoute,
  queryRouteByPath,
  staticRoutes,
  type QueryRouteDef,
  type RouteDef,
  type StaticRouteDef,
} from './routes';
import { buildQuery } from './sql';
import { resolveAsOf, versionsAnswer, type VersionRead } from './versions';

export interface Principal {
  /** key id locally, IAM principal ARN on AWS */
  readonly id: string;
  readonly role: DataRole;
}

/** Resolves the caller or throws ApiError 401 (no or bad credentials) / 403 (no data role). */
export type Authenticator = (req: ApiRequest) => Promise<Principal>;

export interface RouterDeps {
  readonly engine: QueryEngine;
  readonly authenticate: Authenticator;
  /**
   * Throws ApiError `throttled` (429) when the caller is over its rate: `caller` is the principal's id, or
   * `address:<ip>` for a request without valid credentials. Locally a token bucket per caller.
   */
  readonly throttle?: (caller: string) => void;
  readonly logger: ApiLogger;
  readonly sealer: Sealer;
  /** how long a request waits for its query before answering 202 with a query id */
  readonly syncBudgetMs: number;
  readonly serverUrl?: string;
  /** the days the OpenAPI document's examples use @default the last seven whole days */
  readonly examples?: ExampleRange;
  /** where the metadata routes (search, lineage, pipelines) take their facts from @default the contracts alone */
  readonly metadata?: MetadataSource;
}

export type Router = (req: ApiRequest) => Promise<ApiResponse>;

interface PendingQuery {
  /** engine execution id */
  e: string;
  /** route path */
  r: string;
  role: DataRole;
  /** canonical-query digest, for the next cursor */
  h: string;
  /** requested fields */
  f: string[];
  l: number;
  /** the version read, for a query as of one */
  v?: VersionRead;
}

interface CursorPayload {
  h: string;
  a: unknown[];
}

/** Routes whose answers come from the contracts and the metadata alone: they scan no data. */
const answersFromMetadata: ReadonlySet<RouteDef['kind']> = new Set(['metadata', 'openapi', 'datasets']);

export function createRouter(deps: RouterDeps): Router {
  const { engine, logger, sealer } = deps;
  const healthPath = staticRoutes.find((r) => r.kind === 'health')?.path;
  const metadata = metadataHandler(deps.metadata ?? contractsOnly);

  function page(
    route: QueryRouteDef,
    fields: readonly string[],
    limit: number,
    h: string,
    result: ResultSet,
    version?: VersionRead,
  ) {
    const rows = result.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    const next =
      result.rows.length > limit && last
        ? sealer.seal('cursor', { h, a: route.sortKeys.map((k) => last[k] ?? null) } satisfies CursorPayload)
        : null;
    const data = rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? null])));
    return scanned(
      json(200, {
        data,
        page: { limit, count: data.length, next },
        ...(version ? { asOf: version } : {}),
      }),
      result.scannedBytes,
    );
  }

  async function queryRoute(route: QueryRouteDef, req: ApiRequest, p: Principal): Promise<ApiResponse> {
    if (!canRead(p.role, route.table.name))
      throw new ApiError('forbidden', `role '${p.role}' may not read ${route.table.name}`, {
        table: route.table.name,
      });
    const input: QueryInput = parseQueryInput(route, p.role, req.query, req.repeatedQuery);
    const h = digest(canonicalQuery(route, p.role, input));
    let after: unknown[] | undefined;
    if (input.cursor !== undefined) {
      const c = sealer.open<CursorPayload>('cursor', input.cursor, 'cursor');
      if (c.h !== h || !Array.isArray(c.a) || c.a.length !== route.sortKeys.length)
        throw badRequest(
          'cursor',
          'does not belong to this query (same route, role and parameters required)',
        );
      after = c.a;
    }
    const ctx: QueryContext = { role: p.role, requestId: req.requestId };
    const at = input.asOf
      ? await resolveAsOf(engine, route.table, input.asOf, deps.syncBudgetMs, ctx)
      : undefined;
    const built = buildQuery(route, input, engine, after, at?.point);
    const out = await execute(engine, built, input.limit + 1, deps.syncBudgetMs, ctx);
    const fields = input.fields.map((f) => f.name);
    if (out.state === 'running')
      return pending(
        {
          e: out.id,
          r: route.path,
          role: p.role,
          h,
          f: fields,
          l: input.limit,
          ...(at ? { v: at.read } : {}),
        },
        req,
      );
    return page(route, fields, input.limit, h, out.result, at?.read);
  }

  function pending(q: PendingQuery, req: ApiRequest): ApiResponse {
    const id = sealer.seal('query', q);
    const location = `${req.basePath ?? ''}/v1/queries/${encodeURIComponent(id)}`;
    return json(
      202,
      { status: 'running', queryId: id, location, message: 'The query is still running; poll the location.' },
      { location, 'retry-after': '1' },
    );
  }

  async function queryStatus(id: string, req: ApiRequest, p: Principal): Promise<ApiResponse> {
    noQueryParams(req);
    let q: PendingQuery;
    try {
      q = sealer.open<PendingQuery>('query', id, 'id');
    } catch (e) {
      // a query id is a name the API gave out: one it did not give (or that expired) names nothing
      if (e instanceof ApiError) throw new ApiError('not_found', 'no such query', { id: 'unknown' });
      throw e;
    }
    const route = queryRouteByPath(q.r);
    // another role's query is not found: its rows were chosen for that role's grants
    if (!route || q.role !== p.role) throw new ApiError('not_found', 'no such query', { id: 'unknown' });
    const ctx: QueryContext = { role: p.role, requestId: req.requestId };
    const state = await engine.wait(q.e, 0, ctx);
    if (state === 'running') return pending(q, req);
    return page(route, q.f, q.l, q.h, await engine.results(q.e, q.l + 1, ctx), q.v);
  }

  /** Liveness, without credentials: it tells only that the API and its engine answer, and the API's version. */
  async function health(req: ApiRequest): Promise<ApiResponse> {
    noQueryParams(req);
    await engine.ping();
    return json(200, { status: 'ok', version: API_VERSION });
  }

  function noQueryParams(req: ApiRequest): void {
    const extra = Object.keys(req.query)[0];
    if (extra !== undefined) throw badRequest(extra, 'is not a parameter of this route');
  }

  function readable(role: DataRole): AnyContract[] {
    return allTables.filter((t) => canRead(role, t.name));
  }

  /** The table a `{name}` path names: 404 for no such table, 403 for one the role may not read. */
  function readableTable(name: string, role: DataRole): AnyContract {
    if (!isTableName(name)) throw new ApiError('not_found', `no dataset '${name}'`, { name });
    const t = allTables.find((x) => x.name === name) as AnyContract;
    if (!canRead(role, t.name))
      throw new ApiError('forbidden', `role '${role}' may not read ${t.name}`, { table: t.name });
    return t;
  }

  async function staticRoute(
    route: StaticRouteDef,
    params: Record<string, string>,
    req: ApiRequest,
    p: Principal,
  ): Promise<ApiResponse> {
    switch (route.kind) {
      case 'health':
        return health(req);
      case 'openapi':
        noQueryParams(req);
        return json(200, openApiDocument(p.role, deps.serverUrl, deps.examples));
      case 'datasets':
        noQueryParams(req);
        return json(200, { data: readable(p.role).map((t) => catalogEntry(t, p.role)) });
      case 'dataset': {
        const t = readableTable(params.name ?? '', p.role);
        noQueryParams(req);
        const ctx: QueryContext = { role: p.role, requestId: req.requestId };
        const { scannedBytes, ...stats } = await tableStats(engine, t, deps.syncBudgetMs, ctx);
        return scanned(json(200, { ...catalogEntry(t, p.role), ...stats }), scannedBytes);
      }
      case 'versions': {
        const t = readableTable(params.name ?? '', p.role);
        const ctx: QueryContext = { role: p.role, requestId: req.requestId };
        return json(200, await versionsAnswer(engine, t, req.query, deps.syncBudgetMs, ctx));
      }
      case 'query-status':
        return queryStatus(params.id ?? '', req, p);
    }
  }

  const anonymous = (req: ApiRequest): string => `address:${req.sourceIp ?? 'unknown'}`;

  function onlyGet(req: ApiRequest, path: string): void {
    if (req.method !== 'GET')
      throw new ApiError(
        'method_not_allowed',
        `${req.method} is not allowed on ${path}`,
        { allow: ['GET'] },
        { allow: 'GET' },
      );
  }

  async function dispatch(req: ApiRequest, seen: { principal?: Principal }): Promise<ApiResponse> {
    if (req.path === healthPath) {
      deps.throttle?.(anonymous(req));
      onlyGet(req, healthPath);
      return health(req);
    }
    let p: Principal;
    try {
      p = await deps.authenticate(req);
    } catch (e) {
      // without valid credentials the caller is known only by its address: a flood of bad keys is throttled too
      deps.throttle?.(anonymous(req));
      throw e;
    }
    seen.principal = p;
    deps.throttle?.(p.id);
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(req.path);
    } catch {
      throw badRequest('path', 'is not a valid URL path');
    }
    if (!match) throw new ApiError('not_found', `no route ${req.path}`, { path: req.path });
    onlyGet(req, match.route.path);
    const route = match.route;
    if (route.kind === 'query') return queryRoute(route, req, p);
    const res =
      route.kind === 'metadata'
        ? await metadata(route, match.params, req, p.role)
        : await staticRoute(route, match.params, req, p);
    return res.status === 200 && answersFromMetadata.has(route.kind) ? scanned(res, 0) : res;
  }

  return async (req: ApiRequest): Promise<ApiResponse> => {
    const started = Date.now();
    let res: ApiResponse;
    const seen: { principal?: Principal } = {};
    try {
      res = await dispatch(req, seen);
    } catch (err) {
      const { response, unexpected } = errorResponse(err, req.requestId);
      if (unexpected)
        logger.error('unexpected error', {
          requestId: req.requestId,
          path: req.path,
          error:
            err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
        });
      res = response;
    }
    logger.info('request', {
      requestId: req.requestId,
      method: req.method,
      path: req.path,
      status: res.status,
      durationMs: Date.now() - started,
      ...(seen.principal ? { principal: seen.principal.id, role: seen.principal.role } : {}),
    });
    return {
      ...res,
      headers: { ...res.headers, 'x-request-id': req.requestId, 'cache-control': 'no-store' },
    };
  };
}
