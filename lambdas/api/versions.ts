/**
 * Versions through the API: an `as_of` resolved against the route's table (the snapshot its query then reads), and
 * the answer of GET /v1/datasets/{name}/versions. Both read the table's versions through the engine port, so they
 * mean the same on Athena (its metadata tables) and locally (the metadata file), and a miss names what exists.
 */
import type { AnyContract } from '../../lib/contracts';
import { resolveVersion, type AsOf } from '../../lib/versions/as-of';
import { buildHistory, type VersionRecord } from '../../lib/versions/history';
import { qualified, VersionError, type TableVersions } from '../../lib/versions/model';
import { ApiError, badRequest } from './errors';
import { parseLimit } from './params';
import type { QueryContext, QueryEngine, VersionPoint } from './query-engine';

/** The version a query read, as its answer tells it. */
export interface VersionRead {
  /** the `as_of` as the caller sent it */
  readonly requested: string;
  /** the snapshot id read */
  readonly version: string;
  readonly committedAt: string;
}

export interface ResolvedVersion {
  readonly point: VersionPoint;
  readonly read: VersionRead;
}

/**
 * What a table has, for a 404 that names it: its newest versions, its tags and branches, when it began. The
 * versions are those its main branch has been at (the snapshot log, as `lake history` lists them), not snapshots
 * that only an audit branch holds.
 */
function whatExists(meta: TableVersions | null) {
  const first = meta?.snapshotLog[0] ?? meta?.snapshots[0];
  const byId = new Map((meta?.snapshots ?? []).map((s) => [s.snapshotId, s]));
  const logged = [...new Set((meta?.snapshotLog ?? []).map((e) => e.snapshotId))]
    .map((id) => byId.get(id))
    .filter((s) => s !== undefined);
  const main = logged.length > 0 ? logged : (meta?.snapshots ?? []);
  return {
    versions: main
      .slice(-5)
      .reverse()
      .map((s) => ({ version: s.snapshotId, committedAt: s.committedAt })),
    versionCount: main.length,
    tags: (meta?.refs ?? []).filter((r) => r.type === 'tag').map((r) => r.name),
    branches: (meta?.refs ?? []).filter((r) => r.type === 'branch').map((r) => r.name),
    firstVersionAt: first ? new Date(first.timestampMs).toISOString() : null,
  };
}

/**
 * The snapshot of `table` that `asOf` names, ready for the engine to read; a 404 naming what exists otherwise. A
 * time in the past is read by time (Athena's own rule, which picks the same snapshot from the same log); a later
 * one means the current version, read by its id. `now` is taken before the metadata is read, so that a commit
 * landing meanwhile is never what a past time names.
 */
export async function resolveAsOf(
  engine: QueryEngine,
  table: AnyContract,
  asOf: AsOf,
  budgetMs: number,
  ctx: QueryContext,
  now = Date.now(),
): Promise<ResolvedVersion> {
  const meta = await engine.versions(table.database, table.name, budgetMs, ctx);
  let snapshot;
  try {
    snapshot = resolveVersion(qualified(table), meta, asOf);
  } catch (e) {
    if (e instanceof VersionError)
      throw new ApiError('not_found', e.message, {
        as_of: asOf.text,
        table: qualified(table),
        ...whatExists(meta),
      });
    throw e;
  }
  const point: VersionPoint = {
    snapshotId: snapshot.snapshotId,
    ...(asOf.kind === 'timestamp' && asOf.ms <= now ? { timestampMs: asOf.ms } : {}),
  };
  await engine.prepareVersion?.(table.database, table.name, point, ctx);
  return {
    point,
    read: { requested: asOf.text, version: snapshot.snapshotId, committedAt: snapshot.committedAt },
  };
}

/** One version as the versions route lists it: what the table's metadata tells of it. */
function versionEntry(r: VersionRecord) {
  return {
    version: r.version,
    parentVersion: r.parentVersion,
    current: r.current,
    undone: r.undone,
    madeCurrentAt: r.madeCurrentAt,
    committedAt: r.committedAt,
    operation: r.operation,
    rollbackFrom: r.rollback?.from ?? null,
    runId: r.runId,
    rowsAdded: r.rowsAdded,
    rowsRemoved: r.rowsRemoved,
    totalRows: r.totalRows,
    builtFrom: r.builtFrom.tables,
    tags: r.tags,
    branches: r.branches,
  };
}

/** GET /v1/datasets/{name}/versions: the table's versions newest first, at most `limit` of them. */
export async function versionsAnswer(
  engine: QueryEngine,
  table: AnyContract,
  query: Readonly<Record<string, string | undefined>>,
  budgetMs: number,
  ctx: QueryContext,
) {
  const extra = Object.keys(query).find((k) => k !== 'limit');
  if (extra !== undefined)
    throw badRequest(extra, 'is not a parameter of this route', { allowed: ['limit'] });
  const limit = parseLimit(query.limit);
  const meta = await engine.versions(table.database, table.name, budgetMs, ctx);
  // the run reports live beside the jobs, not the API: the records carry what the metadata tells
  const h = buildHistory(table, meta, []);
  return {
    table: h.table,
    currentVersion: h.currentVersion,
    total: h.versions.length,
    data: h.versions.slice(0, limit).map(versionEntry),
  };
}
