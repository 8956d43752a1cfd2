/**
 * What `lake tag`, `lake rollback` and `lake maintain` share: run one maintenance operation through the Spark runner (the same
 * lake_jobs code the Glue maintenance job runs), under the lake's run lock, and fail clearly when it was refused.
 */
import type { Command } from 'commander';
import { runJobs } from '../local/runner';
import type { MaintenanceOp, RunReport } from '../local/runner';
import { throwIfBusy } from './etl-run';
import { tablesDueForUpkeep } from '../local/upkeep';
import type { UpkeepDetails } from '../local/upkeep';
import { CliError, dim } from './context';
import type { CliContext } from './context';
import { formatBytes, formatCount, renderTable } from './format';
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

/** One line per table: files and bytes of the current version and of every version kept, before -> after. */
export function describeUpkeep(reports: readonly RunReport[]): string {
  const rows = reports.map((r) => {
    const d = (r.details ?? {}) as UpkeepDetails;
    const { before: b, after: a } = d;
    if (!b || !a) return [r.table, d.skipped ?? r.error ?? r.status, '', '', '', '', ''];
    return [
      r.table,
      `${formatCount(b.data_files)} -> ${formatCount(a.data_files)}`,
      `${formatBytes(b.data_bytes)} -> ${formatBytes(a.data_bytes)}`,
      `${formatCount(b.kept_data_files)} -> ${formatCount(a.kept_data_files)}`,
      `${formatBytes(b.kept_data_bytes)} -> ${formatBytes(a.kept_data_bytes)}`,
      `${d.expiry?.expired_snapshots ?? 0} expired, ${a.snapshots} kept${d.refs_kept?.length ? ` (tags: ${d.refs_kept.join(', ')})` : ''}`,
      d.orphans?.removed_files ?? 0,
    ];
  });
  return renderTable(
    ['table', 'files now', 'bytes now', 'files kept', 'bytes kept', 'versions', 'orphans removed'],
    rows,
  );
}

/**
 * Upkeep of those of `tables` (default every table) that are due (lib/local/upkeep.ts), after a job run of
 * `lake stream run` or `lake demo`: nothing when none is; a refusal or failure is logged, never thrown, since the
 * data itself is committed.
 */
export async function maintainWhenDue(
  ctx: CliContext,
  tables?: readonly string[],
  opts: { readonly wait?: number } = {},
): Promise<RunReport[]> {
  const due = await tablesDueForUpkeep(ctx.home(), tables);
  if (due.length === 0) return [];
  for (const d of due) ctx.log(dim(`upkeep due for ${d.table}: ${d.reasons.join('; ')}`, ctx.colour));
  const result = await runJobs(ctx.home(), {
    maintenance: { op: 'maintain', tables: due.map((d) => d.table) },
    wait: opts.wait,
  });
  if (result.busy) ctx.warn(`upkeep skipped: ${result.errors[0] ?? 'the lake is busy'}`);
  for (const r of result.reports.filter((x) => x.status === 'failed'))
    ctx.warn(`upkeep of ${r.table} failed: ${r.error ?? 'failed'}`);
  if (result.reports.length > 0) ctx.log(describeUpkeep(result.reports));
  return result.reports;
}
