/**
 * Each construct owns its defaults in one object beside its props (`LAKE_ETL_DEFAULTS`, ...); the construct applies
 * them with `withDefaults`, and the environment config reports the same object, so a default is written once.
 */

/** `D`'s keys are always set; a prop given in `P` wins. */
export type WithDefaults<D, P> = Omit<P, keyof D> & {
  readonly [K in keyof D]-?: K extends keyof P ? Exclude<P[K], undefined> | D[K] : D[K];
};

/** `props` over `defaults`; a prop left `undefined` keeps its default (per key, like `??`: 0 and false are kept). */
export function withDefaults<D extends object, P extends object>(defaults: D, props: P): WithDefaults<D, P> {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(props)) if (v !== undefined) out[k] = v;
  return out as WithDefaults<D, P>;
}

/** Retention of every log group of the lake, in days. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;
