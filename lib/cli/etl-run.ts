/** Running the jobs from the CLI (`lake etl`, `lake demo`): the toolchain, the jobs' logs, the reports. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runJobs, runStartLine } from '../local/runner';
import { warmByDefault } from '../local/resident-spark';
import { isSparkNoise } from '../local/spark-log';
import type { RunJobsResult, RunReport } from '../local/runner';
import type { GateMode } from '../contracts/run-report';
import { CliError, dim } from './context';
import type { CliContext } from './context';
import { formatCount, formatDuration, renderTable } from './format';
import { silentProgress } from './progress';
import type { Step } from './progress';

export interface EtlOptions {
  readonly datasets?: readonly string[];
  readonly reprocess?: boolean;
  /** the quality gate's mode @default 'enforce' */
  readonly gate?: GateMode;
  /** seconds to wait when another run holds the lake @default refuse at once */
  readonly wait?: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** show Spark's own console noise too */
  readonly verbose?: boolean;
  /** on the resident Spark (see lib/local/resident-spark.ts) @default warmByDefault() */
  readonly warm?: boolean;
  /** the step's title (the demo numbers its steps) @default 'etl' */
  readonly title?: string;
}

/** A run's counts, as its step ends. */
export function runSummary(r: RunReport): string {
  const parts = [
    `${r.status}, ${formatCount(r.input_rows)} in, ${formatCount(r.output_rows)} out, ${formatCount(r.quarantined_rows)} quarantined, ${formatCount(r.duplicate_rows)} duplicates`,
  ];
  const unlisted = Object.entries(r.unlisted_values ?? {});
  if (unlisted.length)
    parts.push(
      `kept with unlisted ${unlisted.map(([col, u]) => `${col} (${Object.keys(u.values).join(', ')}${u.omitted_values ? ', ...' : ''})`).join('; ')}`,
    );
  if (r.anomalies?.length) parts.push(`anomalies: ${r.anomalies.map((a) => a.metric).join(', ')}`);
  return parts.join(', ');
}

/** The message of a runner log line (`2026-01-02 03:04:05,678 INFO transactions: ...` -> `transactions: ...`). */
const logMessage = (line: string): string => line.replace(/^\d{4}-\d{2}-\d{2} [\d:,]+ [A-Z]+ /, '');

/**
 * Sets up the toolchain and runs the jobs as one step, each dataset's run a step under it (Spark tells nothing of
 * rows while a job runs: a spinner with the elapsed time, then the run's counts); prints the reports; throws when
 * the runner failed.
 */
export async function runEtl(ctx: CliContext, opts: EtlOptions): Promise<RunReport[]> {
  ctx.ensureToolchain({ quiet: opts.quiet });
  const progress = opts.quiet ? silentProgress() : ctx.progress;
  const started = Date.now();
  // every line of the runner, Spark's own included, for when a run fails
  const logDir = join(ctx.home(), 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `etl-${new Date(started).toISOString().replace(/[:.]/g, '')}.log`);
  const etl = progress.start(opts.title ?? 'etl');
  etl.note(`starting Spark on ${ctx.home()}`);
  const runs = new Map<string, Step>();
  let running: Step = etl;
  const runOf = (dataset: string): Step => {
    let step = runs.get(dataset);
    if (!step) runs.set(dataset, (step = etl.start(dataset)));
    return step;
  };
  const result = await runJobs(ctx.home(), {
    datasets: opts.datasets,
    reprocess: opts.reprocess,
    gate: opts.gate,
    warm: opts.warm ?? warmByDefault(),
    wait: opts.wait,
    onStart: (dataset) => {
      running = runOf(dataset);
    },
    onLog: (line) => {
      appendFileSync(logFile, `${line}\n`);
      if (opts.quiet) return;
      if (opts.verbose) progress.log(dim(`  spark | ${line}`, ctx.colour));
      else if (isSparkNoise(line) || runStartLine(line)) return;
      // on a terminal the jobs' own INFO lines are what the running step is doing; elsewhere, and for warnings
      // and errors, they are kept
      else if (progress.interactive && / INFO /.test(line)) running.note(logMessage(line));
      else progress.log(dim(`  spark | ${line}`, ctx.colour));
    },
    onReport: (r, line) => {
      const step = runOf(r.dataset);
      if (r.status === 'failed') step.fail(r.error ?? undefined);
      else step.done(runSummary(r));
      if (opts.json) ctx.out(line);
    },
  });
  throwIfBusy(result);
  const failed = result.reports.filter((r) => r.status === 'failed').map((r) => r.dataset);
  if (failed.length > 0 || result.exitCode !== 0)
    etl.fail(failed.length > 0 ? `${failed.join(', ')} failed` : undefined);
  else etl.done(`${result.reports.length} run(s)`);
  if (!opts.json) ctx.out(describeReports(result.reports));
  if (failed.length > 0 || result.exitCode !== 0)
    ctx.warn(
      `${failed.length > 0 ? `the ${failed.join(', ')} job(s) failed` : 'the job runner failed'}; the full log, Spark's output included: ${logFile}. Fix what it names and run \`lake etl\` again: raw files not yet processed are read next time.`,
    );
  if (result.exitCode !== 0 && !result.reports.some((r) => r.status === 'failed')) {
    throw new CliError(
      `the job runner exited with code ${result.exitCode}${result.reports.length === 0 ? ' before reporting any run' : ''}`,
    );
  }
  if (result.exitCode !== 0) process.exitCode = 1;
  return result.reports;
}

