/**
 * The DuckDB adapter of the QueryEngine port, over the local engine (lib/local/sql-engine.ts) for `lake serve`.
 * Queries run in the background; a request waits for its query up to the synchronous budget like on Athena,
 * so the 202 + /v1/queries/{id} path behaves the same locally.
 *
 * A query as of an older version reads that snapshot's files: `versions` reads the table's metadata file as it is
 * on disk now, `prepareVersion` reads the snapshot's manifests (kept for the next queries of the same version: a
 * snapshot's files never change), and `tableRef` then builds the relation over them.
 */
import { randomUUID } from 'node:crypto';
import type { ColumnType } from '../contracts';
import { readSnapshotFiles, readTableMetadata } from '../local/iceberg';
import type { DataFile, PartitionField, TableMetadata } from '../local/iceberg';
import { layout, tableDir } from '../local/layout';
import { firstRows, tableRelation, type LocalEngine, type QueryResult } from '../local/sql-engine';
import { pruneFiles } from './pruning';
import { scannedBytes } from './scanned-bytes';
import type {
  QueryContext,
  QueryEngine,
  QueryState,
  ResultSet,
  Scan,
  SqlQuery,
  VersionPoint,
} from '../../lambdas/api/query-engine';
import { ApiError } from '../../lambdas/api/errors';
import { ident } from '../../lambdas/api/routes';

interface Execution {
  readonly done: Promise<void>;
  readonly startedAt: number;
  /** bytes of the data files the query reads (scanned-bytes.ts) */
  readonly scannedBytes: number;
  result?: QueryResult;
  error?: unknown;
  /** finished while its request waited: read once by that request, then dropped */
  answered?: boolean;
  /** approximate size of the result, once kept for /v1/queries/{id} */
  bytes?: number;
}

export interface DuckDbEngineOptions {
  /** executions kept for /v1/queries/{id} @default 1000 */
  readonly keep?: number;
  /**
   * read only the files a query's time range and equality filters can match (pruneFiles), as Athena does; off,
   * every query reads the table's whole view @default true
   */
  readonly prune?: boolean;
  /** bytes of results kept for queries that outlived the synchronous budget @default 64 MiB */
  readonly keepBytes?: number;
  /** how long such a result is kept @default 10 minutes */
  readonly keepMs?: number;
  /** versions whose file lists are kept for queries as of them @default 32 */
  readonly keepVersions?: number;
}

interface PreparedVersion {
  readonly files: readonly DataFile[];
  readonly spec: readonly PartitionField[];
}

const versionKey = (database: string, table: string, snapshotId: string): string =>
  `${database}.${table}@${snapshotId}`;

