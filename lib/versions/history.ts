/**
 * The history of a table: one record per time its current version changed, newest first, read from the Iceberg
 * metadata (snapshots, snapshot log, refs) and joined to the run reports (by the `lake.run-id` each commit carries
 * in its snapshot summary; by snapshot id for older commits) and to the maintenance reports of rollbacks. No Spark,
 * no data files: only metadata and reports.
 *
 * A rollback makes an older snapshot current again: Iceberg logs it, and the history shows it as its own record
 * (operation `rollback`) that names the version it undid and the run that did it. Versions a rollback left behind
 * stay listed, marked `undone`.
 *
 * Quality outcome and anomaly flags belong to each record, from its run's report (null where the run reported none).
 *
 * Pure: the caller reads the metadata (a local metadata file, or Athena's metadata tables) and the reports (none
 * where they are not at hand: the records then carry what the metadata alone tells).
 */
import type { AnyContract } from '../contracts';
import type { AnomalyFlag, RunReport } from '../contracts/run-report';
import { qualified } from './model';
import { reviews } from './review';
import type { Review } from './review';
import type { TableVersions, VersionSnapshot } from './model';

/** The summary property a commit's run id is written in (glue-jobs/lake_jobs/tables.py RUN_ID_PROPERTY). */
export const RUN_ID_PROPERTY = 'lake.run-id';
/** Summary properties of a curated table's commit: the input versions it was built from (lake_jobs/curate.py). */
export const INPUT_SNAPSHOT_PREFIX = 'lake.input-snapshot.';

export interface RunCounts {
  readonly input: number;
  readonly output: number;
  readonly quarantined: number;
  readonly duplicates: number;
  /** curated tables: rows of the recomputed days that are gone */
  readonly deleted: number | null;
}

export interface BuiltFrom {
  /** ingest batch ids of the raw files read (`batch=<id>` folders) */
  readonly batches: readonly string[];
  /** raw file keys read, relative to the raw zone */
  readonly files: readonly string[];
  /** curated tables: the upstream table versions */
  readonly tables: readonly { readonly table: string; readonly version: string }[];
}

export interface VersionRecord {
  readonly table: string;
  /** the snapshot id: what `--as-of`, `lake diff` and `lake rollback` take */
  readonly version: string;
  readonly parentVersion: string | null;
  /** the table's current version now */
  readonly current: boolean;
  /** a rollback left this version behind: it is no longer in the table's current line */
  readonly undone: boolean;
  /** when this record's change became the table's state */
  readonly madeCurrentAt: string;
  /** when the snapshot was committed (for a rollback record: the old commit it returned to) */
  readonly committedAt: string;
  /** Iceberg's operation (append, overwrite, delete, ...) or `rollback` */
  readonly operation: string;
  /** a rollback record: the version that was current before it, and the maintenance run that did it */
  readonly rollback: { readonly from: string | null; readonly runId: string | null } | null;
  readonly runId: string | null;
  /** the run's status from its report (null when no report is kept) */
  readonly status: string | null;
  readonly counts: RunCounts | null;
  readonly rowsAdded: number | null;
  readonly rowsRemoved: number | null;
  readonly totalRows: number | null;
  readonly builtFrom: BuiltFrom;
  /**
   * the quality gate's outcome for this version (passed, warned, reported: a critical check failed in report mode,
   * or `published after review` with the publishing run); null when its run reported no gate
   */
  readonly quality: null | {
    readonly outcome: string;
    readonly checks: readonly unknown[];
    readonly publishedBy?: string;
  };
  /** the run's metrics outside their band (glue-jobs/lake_jobs/anomalies.py); [] when its run flagged none, null when its report has no such field (an older run) */
  readonly anomalies: null | readonly AnomalyFlag[];
  readonly tags: readonly string[];
  readonly branches: readonly string[];
}

export interface TableHistory {
  readonly table: string;
  readonly currentVersion: string | null;
  /** all records (before `limit`) */
  readonly total: number;
  /** newest first */
  readonly versions: readonly VersionRecord[];
}

/** A maintenance report of the runner (lake_jobs/maintenance.py), as kept in the reports zone. */
interface MaintenanceReport extends RunReport {
  readonly operation?: string;
  readonly previous_snapshot_id?: string | null;
}

const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v));

function counts(r: RunReport | undefined): RunCounts | null {
  if (!r) return null;
  const deleted = (r as { deleted_rows?: number }).deleted_rows;
  return {
    input: r.input_rows,
    output: r.output_rows,
    quarantined: r.quarantined_rows,
    duplicates: r.duplicate_rows,
    deleted: deleted ?? null,
  };
}

