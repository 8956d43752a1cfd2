/**
 * Runs the Spark jobs: `.venv/bin/python -m lake_jobs.run --home <HOME> [--dataset NAME]... [--reprocess]
 * [--gate enforce|report]`, or one maintenance operation (`--op tag|rollback|publish|discard|maintain ...`), which
 * prints one JSON run report per line on stdout and logs on
 * stderr. Every run takes the lake's run lock first; a busy lake prints one `{"error", "busy": true}` line instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, venvPython } from '../setup/toolchain';
import type { GateMode, RunReport } from '../contracts/run-report';
import { layout, runReportsDir } from './layout';
import { sparkEnv } from './processes';
import { ensureResident, request, residentPaths } from './resident-spark';

export type { RunReport, RunStatus } from '../contracts/run-report';

/** One maintenance operation of lake_jobs.maintenance (always a new Spark process, never the resident one). */
export type MaintenanceOp =
  | {
      readonly op: 'tag';
      readonly tag: string;
      /** a table, or every table (a release) */
      readonly table: string | 'all';
      readonly version?: string;
      readonly retainDays?: number;
    }
  | { readonly op: 'rollback'; readonly table: string; readonly version: string }
  /** a blocked run's batch, after review: fast-forward main to its audit branch, or drop the branch */
  | { readonly op: 'publish' | 'discard'; readonly table: string; readonly runId: string }
  /** upkeep of the named tables (none: every table) */
  | { readonly op: 'maintain'; readonly tables: readonly string[] };

export interface RunJobsOptions {
  /** datasets (or curated tables) to run; default: what the runner runs by default (all) */
  readonly datasets?: readonly string[];
  readonly reprocess?: boolean;
  /** the quality gate's mode (lake_jobs.checks) @default 'enforce' */
  readonly gate?: GateMode;
  /** seconds to wait for the lake's run lock when another run holds it (default 0: refuse at once) */
  readonly wait?: number;
  /** run this maintenance operation instead of the jobs */
  readonly maintenance?: MaintenanceOp;
  /** each stderr line of the runner */
  readonly onLog?: (line: string) => void;
  /** when the runner starts a dataset's (or a curated table's) run, before its report */
  readonly onStart?: (dataset: string) => void;
  /** each report, with the exact line it came from */
  readonly onReport?: (report: RunReport, line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** the interpreter (default: the project's .venv) */
  readonly python?: string;
  /**
   * run on the lake home's resident Spark (started on demand, kept warm between runs; see resident-spark.ts)
   * instead of a new Spark process @default false
   */
  readonly warm?: boolean;
}

export interface RunJobsResult {
  readonly reports: RunReport[];
  /** stdout lines exactly as printed (JSON Lines) */
  readonly lines: string[];
  readonly exitCode: number;
  /** stdout lines that were not JSON (should not happen; kept for diagnosis) */
  readonly stray: string[];
  /** errors the runner printed instead of reports (e.g. the lake is busy) */
  readonly errors: string[];
  /** the run did not start: another run holds the lake */
  readonly busy: boolean;
}

export function runnerArgs(
  home: string,
  opts: Pick<RunJobsOptions, 'datasets' | 'reprocess' | 'gate' | 'wait' | 'maintenance'> = {},
): string[] {
  const args = ['-m', 'lake_jobs.run', '--home', home];
  for (const d of opts.datasets ?? []) args.push('--dataset', d);
  if (opts.reprocess) args.push('--reprocess');
  if (opts.gate !== undefined) args.push('--gate', opts.gate);
  if (opts.wait !== undefined) args.push('--wait', String(opts.wait));
  const m = opts.maintenance;
  if (m) {
    args.push('--op', m.op);
    if (m.op === 'tag') {
      args.push('--tag', m.tag);
      if (m.table === 'all') args.push('--all');
      else args.push('--table', m.table);
      if (m.version !== undefined) args.push('--version', m.version);
      if (m.retainDays !== undefined) args.push('--retain-days', String(m.retainDays));
    } else if (m.op === 'rollback') {
      args.push('--table', m.table, '--version', m.version);
    } else if (m.op === 'maintain') {
      for (const t of m.tables) args.push('--table', t);
    } else {
      args.push('--table', m.table, '--run-id', m.runId);
    }
  }
  return args;
}

/** The runner's log line that opens a run (`lake_jobs.run.RUN_STARTED`, after the logger's time and level). */
const runStarted = / INFO run started: ([a-z][a-z0-9_]*)$/;

/** Whether a runner log line is the one that opens a run (a run's step shows it; the line says nothing more). */
export function runStartLine(line: string): boolean {
  return runStarted.test(line);
}

/** The runner's log lines, with the runs they open told to `onStart`. */
function logLines(opts: RunJobsOptions): (line: string) => void {
  return (line) => {
    const started = runStarted.exec(line)?.[1];
    if (started !== undefined) opts.onStart?.(started);
    opts.onLog?.(line);
  };
}

function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk.toString('utf8');
      let i: number;
      while ((i = rest.indexOf('\n')) >= 0) {
        onLine(rest.slice(0, i).replace(/\r$/, ''));
        rest = rest.slice(i + 1);
      }
    },
    end() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

/** Sorts the runner's stdout lines into reports and stray lines, as they arrive. */
function reportCollector(opts: RunJobsOptions) {
  const reports: RunReport[] = [];
  const lines: string[] = [];
  const stray: string[] = [];
  const errors: string[] = [];
  let busy = false;
  const accept = (parsed: unknown, line: string): boolean => {
    if (parsed && typeof parsed === 'object' && 'dataset' in parsed && 'status' in parsed) {
      lines.push(line);
      reports.push(parsed as RunReport);
      opts.onReport?.(parsed as RunReport, line);
      return true;
    }
    return false;
  };
  /** `{"error": ..., "busy"?: true}`: the runner refused to start */
  const refusal = (parsed: unknown): boolean => {
    if (!parsed || typeof parsed !== 'object' || !('error' in parsed)) return false;
    const e = parsed as { error: unknown; busy?: unknown };
    errors.push(String(e.error));
    if (e.busy === true) busy = true;
    return true;
  };
  return {
    reports,
    lines,
    stray,
    accept,
    refusal,
    line(line: string): void {
      if (line.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (!accept(parsed, line) && !refusal(parsed)) {
        stray.push(line);
        opts.onLog?.(line);
      }
    },
    result(exitCode: number): RunJobsResult {
      return { reports, lines, stray, errors, busy, exitCode };
    },
  };
}

export function runJobs(home: string, opts: RunJobsOptions = {}): Promise<RunJobsResult> {
  if (opts.warm && !opts.maintenance) return runJobsWarm(home, opts);
  const python = opts.python ?? venvPython;
  if (!existsSync(python))
    return Promise.reject(new Error(`the Python environment is missing (${python}); run 'lake setup'`));
  const onLog = logLines(opts);
  const collect = reportCollector({ ...opts, onLog });
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, runnerArgs(layout(home).home, opts), {
      cwd: repoRoot,
      env: sparkEnv(python, opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = lineSplitter((line) => collect.line(line));
    const err = lineSplitter(onLog);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      resolvePromise(collect.result(code ?? (signal ? 128 : 1)));
    });
  });
}

