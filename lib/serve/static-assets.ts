/**
 * The dashboard's files, served by `lake serve` beside the API. They hold no data (every figure is fetched from
 * the API with the user's key), so they need no key; the headers keep the page to its own origin.
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface StaticResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Answers the paths it serves (GET and HEAD), undefined for every other request. */
export type StaticAssets = (method: string, path: string) => StaticResponse | undefined;

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const headers = {
  // the page's script and style come from this server only; it talks to this server only
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Serves `files` (URL path -> file name in `dir`), read once at start-up. */
export function staticAssets(dir: string, files: Readonly<Record<string, string>>): StaticAssets {
  const loaded = new Map<string, StaticResponse>();
  for (const [path, name] of Object.entries(files)) {
    const body = readFileSync(join(dir, name));
    loaded.set(path, {
      status: 200,
      headers: { ...headers, 'content-type': types[extname(name)] ?? 'application/octet-stream' },
      body,
    });
  }
  return (method, path) => {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    return loaded.get(path);
  };
}
