/**
 * The versions of the local lake's tables: every table's Iceberg metadata read from the lake home, and a version
 * of one table looked up among all of them, so that a snapshot id of another table is refused by name. What a
 * version point means and how it is found in one table is lib/versions.
 */
import { allTables } from '../contracts';
import type { AnyContract } from '../contracts';
import { parseAsOf, resolveVersion, listVersions } from '../versions/as-of';
import { qualified, tableByName, VersionError } from '../versions/model';
import { readTableMetadata } from './iceberg';
import type { SnapshotInfo, TableMetadata } from './iceberg';
import { layout, tableDir } from './layout';

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