async function runJobsWarm(home: string, opts: RunJobsOptions): Promise<RunJobsResult> {
  const state = await ensureResident(home, { python: opts.python, env: opts.env, onLog: opts.onLog });
  const onLog = logLines(opts);
  const collect = reportCollector({ ...opts, onLog });
  let exit: number | null = null;
  const body = {
    op: 'run',
    datasets: opts.datasets ?? [],
    reprocess: opts.reprocess ?? false,
    gate: opts.gate ?? 'enforce',
    wait: opts.wait ?? 0,
  };
  try {
    await request(state, body, (m) => {
      if ('log' in m) onLog(m.log);
      else if ('report' in m) collect.accept(m.report, JSON.stringify(m.report));
      else if ('exit' in m) exit = m.exit;
      else if ('error' in m) {
        collect.refusal(m);
        opts.onLog?.(`resident Spark: ${m.error}`);
      }
    });
  } catch (e) {
    opts.onLog?.(`resident Spark: ${(e as Error).message}`);
  }
  if (exit === null) {
    opts.onLog?.(
      `the resident Spark stopped during the run (see ${residentPaths(home).log}); ` +
        'what it committed stays, the rest is read again by the next run, which starts a new one',
    );
    return collect.result(1);
  }
  return collect.result(exit);
}

/** Run reports of a table kept in <home>/reports/<dataset>/, oldest first. */
export function readRunReports(home: string, dataset: string): RunReport[] {
  const dir = runReportsDir(layout(home), dataset);
  if (!existsSync(dir)) return [];
  const out: RunReport[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunReport);
    } catch {
      // a report being written or damaged: not a run we can describe
    }
  }
  return out.sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
}
