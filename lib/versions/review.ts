/**
 * The review of blocked runs, from the run reports alone (no Spark, no data): a run the quality gate blocked
 * (status `blocked`, its batch on the audit branch named in its report) waits until a `publish` or `discard`
 * maintenance report names it (`details.run_id`, glue-jobs/lake_jobs/gate.py).
 */
import type { RunReport } from '../contracts/run-report';
import { VersionError } from './model';

export type ReviewAction = 'publish' | 'discard';

export interface Review {
  readonly action: ReviewAction;
  /** the maintenance run that published or discarded the batch */
  readonly runId: string;
  readonly at: string;
}

const isAction = (v: unknown): v is ReviewAction => v === 'publish' || v === 'discard';

/** Blocked run id -> the publish or discard that settled it (a refused attempt settles nothing). */
export function reviews(reports: readonly RunReport[]): Map<string, Review> {
  const out = new Map<string, Review>();
  for (const r of reports) {
    const reviewed = r.details?.run_id;
    if (!isAction(r.operation) || r.status !== 'succeeded' || typeof reviewed !== 'string') continue;
    out.set(reviewed, { action: r.operation, runId: r.run_id, at: r.started_at });
  }
  return out;
}

/** Blocked runs that wait for review (neither published nor discarded), oldest first. */
export function waitingRuns(reports: readonly RunReport[]): RunReport[] {
  const settled = reviews(reports);
  return reports
    .filter((r) => r.status === 'blocked' && !settled.has(r.run_id))
    .sort((a, b) => (a.started_at < b.started_at ? -1 : 1));
}

/**
 * The blocked run `runId` of `table` if it waits for review and its branch is still on the table (`branches`: the
 * table's branch names); otherwise a VersionError that names the runs that wait.
 */
export function reviewableRun(
  table: string,
  runId: string,
  reports: readonly RunReport[],
  branches: readonly string[],
): RunReport {
  const waiting = waitingRuns(reports);
  const names = waiting.length ? waiting.map((r) => r.run_id).join(', ') : 'none';
  const run = reports.find((r) => r.run_id === runId && r.operation === undefined);
  if (!run) throw new VersionError(`${table} has no run ${runId}; blocked runs waiting: ${names}`);
  if (run.status !== 'blocked')
    throw new VersionError(
      `run ${runId} of ${table} was not blocked (status ${run.status}): nothing to publish or discard; blocked runs waiting: ${names}`,
    );
  const done = reviews(reports).get(runId);
  if (done)
    throw new VersionError(
      `run ${runId} of ${table} was blocked and is no longer waiting (${done.action === 'publish' ? 'published' : 'discarded'} by run ${done.runId}); blocked runs waiting: ${names}`,
    );
  const branch = run.quality?.branch ?? null;
  if (branch === null || !branches.includes(branch))
    throw new VersionError(
      `${table} has no branch ${branch ?? '(none named)'} for run ${runId} (branches: ${branches.filter((b) => b !== 'main').join(', ') || 'none'})`,
    );
  return run;
}
