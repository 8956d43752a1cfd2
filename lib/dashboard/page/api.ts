/**
 * The dashboard's only source of figures: the lake's public HTTP API, called with the key the user typed.
 * Every answer is one of four outcomes a panel can show: data, "your role may not read this" (403), "this
 * server has no such route" (404), or an error with the API's own message.
 */

export type Outcome<T> =
  | { readonly kind: 'ok'; readonly data: T }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string; readonly status: number };

export class Unauthorized extends Error {}

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}

interface Page<R> {
  readonly data: R[];
  readonly page?: { readonly next?: string | null };
}

export type Row = Record<string, unknown>;

const KEY = 'lake.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

export class LakeApi {
  constructor(private readonly key: string) {}

  async get<T>(path: string): Promise<Outcome<T>> {
    let res: Response;
    try {
      res = await fetch(path, { headers: { 'x-api-key': this.key, accept: 'application/json' } });
    } catch (e) {
      return { kind: 'error', status: 0, message: `the server cannot be reached (${String(e)})` };
    }
    const body = (await res.json().catch(() => ({}))) as T & ErrorBody;
    const message = body.error?.message ?? `HTTP ${res.status}`;
    if (res.status === 401) throw new Unauthorized(message);
    if (res.status === 403) return { kind: 'forbidden', message };
    if (res.status === 404) return { kind: 'missing', message };
    if (res.status === 202)
      return { kind: 'error', status: 202, message: 'the query is still running: retry' };
    if (!res.ok) return { kind: 'error', status: res.status, message };
    return { kind: 'ok', data: body };
  }

  /** Every row of a rows or metrics route, following the signed cursor (bounded, so a huge range stays cheap). */
  async rows(path: string, params: Record<string, string>, maxPages = 20): Promise<Outcome<Row[]>> {
    const out: Row[] = [];
    let cursor: string | null | undefined;
    for (let i = 0; i < maxPages; i++) {
      const q = new URLSearchParams({ ...params, limit: '1000', ...(cursor ? { cursor } : {}) });
      const r = await this.get<Page<Row>>(`${path}?${q.toString()}`);
      if (r.kind !== 'ok') return r;
      out.push(...r.data.data);
      cursor = r.data.page?.next;
      if (!cursor) break;
    }
    return { kind: 'ok', data: out };
  }
}

export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return 0;
}

/** `YYYY-MM-DD` of a date, timestamp or ISO string. */
export function dayOf(v: unknown): string {
  return String(v).slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}
