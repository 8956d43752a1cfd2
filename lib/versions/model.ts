/**
 * The versions of a table as Iceberg keeps them, in the shape both runtimes can give: a version is a snapshot (its
 * id), a tag or a branch is a ref, and the snapshot log says when each snapshot became the table's current one (a
 * rollback shows there as an older snapshot becoming current again). Locally they come from the metadata file
 * (lib/local/iceberg.ts), on Athena from the `$snapshots`, `$history` and `$refs` metadata tables.
 */
import { allTables } from '../contracts';
import type { AnyContract } from '../contracts';

/** The version asked for does not exist, or the text names no version; the message names what exists. */
export class VersionError extends Error {
  override name = 'VersionError';
}

export interface VersionSnapshot {
  /** 64-bit id as a decimal string */
  readonly snapshotId: string;
  readonly parentSnapshotId: string | null;
  /** commit time, epoch ms */
  readonly timestampMs: number;
  /** ISO-8601 UTC */
  readonly committedAt: string;
  readonly operation: string;
  readonly summary: Readonly<Record<string, string>>;
}

/** An Iceberg ref: a tag (a named, fixed snapshot) or a branch (a named line of snapshots; `main` is the table). */
export interface VersionRef {
  readonly name: string;
  readonly type: 'tag' | 'branch';
  readonly snapshotId: string;
  /** tags: how long the tag is kept after it was made (null: forever) */
  readonly maxRefAgeMs: number | null;
}

/** One entry of the snapshot log: the table's current snapshot became `snapshotId` at `timestampMs`. */
export interface VersionLogEntry {
  readonly snapshotId: string;
  readonly timestampMs: number;
}

export interface TableVersions {
  readonly currentSnapshot: VersionSnapshot | null;
  /** all snapshots still in the metadata, oldest first */
  readonly snapshots: readonly VersionSnapshot[];
  /** tags and branches, by name */
  readonly refs: readonly VersionRef[];
  /** when each snapshot became current, oldest first */
  readonly snapshotLog: readonly VersionLogEntry[];
}

/** `processed.transactions` */
export const qualified = (c: AnyContract): string => `${c.database}.${c.name}`;

/** A contract table by `transactions` or `processed.transactions`; the error lists the tables. */
export function tableByName(name: string): AnyContract {
  const c = allTables.find((t) => t.name === name || qualified(t) === name);
  if (!c) throw new VersionError(`unknown table '${name}' (tables: ${allTables.map(qualified).join(', ')})`);
  return c;
}
