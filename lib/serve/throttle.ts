/**
 * A token bucket per caller (a key, or the address of a caller without a valid key): `burst` requests at once,
 * refilled at `ratePerSecond`. Over it: 429 + Retry-After.
 */
import { ApiError } from '../../lambdas/api/errors';

export interface ThrottleOptions {
  /** @default 20 */
  readonly ratePerSecond?: number;
  /** @default 40 */
  readonly burst?: number;
  readonly now?: () => number;
}

/** Buckets idle long enough to be full again are dropped, so that many addresses cannot grow the map for ever. */
const SWEEP_EVERY = 10_000;

export function tokenBucket(opts: ThrottleOptions = {}): (caller: string) => void {
  const rate = opts.ratePerSecond ?? 20;
  const burst = opts.burst ?? 40;
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let calls = 0;
  return (caller) => {
    const t = now();
    if (++calls % SWEEP_EVERY === 0)
      for (const [k, old] of buckets)
        if (old.tokens + ((t - old.at) / 1000) * rate >= burst) buckets.delete(k);
    const b = buckets.get(caller) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    buckets.set(caller, b);
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / rate));
      throw new ApiError(
        'throttled',
        caller.startsWith('address:')
          ? 'too many requests from this address'
          : 'too many requests for this key',
        { retryAfterSeconds: wait },
        { 'retry-after': String(wait) },
      );
    }
    b.tokens -= 1;
  };
}
