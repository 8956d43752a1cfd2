/**
 * Versions of the lake's tables, as Iceberg keeps them: a version is a snapshot (its id), a tag or a branch is a
 * ref in the table metadata, and "as of a time" is the snapshot that was current then (from the snapshot log, so a
 * rollback is honoured exactly as Spark's and Athena's `TIMESTAMP AS OF` honour it).
 *
 * `parseAsOf` says what a user's `--as-of` / `as_of` text means; `resolveVersion` finds it in one table, and
 * `resolveLakeVersion` in one table of the lake, with errors that name what exists instead.
 */
import { allTables } from '../contracts';
import type { AnyContract } from '../contracts';
import { readTableMetadata } from './iceberg';
import type { SnapshotInfo, TableMetadata } from './iceberg';
import { layout, tableDir } from './layout';

/** The version asked for does not exist; the message names what does. */
export class VersionError extends Error {
  override name = 'VersionError';
}

export type AsOf =
  | { readonly kind: 'version'; readonly snapshotId: string; readonly text: string }
  | { readonly kind: 'timestamp'; readonly ms: number; readonly text: string }
  | { readonly kind: 'ref'; readonly name: string; readonly text: string };

const versionText = /^-?\d{1,19}$/;
const timestampText =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const refText = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A snapshot id (digits), an ISO-8601 time (`2025-03-04`, `2025-03-04T12:00:00Z`; no zone means UTC, a date alone
 * its midnight UTC) or a tag/branch name.
 */
export function parseAsOf(spec: string): AsOf {
  const text = spec.trim();
  if (versionText.test(text)) return { kind: 'version', snapshotId: String(BigInt(text)), text };
  const t = timestampText.exec(text);
  if (t) {
    const zone = t[8] === undefined || t[8].toUpperCase() === 'Z' ? 'Z' : t[8];
    const iso = `${t[1]}-${t[2]}-${t[3]}T${t[4] ?? '00'}:${t[5] ?? '00'}:${t[6] ?? '00'}${(t[7] ?? '').slice(0, 4)}${zone}`;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms))
      throw new VersionError(`'${spec}' is not a valid time (use e.g. 2025-03-04T12:00:00Z)`);
    return { kind: 'timestamp', ms, text };
  }
  if (refText.test(text)) return { kind: 'ref', name: text, text };
  throw new VersionError(
    `'${spec}' is neither a version (a snapshot id), a time (ISO 8601, e.g. 2025-03-04T12:00:00Z) nor a tag or branch name`,
  );
}

/** `processed.transactions` */
export const qualified = (c: AnyContract): string => `${c.database}.${c.name}`;

/** A contract table by `transactions` or `processed.transactions`; the error lists the tables. */
export function tableByName(name: string): AnyContract {
  const c = allTables.find((t) => t.name === name || qualified(t) === name);
  if (!c) throw new VersionError(`unknown table '${name}' (tables: ${allTables.map(qualified).join(', ')})`);
  return c;
}

/** When each snapshot first became the table's current one (its commit time when the log does not say). */
export function madeCurrentAt(meta: TableMetadata, snapshot: SnapshotInfo): number {
  return (
    meta.snapshotLog.find((e) => e.snapshotId === snapshot.snapshotId)?.timestampMs ?? snapshot.timestampMs
  );
}

/** The snapshot that was current at `ms` (null: the table had no version yet). */
export function snapshotAt(meta: TableMetadata, ms: number): SnapshotInfo | null {
  const log = meta.snapshotLog.length > 0 ? meta.snapshotLog : meta.snapshots;
  let id: string | null = null;
  for (const e of log) if (e.timestampMs <= ms) id = e.snapshotId;
  return id === null ? null : (meta.snapshots.find((s) => s.snapshotId === id) ?? null);
}

const iso = (ms: number): string => new Date(ms).toISOString();

function listVersions(meta: TableMetadata, max = 5): string {
  const newest = meta.snapshots.slice(-max).reverse();
  const shown = newest.map((s) => `${s.snapshotId} (${s.committedAt})`).join(', ');
  const more = meta.snapshots.length > max ? `, and ${meta.snapshots.length - max} older` : '';
  return `${shown}${more}`;
}

