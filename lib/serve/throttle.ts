/** A token bucket per caller: `burst` requests at once, refilled at `ratePerSecond`. Over it: 429 + Retry-After. */
import { ApiError } from '../../lambdas/api/errors';
import type { Principal } from '../../lambdas/api/router';

export interface ThrottleOptions {
  /** @default 20 */
  readonly ratePerSecond?: number;
  /** @default 40 */
  readonly burst?: number;
  readonly now?: () => number;
}

export function tokenBucket(opts: ThrottleOptions = {}): (p: Principal) => void {
  const rate = opts.ratePerSecond ?? 20;
  const burst = opts.burst ?? 40;
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (p) => {
    const t = now();
    const b = buckets.get(p.id) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    buckets.set(p.id, b);
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / rate));
      throw new ApiError(
        'throttled',
        'too many requests for this key',
        { retryAfterSeconds: wait },
        { 'retry-after': String(wait) },
      );
    }
    b.tokens -= 1;
  };
}
