/** A blocked run of a local table, looked up for `lake publish` / `lake discard` before Spark starts. */
import type { RunReport } from '../contracts/run-report';
import { reviewableRun } from '../versions/review';
import { tableByName, VersionError } from '../versions/model';
import { readRunReports } from './runner';
import { lakeMetadata } from './versions';
import type { LakeTableMetadata } from './versions';

/** The table and the blocked run `runId` of it that waits for review; a VersionError naming what exists otherwise. */
export function reviewableLakeRun(
  home: string,
  table: string,
  runId: string,
): { table: LakeTableMetadata; run: RunReport } {
  const contract = tableByName(table);
  if (contract.database !== 'processed')
    throw new VersionError(
      `${table} is a curated table: the quality gate holds batches of processed tables only, nothing to publish or discard`,
    );
  const own = lakeMetadata(home).find((t) => t.contract === contract);
  if (!own) throw new VersionError(`unknown table '${table}'`);
  const branches = (own.metadata?.refs ?? []).filter((r) => r.type === 'branch').map((r) => r.name);
  const run = reviewableRun(own.qualifiedName, runId, readRunReports(home, contract.name), branches);
  return { table: own, run };
}
