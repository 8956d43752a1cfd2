/**
 * DuckDB's query results live in native memory that V8 does not count: a result's chunks are freed only when the
 * garbage collector finalizes their JS wrappers, and V8, seeing a small heap, collects its old generation rarely.
 * Under a stream of API queries the resident size of `lake serve` then grew by several MB per query (on the demo
 * lake: 150 to 420 MB over 90 queries in a row, back to 150 MB after one full collection). The guard asks V8 for a
 * full collection whenever the resident size grew by `growthBytes` since the last one: a few milliseconds every few
 * dozen queries, instead of hundreds of MB of results nothing refers to any more.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface NativeMemoryGuardOptions {
  /** resident growth that triggers a collection @default 8 MiB */
  readonly growthBytes?: number;
  /** the process's resident size in bytes @default process.memoryUsage.rss */
  readonly rss?: () => number;
  /** a full garbage collection @default V8's own (exposed at run time) */
  readonly collect?: () => void;
}

let exposed: (() => void) | undefined;

/** V8's full collection, exposed at run time (the process was not started with --expose-gc). */
function fullCollection(): () => void {
  if (!exposed) {
    setFlagsFromString('--expose-gc');
    exposed = runInNewContext('gc') as () => void;
  }
  return exposed;
}

/** `engine` whose queries run the guard's check when each one ends. */
export function guarded<E extends { query(...args: never[]): Promise<unknown> }>(
  engine: E,
  check: () => void = nativeMemoryGuard(),
): E {
  return {
    ...engine,
    query: async (...args: Parameters<E['query']>) => {
      try {
        return await engine.query(...args);
      } finally {
        check();
      }
    },
  };
}

/** Returns a check to call after each query: it collects when the resident size grew past the bound. */
export function nativeMemoryGuard(opts: NativeMemoryGuardOptions = {}): () => void {
  const growth = opts.growthBytes ?? 8 * 1024 * 1024;
  const rss = opts.rss ?? (() => process.memoryUsage.rss());
  const collect = opts.collect ?? fullCollection();
  let base = rss();
  return () => {
    const now = rss();
    // the lowest size since the last collection: its finalizers free the results a little after it returns
    base = Math.min(base, now);
    if (now - base < growth) return;
    collect();
    base = rss();
  };
}
