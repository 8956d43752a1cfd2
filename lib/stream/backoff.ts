/**
 * Retry timing: exponential backoff with full jitter (delay = random(0, min(cap, base * 2^(attempt-1)))), with a
 * bounded number of attempts. Randomness and sleeping are injectable so that tests run instantly and exactly.
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. @default 8 */
  readonly maxAttempts: number;
  /** @default 50 */
  readonly baseDelayMs: number;
  /** @default 2000 */
  readonly maxDelayMs: number;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2000 };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The ceiling of the delay after failed attempt number `attempt` (1-based). */
export function backoffCeiling(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** A full-jitter delay after failed attempt number `attempt`. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.floor((policy.random ?? Math.random)() * backoffCeiling(policy, attempt));
}

/** The most time a caller can spend sleeping before it gives up (the sum of the ceilings). */
export function maxTotalBackoff(policy: RetryPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) total += backoffCeiling(policy, attempt);
  return total;
}
