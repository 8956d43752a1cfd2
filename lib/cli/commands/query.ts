import type { Command } from 'commander';
import { openLocalEngine, QueryError, QueryRefusedError } from '../../local/sql-engine';
import type { QueryParam, QueryResult } from '../../local/sql-engine';
import { IcebergError } from '../../local/iceberg';
import { VersionError } from '../../versions/model';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { renderCsv, renderTable } from '../format';

type Format = 'table' | 'json' | 'csv';
const formats: readonly Format[] = ['table', 'json', 'csv'];

/** `--param` values: JSON scalars (numbers, true/false/null, "quoted strings") or else plain strings. */
export function parseParam(v: string, previous: QueryParam[] = []): QueryParam[] {
  let value: QueryParam = v;
  try {
    const j: unknown = JSON.parse(v);
    if (j === null || typeof j === 'number' || typeof j === 'boolean' || typeof j === 'string') value = j;
  } catch {
    value = v;
  }
  return [...previous, value];
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description(
      'Read-only SQL on the local engine (DuckDB over the current Iceberg snapshots): processed.<dataset>, curated.<table>.',
    )
    .argument(
      '<sql>',
      'one SELECT statement, e.g. "SELECT status, count(*) FROM processed.transactions GROUP BY 1"',
    )
    .option('--format <format>', 'table, json or csv', 'table')
    .option(
      '--as-of <version|time|tag>',
      'read every table as of a version (snapshot id), a time (ISO 8601: each table as it was then) or a tag/branch',
    )
    .option(
      '-p, --param <value>',
      'a value for the next ? placeholder (repeatable; JSON scalars are typed)',
      parseParam,
      [] as QueryParam[],
    )
    .action(async (sql: string, opts: { format: string; param: QueryParam[]; asOf?: string }) => {
      if (!formats.includes(opts.format as Format))
        throw new CliError(`unknown format '${opts.format}' (table, json or csv)`);
      let result: QueryResult;
      try {
        const engine = await openLocalEngine(ctx.home(), { asOf: opts.asOf });
        try {
          result = await engine.query(sql, opts.param);
        } finally {
          await engine.close();
        }
      } catch (e) {
        if (
          e instanceof QueryRefusedError ||
          e instanceof QueryError ||
          e instanceof IcebergError ||
          e instanceof VersionError
        )
          throw new CliError(`query: ${e.message}`);
        throw e;
      }
      ctx.out(renderResult(result, opts.format as Format));
    });
}

export function renderResult(r: QueryResult, format: Format): string {
  const headers = r.columns.map((c) => c.name);
  const cells = r.rows.map((row) => headers.map((h) => row[h] ?? null));
  switch (format) {
    case 'json':
      return JSON.stringify(r.rows, null, 2);
    case 'csv':
      return renderCsv(headers, cells);
    default:
      return `${renderTable(headers, cells)}\n(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`;
  }
}
