/**
 * The metadata port: where the metadata routes take their facts from. Adapters: the lake home for `lake serve`
 * (lib/serve/local-metadata.ts), the run reports and OpenLineage events the Glue jobs keep in S3 on AWS
 * (s3-metadata.ts). Chosen once, at start-up. The read models (search, lineage, status) are built from what it gives,
 * with the contracts bundled in the code; nothing here reads table data.
 */
import type { TableFacts } from '../../lib/catalog-search/catalog-search';
import type { TableName } from '../../lib/contracts';
import type { RunReport } from '../../lib/contracts/run-report';
import type { RunEvent } from '../../lib/lineage/graph';
import type { StreamLag } from '../../lib/status/pipeline-status';

export interface MetadataSource {
  /** by table name, what is known of each table beyond its contract; a table absent is one nothing is known of */
  tableFacts(now: Date): Promise<Readonly<Partial<Record<TableName, TableFacts>>>>;
  /** every OpenLineage run event kept, in any order */
  lineageEvents(): Promise<readonly RunEvent[]>;
  /** the run reports of one table's job, in any order */
  runReports(table: TableName): Promise<readonly RunReport[]>;
  /** the stream's delivery lag; null where this deployment does not read the stream */
  streamLag(now: Date): Promise<StreamLag | null>;
}

/** A deployment that keeps no run history the API can read: the contracts alone. */
export const contractsOnly: MetadataSource = {
  tableFacts: () => Promise.resolve({}),
  lineageEvents: () => Promise.resolve([]),
  runReports: () => Promise.resolve([]),
  streamLag: () => Promise.resolve(null),
};
