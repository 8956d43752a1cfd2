/**
 * The local HTTP server of `lake serve`: node:http requests converted to the router's ApiRequest, the same
 * router the Lambda handler calls, with API keys, a token bucket per key and DuckDB behind it; and, when given, the
 * dashboard's static files.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApiError, errorResponse } from '../../lambdas/api/errors';
import type { ApiRequest, ApiResponse } from '../../lambdas/api/http';
import type { Router } from '../../lambdas/api/router';
import type { StaticAssets } from './static-assets';

/** The request line and headers together may take this many bytes (node's default); more answers 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

export function fromNodeRequest(req: IncomingMessage): ApiRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [k, v] of url.searchParams) {
    if (k in query) repeated.add(k);
    query[k] = v;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query,
    repeatedQuery: [...repeated],
    headers,
    requestId: randomUUID(),
    ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}),
  };
}

/**
 * A request node:http cannot parse never reaches the router (no path, no headers to read): it gets the API's JSON
 * error and a request id all the same, written on the socket, which is then closed.
 */
function answerUnparsable(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW' || err.code === 'HPE_URI_OVERFLOW';
  const { response } = errorResponse(
    tooLarge
      ? new ApiError(
          'headers_too_large',
          `the request line and headers exceed ${MAX_HEADER_BYTES} bytes; send a shorter URL or fewer headers`,
          { maxBytes: MAX_HEADER_BYTES },
        )
      : new ApiError('bad_request', 'the request is not valid HTTP/1.1', { field: 'request' }),
    requestId,
  );
  socket.end(rawResponse({ ...response, headers: { ...response.headers, 'x-request-id': requestId } }));
}

function rawResponse(r: ApiResponse): string {
  const headers = { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)), connection: 'close' };
  return (
    `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    `\r\n${r.body}`
  );
}

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startServer(
  router: Router,
  opts: { port?: number; host?: string; assets?: StaticAssets } = {},
): Promise<RunningServer> {
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES },
    (req: IncomingMessage, res: ServerResponse) => {
      req.resume(); // GET only: any body is ignored
      let apiReq: ApiRequest;
      try {
        apiReq = fromNodeRequest(req);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'bad_request', message: 'malformed request line', details: {} } }),
        );
        return;
      }
      const asset = opts.assets?.(apiReq.method, apiReq.path);
      if (asset) {
        res.writeHead(asset.status, {
          ...asset.headers,
          'content-length': asset.body.length,
          'x-request-id': apiReq.requestId,
        });
        res.end(req.method === 'HEAD' ? undefined : asset.body);
        return;
      }
      router(apiReq).then(
        (out) => {
          res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
          res.end(req.method === 'HEAD' ? undefined : out.body);
        },
        () => {
          res.writeHead(500, { 'content-type': 'application/json', 'x-request-id': apiReq.requestId });
          res.end(
            JSON.stringify({
              error: {
                code: 'internal',
                message: 'Internal error',
                details: { requestId: apiReq.requestId },
              },
            }),
          );
        },
      );
    },
  );
  server.on('clientError', answerUnparsable);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
