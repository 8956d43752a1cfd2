/**
 * The local HTTP server of `lake serve`: node:http requests converted to the router's ApiRequest, the same
 * router the Lambda handler calls, with API keys, a token bucket per key and DuckDB behind it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRequest } from '../../lambdas/api/http';
import type { Router } from '../../lambdas/api/router';

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
  };
}

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startServer(
  router: Router,
  opts: { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
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
    router(apiReq).then(
      (out) => {
        res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
        res.end(req.method === 'HEAD' ? undefined : out.body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/json', 'x-request-id': apiReq.requestId });
        res.end(
          JSON.stringify({
            error: { code: 'internal', message: 'Internal error', details: { requestId: apiReq.requestId } },
          }),
        );
      },
    );
  });
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