/** The tables a local engine reads: `processed.<dataset>`, `curated.<table>`. */
export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;
  private readonly executions = new Map<string, Execution>();
  private readonly prepared = new Map<string, PreparedVersion>();

  constructor(
    private readonly local: Pick<LocalEngine, 'query'> &
      Partial<Pick<LocalEngine, 'tables' | 'home' | 'olderVersions'>>,
    private readonly opts: DuckDbEngineOptions = {},
  ) {}

  tableRef(database: 'processed' | 'curated', table: string, scan?: Scan, at?: VersionPoint): string {
    if (at) return this.versionRelation(database, table, scan, at);
    const t =
      scan && (this.opts.prune ?? true)
        ? this.local.tables?.().find((x) => x.contract.database === database && x.contract.name === table)
        : undefined;
    if (!t) return `${ident(database)}.${ident(table)}`;
    const files = pruneFiles(t.files, t.snapshot?.metadata.partitionSpec ?? [], scan ?? {});
    return `(${tableRelation(t, files)})`;
  }

  private versionRelation(
    database: 'processed' | 'curated',
    table: string,
    scan: Scan | undefined,
    at: VersionPoint,
  ): string {
    const v = this.prepared.get(versionKey(database, table, at.snapshotId));
    const t = this.local
      .tables?.()
      .find((x) => x.contract.database === database && x.contract.name === table);
    if (!v || !t) throw new Error(`version ${at.snapshotId} of ${database}.${table} was not prepared`);
    const files = scan && (this.opts.prune ?? true) ? pruneFiles(v.files, v.spec, scan) : v.files;
    return `(${tableRelation(t, files)})`;
  }

  private metadata(database: 'processed' | 'curated', table: string): TableMetadata | null {
    const home = this.local.home;
    if (home === undefined)
      throw new Error('the engine was opened without its lake home: it cannot read versions');
    return readTableMetadata(tableDir(layout(home), database, table));
  }

  async versions(database: 'processed' | 'curated', table: string): Promise<TableMetadata | null> {
    return this.metadata(database, table);
  }

  async prepareVersion(database: 'processed' | 'curated', table: string, at: VersionPoint): Promise<void> {
    const key = versionKey(database, table, at.snapshotId);
    if (this.prepared.has(key)) return;
    if (this.local.olderVersions === false)
      throw new Error('the local engine was opened without olderVersions: it cannot read older versions');
    const meta = this.metadata(database, table);
    const snapshot = meta?.snapshots.find((s) => s.snapshotId === at.snapshotId);
    if (!meta || !snapshot)
      throw new ApiError('not_found', `${database}.${table} no longer has version ${at.snapshotId}`, {
        version: at.snapshotId,
      });
    const read = await readSnapshotFiles(meta, snapshot);
    this.prepared.set(key, { files: read.files, spec: meta.partitionSpec });
    for (const old of this.prepared.keys()) {
      if (this.prepared.size <= (this.opts.keepVersions ?? 32)) break;
      this.prepared.delete(old);
    }
  }

  selectExpr(expr: string, _type: ColumnType): string {
    return expr;
  }

  async start(query: SqlQuery, _ctx: QueryContext): Promise<string> {
    const id = randomUUID();
    const ex: Execution = {
      startedAt: Date.now(),
      scannedBytes: scannedBytes(query.sql, this.local.tables?.() ?? []),
      done: this.local.query(query.sql, query.params).then(
        (r) => {
          ex.result = r;
        },
        (e: unknown) => {
          ex.error = e;
        },
      ),
    };
    this.executions.set(id, ex);
    const keep = this.opts.keep ?? 1000;
    for (const old of this.executions.keys()) {
      if (this.executions.size <= keep) break;
      this.executions.delete(old);
    }
    return id;
  }

  private execution(id: string): Execution {
    const ex = this.executions.get(id);
    if (!ex)
      throw new ApiError('not_found', 'no such query (the server may have restarted)', { id: 'unknown' });
    return ex;
  }

  async wait(id: string, budgetMs: number, _ctx: QueryContext): Promise<QueryState> {
    const ex = this.execution(id);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'running'>((r) => {
      timer = setTimeout(() => r('running'), budgetMs);
    });
    const state = await Promise.race([ex.done.then(() => 'succeeded' as const), timeout]);
    clearTimeout(timer);
    if (state === 'succeeded') {
      if (budgetMs > 0 && ex.bytes === undefined) ex.answered = true;
      if (ex.error !== undefined) {
        this.executions.delete(id);
        throw ex.error;
      }
    } else if (ex.bytes === undefined) void ex.done.then(() => this.keepResult(ex));
    return state;
  }

  /** A query that outlived the budget: its result waits for /v1/queries/{id}, within the byte and age bounds. */
  private keepResult(ex: Execution): void {
    ex.bytes = ex.result ? JSON.stringify(ex.result.rows).length * 2 : 0;
    const now = Date.now();
    const maxAge = this.opts.keepMs ?? 600_000;
    let total = 0;
    for (const [id, e] of [...this.executions].reverse()) {
      if (e.bytes === undefined) continue;
      total += e.bytes;
      if (now - e.startedAt > maxAge || total > (this.opts.keepBytes ?? 64 * 1024 * 1024))
        this.executions.delete(id);
    }
  }

  async results(id: string, maxRows: number, _ctx: QueryContext): Promise<ResultSet> {
    const ex = this.execution(id);
    await ex.done;
    if (ex.answered) this.executions.delete(id);
    if (ex.error !== undefined) throw ex.error;
    const r = ex.result as QueryResult;
    return { columns: r.columns, rows: firstRows(r, maxRows), scannedBytes: ex.scannedBytes };
  }

  /** Executions held in memory: the bound `lake serve` keeps. */
  get held(): number {
    return this.executions.size;
  }

  async tableVersion(database: 'processed' | 'curated', table: string): Promise<string | null> {
    const t = this.local
      .tables?.()
      .find((x) => x.contract.database === database && x.contract.name === table);
    return t?.snapshot?.snapshot?.snapshotId ?? null;
  }

  async ping(): Promise<void> {
    await this.local.query('SELECT 1 AS ok');
  }
}
