/**
 * Bench section `api`: on a 90-day generated lake, built by the real jobs,
 * - the local API's latency per route, p50 and p99, warm, over real HTTP on 127.0.0.1;
 * - files read by a one-day query against a full scan: Iceberg partition pruning (what Athena prunes by) and
 *   DuckDB's own `EXPLAIN ANALYZE` count.
 */
import { join } from 'node:path';
import { generateAndLand } from '../local/land';
import type { BenchContext, BenchSection } from './bench';
import type { LocalEngine } from '../local/sql-engine';
import { runJobs } from '../local/runner';
import { queryRouteByPath, queryRoutes } from '../../lambdas/api/routes';
import { parseQueryInput } from '../../lambdas/api/params';
import { buildQuery } from '../../lambdas/api/sql';
import { DuckDbEngine } from '../serve/duckdb-engine';
import { benchServer, percentiles, serveProcess, timed } from './local-api';

const DAY = 86_400_000;

/** Files DuckDB read, from an EXPLAIN ANALYZE profile (null when the profile does not say). */
export function filesReadFromProfile(text: string): number | null {
  const all = [...text.matchAll(/Total Files Read:\s*(\d+)/g)].map((m) => Number(m[1]));
  return all.length > 0 ? all.reduce((a, b) => a + b, 0) : null;
}

async function explainFiles(
  engine: LocalEngine,
  sql: string,
  params: readonly (string | number | boolean)[],
): Promise<number | null> {
  const r = await engine.query(`EXPLAIN ANALYZE ${sql}`, params);
  const text = r.rows.map((row) => Object.values(row).join('\n')).join('\n');
  return filesReadFromProfile(text);
}

async function run(b: BenchContext): Promise<void> {
  const days = Number(b.options.apiDays ?? process.env.LAKE_BENCH_API_DAYS ?? 90);
  const scale = Number(b.options.apiScale ?? process.env.LAKE_BENCH_API_SCALE ?? 0.25);
  const requests = Number(b.options.apiRequests ?? process.env.LAKE_BENCH_API_REQUESTS ?? 100);
  const mixed = Number(process.env.LAKE_BENCH_API_MIXED_REQUESTS ?? 10_000);
  const home = join(b.scratch, 'lake');
  b.ensureToolchain();
  b.log(`generating a ${days}-day lake (scale ${scale}) and running the jobs ...`);
  await generateAndLand(home, { days, scale, seed: 4 });
  const t0 = performance.now();
  const jobs = await runJobs(home, { onLog: () => undefined });
  b.figure({
    label: 'jobs on the generated lake',
    value: (performance.now() - t0) / 1000,
    unit: 's',
    note: jobs.reports.map((r) => `${r.dataset}:${r.status}`).join(' '),
  });

  const srv = await benchServer(home, 'admin');
  const { engine, key } = srv;
  try {
    const newest = new Map<string, number>();
    for (const r of queryRoutes) {
      const res = await engine.query(
        `SELECT max(${r.timeColumn}) AS t FROM ${r.table.database}.${r.table.name}`,
      );
      const t = res.rows[0]?.t;
      newest.set(
        r.path,
        typeof t === 'string' ? Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t) : Date.now(),
      );
    }
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const urls: [string, string][] = [
      ['/health', '/health'],
      ['/v1/datasets', '/v1/datasets'],
      ['/v1/datasets/{name}', '/v1/datasets/transactions'],
    ];
    for (const r of queryRoutes) {
      const end = Math.floor((newest.get(r.path) ?? Date.now()) / DAY) * DAY + DAY;
      const span = r.groupBy || r.table.database === 'curated' ? 30 : 1;
      urls.push([r.path, `${r.path}?from=${day(end - span * DAY)}&to=${day(end)}&limit=100`]);
    }
    for (const [label, url] of urls) {
      const call = async () => {
        const res = await fetch(srv.url + url, { headers: { 'x-api-key': key } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
      };
      const times = await timed(Array.from({ length: requests }), 5, call);
      percentiles(b, `GET ${label}`, times, `${requests} requests, warm`);
    }

    // a lean server: `lake serve` in its own process, as users start it; its resident memory after many mixed
    // requests, 4 at a time
    const served = await serveProcess(home);
    try {
      const rssBefore = served.residentMiB();
      let next = 0;
      let peak = rssBefore;
      const worker = async (): Promise<void> => {
        while (next < mixed) {
          const url = urls[next++ % urls.length]?.[1] ?? '/health';
          const res = await fetch(served.url + url, { headers: { 'x-api-key': key } });
          await res.arrayBuffer();
          if (next % 100 === 0) peak = Math.max(peak, served.residentMiB());
        }
      };
      const m0 = performance.now();
      await Promise.all([worker(), worker(), worker(), worker()]);
      const seconds = (performance.now() - m0) / 1000;
      b.figure({
        label: `lake serve resident memory after ${mixed.toLocaleString('en-US')} mixed requests`,
        value: served.residentMiB(),
        unit: 'MiB',
        note: `its own process: ${rssBefore.toFixed(0)} MiB before, ${seconds.toFixed(0)} s; goal: under 300 MB`,
      });
      b.figure({
        label: `lake serve resident memory, highest during the ${mixed.toLocaleString('en-US')} requests`,
        value: peak,
        unit: 'MiB',
        note: 'read every 100 requests',
      });
    } finally {
      await served.close();
    }

    // files read: one day of server logs against the whole table
    const logs = engine.tables().find((t) => t.contract.name === 'server_logs');
    const files = logs?.files ?? [];
    const last = Math.floor((newest.get('/v1/server-logs') ?? Date.now()) / DAY) * DAY;
    const oneDay = day(last);
    const pruned = files.filter((f) => Object.values(f.partition).some((v) => String(v) === oneDay));
    b.figure({ label: 'server_logs data files in the current snapshot', value: files.length, unit: 'files' });
    b.figure({
      label: `Iceberg partition pruning, one day (${oneDay})`,
      value: pruned.length,
      unit: 'files',
      note: `of ${files.length}`,
    });
    // the /v1/server-logs query of that day, as the server builds it: over the view, and over the pruned files
    const route = queryRouteByPath('/v1/server-logs');
    if (!route) throw new Error('no /v1/server-logs route');
    const input = parseQueryInput(route, 'admin', { from: oneDay, to: day(last + DAY) });
    for (const [label, prune] of [
      ['whole view (no pruning)', false],
      ['pruned by the manifests', true],
    ] as const) {
      const q = buildQuery(route, input, new DuckDbEngine(engine, { prune }));
      const read = await explainFiles(engine, q.sql, q.params);
      if (read === null) b.log('DuckDB did not report files read in its profile');
      else
        b.figure({
          label: `files DuckDB read for a one-day /v1/server-logs query, ${label}`,
          value: read,
          unit: 'files',
          note: `EXPLAIN ANALYZE; of ${files.length}`,
        });
    }
  } finally {
    await srv.close();
  }
}

export const apiSection: BenchSection = {
  name: 'api',
  title: 'API: local latency per route, and files read by a one-day query',
  run,
};