function builtFrom(contract: AnyContract, s: VersionSnapshot, r: RunReport | undefined): BuiltFrom {
  const tables = Object.entries(s.summary)
    .filter(([k]) => k.startsWith(INPUT_SNAPSHOT_PREFIX))
    .map(([k, v]) => ({ table: `processed.${k.slice(INPUT_SNAPSHOT_PREFIX.length)}`, version: v }))
    .sort((a, b) => (a.table < b.table ? -1 : 1));
  if (contract.database === 'curated') return { batches: [], files: [], tables };
  const files = [...(r?.files ?? [])];
  const batches = [...new Set(files.flatMap((f) => /(?:^|\/)batch=([^/]+)\//.exec(f)?.[1] ?? []))].sort();
  return { batches, files, tables };
}

function quality(r: RunReport | undefined, reviewed: ReadonlyMap<string, Review>): VersionRecord['quality'] {
  if (!r?.quality) return null;
  const review = r.status === 'blocked' ? reviewed.get(r.run_id) : undefined;
  if (review?.action === 'publish')
    return { outcome: 'published after review', checks: r.quality.checks, publishedBy: review.runId };
  return { outcome: r.quality.outcome, checks: r.quality.checks };
}

/** Ids of the snapshots in the line of `id` (itself and its ancestors). */
function lineOf(meta: TableVersions, id: string | null): Set<string> {
  const byId = new Map(meta.snapshots.map((s) => [s.snapshotId, s]));
  const out = new Set<string>();
  for (let cur = id === null ? undefined : byId.get(id); cur && !out.has(cur.snapshotId);) {
    out.add(cur.snapshotId);
    cur = cur.parentSnapshotId === null ? undefined : byId.get(cur.parentSnapshotId);
  }
  return out;
}

/** The history of a table from its metadata and reports. */
export function buildHistory(
  contract: AnyContract,
  meta: TableVersions | null,
  reports: readonly RunReport[],
): Omit<TableHistory, 'versions' | 'total'> & { versions: VersionRecord[] } {
  const name = qualified(contract);
  if (!meta || meta.snapshots.length === 0) return { table: name, currentVersion: null, versions: [] };
  const byRun = new Map(reports.map((r) => [r.run_id, r]));
  const commitReport = (s: VersionSnapshot): RunReport | undefined => {
    const id = s.summary[RUN_ID_PROPERTY];
    if (id !== undefined) return byRun.get(id);
    return reports.find(
      (r) =>
        r.snapshot_id === s.snapshotId && r.status !== 'no_new_data' && !(r as MaintenanceReport).operation,
    );
  };
  const reviewed = reviews(reports);
  const rollbacks = (reports as MaintenanceReport[]).filter((r) => r.operation === 'rollback');
  const byId = new Map(meta.snapshots.map((s) => [s.snapshotId, s]));
  const current = meta.currentSnapshot?.snapshotId ?? null;
  const live = lineOf(meta, current);
  const refsOf = (id: string, type: 'tag' | 'branch'): string[] =>
    meta.refs.filter((r) => r.type === type && r.snapshotId === id).map((r) => r.name);

  // Each log entry is a change of the table's state; a snapshot seen before in the log is a rollback to it.
  const log = meta.snapshotLog.length > 0 ? meta.snapshotLog : meta.snapshots;
  const seen = new Set<string>();
  const used = new Set<MaintenanceReport>();
  const records: VersionRecord[] = [];
  let previous: string | null = null;
  log.forEach((entry, i) => {
    const s = byId.get(entry.snapshotId);
    const before = previous;
    previous = entry.snapshotId;
    if (!s) return; // expired
    // a commit's parent is the version current before it; anything else made an older version current again
    const isRollback = seen.has(s.snapshotId) || (before !== null && s.parentSnapshotId !== before);
    seen.add(s.snapshotId);
    const atEnd = i === log.length - 1;
    const base = {
      table: name,
      version: s.snapshotId,
      parentVersion: s.parentSnapshotId,
      current: atEnd && s.snapshotId === current,
      undone: !live.has(s.snapshotId),
      madeCurrentAt: new Date(entry.timestampMs).toISOString(),
      committedAt: s.committedAt,
      quality: null,
      anomalies: null,
      tags: refsOf(s.snapshotId, 'tag'),
      branches: refsOf(s.snapshotId, 'branch'),
    };
    if (isRollback) {
      // the maintenance run that made this snapshot current again: same target, started before the log entry
      const by = rollbacks
        .filter(
          (r) =>
            !used.has(r) && r.snapshot_id === s.snapshotId && Date.parse(r.started_at) <= entry.timestampMs,
        )
        .sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at))[0];
      if (by) used.add(by);
      records.push({
        ...base,
        operation: 'rollback',
        rollback: { from: before, runId: by?.run_id ?? null },
        runId: by?.run_id ?? null,
        status: by?.status ?? null,
        counts: null,
        rowsAdded: null,
        rowsRemoved: null,
        totalRows: num(s.summary['total-records']),
        builtFrom: builtFrom(contract, s, undefined),
      });
    } else {
      const r = commitReport(s);
      records.push({
        ...base,
        operation: s.operation,
        rollback: null,
        runId: s.summary[RUN_ID_PROPERTY] ?? r?.run_id ?? null,
        status: r?.status ?? null,
        counts: counts(r),
        quality: quality(r, reviewed),
        anomalies: r?.anomalies ?? null,
        rowsAdded: num(s.summary['added-records']),
        rowsRemoved: num(s.summary['deleted-records']),
        totalRows: num(s.summary['total-records']),
        builtFrom: builtFrom(contract, s, r),
      });
    }
  });
  return { table: name, currentVersion: current, versions: records.reverse() };
}
