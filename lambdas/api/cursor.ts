/**
 * Opaque tokens the API hands out (next-page cursors and pending-query ids): base64url JSON sealed with
 * HMAC-SHA256. A caller can read nothing useful from one and cannot change it: any change breaks the MAC.
 * A cursor is bound to the query it continues (its canonical form is hashed into it).
 *
 * Keys rotate: a token is sealed with the current key and accepted under the current or a previous one, so that
 * cursors handed out just before a rotation keep working.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

/** The keys in force: seal with `current`, accept `current` and each of `previous`. */
export interface CursorKeys {
  readonly current: Buffer;
  readonly previous: readonly Buffer[];
}

export const MIN_KEY_BYTES = 16;

/** A key as a buffer, refused when shorter than MIN_KEY_BYTES. */
export function cursorKey(secret: string | Buffer, what = 'the cursor secret'): Buffer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.length < MIN_KEY_BYTES) throw new Error(`${what} must be at least ${MIN_KEY_BYTES} bytes`);
  return key;
}

export interface SealerOptions {
  /** Called when a well-formed token matches none of the keys (a newer key may exist: look again soon). */
  readonly onUnknownKey?: () => void;
}

export class Sealer {
  private readonly keys: () => CursorKeys;
  private readonly onUnknownKey: () => void;

  /** One fixed secret, or a source of the keys in force (read at each seal and open). */
  constructor(secret: string | Buffer | (() => CursorKeys), opts: SealerOptions = {}) {
    if (typeof secret === 'function') this.keys = secret;
    else {
      const fixed: CursorKeys = { current: cursorKey(secret), previous: [] };
      this.keys = () => fixed;
    }
    this.onUnknownKey = opts.onUnknownKey ?? (() => undefined);
  }

  seal(kind: string, payload: object, ttlMs = 24 * 3600_000, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ k: kind, x: now + ttlMs, p: payload }), 'utf8').toString(
      'base64url',
    );
    return `${body}.${mac(this.keys().current, body)}`;
  }

  /** The payload, or a 400 naming `field` when the token is malformed, forged, expired or of another kind. */
  open<T>(kind: string, token: string, field: string, now = Date.now()): T {
    const invalid = (why: string) => new ApiError('bad_request', `${field}: ${why}`, { field });
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 8192) throw invalid('is not a valid token');
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const { current, previous } = this.keys();
    const matches = (key: Buffer): boolean => {
      const expected = Buffer.from(mac(key, body), 'utf8');
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    if (![current, ...previous].some(matches)) {
      this.onUnknownKey();
      throw invalid('is not a valid token');
    }
    let parsed: { k?: unknown; x?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      throw invalid('is not a valid token');
    }
    if (parsed.k !== kind) throw invalid('is not a valid token');
    if (typeof parsed.x !== 'number' || parsed.x < now) throw invalid('has expired; start again without it');
    return parsed.p as T;
  }
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
