/**
 * The Athena adapter of the QueryEngine port. Each data role runs its queries in its own workgroup under its
 * own IAM role (assumed with STS), so that Lake Formation enforces that role's grants. Values travel as
 * ExecutionParameters: strings quoted with `'` doubled (never a backslash), numbers and booleans as literals.
 *
 * A table's versions come from its Iceberg metadata tables (`$snapshots`, `$history`, `$refs`), read by one query
 * under the caller's role: Lake Formation lets a role that may read the table read them, so they need no IAM of
 * their own.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  type ColumnInfo,
  type Row,
} from '@aws-sdk/client-athena';
import type { ColumnType } from '../../lib/contracts';
import type { TableVersions, VersionRef, VersionSnapshot } from '../../lib/versions/model';
import type { DataRole } from '../../lib/governance/grants';
import type {
  JsonValue,
  QueryContext,
  QueryEngine,
  QueryState,
  ResultSet,
  Scan,
  SqlParam,
  SqlQuery,
  VersionPoint,
} from './query-engine';
import { ApiError } from './errors';
import { ident } from './routes';
import { timeTravel } from './sql';
import type { CredentialsProvider } from './sts-credentials';

export interface AthenaRoleConfig {
  /** Workgroup the role's queries run in (result location, encryption, scan limits). */
  readonly workgroup: string;
  /** IAM role assumed for the role's queries. @default the Lambda's own role */
  readonly roleArn?: string;
}

export interface AthenaEngineOptions {
  readonly region?: string;
  /** Glue database names, as the deploy named them, e.g. `{processed: 'lake_processed_prod', ...}` */
  readonly databases: Readonly<Record<'processed' | 'curated', string>>;
  readonly roles: Readonly<Partial<Record<DataRole, AthenaRoleConfig>>>;
  readonly credentials: CredentialsProvider;
  /** for tests: a client factory (aws-sdk-client-mock mocks the class) */
  readonly client?: (role: DataRole) => AthenaClient;
  /** for tests: how to wait between polls */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const DB_NAME = /^[a-zA-Z0-9_]{1,255}$/;

/** An Athena ExecutionParameter: the literal that replaces one `?`. */
export function athenaParameter(v: SqlParam): string {
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return String(v);
}

/** Rows of a table's metadata tables read for its versions: snapshots + log entries + refs (newest kept first). */
export const MAX_VERSION_ROWS = 30_000;

/**
 * One query over the three metadata tables of `"db"."table"`: one row per snapshot, per snapshot-log entry and per
 * ref, told apart by `kind`. Times come as epoch ms and the summary map as JSON text, so that nothing depends on
 * how Athena renders a timestamp or a map.
 */
export function versionsSql(database: string, table: string): string {
  if (!DB_NAME.test(database)) throw new Error(`invalid Athena database name: ${JSON.stringify(database)}`);
  // a metadata table is `"<table>$<suffix>"`: the table name is checked as an identifier first
  const meta = (suffix: string) => `"${database}".${ident(table).slice(0, -1)}$${suffix}"`;
  const ms = (col: string) => `CAST(to_unixtime(${col}) * 1000 AS BIGINT)`;
  const none = 'CAST(NULL AS VARCHAR)';
  return (
    [
      `SELECT 'snapshot' AS kind, CAST(snapshot_id AS VARCHAR) AS id, CAST(parent_id AS VARCHAR) AS parent, ${ms('committed_at')} AS ms, operation AS detail, json_format(CAST(summary AS JSON)) AS summary FROM ${meta('snapshots')}`,
      `SELECT 'log', CAST(snapshot_id AS VARCHAR), ${none}, ${ms('made_current_at')}, ${none}, ${none} FROM ${meta('history')}`,
      `SELECT 'ref', CAST(snapshot_id AS VARCHAR), name, CAST(max_reference_age_in_ms AS BIGINT), type, ${none} FROM ${meta('refs')}`,
    ].join(' UNION ALL ') + ` ORDER BY ms DESC LIMIT ${MAX_VERSION_ROWS}`
  );
}

/** The rows of versionsSql as the version model. */
export function parseVersionRows(rows: readonly Record<string, JsonValue>[]): TableVersions {
  const text = (v: JsonValue | undefined): string | null =>
    v === null || v === undefined ? null : String(v);
  const snapshots: VersionSnapshot[] = [];
  const refs: VersionRef[] = [];
  const log: { snapshotId: string; timestampMs: number }[] = [];
  for (const r of rows) {
    const id = text(r.id);
    if (id === null) continue;
    const ms = typeof r.ms === 'number' ? r.ms : r.ms === null || r.ms === undefined ? null : Number(r.ms);
    if (r.kind === 'snapshot' && ms !== null) {
      const summary = JSON.parse(text(r.summary) ?? '{}') as Record<string, string>;
      snapshots.push({
        snapshotId: id,
        parentSnapshotId: text(r.parent),
        timestampMs: ms,
        committedAt: new Date(ms).toISOString(),
        operation: text(r.detail) ?? summary.operation ?? 'unknown',
        summary,
      });
    } else if (r.kind === 'log' && ms !== null) log.push({ snapshotId: id, timestampMs: ms });
    else if (r.kind === 'ref')
      refs.push({
        name: text(r.parent) ?? '',
        type: text(r.detail)?.toLowerCase() === 'tag' ? 'tag' : 'branch',
        snapshotId: id,
        maxRefAgeMs: ms,
      });
  }
  snapshots.sort((a, b) => a.timestampMs - b.timestampMs);
  log.sort((a, b) => a.timestampMs - b.timestampMs);
  refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // the current snapshot is the one the log made current last (the main branch's, where the log is empty)
  const currentId = log[log.length - 1]?.snapshotId ?? refs.find((r) => r.name === 'main')?.snapshotId;
  return {
    currentSnapshot: snapshots.find((s) => s.snapshotId === currentId) ?? null,
    snapshots,
    refs,
    snapshotLog: log,
  };
}

/** Poll delays: 100 ms, doubling, at most 1 s. */
export function backoff(attempt: number): number {
  return Math.min(1000, 100 * 2 ** attempt);
}

function convert(value: string | undefined, type: string): JsonValue {
  if (value === undefined) return null;
  const t = type.toLowerCase();
  if (['integer', 'tinyint', 'smallint', 'bigint', 'double', 'float', 'real', 'decimal'].includes(t))
    return Number(value);
  if (t === 'boolean') return value === 'true';
  if (t.startsWith('timestamp')) {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)/.exec(value);
    return m ? `${m[1]}T${m[2]}Z` : value;
  }
  if (t === 'json') return JSON.parse(value) as JsonValue;
  if (t === 'array') {
    const inner = value.replace(/^\[/, '').replace(/\]$/, '');
    return inner === '' ? [] : inner.split(', ');
  }
  return value;
}

