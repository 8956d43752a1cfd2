/**
 * When a table is due for upkeep (`lake maintain`), decided from its Iceberg metadata alone (no Spark): `lake stream
 * run` and `lake demo` check after their job runs and start the maintenance only for the tables that are due.
 *
 * A table is due when
 *  - one of its day partitions holds at least `compactionMinInputFiles` small data files in the current version
 *    (smaller than 3/4 of `targetFileSizeBytes`, the size under which Iceberg's binpack compaction rewrites a
 *    file), or
 *  - snapshot expiry would expire a version: one older than `snapshotRetentionDays` that no ref keeps. The rule is
 *    Iceberg's own (`expire_snapshots`): a tag keeps its snapshot (until its own max age), a branch keeps its head
 *    and its ancestors while fewer than `minSnapshotsToKeep` or younger than the retention, and a snapshot no
 *    branch reaches is kept while younger than the retention. Anything looser would make a table with an old
 *    audit branch look due after every run although expiry has nothing to do.
 * Settings per table from the contracts' Iceberg layout (lib/contracts/iceberg.ts).
 */
import { allTables, tableContract } from '../contracts';
import type { AnyContract } from '../contracts';
import { icebergMaintenance } from '../contracts/iceberg';
import type { IcebergMaintenance } from '../contracts/iceberg';
import { readCurrentSnapshot, readTableMetadata } from './iceberg';
import type { DataFile, TableMetadata } from './iceberg';
import { layout, tableDir } from './layout';

/** Iceberg's binpack rewrites files under this share of the target size (its `min-file-size-bytes` default). */
export const smallFileShare = 0.75;

export interface UpkeepDue {
  /** `processed.ad_events` */
  readonly table: string;
  /** why, in words */
  readonly reasons: readonly string[];
}

const dayMs = 86_400_000;

/** Why a table whose current version holds `files` and whose metadata keeps `snapshots` and `refs` is due
 * (empty: it is not). */
export function dueReasons(
  files: readonly Pick<DataFile, 'fileSizeBytes' | 'partition'>[],
  metadata: Pick<TableMetadata, 'snapshots' | 'refs'>,
  m: IcebergMaintenance,
  nowMs: number,
): string[] {
  const reasons: string[] = [];
  const small = new Map<string, number>();
  for (const f of files) {
    if (f.fileSizeBytes >= m.targetFileSizeBytes * smallFileShare) continue;
    const day = Object.values(f.partition).map(String).join('/');
    small.set(day, (small.get(day) ?? 0) + 1);
  }
  const crowded = [...small].filter(([, n]) => n >= m.compactionMinInputFiles).sort((a, b) => b[1] - a[1]);
  if (crowded.length > 0) {
    const [day, n] = crowded[0] as [string, number];
    reasons.push(
      `${crowded.length} partition(s) with at least ${m.compactionMinInputFiles} small files (${day}: ${n})`,
    );
  }
  const cutoff = nowMs - m.snapshotRetentionDays * dayMs;
  const kept = retainedSnapshots(metadata, m.minSnapshotsToKeep, cutoff, nowMs);
  const expirable = metadata.snapshots.filter((s) => !kept.has(s.snapshotId));
  if (expirable.length > 0)
    reasons.push(`${expirable.length} version(s) older than ${m.snapshotRetentionDays} days to expire`);
  return reasons;
}

/**
 * The snapshots Iceberg's snapshot expiry keeps, given snapshots older than `cutoffMs` may go and each branch keeps
 * at least `minSnapshotsToKeep` (refs here carry no retention of their own, as the lake never sets one).
 */
export function retainedSnapshots(
  metadata: Pick<TableMetadata, 'snapshots' | 'refs'>,
  minSnapshotsToKeep: number,
  cutoffMs: number,
  nowMs: number,
): Set<string> {
  const byId = new Map(metadata.snapshots.map((s) => [s.snapshotId, s]));
  const ancestors = function* (id: string) {
    for (let s = byId.get(id); s; s = s.parentSnapshotId ? byId.get(s.parentSnapshotId) : undefined) yield s;
  };
  const refs = metadata.refs.filter((r) => {
    const s = byId.get(r.snapshotId);
    return s && (r.name === 'main' || r.maxRefAgeMs === null || nowMs - s.timestampMs <= r.maxRefAgeMs);
  });
  const kept = new Set<string>();
  const reached = new Set<string>();
  for (const r of refs) {
    if (r.type === 'tag') {
      kept.add(r.snapshotId);
      reached.add(r.snapshotId);
      continue;
    }
    let n = 0;
    let retaining = true;
    for (const s of ancestors(r.snapshotId)) {
      reached.add(s.snapshotId);
      retaining &&= n < minSnapshotsToKeep || s.timestampMs >= cutoffMs;
      if (retaining) {
        kept.add(s.snapshotId);
        n++;
      }
    }
  }
  for (const s of metadata.snapshots)
    if (!reached.has(s.snapshotId) && s.timestampMs >= cutoffMs) kept.add(s.snapshotId);
  return kept;
}

/** Whether the table has a version yet (its Iceberg metadata names a current snapshot); read without Spark. */
export function hasVersion(home: string, contract: AnyContract): boolean {
  return readTableMetadata(tableDir(layout(home), contract.database, contract.name))?.currentSnapshot != null;
}

export async function upkeepDue(
  home: string,
  contract: AnyContract,
  nowMs: number = Date.now(),
): Promise<UpkeepDue | null> {
  const current = await readCurrentSnapshot(tableDir(layout(home), contract.database, contract.name));
  if (!current?.snapshot) return null;
  const reasons = dueReasons(current.files, current.metadata, icebergMaintenance(contract), nowMs);
  return reasons.length > 0 ? { table: `${contract.database}.${contract.name}`, reasons } : null;
}

/** The tables (default every table; names as `ad_events`) that are due for upkeep. */
export async function tablesDueForUpkeep(
  home: string,
  names?: readonly string[],
  nowMs: number = Date.now(),
): Promise<UpkeepDue[]> {
  const contracts = names ? names.map((n) => tableContract(n)) : allTables;
  const due = await Promise.all(contracts.map((c) => upkeepDue(home, c, nowMs)));
  return due.filter((d): d is UpkeepDue => d !== null);
}

export interface UpkeepFootprint {
  readonly data_files: number;
  readonly data_bytes: number;
  readonly kept_data_files: number;
  readonly kept_data_bytes: number;
  readonly snapshots: number;
}

/** The details of a `maintain` report (glue-jobs/lake_jobs/upkeep.py). */
export interface UpkeepDetails {
  readonly before?: UpkeepFootprint;
  readonly after?: UpkeepFootprint;
  readonly compaction?: { readonly rewritten_data_files: number; readonly added_data_files: number };
  readonly expiry?: { readonly expired_snapshots: number };
  readonly orphans?: { readonly removed_files: number };
  readonly refs_kept?: readonly string[];
  readonly skipped?: string;
}
