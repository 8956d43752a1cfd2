/**
 * The summary of what the local server's queries scanned: a real server over the fixture lake (HTTP on 127.0.0.1)
 * answers queries, the summary in the lake home then holds their count and the sum of their `x-lake-scanned-bytes`,
 * per route, written on flush and on close (not per request), and `lake cost` takes its bytes per query from it.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLogger } from '../../lambdas/api/logger';
import type { CostEstimate } from '../../lib/cost/estimate';
import { openLocalEngine, type LocalEngine } from '../../lib/local/sql-engine';
import { createKey } from '../../lib/serve/api-keys';
import { createLocalRouter } from '../../lib/serve/local-app';
import {
  readScanSummary,
  scanRecorder,
  scanSummaryFile,
  type ScanRecorder,
} from '../../lib/serve/scan-summary';
import { startServer, type RunningServer } from '../../lib/serve/server';
import { lakeAsync } from '../support/cli';
import { fixtureLake, fixtureParams } from '../support/fixture-lake';

let home: string;
let lake: LocalEngine;
let srv: RunningServer;
let scans: ScanRecorder;
let key: string;

const from = fixtureParams.start;
const to = new Date(Date.parse(`${from}T00:00:00Z`) + fixtureParams.days * 86_400_000)
  .toISOString()
  .slice(0, 10);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lake-scans-'));
  key = createKey(home, 'admin', 'scans').key;
  lake = await openLocalEngine(fixtureLake().home);
  // written only when asked (flush, close) within this test: a minute between timed writes
  scans = scanRecorder({ home, tables: () => lake.tables(), flushMs: 60_000 });
  const router = createLocalRouter({
    home,
    metadataHome: fixtureLake().home,
    engine: lake,
    scans,
    logger: jsonLogger({ write: () => undefined }),
    throttle: { ratePerSecond: 1000, burst: 1000 },
  });
  srv = await startServer(router, { port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await srv?.close();
  scans?.close();
  await lake?.close();
  rmSync(home, { recursive: true, force: true });
});

/** GET, and the scanned bytes the answer says. */
async function get(path: string): Promise<{ status: number; scanned: number | undefined }> {
  const res = await fetch(`${srv.url}${path}`, { headers: { 'x-api-key': key } });
  await res.arrayBuffer();
  const h = res.headers.get('x-lake-scanned-bytes');
  return { status: res.status, scanned: h === null ? undefined : Number(h) };
}

describe('the scanned-bytes summary of lake serve', () => {
  it('counts the queries it answered and their scanned bytes, per route; metadata and errors are no queries', async () => {
    const queries = [
      `/v1/transactions?from=${from}&to=${to}`,
      `/v1/transactions?from=${from}&to=${from}T12:00:00Z`,
      `/v1/metrics/traffic?from=${from}&to=${to}`,
      `/v1/metrics/daily-sales?from=${from}&to=${to}`,
      `/v1/metrics/daily-sales?from=${from}&to=${to}&category=sports`,
    ];
    const expected: Record<string, { queries: number; bytes: number }> = {};
    for (let i = 0; i < 3; i++)
      for (const q of queries) {
        const r = await get(q);
        expect([q, r.status]).toEqual([q, 200]);
        expect(r.scanned).toBeGreaterThan(0);
        const route = q.slice(0, q.indexOf('?'));
        const e = (expected[route] ??= { queries: 0, bytes: 0 });
        e.queries += 1;
        e.bytes += r.scanned ?? 0;
      }
    // answers from the metadata and the contracts scan nothing and run no query; a refused request neither
    expect((await get('/v1/pipelines')).scanned).toBe(0);
    expect((await get('/v1/catalog/search?q=revenue')).scanned).toBe(0);
    expect((await get(`/v1/transactions?from=${to}&to=${from}`)).status).toBe(400);

    // nothing is written per request
    expect(existsSync(scanSummaryFile(home))).toBe(false);
    scans.flush();
    const s = readScanSummary(home);
    expect(s?.routes).toEqual(expected);
    expect(s?.queries).toBe(15);
    expect(s?.bytes).toBe(Object.values(expected).reduce((n, e) => n + e.bytes, 0));

    // the lake it read: the processed tables' files, as the file system sizes them, over the fixture's days
    const processed = lake.tables().filter((t) => t.qualifiedName.startsWith('processed.'));
    const onDisk = processed.flatMap((t) => t.files).reduce((n, f) => n + statSync(f.path).size, 0);
    expect(s?.lake?.processedBytes).toBe(onDisk);
    expect(s?.lake?.days).toBeGreaterThanOrEqual(fixtureParams.days);
    expect(s?.lake?.processedBytesPerDay).toBeGreaterThan(0);
    expect(s?.lake?.processedBytesPerDay).toBeLessThanOrEqual(onDisk);

    // more queries add to what the file holds, on close
    const more = await get(queries[0] as string);
    scans.close();
    const after = readScanSummary(home);
    expect(after?.queries).toBe(16);
    expect(after?.routes['/v1/transactions']).toEqual({
      queries: 7,
      bytes: (expected['/v1/transactions']?.bytes ?? 0) + (more.scanned ?? 0),
    });
    expect(after?.since).toBe(s?.since);
  });

  it('lake cost takes its bytes per query from it: source measured', async () => {
    const r = await lakeAsync(['cost', '--json'], { home });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const e = JSON.parse(r.stdout) as CostEstimate;
    const s = readScanSummary(home);
    expect(e.workload.bytesScanned.source).toBe('measured');
    expect(e.workload.bytesScanned.measured?.queries).toBe(16);
    expect(e.workload.bytesScanned.measured?.localBytesPerQuery).toBeCloseTo((s?.bytes ?? 0) / 16, 6);
    expect(e.workload.bytesScanned.measured?.localProcessedBytesPerDay).toBe(s?.lake?.processedBytesPerDay);
  });
});