export class AthenaEngine implements QueryEngine {
  readonly name = 'athena' as const;
  private readonly clients = new Map<DataRole, AthenaClient>();
  /** DataScannedInBytes of succeeded executions whose results were not read yet (GetQueryExecution tells it) */
  private readonly scanned = new Map<string, number>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly opts: AthenaEngineOptions) {
    for (const db of Object.values(opts.databases))
      if (!DB_NAME.test(db)) throw new Error(`invalid Athena database name: ${JSON.stringify(db)}`);
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? Date.now;
  }

  tableRef(database: 'processed' | 'curated', table: string, _scan?: Scan, at?: VersionPoint): string {
    const ref = `"${this.opts.databases[database]}".${ident(table)}`;
    return at ? `${ref} ${timeTravel(at)}` : ref;
  }

  async versions(
    database: 'processed' | 'curated',
    table: string,
    budgetMs: number,
    ctx: QueryContext,
  ): Promise<TableVersions | null> {
    const id = await this.start({ sql: versionsSql(this.opts.databases[database], table), params: [] }, ctx);
    if ((await this.wait(id, budgetMs, ctx)) === 'running')
      throw new ApiError('query_failed', "the table's versions were not read within the time budget; retry", {
        queryExecutionId: id,
      });
    const v = parseVersionRows((await this.results(id, MAX_VERSION_ROWS, ctx)).rows);
    return v.snapshots.length === 0 && v.snapshotLog.length === 0 ? null : v;
  }

  selectExpr(expr: string, type: ColumnType): string {
    // arrays come back as JSON text, not Athena's ambiguous `[a, b]`
    return type === 'array<string>' ? `CAST(${expr} AS JSON)` : expr;
  }

  private roleConfig(role: DataRole): AthenaRoleConfig {
    const c = this.opts.roles[role];
    if (!c) throw new ApiError('forbidden', `role '${role}' has no Athena workgroup configured`);
    return c;
  }

  private client(role: DataRole): AthenaClient {
    let c = this.clients.get(role);
    if (!c) {
      const cfg = this.roleConfig(role);
      c =
        this.opts.client?.(role) ??
        new AthenaClient({
          ...(this.opts.region ? { region: this.opts.region } : {}),
          ...(cfg.roleArn ? { credentials: () => this.opts.credentials(cfg.roleArn as string, role) } : {}),
        });
      this.clients.set(role, c);
    }
    return c;
  }

  async start(query: SqlQuery, ctx: QueryContext): Promise<string> {
    const cfg = this.roleConfig(ctx.role);
    const out = await this.client(ctx.role).send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        WorkGroup: cfg.workgroup,
        ...(query.params.length > 0 ? { ExecutionParameters: query.params.map(athenaParameter) } : {}),
      }),
    );
    if (!out.QueryExecutionId) throw new Error('Athena returned no QueryExecutionId');
    return out.QueryExecutionId;
  }

  async wait(id: string, budgetMs: number, ctx: QueryContext): Promise<QueryState> {
    const deadline = this.now() + budgetMs;
    for (let attempt = 0; ; attempt++) {
      const state = await this.state(id, ctx);
      if (state === 'succeeded') return state;
      const left = deadline - this.now();
      if (left <= 0) return 'running';
      await this.sleep(Math.min(backoff(attempt), left));
    }
  }

  private async state(id: string, ctx: QueryContext): Promise<QueryState> {
    let ex;
    try {
      ex = (await this.client(ctx.role).send(new GetQueryExecutionCommand({ QueryExecutionId: id })))
        .QueryExecution;
    } catch (e) {
      if (e instanceof InvalidRequestException)
        throw new ApiError('not_found', 'no such query', { id: 'unknown' });
      throw e;
    }
    const s = ex?.Status;
    switch (s?.State) {
      case 'SUCCEEDED':
        this.keepScanned(id, ex?.Statistics?.DataScannedInBytes);
        return 'succeeded';
      case 'FAILED': {
        const reason = s.AthenaError?.ErrorMessage ?? s.StateChangeReason ?? 'no reason given';
        if (/insufficient (lake formation )?permission|access ?denied|not authorized/i.test(reason))
          throw new ApiError(
            'forbidden',
            'the data role may not read this data (Lake Formation denied the query)',
            {
              queryExecutionId: id,
            },
          );
        const userError = s.AthenaError?.ErrorCategory === 2;
        throw new ApiError('query_failed', 'the query failed in Athena', {
          queryExecutionId: id,
          category: userError ? 'user' : s.AthenaError?.ErrorCategory === 1 ? 'system' : 'other',
          ...(userError ? { reason: reason.slice(0, 300) } : {}),
        });
      }
      case 'CANCELLED':
        throw new ApiError('query_cancelled', 'the query was cancelled before it finished', {
          queryExecutionId: id,
        });
      default:
        return 'running';
    }
  }

  private keepScanned(id: string, bytes: number | undefined): void {
    if (bytes === undefined) return;
    this.scanned.set(id, bytes);
    // a warm Lambda serves many requests: keep the figures of the latest executions only
    for (const old of this.scanned.keys()) {
      if (this.scanned.size <= 1000) break;
      this.scanned.delete(old);
    }
  }

  /** What the execution scanned: from its last status poll, or asked again. */
  private async scannedBytes(id: string, ctx: QueryContext): Promise<number | undefined> {
    const known = this.scanned.get(id);
    this.scanned.delete(id);
    if (known !== undefined) return known;
    const out = await this.client(ctx.role).send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    return out.QueryExecution?.Statistics?.DataScannedInBytes;
  }

  async results(id: string, maxRows: number, ctx: QueryContext): Promise<ResultSet> {
    const rows: Record<string, JsonValue>[] = [];
    let columns: ColumnInfo[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.client(ctx.role).send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          MaxResults: Math.min(1000, maxRows - rows.length + (first ? 1 : 0)),
          ...(token ? { NextToken: token } : {}),
        }),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      let data: Row[] = page.ResultSet?.Rows ?? [];
      if (first) data = data.slice(1); // the header row
      first = false;
      for (const r of data) {
        if (rows.length >= maxRows) break;
        const cells = r.Data ?? [];
        rows.push(
          Object.fromEntries(
            columns.map((c, i) => [c.Name ?? `_${i}`, convert(cells[i]?.VarCharValue, c.Type ?? 'varchar')]),
          ),
        );
      }
      token = page.NextToken;
    } while (token && rows.length < maxRows);
    const scannedBytes = await this.scannedBytes(id, ctx);
    return {
      columns: (columns ?? []).map((c) => ({ name: c.Name ?? '', type: c.Type ?? 'varchar' })),
      rows,
      ...(scannedBytes !== undefined ? { scannedBytes } : {}),
    };
  }

  async tableVersion(
    database: 'processed' | 'curated',
    table: string,
    ctx: QueryContext,
  ): Promise<string | null> {
    const sql = `SELECT CAST(snapshot_id AS VARCHAR) AS v FROM "${this.opts.databases[database]}"."${table}$snapshots" ORDER BY committed_at DESC LIMIT 1`;
    if (!/^[a-z][a-z0-9_]*$/.test(table)) throw new Error(`not an allowed identifier: ${table}`);
    const id = await this.start({ sql, params: [] }, ctx);
    if ((await this.wait(id, 5000, ctx)) === 'running') return null;
    const v = (await this.results(id, 1, ctx)).rows[0]?.v;
    return typeof v === 'string' ? v : null;
  }

  async ping(): Promise<void> {
    // the Lambda answers; Athena is checked by the queries themselves (no role is assumed for /health)
  }
}
