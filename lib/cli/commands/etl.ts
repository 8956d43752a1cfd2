import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { allTables, isTableName } from '../../contracts';
import { runJobs } from '../../local/runner';
import { warmByDefault } from '../../local/resident-spark';
import { isSparkNoise } from '../../local/spark-log';
import type { RunJobsResult, RunReport } from '../../local/runner';
import { CliError, dim } from '../context';
import type { CliContext } from '../context';
import { formatCount, formatDuration, renderTable } from '../format';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('etl')
    .description(
      'Run the Spark jobs on local Spark: raw -> Iceberg tables (processed, then the curated tables whose inputs changed).',
    )
    .argument(
      '[datasets...]',
      `datasets to run (default: all; known: ${allTables.map((t) => t.name).join(', ')})`,
    )
    .option('--json', 'print the run reports as JSON Lines, exactly as the runner prints them')
    .option('--reprocess', 'read every raw file again, not only the new ones')
    .option('--quiet', "don't show the jobs' logs")
    .option('--verbose', "also show Spark's own console output (always kept in the run's log file)")
    .option('--cold', "run on a new Spark process instead of the lake's resident (warm) Spark")
    .option(
      '--wait <seconds>',
      'when another run holds the lake, wait this long for it (default: refuse at once)',
      parseWait,
    )
    .action(
      async (
        names: string[],
        opts: {
          json?: boolean;
          reprocess?: boolean;
          quiet?: boolean;
          verbose?: boolean;
          cold?: boolean;
          wait?: number;
        },
      ) => {
        for (const n of names)
          if (!isTableName(n))
            throw new CliError(`unknown dataset '${n}' (known: ${allTables.map((t) => t.name).join(', ')})`);
        const reports = await runEtl(ctx, {
          datasets: names,
          reprocess: opts.reprocess,
          json: opts.json,
          quiet: opts.quiet,
          verbose: opts.verbose,
          warm: !opts.cold && warmByDefault(),
          wait: opts.wait,
        });
        if (reports.some((r) => r.status === 'failed')) process.exitCode = 1;
      },
    );
}

/** `--wait <seconds>`: a number >= 0. */
export function parseWait(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new CliError(`--wait must be a number of seconds >= 0 (got '${v}')`);
  return n;
}

/** A runner that could not start because another run holds the lake: the runner's own message. */
export function throwIfBusy(result: RunJobsResult): void {
  if (result.busy) throw new CliError(result.errors[0] ?? 'the lake is busy with another run');
}

export interface EtlOptions {
  readonly datasets?: readonly string[];
  readonly reprocess?: boolean;
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
