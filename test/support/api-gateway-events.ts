/**
 * Event factories for tests (here and in the infrastructure tests): API Gateway REST proxy events as the
 * Lambda receives them, and the router's own requests. Not imported by the handler, so never bundled.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiRequest } from '../../lambdas/api/http';

export interface EventOptions {
  readonly method?: string;
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** the IAM principal API Gateway authenticated (requestContext.identity.userArn); null for none */
  readonly principal?: string | null;
  readonly requestId?: string;
  readonly stage?: string;
}

let counter = 0;
const nextId = (): string => `req-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** An API Gateway REST API (Lambda proxy integration) event for `GET path?query`. */
export function apiGatewayEvent(path: string, opts: EventOptions = {}): APIGatewayProxyEvent {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    const vs = typeof v === 'string' ? [v] : [...v];
    multi[k] = vs;
    single[k] = vs[vs.length - 1] as string;
  }
  const method = opts.method ?? 'GET';
  const principal =
    opts.principal === undefined ? 'arn:aws:iam::123456789012:role/LakeAnalyst' : opts.principal;
  const stage = opts.stage ?? 'prod';
  const requestId = opts.requestId ?? nextId();
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: { Host: 'api.example.test', ...opts.headers },
    multiValueHeaders: Object.fromEntries(
      Object.entries({ Host: 'api.example.test', ...opts.headers }).map(([k, v]) => [k, [v]]),
    ),
    queryStringParameters: Object.keys(single).length > 0 ? single : null,
    multiValueQueryStringParameters: Object.keys(multi).length > 0 ? multi : null,
    pathParameters: { proxy: path.replace(/^\//, '') },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/${stage}${path}`,
      stage,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: '/{proxy+}',
      identity: {
        accessKey: principal ? 'ASIAEXAMPLE' : null,
        accountId: principal ? '123456789012' : null,
        apiKey: null,
        apiKeyId: null,
        caller: principal ? 'AROAEXAMPLE:session' : null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '198.51.100.7',
        user: principal ? 'AROAEXAMPLE:session' : null,
        userAgent: 'jest',
        userArn: principal,
      },
    },
  };
}

/** The router's own request for `GET path?query`. */
export function apiRequest(
  path: string,
  opts: {
    method?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    iamPrincipal?: string;
  } = {},
): ApiRequest {
  return {
    method: opts.method ?? 'GET',
    path,
    query: opts.query ?? {},
    headers: opts.headers ?? {},
    requestId: nextId(),
    ...(opts.iamPrincipal ? { iamPrincipal: opts.iamPrincipal } : {}),
  };
}
