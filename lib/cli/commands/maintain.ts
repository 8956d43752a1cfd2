import type { Command } from 'commander';
import { allTables } from '../../contracts';
import type { AnyContract } from '../../contracts';
import { hasVersion } from '../../local/upkeep';
import { CliError, dim } from '../context';
import type { CliContext } from '../context';
import { describeUpkeep, runMaintenance, withMaintenanceOptions } from '../maintenance';

const qualified = (t: AnyContract): string => `${t.database}.${t.name}`;

/** `transactions` or `processed.transactions` -> the table; an unknown name names every table. */
export function upkeepTables(names: readonly string[]): AnyContract[] {
  const find = (n: string): AnyContract | undefined =>
    allTables.find((t) => t.name === n || qualified(t) === n);
  const unknown = names.filter((n) => !find(n));
  if (unknown.length > 0)
    throw new CliError(
      `maintain: unknown table(s) ${unknown.join(', ')}; the lake's tables: ${allTables.map(qualified).join(', ')}`,
    );
  return names.length ? names.map((n) => find(n) as AnyContract) : [...allTables];
}

export function register(program: Command, ctx: CliContext): void {
  withMaintenanceOptions(
    program
      .command('maintain')
      .description(
        "Upkeep of the lake's tables on local Spark: compact small files per day partition, expire versions past the retention (keeping the newest few, every tagged one and audit branches), remove orphan files past a safety window; reports files and bytes before and after.",
      )
      .argument('[tables...]', `tables (default all: ${allTables.map((t) => t.name).join(', ')})`),
  ).action(async (names: string[], opts: { wait?: number; json?: boolean; quiet?: boolean }) => {
    const chosen = upkeepTables(names);
    // a table without a version has nothing to keep up: no Spark for it, none at all when no table has one
    const versioned = new Set(chosen.filter((t) => hasVersion(ctx.home(), t)));
    const tables = chosen.filter((t) => versioned.has(t)).map(qualified);
    const empty = chosen.filter((t) => !versioned.has(t)).map(qualified);
    if (tables.length === 0) {
      // stdout stays empty (no report: nothing was run), the reason goes to stderr
      const which = names.length
        ? `${empty.join(', ')} ${empty.length > 1 ? 'have' : 'has'} no version yet`
        : 'no table of the lake has a version yet';
      ctx.log(`maintain: nothing to maintain: ${which} (load data first: lake etl, lake stream run)`);
      return;
    }
    if (empty.length) ctx.log(dim(`no version yet, nothing to do: ${empty.join(', ')}`, ctx.colour));
    const reports = await runMaintenance(ctx, { op: 'maintain', tables }, opts);
    if (!opts.json) ctx.out(describeUpkeep(reports));
  });
}
