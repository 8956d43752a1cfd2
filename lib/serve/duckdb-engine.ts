/**
 * The DuckDB adapter of the QueryEngine port, over the local engine (lib/local/sql-engine.ts) for `lake serve`.
 * Queries run in the background; a request waits for its query up to the synchronous budget like on Athena,
 * so the 202 + /v1/queries/{id} path behaves the same locally.
 */
import { randomUUID } from 'node:crypto';
import type { ColumnType } from '../contracts';
import { tableRelation, type LocalEngine } from '../local/sql-engine';
import { pruneFiles } from './pruning';
import { scannedBytes } from './scanned-bytes';
import type {
  QueryContext,
  QueryEngine,
  QueryState,
  ResultSet,
  Scan,
  SqlQuery,
} from '../../lambdas/api/query-engine';
import { ApiError } from '../../lambdas/api/errors';
import { ident } from '../../lambdas/api/routes';

interface Execution {
  readonly done: Promise<void>;
  readonly startedAt: number;
  /** bytes of the data files the query reads (scanned-bytes.ts) */
  readonly scannedBytes: number;
  result?: ResultSet;
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
}

/** The tables a local engine reads: `processed.<dataset>`, `curated.<table>`. */
export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;
  private readonly executions = new Map<string, Execution>();

  constructor(
    private readonly local: Pick<LocalEngine, 'query'> & Partial<Pick<LocalEngine, 'tables'>>,
    private readonly opts: DuckDbEngineOptions = {},
  ) {}

  tableRef(database: 'processed' | 'curated', table: string, scan?: Scan): string {
    const t =
      scan && (this.opts.prune ?? true)
        ? this.local.tables?.().find((x) => x.contract.database === database && x.contract.name === table)
        : undefined;
    if (!t) return `${ident(database)}.${ident(table)}`;
    const files = pruneFiles(t.files, t.snapshot?.metadata.partitionSpec ?? [], scan ?? {});
    return `(${tableRelation(t, files)})`;
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
    const r = ex.result as ResultSet;
    return { columns: r.columns, rows: r.rows.slice(0, maxRows), scannedBytes: ex.scannedBytes };
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
