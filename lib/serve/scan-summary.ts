/**
 * What the local server's queries scanned, kept as a small running summary in the lake home
 * (`<home>/state/scanned-bytes.json`): how many answers ran a query and the bytes they scanned (each answer's
 * `x-lake-scanned-bytes`), in all and per route, with the processed data volume of the lake they read. `lake cost`
 * scales it to a workload (lib/cost/bytes-per-query.ts).
 *
 * Counted: the 2xx answers of the query routes, and of any other route whose answer scanned something (a dataset's
 * statistics); answers from the contracts and the metadata alone run no query, locally or on Athena, and are not
 * counted. A request only adds to counters in memory; the file is written at most once every `flushMs` and on close,
 * adding what was counted since the last write to what the file holds then (so two servers on one home add up).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SCANNED_BYTES_HEADER, type ApiRequest, type ApiResponse } from '../../lambdas/api/http';
import type { Router } from '../../lambdas/api/router';
import { matchRoute } from '../../lambdas/api/routes';
import { layout } from '../local/layout';
import type { EngineTable } from '../local/sql-engine';

export interface ScanTotals {
  readonly queries: number;
  readonly bytes: number;
}

/** The processed tables a server read: their bytes, and those of one day of data. */
export interface LakeVolume {
  readonly processedBytes: number;
  /** the sum over processed tables of each table's bytes per day of data it holds */
  readonly processedBytesPerDay: number;
  /** the most days of data a processed table holds */
  readonly days: number;
}

export interface ScanSummary extends ScanTotals {
  readonly format: 1;
  /** when the first counted query was written */
  readonly since: string;
  readonly updatedAt: string;
  /** by route path (`/v1/transactions`, `/v1/datasets/{name}`) */
  readonly routes: Readonly<Record<string, ScanTotals>>;
  /** the lake the server read at the last write; null when it had no processed data */
  readonly lake: LakeVolume | null;
}

export function scanSummaryFile(home: string): string {
  return join(layout(home).state, 'scanned-bytes.json');
}

/** The summary kept in the lake home; null when there is none, or it is not one (a summary is never an error). */
export function readScanSummary(home: string): ScanSummary | null {
  const file = scanSummaryFile(home);
  if (!existsSync(file)) return null;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<ScanSummary>;
    return doc.format === 1 && Number.isFinite(doc.queries) && Number.isFinite(doc.bytes)
      ? (doc as ScanSummary)
      : null;
  } catch {
    return null;
  }
}

/**
 * The processed tables' volume: per table its data files' bytes over the days its day partitions hold (a table
 * with no day partition is spread over the most days another table holds).
 */
export function lakeVolume(tables: readonly EngineTable[]): LakeVolume | null {
  const processed = tables
    .filter((t) => t.qualifiedName.startsWith('processed.'))
    .map((t) => {
      const dayFields = (t.snapshot?.metadata.partitionSpec ?? []).filter((f) => f.transform === 'day');
      const days = new Set(
        t.files.flatMap((f) => dayFields.map((d) => String(f.partition[d.name] ?? ''))).filter((d) => d),
      );
      return { bytes: t.files.reduce((n, f) => n + f.fileSizeBytes, 0), days: days.size };
    })
    .filter((t) => t.bytes > 0);
  if (processed.length === 0) return null;
  const days = Math.max(1, ...processed.map((t) => t.days));
  return {
    processedBytes: processed.reduce((n, t) => n + t.bytes, 0),
    processedBytesPerDay: processed.reduce((n, t) => n + t.bytes / (t.days || days), 0),
    days,
  };
}

/** The route an answer is counted under, and its scanned bytes; undefined when it ran no query. */
export function countedScan(req: ApiRequest, res: ApiResponse): { route: string; bytes: number } | undefined {
  const header = res.headers[SCANNED_BYTES_HEADER];
  if (header === undefined || res.status < 200 || res.status >= 300) return undefined;
  const bytes = Number(header);
  const route = matchRoute(req.path)?.route;
  if (!route || !Number.isFinite(bytes) || bytes < 0) return undefined;
  return route.kind === 'query' || bytes > 0 ? { route: route.path, bytes } : undefined;
}

export interface ScanRecorderOptions {
  readonly home: string;
  /** the tables the server reads, for the lake's volume at each write */
  readonly tables: () => readonly EngineTable[];
  /** the longest a counted query waits to be written (ms) @default 5000 */
  readonly flushMs?: number;
  readonly now?: () => Date;
  /** a timed write that failed (what it held is kept for the next) @default ignored */
  readonly onError?: (e: Error) => void;
}

export interface ScanRecorder {
  /** counts the answer if it ran a query (in memory; written later) */
  observe(req: ApiRequest, res: ApiResponse): void;
  /** writes what was counted now */
  flush(): void;
  /** writes what is left, and stops */
  close(): void;
}

function add(a: ScanTotals | undefined, b: ScanTotals): ScanTotals {
  return { queries: (a?.queries ?? 0) + b.queries, bytes: (a?.bytes ?? 0) + b.bytes };
}

export function scanRecorder(opts: ScanRecorderOptions): ScanRecorder {
  const now = opts.now ?? (() => new Date());
  const flushMs = opts.flushMs ?? 5000;
  let pending = new Map<string, ScanTotals>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    const counted = pending;
    pending = new Map();
    try {
      write(counted);
    } catch (e) {
      // kept for the next write
      for (const [route, t] of counted) pending.set(route, add(pending.get(route), t));
      throw e;
    }
  }

  function write(counted: ReadonlyMap<string, ScanTotals>): void {
    const old = readScanSummary(opts.home);
    const routes: Record<string, ScanTotals> = { ...(old?.routes ?? {}) };
    let total: ScanTotals = { queries: old?.queries ?? 0, bytes: old?.bytes ?? 0 };
    for (const [route, t] of counted) {
      routes[route] = add(routes[route], t);
      total = add(total, t);
    }
    const at = now().toISOString();
    const summary: ScanSummary = {
      format: 1,
      ...total,
      since: old?.since ?? at,
      updatedAt: at,
      routes,
      lake: lakeVolume(opts.tables()) ?? old?.lake ?? null,
    };
    const file = scanSummaryFile(opts.home);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(summary, null, 2) + '\n');
    renameSync(tmp, file);
  }

  return {
    observe(req, res) {
      const scan = closed ? undefined : countedScan(req, res);
      if (!scan) return;
      pending.set(scan.route, add(pending.get(scan.route), { queries: 1, bytes: scan.bytes }));
      if (!timer) {
        timer = setTimeout(() => {
          try {
            flush();
          } catch (e) {
            opts.onError?.(e as Error);
          }
        }, flushMs);
        timer.unref();
      }
    },
    flush,
    close() {
      closed = true;
      flush();
    },
  };
}

/** The router, with each answer shown to the recorder after it is made. */
export function recordingScans(router: Router, recorder: ScanRecorder): Router {
  return async (req) => {
    const res = await router(req);
    recorder.observe(req, res);
    return res;
  };
}
