import type { Command } from 'commander';
import { allTables } from '../../contracts';
import type { AnyContract } from '../../contracts';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { describeUpkeep, runMaintenance } from '../maintenance';
import { nonNegativeNumber } from '../options';

/** `transactions` or `processed.transactions` -> the table; an unknown name names every table. */
export function upkeepTables(names: readonly string[]): AnyContract[] {
  const find = (n: string): AnyContract | undefined =>
    allTables.find((t) => t.name === n || `${t.database}.${t.name}` === n);
  const unknown = names.filter((n) => !find(n));
  if (unknown.length > 0)
    throw new CliError(
      `maintain: unknown table(s) ${unknown.join(', ')}; the lake's tables: ${allTables.map((t) => `${t.database}.${t.name}`).join(', ')}`,
    );
  return names.map((n) => find(n) as AnyContract);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('maintain')
    .description(
      "Upkeep of the lake's tables on local Spark: compact small files per day partition, expire versions past the retention (keeping the newest few and every tagged one), remove orphan files; reports files and bytes before and after.",
    )
    .argument('[tables...]', `tables (default all: ${allTables.map((t) => t.name).join(', ')})`)
    .option(
      '--wait <seconds>',
      'when another run holds the lake, wait this long for it',
      nonNegativeNumber('wait'),
    )
    .option('--json', 'print the maintenance reports as JSON Lines')
    .option('--quiet', "don't show Spark's logs")
    .action(async (names: string[], opts: { wait?: number; json?: boolean; quiet?: boolean }) => {
      const tables = upkeepTables(names).map((t) => `${t.database}.${t.name}`);
      const reports = await runMaintenance(ctx, { op: 'maintain', tables }, opts);
      if (!opts.json) ctx.out(describeUpkeep(reports));
    });
}
