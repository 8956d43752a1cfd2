/**
 * Pipeline health, a read model of the run reports and the stream's delivery state: per job (one per table) the last
 * run, the runs held back, per table its freshness against the contract's objective, the stream's lag, and the last
 * quality gate where the reports carry one. Pure: the reports, the lag and the clock are given.
 *
 * A table is fresh while its newest successful run (succeeded, or no new data: the job ran and was up to date)
 * started within `freshnessObjectiveMinutes`; a table no job has run for is `never-run`. Anything stale, never run,
 * failed last, or a stream whose oldest undelivered record is older than the ad events' objective makes the whole
 * status red.
 */
import { datasetContract } from '../contracts';
import type { AnyContract } from '../contracts';
import type { RunReport } from '../contracts/run-report';
import { waitingRuns } from '../versions/review';

export type Light = 'green' | 'red';

export interface RunSummary {
  readonly runId: string;
  readonly startedAt: string;
  readonly status: string;
  readonly inputRows: number;
  readonly outputRows: number;
  readonly quarantinedRows: number;
  readonly duplicateRows: number;
  readonly durationMs: number;
  readonly error: string | null;
  /** a run the quality gate blocked: the audit branch its batch waits on */
  readonly branch: string | null;
}

export interface TableStatus {
  readonly table: string;
  readonly qualifiedName: string;
  readonly owner: string;
  readonly freshness: {
    readonly state: 'fresh' | 'stale' | 'never-run';
    readonly objectiveMinutes: number;
    readonly lastSuccessAt: string | null;
    readonly ageMinutes: number | null;
  };
  readonly lastRun: RunSummary | null;
  /** runs neither succeeded nor failed, and runs the quality gate blocked that wait for review, newest first */
  readonly held: readonly RunSummary[];
  /** outcome of the last quality gate, when the reports carry one */
  readonly quality: string | null;
  readonly light: Light;
  /** why the light is red */
  readonly problems: readonly string[];
}

export interface StreamLag {
  readonly stream: string;
  /** false when the stream could not be read (the emulator is down): the lag is then unknown */
  readonly reachable: boolean;
  readonly undeliveredRecords: number | null;
  readonly oldestUndeliveredAt: string | null;
  readonly oldestUndeliveredAgeMinutes: number | null;
  readonly note?: string;
}

export interface PipelineStatus {
  readonly at: string;
  readonly light: Light;
  /** no run has been recorded at all */
  readonly empty: boolean;
  readonly tables: readonly TableStatus[];
  readonly stream: StreamLag | null;
  readonly problems: readonly string[];
}

/** The stream's lag objective: the ad events' freshness objective (they are what the stream delivers). */
export const STREAM_OBJECTIVE_MINUTES = datasetContract('ad_events').freshnessObjectiveMinutes;

const SETTLED = new Set(['succeeded', 'failed', 'no_new_data', 'blocked']);

function summary(r: RunReport): RunSummary {
  return {
    runId: r.run_id,
    startedAt: r.started_at,
    status: r.status,
    inputRows: r.input_rows,
    outputRows: r.output_rows,
    quarantinedRows: r.quarantined_rows,
    duplicateRows: r.duplicate_rows,
    durationMs: r.duration_ms,
    error: r.error ?? null,
    branch: r.status === 'blocked' ? (r.quality?.branch ?? null) : null,
  };
}

/** A report's quality gate outcome, if it has one (`gate` or `quality`, each `{outcome}` or `{status}`). */
function qualityOf(r: RunReport | undefined): string | null {
  const doc = r as unknown as Record<string, unknown> | undefined;
  for (const key of ['gate', 'quality']) {
    const g = doc?.[key];
    if (g && typeof g === 'object') {
      const o = (g as Record<string, unknown>).outcome ?? (g as Record<string, unknown>).status;
      if (typeof o === 'string') return o;
    }
  }
  return null;
}

const minutesBetween = (from: string, to: Date): number =>
  Math.max(0, Math.round((to.getTime() - Date.parse(from)) / 60000));

export function tableStatus(t: AnyContract, reports: readonly RunReport[], now: Date): TableStatus {
  const ordered = [...reports].sort((a, b) => (a.started_at < b.started_at ? -1 : 1));
  const settled = ordered.filter((r) => SETTLED.has(r.status));
  const last = settled[settled.length - 1];
  // a blocked batch is not published: the table is as old as its last published run
  const ok = settled.filter((r) => r.status !== 'failed' && r.status !== 'blocked');
  const lastOk = ok[ok.length - 1];
  const age = lastOk ? minutesBetween(lastOk.started_at, now) : null;
  const state = age === null ? 'never-run' : age > t.freshnessObjectiveMinutes ? 'stale' : 'fresh';
  const problems: string[] = [];
  if (state === 'never-run') problems.push(`${t.name}: no successful run yet`);
  if (state === 'stale')
    problems.push(
      `${t.name}: last successful run ${age} min ago, objective ${t.freshnessObjectiveMinutes} min`,
    );
  if (last?.status === 'failed')
    problems.push(`${t.name}: last run ${last.run_id} failed: ${last.error ?? '?'}`);
  const waiting = waitingRuns(ordered);
  for (const r of waiting) {
    const failed = (r.quality?.checks ?? []).filter(
      (c) => c.status === 'failed' && c.severity === 'critical',
    );
    problems.push(
      `${t.name}: run ${r.run_id} blocked by the quality gate (${failed.map((c) => `${c.name} ${c.value ?? '-'}, allowed ${c.threshold}`).join('; ')}), held on branch ${r.quality?.branch ?? '-'}: lake publish ${t.name} ${r.run_id}, or lake discard ${t.name} ${r.run_id}`,
    );
  }
  const quality = qualityOf(last);
  if (quality !== null && /fail|block/i.test(quality) && !waiting.includes(last as RunReport))
    problems.push(`${t.name}: quality gate ${quality}`);
  return {
    table: t.name,
    qualifiedName: `${t.database}.${t.name}`,
    owner: t.owner,
    freshness: {
      state,
      objectiveMinutes: t.freshnessObjectiveMinutes,
      lastSuccessAt: lastOk?.started_at ?? null,
      ageMinutes: age,
    },
    lastRun: last ? summary(last) : null,
    held: ordered
      .filter((r) => !SETTLED.has(r.status) || waiting.includes(r))
      .reverse()
      .map(summary),
    quality,
    light: problems.length ? 'red' : 'green',
    problems,
  };
}

export function pipelineStatus(
  tables: readonly AnyContract[],
  reportsOf: (table: string) => readonly RunReport[],
  stream: StreamLag | null,
  now: Date,
  streamObjectiveMinutes: number,
): PipelineStatus {
  const statuses = tables.map((t) => tableStatus(t, reportsOf(t.name), now));
  const problems = statuses.flatMap((s) => s.problems);
  const lagAge = stream?.oldestUndeliveredAgeMinutes ?? null;
  if (lagAge !== null && lagAge > streamObjectiveMinutes)
    problems.push(
      `stream ${stream?.stream ?? ''}: oldest undelivered record is ${lagAge} min old, objective ${streamObjectiveMinutes} min`,
    );
  return {
    at: now.toISOString(),
    light: problems.length ? 'red' : 'green',
    empty: statuses.every((s) => s.lastRun === null && s.held.length === 0),
    tables: statuses,
    stream,
    problems,
  };
}
