/** Shared set-up of the API tests: a router over a DuckDB lake, called with API Gateway proxy events. */
import { fromProxyEvent, toProxyResult } from '../../../lambdas/api/apigw';
import { Sealer } from '../../../lambdas/api/cursor';
import type { QueryEngine } from '../../../lambdas/api/query-engine';
import { iamAuthenticator } from '../../../lambdas/api/iam-auth';
import type { ApiLogger } from '../../../lambdas/api/logger';
import type { MetadataSource } from '../../../lambdas/api/metadata-source';
import { createRouter, type Router } from '../../../lambdas/api/router';
import { apiGatewayEvent, type EventOptions } from '../../support/api-gateway-events';
import type { DataRole } from '../../../lib/governance/grants';

export const principalOf: Record<DataRole, string> = {
  admin: 'arn:aws:iam::123456789012:role/LakeAdmin',
  analyst: 'arn:aws:iam::123456789012:role/LakeAnalyst',
  marketing: 'arn:aws:iam::123456789012:role/LakeMarketing',
  bi: 'arn:aws:iam::123456789012:role/LakeBi',
};

export const principals = new Map(Object.entries(principalOf).map(([role, arn]) => [arn, role as DataRole]));

export interface CapturedLog {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

export function captureLogger(): ApiLogger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, message, fields });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export const SECRET = 'test-secret-0123456789abcdef';

export function testRouter(
  engine: QueryEngine,
  opts: { syncBudgetMs?: number; logger?: ApiLogger; metadata?: MetadataSource } = {},
): Router {
  return createRouter({
    engine,
    authenticate: iamAuthenticator(principals),
    logger: opts.logger ?? captureLogger(),
    sealer: new Sealer(SECRET),
    syncBudgetMs: opts.syncBudgetMs ?? 10_000,
    ...(opts.metadata ? { metadata: opts.metadata } : {}),
  });
}

export interface Reply {
  status: number;
  headers: Record<string, string | number | boolean>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  requestId: string;
}

/** Calls the router the way the Lambda handler does: API Gateway proxy event in, proxy result out. */
export async function call(
  router: Router,
  path: string,
  opts: EventOptions & { role?: DataRole } = {},
): Promise<Reply> {
  const event = apiGatewayEvent(path, {
    ...opts,
    principal: opts.principal !== undefined ? opts.principal : principalOf[opts.role ?? 'admin'],
  });
  const out = toProxyResult(await router(fromProxyEvent(event)));
  return {
    status: out.statusCode,
    headers: (out.headers ?? {}) as Record<string, string>,
    body: JSON.parse(out.body) as unknown,
    requestId: event.requestContext.requestId,
  };
}
