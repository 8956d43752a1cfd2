/**
 * Bench section `maintain`: `lake maintain` on a streamed ad_events table with many small files (built cheaply by
 * `python -m lake_jobs.small_files`: many small commits in one Spark session, one file per day partition and
 * commit): files and bytes before and after, the maintenance's wall clock, and a one-day query's time through the
 * local engine before and after. Knobs: LAKE_BENCH_MAINTAIN_DAYS (default 7; 90 for the issue's table),
 * LAKE_BENCH_MAINTAIN_COMMITS (default 24), LAKE_BENCH_MAINTAIN_ROWS (events per commit and day, default 500).
 */
import { join } from 'node:path';
import { runCollected, sparkEnv } from '../local/processes';
import { runJobs } from '../local/runner';
import { openLocalEngine } from '../local/sql-engine';
import { repoRoot, venvPython } from '../setup/toolchain';
import type { UpkeepDetails } from '../local/upkeep';
import type { BenchContext, BenchSection } from './bench';

/** Median wall clock of `runs` one-day queries (the first opens the engine's caches: run once before). */
async function oneDayQueryMs(home: string, day: string, runs = 5): Promise<number> {
  const engine = await openLocalEngine(home);
  try {
    const sql =
      'SELECT campaign_id, count(*) AS events, sum(cost_usd) AS cost FROM processed.ad_events WHERE event_date = ? GROUP BY 1';
    await engine.query(sql, [day]);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await engine.query(sql, [day]);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] as number;
  } finally {
    await engine.close();
  }
}

function knob(b: BenchContext, option: string, env: string, fallback: number): number {
  return Number(b.options[option] ?? process.env[env] ?? fallback);
}

export const maintainSection: BenchSection = {
  name: 'maintain',
  title:
    'Maintain: compaction of a streamed ad_events table with many small files (local Spark, local engine)',
  async run(b) {
    b.ensureToolchain();
    const home = join(b.scratch, 'maintain-lake');
    const days = knob(b, 'maintainDays', 'LAKE_BENCH_MAINTAIN_DAYS', 7);
    const commits = knob(b, 'maintainCommits', 'LAKE_BENCH_MAINTAIN_COMMITS', 24);
    const rows = knob(b, 'maintainRows', 'LAKE_BENCH_MAINTAIN_ROWS', 500);
    b.log(`building ad_events: ${days} days x ${commits} small commits of ${rows} events a day ...`);
    const built = await runCollected(
      venvPython,
      [
        '-m',
        'lake_jobs.small_files',
        '--home',
        home,
        '--days',
        String(days),
        '--commits',
        String(commits),
        '--rows',
        String(rows),
      ],
      { cwd: join(repoRoot, 'glue-jobs'), env: sparkEnv(venvPython) },
    );
    const line = built.stdout.trim().split('\n').pop() ?? '';
    if (built.status !== 0 || !line.startsWith('{'))
      throw new Error(`lake_jobs.small_files failed (exit ${built.status}): ${built.stderr.slice(-2000)}`);
    const table = JSON.parse(line) as { rows: number; one_day: string };
    const day = table.one_day;
    const before = await oneDayQueryMs(home, day);

    const t0 = performance.now();
    const result = await runJobs(home, {
      maintenance: { op: 'maintain', tables: ['processed.ad_events'] },
      onLog: () => undefined,
    });
    const wallMs = performance.now() - t0;
    const report = result.reports[0];
    if (!report || report.status !== 'succeeded')
      throw new Error(`lake maintain did not succeed: ${report?.error ?? `exit ${result.exitCode}`}`);
    const d = report.details as UpkeepDetails;
    if (!d.before || !d.after) throw new Error('the maintain report has no before/after figures');
    const after = await oneDayQueryMs(home, day);

    const note = `${table.rows} rows over ${days} day partitions`;
    b.figure({ label: 'data files before', value: d.before.data_files, unit: 'files', note });
    b.figure({ label: 'data files after', value: d.after.data_files, unit: 'files' });
    b.figure({ label: 'data bytes before', value: d.before.data_bytes / 1048576, unit: 'MiB' });
    b.figure({ label: 'data bytes after', value: d.after.data_bytes / 1048576, unit: 'MiB' });
    b.figure({
      label: 'bytes kept by all versions, before -> after',
      value: d.after.kept_data_bytes / 1048576,
      unit: 'MiB',
      note: `from ${(d.before.kept_data_bytes / 1048576).toFixed(2)} MiB (versions within the retention are kept)`,
    });
    b.figure({
      label: 'lake maintain, wall clock (JVM start included)',
      value: wallMs / 1000,
      unit: 's',
    });
    b.figure({ label: 'lake maintain, run report duration', value: report.duration_ms / 1000, unit: 's' });
    const q = `one-day query (${day}, median of 5) through the local engine`;
    b.figure({ label: `${q}, before`, value: before, unit: 'ms' });
    b.figure({ label: `${q}, after`, value: after, unit: 'ms', note: `${(before / after).toFixed(1)}x` });
  },
};
