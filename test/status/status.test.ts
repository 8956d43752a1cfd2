import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableContract } from '../../lib/contracts';
import { readRunReports } from '../../lib/local/runner';
import { localPipelineStatus } from '../../lib/status/local-status';
import { lakeAsync } from '../support/cli';
import { copyFixtureLake, fixtureLake } from '../support/fixture-lake';

const plus = (iso: string, minutes: number): Date => new Date(Date.parse(iso) + minutes * 60000);

describe('pipeline status', () => {
  it('an empty lake is red with an explanation, not an error', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lake-status-'));
    try {
      const s = await localPipelineStatus(home, { stream: false });
      expect([s.light, s.empty]).toEqual(['red', true]);
      const cli = await lakeAsync(['status', '--no-stream'], { home });
      expect(cli.status).toBe(1);
      expect(cli.stdout).toMatch(/no job runs yet.*\n.*lake etl/);
      expect(cli.stderr).toBe('');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('reports the last run of each job with its counts, and respects each objective', async () => {
    const home = fixtureLake().home;
    const last = readRunReports(home, 'transactions').at(-1);
    expect(last).toBeDefined();
    const at = plus(last?.started_at ?? '', 5);
    const s = await localPipelineStatus(home, { stream: false, now: at });
    const tx = s.tables.find((t) => t.table === 'transactions');
    expect(tx?.lastRun).toMatchObject({
      runId: last?.run_id,
      inputRows: last?.input_rows,
      outputRows: last?.output_rows,
    });
    expect(tx?.freshness).toMatchObject({ state: 'fresh', ageMinutes: 5, objectiveMinutes: 26 * 60 });
    const later = await localPipelineStatus(home, {
      stream: false,
      now: plus(last?.started_at ?? '', 27 * 60),
    });
    expect(later.tables.find((t) => t.table === 'transactions')?.freshness.state).toBe('stale');
    expect(later.light).toBe('red');
    expect(later.problems.join('\n')).toMatch(
      /transactions: last successful run \d+ min ago, objective 1560 min/,
    );
  });

  it('turns red when a table misses its objective and green again after a run', async () => {
    const copy = copyFixtureLake();
    const home = copy.home;
    const daily = { ...tableContract('daily_sales'), freshnessObjectiveMinutes: 10 };
    const before = readRunReports(home, 'daily_sales').at(-1)?.started_at ?? '';
    const late = await localPipelineStatus(home, { stream: false, tables: [daily], now: plus(before, 11) });
    expect(late.light).toBe('red');
    const run = await lakeAsync(['etl', 'daily_sales', '--json'], { home });
    expect(run.status).toBe(0);
    const after = readRunReports(home, 'daily_sales').at(-1)?.started_at ?? '';
    expect(after > before).toBe(true);
    const again = await localPipelineStatus(home, { stream: false, tables: [daily], now: plus(after, 1) });
    expect([again.light, again.tables[0]?.freshness.state]).toEqual(['green', 'fresh']);
    copy.cleanup();
  });
});
