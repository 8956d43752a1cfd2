/**
 * Pipeline health and table facts of a local lake home: the run reports under `reports/`, the current Iceberg
 * snapshots, and (when asked) the stream's lag read from the emulator.
 */
import { allTables } from '../contracts';
import type { AnyContract } from '../contracts';
import type { TableFacts } from '../catalog-search/catalog-search';
import { describeCatalog } from '../local/lake-catalog';
import { readRunReports } from '../local/runner';
import { pipelineStatus, STREAM_OBJECTIVE_MINUTES, tableStatus } from './pipeline-status';
import type { PipelineStatus } from './pipeline-status';
import { readStreamLag } from './stream-lag';
import { tableFacts } from './table-facts';

export async function localPipelineStatus(
  home: string,
  opts: { now?: Date; stream?: boolean; tables?: readonly AnyContract[] } = {},
): Promise<PipelineStatus> {
  const now = opts.now ?? new Date();
  const stream = opts.stream === false ? null : await readStreamLag(home, now);
  return pipelineStatus(
    opts.tables ?? allTables,
    (t) => readRunReports(home, t),
    stream,
    now,
    STREAM_OBJECTIVE_MINUTES,
  );
}

/** What the metadata search shows and tags of each table: rows, newest event, version, last run, staleness. */
export async function localTableFacts(home: string, now = new Date()): Promise<Record<string, TableFacts>> {
  const entries = await describeCatalog(home);
  const out: Record<string, TableFacts> = {};
  for (const e of entries) {
    const status = tableStatus(
      allTables.find((t) => t.name === e.name) as AnyContract,
      readRunReports(home, e.name),
      now,
    );
    out[e.name] = tableFacts(status, {
      rowCount: e.rowCount,
      newestEventTime: e.freshness.newestEventTime,
      version: e.version?.snapshotId ?? null,
    });
  }
  return out;
}
