/**
 * What the metadata search knows of a table beyond its contract, from its pipeline status and what the source can
 * tell of the table itself (locally the Iceberg snapshot; on AWS only the run reports, which keep no row counts).
 * Pure.
 */
import type { TableFacts } from '../catalog-search/catalog-search';
import type { TableStatus } from './pipeline-status';

export interface TableSeen {
  readonly rowCount: number | null;
  readonly newestEventTime: string | null;
  readonly version: string | null;
}

export function tableFacts(status: TableStatus, seen: TableSeen): TableFacts {
  return {
    rowCount: seen.rowCount,
    newestEventTime: seen.newestEventTime,
    version: seen.version,
    lastRunStatus: status.lastRun?.status ?? null,
    lastRunAt: status.lastRun?.startedAt ?? null,
    stale: status.freshness.state === 'stale',
    quality: status.quality,
  };
}
