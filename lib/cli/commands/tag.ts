import type { Command } from 'commander';
import { allTables } from '../../contracts';
import { resolveLakeVersion } from '../../local/versions';
import { parseAsOf } from '../../versions/as-of';
import { tableByName } from '../../versions/model';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { runMaintenance, withMaintenanceOptions } from '../maintenance';
import { renderTable } from '../format';
import { versionErrors } from '../versions';

function parseDays(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--retain-days must be a whole number >= 1 (got '${v}')`);
  return n;
}

export function register(program: Command, ctx: CliContext): void {
  withMaintenanceOptions(
    program
      .command('tag')
      .description(
        'Name a version of a table (an Iceberg tag), or with --all the current version of every table under one name: a release that --as-of <name> reads.',
      )
      .argument('[table]', `a table (${allTables.map((t) => t.name).join(', ')}); omit with --all`)
      .argument('[name]', 'the tag name (letters, digits, _ . -)')
      .option('--all', 'tag the current version of every table (lake tag --all <name>)')
      .option(
        '--version <v>',
        'the version to tag: a snapshot id or an existing tag (default: the current one)',
      )
      .option('--retain-days <n>', 'keep the tag this many days (default: for ever)', parseDays),
  ).action(
    async (
      first: string | undefined,
      second: string | undefined,
      opts: {
        all?: boolean;
        version?: string;
        retainDays?: number;
        wait?: number;
        json?: boolean;
        quiet?: boolean;
      },
    ) => {
      const name = opts.all ? (second ?? first) : second;
      const table = opts.all ? undefined : first;
      if (opts.all && second !== undefined)
        throw new CliError('tag --all takes only the tag name: lake tag --all <name>');
      if (!name)
        throw new CliError(opts.all ? 'usage: lake tag --all <name>' : 'usage: lake tag <table> <name>');
      if (opts.all && opts.version)
        throw new CliError("--version names one table's version; --all tags each current one");
      versionErrors('tag', () => {
        if (parseAsOf(name).kind !== 'ref')
          throw new CliError(
            `tag: '${name}' looks like a version or a time; a tag name starts with a letter or _`,
          );
        if (table !== undefined) tableByName(table);
        if (table !== undefined && opts.version !== undefined)
          resolveLakeVersion(ctx.home(), table, opts.version);
      });
      const reports = await runMaintenance(
        ctx,
        {
          op: 'tag',
          tag: name,
          table: table ?? 'all',
          ...(opts.version !== undefined ? { version: opts.version } : {}),
          ...(opts.retainDays !== undefined ? { retainDays: opts.retainDays } : {}),
        },
        opts,
      );
      if (opts.json) return;
      ctx.out(
        renderTable(
          ['table', 'tag', 'version'],
          reports.map((r) => [r.table ?? r.dataset, name, r.snapshot_id ?? '-']),
        ),
      );
      ctx.out(`read it with: lake query --as-of ${name} "SELECT ..."`);
    },
  );
}
