/**
 * Bench section `versions`: `lake history` and `lake diff` on a table with many versions (100 by default). The
 * versions are made cheaply: the real transactions job on a small generated lake (the first version), then one-row
 * commits in one Spark session (`python -m lake_jobs.bench commits`), each MERGEing one row with another status.
 * Timed in-process (the library the commands call, best of a few runs) and as the CLI a user runs (a new node
 * process each time, its start included).
 */
import { join } from 'node:path';
import { diffVersions } from '../local/diff';
import { tableHistory } from '../local/history';
import { generateAndLand } from '../local/land';
import { runCollected } from '../local/processes';
import { runJobs } from '../local/runner';
import { lakeCli, repoRoot } from '../setup/toolchain';
import type { BenchContext, BenchSection } from './bench';
import { numberOf, sparkBench } from './spark-etl';

/** The best wall clock of `runs` runs of `f`, in ms, and its last result. */
async function best<T>(runs: number, f: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  let ms = Infinity;
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await f();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, result: result as T };
}

async function cli(home: string, args: readonly string[]): Promise<number> {
  const r = await runCollected(process.execPath, [lakeCli, '--home', home, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0)
    throw new Error(`lake ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-1000)}`);
  return r.wallMs;
}

async function run(b: BenchContext): Promise<void> {
  const versions = Number(b.options.versions ?? process.env.LAKE_BENCH_VERSIONS ?? 100);
  const days = Number(b.options.versionsDays ?? process.env.LAKE_BENCH_VERSIONS_DAYS ?? 7);
  const home = join(b.scratch, 'lake');
  b.ensureToolchain();
  b.log(`generating a ${days}-day lake and running the transactions job (the first version) ...`);
  await generateAndLand(home, { days, scale: 0.25, seed: 9 });
  const jobs = await runJobs(home, { datasets: ['transactions'], onLog: () => undefined });
  const job = jobs.reports.find((r) => r.dataset === 'transactions');
  if (job?.status !== 'succeeded')
    throw new Error(`the transactions job did not succeed: ${job?.error ?? `exit ${jobs.exitCode}`}`);

  b.log(`making ${versions - 1} more versions: one-row commits in one Spark session ...`);
  const made = await sparkBench([
    'commits',
    '--dataset',
    'transactions',
    '--home',
    home,
    '--column',
    'status',
    '--count',
    String(versions - 1),
  ]);
  const commits = numberOf(made.out, 'commits');
  b.figure({
    label: 'one-row commit (MERGE), mean',
    value: (numberOf(made.out, 'seconds') * 1000) / commits,
    unit: 'ms',
    note: `${commits} commits on ${job.output_rows} rows, ${(made.wallMs / 1000).toFixed(1)} s with the JVM start`,
  });

  const history = await best(5, () => tableHistory(home, 'transactions'));
  const h = history.result;
  b.figure({
    label: `history of ${h.total} versions, in-process`,
    value: history.ms,
    unit: 'ms',
    note: 'metadata and run reports only, best of 5',
  });
  b.figure({
    label: `lake history transactions --json (${h.total} versions)`,
    value: await cli(home, ['history', 'transactions', '--json']),
    unit: 'ms',
    note: 'a new node process, its start included',
  });

  const oldest = h.versions[h.versions.length - 1]?.version ?? '';
  const previous = h.versions[1]?.version ?? '';
  const span = await best(3, () => diffVersions(home, 'transactions', oldest, 'main'));
  b.figure({
    label: `diff, first version to current (${h.total - 1} commits apart), in-process`,
    value: span.ms,
    unit: 'ms',
    note: `added ${span.result.added}, removed ${span.result.removed}, changed ${span.result.changed}; best of 3`,
  });
  const step = await best(3, () => diffVersions(home, 'transactions', previous, 'main'));
  b.figure({
    label: 'diff, previous version to current, in-process',
    value: step.ms,
    unit: 'ms',
    note: `changed ${step.result.changed}; best of 3`,
  });
  b.figure({
    label: 'lake diff transactions <first> main --json',
    value: await cli(home, ['diff', 'transactions', oldest, 'main', '--json']),
    unit: 'ms',
    note: 'a new node process, its start included',
  });
}

export const versionsSection: BenchSection = {
  name: 'versions',
  title: 'Versions: lake history and lake diff on a table with many versions',
  run,
};
