import type { Command } from 'commander';
import { allTables, isTableName } from '../../contracts';
import type { GateMode } from '../../contracts/run-report';
import { warmByDefault } from '../../local/resident-spark';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { etlExitCode, runEtl } from '../etl-run';
import { gateMode, nonNegativeNumber } from '../options';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('etl')
    .description(
      'Run the Spark jobs on local Spark: raw -> Iceberg tables (processed, then the curated tables whose inputs changed).',
    )
    .argument(
      '[datasets...]',
      `datasets to run (default: all; known: ${allTables.map((t) => t.name).join(', ')})`,
    )
    .option('--json', 'print the run reports as JSON Lines, exactly as the runner prints them')
    .option('--reprocess', 'read every raw file again, not only the new ones')
    .option(
      '--gate <mode>',
      "the quality gate: 'enforce' holds a batch that fails a critical check on its audit branch for 'lake publish' or 'lake discard'; 'report' reports every check and never blocks (a first historic load, a backfill)",
      gateMode,
      'enforce',
    )
    .option('--quiet', "don't show the jobs' logs")
    .option('--verbose', "also show Spark's own console output (always kept in the run's log file)")
    .option('--cold', "run on a new Spark process instead of the lake's resident (warm) Spark")
    .option(
      '--wait <seconds>',
      'when another run holds the lake, wait this long for it (default: refuse at once)',
      nonNegativeNumber('wait'),
    )
    .action(
      async (
        names: string[],
        opts: {
          json?: boolean;
          reprocess?: boolean;
          gate: GateMode;
          quiet?: boolean;
          verbose?: boolean;
          cold?: boolean;
          wait?: number;
        },
      ) => {
        for (const n of names)
          if (!isTableName(n))
            throw new CliError(`unknown dataset '${n}' (known: ${allTables.map((t) => t.name).join(', ')})`);
        const reports = await runEtl(ctx, {
          datasets: names,
          reprocess: opts.reprocess,
          gate: opts.gate,
          json: opts.json,
          quiet: opts.quiet,
          verbose: opts.verbose,
          warm: !opts.cold && warmByDefault(),
          wait: opts.wait,
        });
        process.exitCode = etlExitCode(reports, process.exitCode);
      },
    );
}
