/**
 * The `lake` CLI (bin/lake.js loads this file). Each command (or command group) lives in its own module of
 * lib/cli/commands exporting `register(program, ctx)`; add one import and one register line below for yours.
 * What commands share lives beside this file (context, format, options, etl-run); a use case lives in the layer it
 * belongs to (lib/local, lib/stream, ...), never in the CLI.
 */
import { Command, CommanderError } from 'commander';
import { CliError, createContext, ExitCode } from './context';
import type { CliContext } from './context';
import { register as registerSetup } from './commands/setup';
import { register as registerIngest } from './commands/ingest';
import { register as registerGenerate } from './commands/generate';
import { register as registerEtl } from './commands/etl';
import { register as registerQuery } from './commands/query';
import { register as registerCatalog } from './commands/catalog';
import { register as registerHistory } from './commands/history';
import { register as registerDiff } from './commands/diff';
import { register as registerTag } from './commands/tag';
import { register as registerRollback } from './commands/rollback';
import { register as registerReview } from './commands/review';
import { register as registerMaintain } from './commands/maintain';
import { register as registerDemo } from './commands/demo';
import { register as registerBench } from './commands/bench';
import { register as registerDown } from './commands/down';
import { register as registerLineage } from './commands/lineage';
import { register as registerSearch } from './commands/search';
import { register as registerStatus } from './commands/status';
import { register as registerApi } from './commands/api';
import { register as registerStream } from './commands/stream';
import { register as registerPreflight } from './commands/preflight';
import { register as registerCost } from './commands/cost';

export function buildProgram(): { program: Command; ctx: CliContext } {
  const program = new Command('lake')
    .description(
      'The shop data lake on one machine: land, process (local Spark + Iceberg) and query (DuckDB) the data.',
    )
    .option('--home <dir>', 'lake home folder (default: $LAKE_HOME or ./.lake)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const ctx = createContext(program);
  registerSetup(program, ctx);
  registerIngest(program, ctx);
  registerGenerate(program, ctx);
  registerEtl(program, ctx);
  registerQuery(program, ctx);
  registerCatalog(program, ctx);
  registerHistory(program, ctx);
  registerDiff(program, ctx);
  registerTag(program, ctx);
  registerRollback(program, ctx);
  registerReview(program, ctx);
  registerMaintain(program, ctx);
  registerDemo(program, ctx);
  registerBench(program, ctx);
  registerDown(program, ctx);
  registerLineage(program, ctx);
  registerSearch(program, ctx);
  registerStatus(program, ctx);
  registerApi(program, ctx);
  registerStream(program, ctx);
  registerPreflight(program, ctx);
  registerCost(program, ctx);
  // every subcommand (including those registered by other modules) reports usage errors instead of exiting itself
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  program.commands.forEach(override);
  return { program, ctx };
}

/** Runs the CLI; resolves to the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const { program, ctx } = buildProgram();
  try {
    await program.parseAsync([...argv]);
    ctx.progress.close(false);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (e) {
    // the steps still running are the ones that failed: each is named, then the error says why
    ctx.progress.close(true);
    return reportError(e);
  }
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message (or the help)
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version')
      return ExitCode.ok;
    return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  const debug = process.env.LAKE_DEBUG === '1';
  if (e instanceof CliError) {
    process.stderr.write(`lake: ${e.message}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`lake: error: ${err.message}\n`);
  if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('lake: (set LAKE_DEBUG=1 for the stack trace)\n');
  return ExitCode.failure;
}

// `lake query ... | head`: a reader that closes the pipe early ends the command quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void run(process.argv).then((code) => {
  process.exitCode = code;
});
