/**
 * What a version point means (`lake query --as-of`, the API's `as_of`) and which snapshot of a table it names:
 * a snapshot id, a time (the snapshot that was current then, from the snapshot log, exactly as Spark's and
 * Athena's `TIMESTAMP AS OF` read it, so a rollback is honoured) or a tag or branch name. A miss is a VersionError
 * whose message names the versions, tags and branches the table does have.
 */
import { VersionError } from './model';
import type { TableVersions, VersionSnapshot } from './model';

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
  if (versionText.test(text)) {
    const id = BigInt(text);
    if (id < -(2n ** 63n) || id >= 2n ** 63n) throw new VersionError(`'${spec}' is not a 64-bit snapshot id`);
    return { kind: 'version', snapshotId: String(id), text };
  }
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

/** When each snapshot first became the table's current one (its commit time when the log does not say). */
export function madeCurrentAt(meta: TableVersions, snapshot: VersionSnapshot): number {
  return (
    meta.snapshotLog.find((e) => e.snapshotId === snapshot.snapshotId)?.timestampMs ?? snapshot.timestampMs
  );
}

/** The snapshot that was current at `ms` (null: the table had no version yet). */
export function snapshotAt(meta: TableVersions, ms: number): VersionSnapshot | null {
  const log = meta.snapshotLog.length > 0 ? meta.snapshotLog : meta.snapshots;
  let id: string | null = null;
  for (const e of log) if (e.timestampMs <= ms) id = e.snapshotId;
  return id === null ? null : (meta.snapshots.find((s) => s.snapshotId === id) ?? null);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The newest `max` versions, for a message. */
export function listVersions(meta: TableVersions, max = 5): string {
  const newest = meta.snapshots.slice(-max).reverse();
  const shown = newest.map((s) => `${s.snapshotId} (${s.committedAt})`).join(', ');
  const more = meta.snapshots.length > max ? `, and ${meta.snapshots.length - max} older` : '';
  return `${shown}${more}`;
}

function listRefs(meta: TableVersions): string {
  const tags = meta.refs.filter((r) => r.type === 'tag').map((r) => r.name);
  const branches = meta.refs.filter((r) => r.type === 'branch').map((r) => r.name);
  return `tags: ${tags.length ? tags.join(', ') : 'none'}; branches: ${branches.length ? branches.join(', ') : 'none'}`;
}

/** Why a table has no snapshot for `asOf`: the message names the versions or refs it does have. */
function notFound(name: string, meta: TableVersions | null, asOf: AsOf): VersionError {
  if (!meta || meta.snapshots.length === 0) return new VersionError(`${name} has no versions yet`);
  switch (asOf.kind) {
    case 'version':
      return new VersionError(
        `${name} has no version ${asOf.snapshotId}; its newest versions: ${listVersions(meta)}`,
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

/** The snapshot of one table (`name` in messages) for `asOf`; throws a VersionError naming what exists. */
export function resolveVersion<M extends TableVersions>(
  name: string,
  meta: M | null,
  asOf: AsOf,
): M['snapshots'][number] {
  let found: VersionSnapshot | null | undefined = null;
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
