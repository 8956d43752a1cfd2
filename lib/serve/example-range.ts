/** The days the OpenAPI examples and the start-up hint of `lake serve` use: the last week the lake holds. */
import type { LocalEngine } from '../local/sql-engine';
import { recentDays, type ExampleRange } from '../../lambdas/api/openapi';
import { ident, queryRouteByPath } from '../../lambdas/api/routes';

const DAY_MS = 86_400_000;

/** The seven days up to the newest day of daily sales, or the last seven days when the lake is empty. */
export async function lakeExampleRange(engine: Pick<LocalEngine, 'query'>): Promise<ExampleRange> {
  const route = queryRouteByPath('/v1/metrics/daily-sales');
  if (!route) return recentDays();
  const t = route.table;
  const r = await engine.query(
    `SELECT CAST(max(${ident(t.timeColumn)}) AS DATE) AS last FROM ${ident(t.database)}.${ident(t.name)}`,
  );
  const last = r.rows[0]?.last;
  return typeof last === 'string' ? recentDays(Date.parse(`${last}T00:00:00Z`) + DAY_MS) : recentDays();
}
