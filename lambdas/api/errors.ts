import { json, type ApiResponse } from './http';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'headers_too_large'
  | 'throttled'
  | 'query_failed'
  | 'query_cancelled'
  | 'internal';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  headers_too_large: 431,
  throttled: 429,
  query_failed: 502,
  query_cancelled: 409,
  internal: 500,
};

/** Every code an error answer may carry (the OpenAPI document enumerates them). */
export const errorCodes = Object.keys(statusOf) as ErrorCode[];

/** An error the caller may see: its code, message and details are part of the API. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return statusOf[this.code];
  }
}

export const badRequest = (field: string, message: string, extra: Record<string, unknown> = {}): ApiError =>
  new ApiError('bad_request', `${field}: ${message}`, { field, ...extra });

/**
 * The one place that maps an error to HTTP. ApiErrors keep their code; anything else becomes a 500 that
 * names only the request id (the cause goes to the log, never to the caller).
 */
export function errorResponse(
  err: unknown,
  requestId: string,
): { response: ApiResponse; unexpected: boolean } {
  if (err instanceof ApiError) {
    return {
      response: json(
        err.status,
        { error: { code: err.code, message: err.message, details: err.details } },
        err.headers,
      ),
      unexpected: false,
    };
  }
  return {
    response: json(500, {
      error: {
        code: 'internal',
        message: 'Internal error; quote the request id when reporting it.',
        details: { requestId },
      },
    }),
    unexpected: true,
  };
}
