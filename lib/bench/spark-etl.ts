/**
 * What the ETL bench sections share: run one dataset's job on a landed file, and the native Spark anchor
 * (`python -m lake_jobs.bench anchor`: Spark's own reader + cast + dedupe + MERGE of the same file, no
 * validation or accounting) in the same invocation, and print both with their ratio.
 */
import { join } from 'node:path';
import { ingestPaths } from '../local/ingest';
import { layout } from '../local/layout';
import { runCollected, sparkEnv } from '../local/processes';
import { runJobs } from '../local/runner';
import type { RunReport } from '../contracts/run-report';
import { repoRoot, venvPython } from '../setup/toolchain';
import type { BenchContext } from './bench';

/** The job's wall clock may be at most this many times the anchor's (issue goal 1). */
export const anchorGoal = 1.5;

/** Runs `python -m lake_jobs.bench <args>` (one JSON line out); wall clock includes the JVM start. */
export async function sparkBench(
  args: readonly string[],
): Promise<{ wallMs: number; out: Record<string, unknown> }> {
  const r = await runCollected(venvPython, ['-m', 'lake_jobs.bench', ...args], {
    cwd: join(repoRoot, 'glue-jobs'),
    env: sparkEnv(venvPython),
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`lake_jobs.bench ${args[0] ?? ''} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return { wallMs: r.wallMs, out: JSON.parse(line) as Record<string, unknown> };
}

export function numberOf(out: Record<string, unknown>, key: string): number {
  const v = out[key];
  if (typeof v !== 'number') throw new Error(`lake_jobs.bench printed no number '${key}'`);
  return v;
}

/** Lands `file` for `dataset`; returns the landed file's path in the raw zone. */
export async function landFile(b: BenchContext, dataset: string, file: string): Promise<string> {
  const manifest = await ingestPaths(b.home, dataset, [file]);
  return join(layout(b.home).raw, ...(manifest.files[0]?.key ?? '').split('/'));
}

/** Writes the section's generated file (`write` returns its bytes), prints its size, and lands it. */
export async function generateAndLand(
  b: BenchContext,
  dataset: string,
  file: string,
  what: string,
  write: () => Promise<number>,
): Promise<string> {
  b.log(`writing ${what} to ${file} ...`);
  const t0 = performance.now();
  const bytes = await write();
  b.figure({
    label: `${dataset} file generated`,
    value: bytes / 1048576,
    unit: 'MiB',
    note: `${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  });
  return landFile(b, dataset, file);
}

/**
 * Runs `dataset`'s job over what is landed, then the anchor on `landed`; prints the job's wall clock, run report
 * duration and rows/s, the anchor's, and the ratio of wall clocks.
 */
export async function jobAgainstAnchor(b: BenchContext, dataset: string, landed: string): Promise<RunReport> {
  b.log(`running the ${dataset} Spark job (local[*]) ...`);
  const s0 = performance.now();
  const result = await runJobs(b.home, { datasets: [dataset], onLog: () => undefined });
  const jobWallMs = performance.now() - s0;
  const report = result.reports.find((r) => r.dataset === dataset);
  if (!report || report.status !== 'succeeded')
    throw new Error(`the ${dataset} job did not succeed: ${report?.error ?? `exit ${result.exitCode}`}`);
  const counts = `${report.input_rows} in, ${report.output_rows} out, ${report.quarantined_rows} quarantined, ${report.duplicate_rows} duplicates`;
  b.figure({ label: `${dataset} job, wall clock (JVM start included)`, value: jobWallMs / 1000, unit: 's' });
  b.figure({ label: `${dataset} job, run report duration`, value: report.duration_ms / 1000, unit: 's' });
  b.figure({
    label: `${dataset} job throughput (run report)`,
    value: (report.input_rows / report.duration_ms) * 1000,
    unit: 'rows/s',
    note: counts,
  });
  b.figure({
    label: `${dataset} job throughput (wall clock)`,
    value: (report.input_rows / jobWallMs) * 1000,
    unit: 'rows/s',
  });
  const gateMs = report.quality?.duration_ms;
  if (gateMs !== undefined) {
    // without the gate the run would MERGE into main instead of the branch: the same work; the rest is the gate's
    b.figure({
      label: `${dataset} quality gate, its time in the run`,
      value: gateMs / 1000,
      unit: 's',
      note: `audit branch, ${report.quality?.checks.length ?? 0} dataset checks measured on it, fast-forward; outcome ${report.quality?.outcome ?? '-'}`,
    });
    b.figure({
      label: `${dataset} quality gate / the run without it (goal at most 10%)`,
      value: (100 * gateMs) / Math.max(1, report.duration_ms - gateMs),
      unit: '%',
    });
  }

  b.log(`running the native Spark anchor (read + cast + dedupe + MERGE) on the same file ...`);
  const anchor = await sparkBench([
    'anchor',
    '--dataset',
    dataset,
    '--file',
    landed,
    '--warehouse',
    join(b.scratch, 'anchor-warehouse'),
  ]);
  const anchorSeconds = numberOf(anchor.out, 'seconds');
  b.figure({
    label: `${dataset} anchor, wall clock (JVM start included)`,
    value: anchor.wallMs / 1000,
    unit: 's',
  });
  b.figure({
    label: `${dataset} anchor throughput (its own timing)`,
    value: report.input_rows / anchorSeconds,
    unit: 'rows/s',
    note: `${numberOf(anchor.out, 'rows_in_table')} rows in its table after dedupe`,
  });
  b.figure({
    label: `${dataset} job / anchor, wall clock`,
    value: jobWallMs / anchor.wallMs,
    unit: 'x',
    note: `goal: at most ${anchorGoal}x`,
  });
  return report;
}
