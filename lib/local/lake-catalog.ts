/**
 * The local catalog: what `lake catalog` and `lake demo` print (the API's /v1/datasets is built per caller in
 * lambdas/api/caller-catalog.ts). It is derived from
 * the contracts (columns, types, descriptions, PII flags) plus what is on disk: the Iceberg table's current snapshot
 * (version, row count, newest event time from the column bounds in the manifests) and the run reports (freshness).
 * No DuckDB needed.
 */
import { allTables, tableContract } from '../contracts';
import type { AnyContract, ColumnType } from '../contracts';
import { readCurrentSnapshot } from './iceberg';
import type { TableSnapshot } from './iceberg';
import { layout, tableDir } from './layout';
import { readRunReports } from './runner';
import type { RunReport } from './runner';

export interface CatalogColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
  readonly pii: boolean;
  readonly source: string;
}

export interface CatalogVersion {
  readonly snapshotId: string;
  readonly committedAt: string;
  readonly operation: string;
  readonly snapshotCount: number;
  readonly dataFiles: number;
  readonly bytes: number;
}

export interface CatalogEntry {
  readonly name: string;
  readonly kind: 'dataset' | 'curated';
  readonly database: 'processed' | 'curated';
  /** the name analysts query: `processed.transactions` */
  readonly qualifiedName: string;
  readonly description: string;
  readonly owner: string;
  readonly businessKey: readonly string[];
  readonly timeColumn: string;
  readonly partitioning: string;
  readonly retentionDays: number;
  readonly columns: readonly CatalogColumn[];
  /** rows in the current snapshot; null when the table does not exist yet */
  readonly rowCount: number | null;
  readonly freshness: {
    /** the newest run that did not fail */
    readonly lastSuccessfulRun: {
      readonly runId: string;
      readonly startedAt: string;
      readonly status: string;
    } | null;
    readonly lastRun: { readonly runId: string; readonly startedAt: string; readonly status: string } | null;
    /** the largest value of the time column in the current snapshot (from the manifests' column bounds) */
    readonly newestEventTime: string | null;
  };
  readonly version: CatalogVersion | null;
}

function newestEventTime(snap: TableSnapshot | null, timeColumn: string): string | null {
  let best: string | null = null;
  for (const f of snap?.files ?? []) {
    const u = f.bounds[timeColumn]?.upper;
    if (typeof u === 'string' && (best === null || u > best)) best = u;
  }
  return best;
}

const runRef = (r: RunReport | undefined): CatalogEntry['freshness']['lastRun'] =>
  r ? { runId: r.run_id, startedAt: r.started_at, status: r.status } : null;

export async function catalogEntry(home: string, contract: AnyContract): Promise<CatalogEntry> {
  const snap = await readCurrentSnapshot(tableDir(layout(home), contract.database, contract.name));
  const reports = readRunReports(home, contract.name);
  const ok = reports.filter((r) => r.status !== 'failed');
  const current = snap?.snapshot ?? null;
  return {
    name: contract.name,
    kind: contract.database === 'processed' ? 'dataset' : 'curated',
    database: contract.database,
    qualifiedName: `${contract.database}.${contract.name}`,
    description: contract.description,
    owner: contract.owner,
    businessKey: contract.businessKey,
    timeColumn: contract.timeColumn,
    partitioning: `day(${contract.timeColumn})`,
    retentionDays: contract.retentionDays,
    columns: contract.columns.map((c) => ({
      name: c.name,
      type: c.type,
      description: c.description,
      pii: c.pii ?? false,
      source: c.source,
    })),
    rowCount: snap ? snap.recordCount : null,
    freshness: {
      lastSuccessfulRun: runRef(ok[ok.length - 1]),
      lastRun: runRef(reports[reports.length - 1]),
      newestEventTime: newestEventTime(snap, contract.timeColumn),
    },
    version:
      snap && current
        ? {
            snapshotId: current.snapshotId,
            committedAt: current.committedAt,
            operation: current.operation,
            snapshotCount: snap.metadata.snapshots.length,
            dataFiles: snap.files.length,
            bytes: snap.files.reduce((n, f) => n + f.fileSizeBytes, 0),
          }
        : null,
  };
}

/** Every contract table (or one, by name), in contract order. */
export async function describeCatalog(home: string, table?: string): Promise<CatalogEntry[]> {
  const contracts = table === undefined ? allTables : [tableContract(table)];
  return Promise.all(contracts.map((c) => catalogEntry(home, c)));
}
