/**
 * Wires the router for `lake serve`: DuckDB over the lake home, API keys, a token bucket per key, the lake
 * home's reports and lineage events behind the metadata routes, and the summary of what its queries scanned.
 */
import type { LocalEngine } from '../local/sql-engine';
import { SYNC_BUDGET_MS } from '../../lambdas/api/config';
import { Sealer } from '../../lambdas/api/cursor';
import { jsonLogger, type ApiLogger } from '../../lambdas/api/logger';
import type { ExampleRange } from '../../lambdas/api/openapi';
import { createRouter, type Router } from '../../lambdas/api/router';
import { localCursorSecret } from './api-keys';
import { DuckDbEngine } from './duckdb-engine';
import { apiKeyAuthenticator } from './local-auth';
import { localMetadata } from './local-metadata';
import { recordingScans, type ScanRecorder } from './scan-summary';
import { tokenBucket, type ThrottleOptions } from './throttle';

export interface LocalApiOptions {
  readonly home: string;
  /** opened with `olderVersions` for `as_of` to read older versions */
  readonly engine: Pick<LocalEngine, 'home' | 'query' | 'tables'> &
    Partial<Pick<LocalEngine, 'olderVersions'>>;
  readonly logger?: ApiLogger;
  /** @default SYNC_BUDGET_MS.default (10000) */
  readonly syncBudgetMs?: number;
  readonly throttle?: ThrottleOptions;
  readonly serverUrl?: string;
  /** the days the OpenAPI examples use: days the lake holds */
  readonly examples?: ExampleRange;
  /** the lake home whose facts, reports and lineage the metadata routes answer from @default `home` */
  readonly metadataHome?: string;
  /** counts what the answered queries scanned, for `lake cost` @default none */
  readonly scans?: ScanRecorder;
}

export function createLocalRouter(opts: LocalApiOptions): Router {
  const router = createRouter({
    engine: new DuckDbEngine(opts.engine),
    authenticate: apiKeyAuthenticator(opts.home),
    throttle: tokenBucket(opts.throttle),
    logger: opts.logger ?? jsonLogger({ service: 'lake-serve' }),
    sealer: new Sealer(localCursorSecret(opts.home)),
    metadata: localMetadata(opts.metadataHome ?? opts.home),
    syncBudgetMs: opts.syncBudgetMs ?? SYNC_BUDGET_MS.default,
    ...(opts.serverUrl ? { serverUrl: opts.serverUrl } : {}),
    ...(opts.examples ? { examples: opts.examples } : {}),
  });
  return opts.scans ? recordingScans(router, opts.scans) : router;
}
