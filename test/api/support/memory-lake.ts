/**
 * A small in-memory lake for the API's unit tests: one DuckDB table per contract (processed.<dataset>,
 * curated.<table>), with the local engine's column types and value conversion, filled with deterministic rows.
 * The HTTP tests use the shared fixture lake built by the real jobs (test/support) when it exists.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { allTables, type AnyContract, type Column } from '../../../lib/contracts';
import {
  duckDbType,
  jsonValueConverter,
  type LocalEngine,
  type QueryResult,
} from '../../../lib/local/sql-engine';

export const LAKE_START = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

function value(t: AnyContract, c: Column, d: number, i: number, perDay: number): unknown {
  const at = LAKE_START + d * DAY + Math.floor((i * DAY) / perDay) + 1234;
  if (c.name === t.timeColumn || c.type === 'timestamp')
    return c.type === 'date' ? new Date(at).toISOString().slice(0, 10) : new Date(at).toISOString();
  if (c.type === 'date') return new Date(at).toISOString().slice(0, 10);
  if (c.rules?.allowed) return c.rules.allowed[(i + d) % c.rules.allowed.length];
  if (c.name === 'status') return [200, 200, 404, 500, 301][i % 5];
  if (c.name === 'is_error') return [false, false, true, true, false][i % 5];
  if (c.type === 'boolean') return i % 3 === 0;
  if (c.type === 'int' || c.type === 'bigint') return (i * 7 + d) % 100;
  if (c.type === 'double') return ((i % 11) - 5) / 5;
  if (c.type.startsWith('decimal')) return Math.round(i * 125 + d) / 100;
  if (c.type === 'array<string>')
    return c.name === 'product_ids' ? [`P-${i % 4}`] : [`tag${i % 3}`, `tag${(i + 1) % 3}`];
  const base = c.name.replace(/_/g, '-');
  if (t.businessKey.includes(c.name)) return `${base}-${d}-${i}`;
  if (c.name === 'path') return ['/checkout', '/products/1', '/robots.txt'][i % 3];
  return `${base}-${i % 5}`;
}

export interface MemoryLake extends Pick<LocalEngine, 'query' | 'tables' | 'close'> {
  /** the SQL texts and parameters it ran, for assertions */
  readonly log: { sql: string; params: readonly unknown[] }[];
}

/** A value of one cell (table, column, day index, row index of the day); undefined keeps the default. */
export type CellValue = (t: AnyContract, c: Column, d: number, i: number) => unknown;

export async function openMemoryLake(
  opts: { days?: number; perDay?: number; cell?: CellValue } = {},
): Promise<MemoryLake> {
  const days = opts.days ?? 10;
  const perDay = opts.perDay ?? 12;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  await conn.run('CREATE SCHEMA processed; CREATE SCHEMA curated;');
  for (const t of allTables) {
    const cols = t.columns.map((c) => `"${c.name}" ${duckDbType(c.type)}`).join(', ');
    await conn.run(`CREATE TABLE "${t.database}"."${t.name}" (${cols})`);
    const rows: string[] = [];
    for (let d = 0; d < days; d++)
      for (let i = 0; i < perDay; i++)
        rows.push(`(${t.columns.map((c) => `CAST(? AS ${duckDbType(c.type)})`).join(', ')})`);
    const params: unknown[] = [];
    for (let d = 0; d < days; d++)
      for (let i = 0; i < perDay; i++)
        for (const c of t.columns) params.push(opts.cell?.(t, c, d, i) ?? value(t, c, d, i, perDay));
    // lists go in as JSON text cast to VARCHAR[]
    const sql = `INSERT INTO "${t.database}"."${t.name}" VALUES ${rows.join(', ')}`.replace(
      /CAST\(\? AS VARCHAR\[\]\)/g,
      'CAST(CAST(? AS JSON) AS VARCHAR[])',
    );
    await conn.run(sql, params.map((p) => (Array.isArray(p) ? JSON.stringify(p) : p)) as never);
  }
  const log: { sql: string; params: readonly unknown[] }[] = [];
  return {
    log,
    async query(sql, params = []): Promise<QueryResult> {
      log.push({ sql, params });
      const c = await db.connect();
      try {
        const reader = await c.runAndReadAll(
          sql,
          params.map((p) => (typeof p === 'number' && Number.isInteger(p) ? BigInt(p) : p)) as never,
        );
        const names = reader.deduplicatedColumnNames();
        const types = reader.columnTypes();
        return {
          columns: names.map((name, i) => ({ name, type: String(types[i]) })),
          rows: reader.convertRowObjects(jsonValueConverter) as QueryResult['rows'],
        };
      } finally {
        c.closeSync();
      }
    },
    tables: () => [],
    async close() {
      conn.closeSync();
      db.closeSync();
    },
  };
}
