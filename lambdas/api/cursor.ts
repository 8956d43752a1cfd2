/**
 * Opaque tokens the API hands out (next-page cursors and pending-query ids): base64url JSON sealed with
 * HMAC-SHA256. A caller can read nothing useful from one and cannot change it: any change breaks the MAC.
 * A cursor is bound to the query it continues (its canonical form is hashed into it).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

/** What a token looks like from outside (base64url body, `.`, base64url MAC), for the OpenAPI document. */
export const TOKEN_PATTERN = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';
export const TOKEN_MAX_LENGTH = 8192;

export class Sealer {
  private readonly key: Buffer;
  constructor(secret: string | Buffer) {
    this.key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (this.key.length < 16) throw new Error('the cursor secret must be at least 16 bytes');
  }

  seal(kind: string, payload: object, ttlMs = 24 * 3600_000, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ k: kind, x: now + ttlMs, p: payload }), 'utf8').toString(
      'base64url',
    );
    return `${body}.${this.mac(body)}`;
  }

  /** The payload, or a 400 naming `field` when the token is malformed, forged, expired or of another kind. */
  open<T>(kind: string, token: string, field: string, now = Date.now()): T {
    const invalid = (why: string) => new ApiError('bad_request', `${field}: ${why}`, { field });
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > TOKEN_MAX_LENGTH) throw invalid('is not a valid token');
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.mac(body), 'utf8');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
      throw invalid('is not a valid token');
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

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