/** `lake etl` exits 3 when the quality gate blocked a run (and nothing failed), so that cron or CI notices. */
export const BLOCKED_EXIT_CODE = 3;

/**
 * The exit code of `lake etl`: 1 when a job or the runner failed (`current`, set by runEtl), else 3 when a run is
 * blocked and waits for review, else 0.
 */
export function etlExitCode(reports: readonly RunReport[], current: number | string | undefined): number {
  if (reports.some((r) => r.status === 'failed') || (current !== undefined && Number(current) !== 0))
    return 1;
  return reports.some((r) => r.status === 'blocked') ? BLOCKED_EXIT_CODE : 0;
}

/** A runner that could not start because another run holds the lake: the runner's own message. */
export function throwIfBusy(result: RunJobsResult): void {
  if (result.busy) throw new CliError(result.errors[0] ?? 'the lake is busy with another run');
}

/** What the quality gate decided, when it was not a plain pass: the failed checks, and for a blocked run the way on. */
export function describeGate(r: RunReport): string[] {
  const q = r.quality;
  if (!q || q.outcome === 'passed') return [];
  const failed = q.checks
    .filter((c) => c.status === 'failed')
    .map((c) => `${c.name} (${c.severity}) ${c.value ?? '-'}, allowed ${c.threshold}`);
  const lines = [`${r.dataset} quality ${q.outcome}: ${failed.join('; ')}`];
  if (r.status === 'blocked')
    lines.push(
      `${r.dataset} run ${r.run_id} is BLOCKED: main is unchanged, the batch waits on branch ${q.branch ?? '-'} (lake query --as-of ${q.branch ?? '-'} "..."); after review: lake publish ${r.dataset} ${r.run_id}, or lake discard ${r.dataset} ${r.run_id}`,
    );
  return lines;
}

export function describeReports(reports: readonly RunReport[]): string {
  if (reports.length === 0) return 'no run reports';
  const table = renderTable(
    ['dataset', 'status', 'input', 'output', 'quarantined', 'duplicates', 'snapshot', 'took'],
    reports.map((r) => [
      r.dataset,
      r.status,
      r.input_rows,
      r.output_rows,
      r.quarantined_rows,
      r.duplicate_rows,
      r.snapshot_id ?? '-',
      formatDuration(r.duration_ms),
    ]),
  );
  const lines = [table];
  for (const r of reports) {
    const reasons = Object.entries(r.quarantine_reasons ?? {}).sort((a, b) => b[1] - a[1]);
    if (reasons.length > 0)
      lines.push(`${r.dataset} quarantined: ${reasons.map(([k, v]) => `${k} ${formatCount(v)}`).join(', ')}`);
    if (r.status === 'failed') lines.push(`${r.dataset} FAILED: ${r.error ?? 'no error message'}`);
    lines.push(...describeGate(r));
  }
  return lines.join('\n');
}
