/** Running the jobs from the CLI (`lake etl`, `lake demo`): the toolchain, the jobs' logs, the reports. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runJobs } from '../local/runner';
import { warmByDefault } from '../local/resident-spark';
import { isSparkNoise } from '../local/spark-log';
import type { RunJobsResult, RunReport } from '../local/runner';
import { CliError, dim } from './context';
import type { CliContext } from './context';
import { formatCount, formatDuration, renderTable } from './format';

export interface EtlOptions {
  readonly datasets?: readonly string[];
  readonly reprocess?: boolean;
  /** seconds to wait when another run holds the lake @default refuse at once */
  readonly wait?: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** show Spark's own console noise too */
  readonly verbose?: boolean;
  /** on the resident Spark (see lib/local/resident-spark.ts) @default warmByDefault() */
  readonly warm?: boolean;
}

/** Sets up the toolchain, runs the jobs with their logs on stderr, prints the reports; throws when the runner failed. */
export async function runEtl(ctx: CliContext, opts: EtlOptions): Promise<RunReport[]> {
  ctx.ensureToolchain({ quiet: opts.quiet });
  const started = Date.now();
  // every line of the runner, Spark's own included, for when a run fails
  const logDir = join(ctx.home(), 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `etl-${new Date(started).toISOString().replace(/[:.]/g, '')}.log`);
  if (!opts.quiet) ctx.log(dim(`running the Spark jobs on ${ctx.home()} ...`, ctx.colour));
  const result = await runJobs(ctx.home(), {
    datasets: opts.datasets,
    reprocess: opts.reprocess,
    warm: opts.warm ?? warmByDefault(),
    wait: opts.wait,
    onLog: (line) => {
      appendFileSync(logFile, `${line}\n`);
      if (!opts.quiet && (opts.verbose || !isSparkNoise(line))) ctx.log(dim(`  spark | ${line}`, ctx.colour));
    },
    onReport: opts.json ? (_r, line) => ctx.out(line) : undefined,
  });
  throwIfBusy(result);
  if (!opts.json) ctx.out(describeReports(result.reports));
  if (!opts.quiet) ctx.log(dim(`etl finished in ${formatDuration(Date.now() - started)}`, ctx.colour));
  const failed = result.reports.filter((r) => r.status === 'failed').map((r) => r.dataset);
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

/** A runner that could not start because another run holds the lake: the runner's own message. */
export function throwIfBusy(result: RunJobsResult): void {
  if (result.busy) throw new CliError(result.errors[0] ?? 'the lake is busy with another run');
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
  }
  return lines.join('\n');
}
