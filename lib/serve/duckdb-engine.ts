/**
 * The DuckDB adapter of the QueryEngine port, over the local engine (lib/local/sql-engine.ts) for `lake serve`.
 * Queries run in the background; a request waits for its query up to the synchronous budget like on Athena,
 * so the 202 + /v1/queries/{id} path behaves the same locally.
 */
import { randomUUID } from 'node:crypto';
import type { ColumnType } from '../contracts';
import { tableRelation, type LocalEngine } from '../local/sql-engine';
import { pruneFiles } from './pruning';
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
  result?: ResultSet;
  error?: unknown;
}

export interface DuckDbEngineOptions {
  /** executions kept for /v1/queries/{id} @default 1000 */
  readonly keep?: number;
  /**
   * read only the files a query's time range and equality filters can match (pruneFiles), as Athena does; off,
   * every query reads the table's whole view @default true
   */
  readonly prune?: boolean;
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
    if (state === 'succeeded' && ex.error !== undefined) throw ex.error;
    return state;
  }

  async results(id: string, maxRows: number, _ctx: QueryContext): Promise<ResultSet> {
    const ex = this.execution(id);
    await ex.done;
    if (ex.error !== undefined) throw ex.error;
    const r = ex.result as ResultSet;
    return { columns: r.columns, rows: r.rows.slice(0, maxRows) };
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
