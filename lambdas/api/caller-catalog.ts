/** Catalog entries for /v1/datasets: what a caller may see of each table (never a PII column without the grant). */
import type { AnyContract } from '../../lib/contracts';
import { visibleColumns, type DataRole } from '../../lib/governance/grants';
import { execute, type JsonValue, type QueryContext, type QueryEngine } from './query-engine';
import { visibleFilters } from './params';
import { ident, queryRoutes } from './routes';

export function catalogEntry(t: AnyContract, role: DataRole) {
  const route = queryRoutes.find((r) => r.table === t && r.path === `/v1/${t.api.route}`);
  return {
    name: t.name,
    database: t.database,
    description: t.description,
    owner: t.owner,
    timeColumn: t.timeColumn,
    route: route?.path ?? null,
    maxRangeDays: t.api.maxRangeDays,
    columns: visibleColumns(role, t).map((c) => ({
      name: c.name,
      type: c.type,
      description: c.description,
      ...(c.pii ? { pii: true } : {}),
    })),
    filters: route ? visibleFilters(route, role).map((f) => ({ param: f.param, op: f.op })) : [],
  };
}

export interface TableStats {
  readonly rowCount: number | null;
  /** the newest value of the time column */
  readonly freshness: JsonValue;
  /** the current Iceberg snapshot id, when the engine can tell */
  readonly currentVersion: string | null;
  readonly statsStatus: 'complete' | 'pending';
  /** what the statistics query scanned (not part of the catalog entry: the API sends it as a header) */
  readonly scannedBytes?: number;
}

export async function tableStats(
  engine: QueryEngine,
  t: AnyContract,
  budgetMs: number,
  ctx: QueryContext,
): Promise<TableStats> {
  const sql = `SELECT count(*) AS row_count, max(t.${ident(t.timeColumn)}) AS latest FROM ${engine.tableRef(t.database, t.name)} AS t`;
  const [out, version] = await Promise.all([
    execute(engine, { sql, params: [] }, 1, budgetMs, ctx),
    engine.tableVersion ? engine.tableVersion(t.database, t.name, ctx) : Promise.resolve(null),
  ]);
  if (out.state === 'running')
    return { rowCount: null, freshness: null, currentVersion: version, statsStatus: 'pending' };
  const row = out.result.rows[0] ?? {};
  const n = row.row_count;
  return {
    rowCount: typeof n === 'number' ? n : n === undefined || n === null ? 0 : Number(n),
    freshness: row.latest ?? null,
    currentVersion: version,
    statsStatus: 'complete',
    ...(out.result.scannedBytes !== undefined ? { scannedBytes: out.result.scannedBytes } : {}),
  };
}
