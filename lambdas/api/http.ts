/**
 * The router's own request and response: independent of how a request arrives (API Gateway proxy event on
 * Lambda, node:http locally). Adapters at the edge convert to and from these.
 */
export interface ApiRequest {
  readonly method: string;
  /** path without the stage prefix or the query string, e.g. `/v1/transactions` */
  readonly path: string;
  /** single-valued query-string parameters (a repeated parameter is a 400, see params.ts) */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** query-string parameters that appeared more than once */
  readonly repeatedQuery?: readonly string[];
  /** header names lower-cased */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly requestId: string;
  /** the prefix before `path` in the URL the caller used (API Gateway stage or base path), for links */
  readonly basePath?: string;
  /** the IAM principal API Gateway authenticated (SigV4), when the request came through API Gateway */
  readonly iamPrincipal?: string;
  /** the client's network address: callers without valid credentials are throttled by it */
  readonly sourceIp?: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The API's version, as /health and the OpenAPI document tell it. */
export const API_VERSION = '1.0.0';

export function json(status: number, payload: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(payload),
  };
}

/**
 * What the request's query scanned, in bytes: Athena's `DataScannedInBytes` on AWS, the bytes of the data files the
 * pruned scan read locally, 0 for answers from the contracts and metadata alone. The figure a cost estimate uses.
 */
export const SCANNED_BYTES_HEADER = 'x-lake-scanned-bytes';

/** The response with the scanned-bytes header, when the engine told the figure. */
export function scanned(res: ApiResponse, bytes: number | undefined): ApiResponse {
  if (bytes === undefined) return res;
  return { ...res, headers: { ...res.headers, [SCANNED_BYTES_HEADER]: String(bytes) } };
}
