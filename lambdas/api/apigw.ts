/** API Gateway REST (Lambda proxy integration) events to and from the router's own request/response. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiRequest, ApiResponse } from './http';

export function fromProxyEvent(event: APIGatewayProxyEvent): ApiRequest {
  const query: Record<string, string> = {};
  const repeated: string[] = [];
  const multi = event.multiValueQueryStringParameters ?? {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  for (const [k, vs] of Object.entries(multi)) {
    if (vs && vs.length > 1) repeated.push(k);
    if (vs && vs.length > 0 && query[k] === undefined) query[k] = vs[vs.length - 1] as string;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const identity = event.requestContext.identity;
  const principal = identity?.userArn ?? identity?.caller ?? undefined;
  const full = event.requestContext.path ?? '';
  const basePath = full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
  return {
    method: event.httpMethod,
    path: event.path,
    query,
    repeatedQuery: repeated,
    headers,
    requestId: event.requestContext.requestId,
    ...(basePath ? { basePath } : {}),
    ...(principal ? { iamPrincipal: principal } : {}),
    ...(identity?.sourceIp ? { sourceIp: identity.sourceIp } : {}),
  };
}

export function toProxyResult(res: ApiResponse): APIGatewayProxyResult {
  return { statusCode: res.status, headers: res.headers, body: res.body };
}
