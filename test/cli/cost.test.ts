/** `lake cost` through the real entry point (node bin/lake.js): the estimate of cdk.json's environments. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CostEstimate } from '../../lib/cost/estimate';
import { lakeAsync } from '../support/cli';

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lake-cost-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

async function costJson(args: string[]): Promise<CostEstimate> {
  const r = await lakeAsync(['cost', '--json', ...args], { home });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(r.stdout) as CostEstimate;
}

describe('lake cost', () => {
  it('estimates dev by default and prod on request, from their cdk.json settings', async () => {
    const [dev, prod] = await Promise.all([costJson([]), costJson(['--env', 'prod'])]);
    expect([dev.env, prod.env]).toEqual(['dev', 'prod']);
    expect(dev.lines.some((l) => l.service === 'WAF')).toBe(false);
    expect(prod.lines.some((l) => l.service === 'WAF')).toBe(true);
    expect(prod.lines.some((l) => /provisioned shard/.test(l.item))).toBe(true);
    expect(dev.totalUsd).toBeCloseTo(
      dev.services.reduce((n, s) => n + s.monthlyUsd, 0),
      6,
    );
  });

  it('takes the volume and the API traffic from its flags', async () => {
    const [small, big] = await Promise.all([
      costJson(['--gb-per-day', '1', '--api-requests-per-day', '100']),
      costJson(['--gb-per-day', '20', '--api-requests-per-day', '100000']),
    ]);
    expect([big.workload.gbPerDay, big.workload.apiRequestsPerDay]).toEqual([20, 100000]);
    expect(big.totalUsd).toBeGreaterThan(small.totalUsd);
  });

  it("measures the jobs' throughput from the lake home's run reports", async () => {
    const dir = join(home, 'reports', 'transactions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, '20261201T020000Z-aaaaaa.json'),
      JSON.stringify({
        dataset: 'transactions',
        started_at: '2026-12-01T02:00:00.000Z',
        status: 'succeeded',
        input_rows: 1_000_000,
        duration_ms: 50_000,
      }),
    );
    const e = await costJson([]);
    expect(e.workload.throughput.transactions.source).toBe('measured');
    expect(e.workload.throughput.ad_events.source).toBe('default');
  });

  it('prints a table per line and per service with the total', async () => {
    const r = await lakeAsync(['cost'], { home });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^dev: about \$\d+\.\d\d a month/);
    expect(r.stdout).toMatch(/\ntotal +\$\d+\.\d\d\n/);
    expect(r.stdout).toContain('note: List prices of us-east-1 as of');
  });

  it.each([
    [['--gb-per-day', '-3'], 1, /--gb-per-day must be a number from 0 to/],
    [['--api-requests-per-day', 'many'], 1, /--api-requests-per-day must be a number from 0 to/],
    [['--env', 'staging'], 2, /environment 'staging' is not in cdk.json .*known: dev, prod/],
    [['--shards', '3'], 2, /unknown option '--shards'/],
  ])('%j is refused with a clear message', async (args, status, message) => {
    const r = await lakeAsync(['cost', ...args], { home });
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    noStack(r.stderr);
  });
});