function listRefs(meta: TableMetadata): string {
  const tags = meta.refs.filter((r) => r.type === 'tag').map((r) => r.name);
  const branches = meta.refs.filter((r) => r.type === 'branch').map((r) => r.name);
  return `tags: ${tags.length ? tags.join(', ') : 'none'}; branches: ${branches.length ? branches.join(', ') : 'none'}`;
}

/** Why a table has no snapshot for `asOf`: the message names the versions or refs it does have. */
function notFound(name: string, meta: TableMetadata | null, asOf: AsOf): VersionError {
  if (!meta || meta.snapshots.length === 0)
    return new VersionError(`${name} has no versions yet (run 'lake etl')`);
  switch (asOf.kind) {
    case 'version':
      return new VersionError(
        `${name} has no version ${asOf.snapshotId}; its newest versions: ${listVersions(meta)} ('lake history ${name}' lists all)`,
      );
    case 'timestamp': {
      const first = meta.snapshotLog[0] ?? meta.snapshots[0];
      return new VersionError(
        `${name} has no version at ${iso(asOf.ms)}: its first version ${first?.snapshotId ?? '?'} became current at ${first ? iso(first.timestampMs) : '?'}`,
      );
    }
    case 'ref':
      return new VersionError(`${name} has no tag or branch '${asOf.name}' (${listRefs(meta)})`);
  }
}

/** The snapshot of one table for `asOf`; throws a VersionError naming what exists. */
export function resolveVersion(name: string, meta: TableMetadata | null, asOf: AsOf): SnapshotInfo {
  let found: SnapshotInfo | null | undefined = null;
  if (meta) {
    if (asOf.kind === 'version') found = meta.snapshots.find((s) => s.snapshotId === asOf.snapshotId);
    else if (asOf.kind === 'timestamp') found = snapshotAt(meta, asOf.ms);
    else {
      const ref = meta.refs.find((r) => r.name === asOf.name);
      found = ref && meta.snapshots.find((s) => s.snapshotId === ref.snapshotId);
    }
  }
  if (!found) throw notFound(name, meta, asOf);
  return found;
}

export interface LakeTableMetadata {
  readonly contract: AnyContract;
  readonly qualifiedName: string;
  readonly dir: string;
  /** null when the table does not exist yet */
  readonly metadata: TableMetadata | null;
}

/** The metadata of every contract table of the lake home. */
export function lakeMetadata(home: string): LakeTableMetadata[] {
  const l = layout(home);
  return allTables.map((contract) => {
    const dir = tableDir(l, contract.database, contract.name);
    return { contract, qualifiedName: qualified(contract), dir, metadata: readTableMetadata(dir) };
  });
}

/**
 * The snapshot of `table` for `spec`. A snapshot id that belongs to another table is refused by name (a version is
 * one table's); every other miss names the table's versions, tags and branches.
 */
export function resolveLakeVersion(
  home: string,
  table: string,
  spec: string,
): { table: LakeTableMetadata; snapshot: SnapshotInfo } {
  const contract = tableByName(table);
  const all = lakeMetadata(home);
  const own = all.find((t) => t.contract === contract);
  if (!own) throw new VersionError(`unknown table '${table}'`);
  const asOf = parseAsOf(spec);
  try {
    return { table: own, snapshot: resolveVersion(own.qualifiedName, own.metadata, asOf) };
  } catch (e) {
    if (asOf.kind === 'version') {
      const owner = all.find((t) => t.metadata?.snapshots.some((s) => s.snapshotId === asOf.snapshotId));
      if (owner && owner !== own)
        throw new VersionError(
          `version ${asOf.snapshotId} is a version of ${owner.qualifiedName}, not of ${own.qualifiedName}; versions of ${own.qualifiedName}: ${own.metadata ? listVersions(own.metadata) : 'none'}`,
        );
    }
    throw e;
  }
}
