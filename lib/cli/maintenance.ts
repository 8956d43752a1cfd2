/**
 * What `lake tag` and `lake rollback` share: run one maintenance operation through the Spark runner (the same
 * lake_jobs code the Glue maintenance job runs), under the lake's run lock, and fail clearly when it was refused.
 */
import type { Command } from 'commander';
import { runJobs } from '../local/runner';
import type { MaintenanceOp, RunReport } from '../local/runner';
import { throwIfBusy } from './etl-run';
import { CliError, dim } from './context';
import type { CliContext } from './context';
import { nonNegativeNumber } from './options';

export interface MaintenanceOptions {
  readonly wait?: number;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

export async function runMaintenance(
  ctx: CliContext,
  op: MaintenanceOp,
  opts: MaintenanceOptions = {},
): Promise<RunReport[]> {
  ctx.ensureToolchain({ quiet: opts.quiet });
  if (!opts.quiet) ctx.log(dim(`running maintenance '${op.op}' on local Spark ...`, ctx.colour));
  const result = await runJobs(ctx.home(), {
    maintenance: op,
    wait: opts.wait,
    onLog: opts.quiet ? undefined : (line) => ctx.log(dim(`  spark | ${line}`, ctx.colour)),
    onReport: opts.json ? (_r, line) => ctx.out(line) : undefined,
  });
  throwIfBusy(result);
  const refused = result.reports.find((r) => r.status === 'failed' && r.operation === op.op);
  if (refused) throw new CliError(`${op.op}: ${refused.error ?? 'failed'}`);
  if (result.exitCode !== 0) {
    const failed = result.reports.filter((r) => r.status === 'failed');
    throw new CliError(
      failed.length
        ? failed.map((r) => `${r.dataset}: ${r.error ?? 'failed'}`).join('; ')
        : `the job runner exited with code ${result.exitCode}`,
    );
  }
  return result.reports;
}

/** The options every maintenance command takes: how long to wait for the lake's run lock, JSON output, quiet Spark. */
export function withMaintenanceOptions(command: Command): Command {
  return command
    .option(
      '--wait <seconds>',
      'when another run holds the lake, wait this long for it',
      nonNegativeNumber('wait'),
    )
    .option('--json', 'print the maintenance reports as JSON Lines')
    .option('--quiet', "don't show Spark's logs");
}
