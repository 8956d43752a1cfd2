import type { Command } from 'commander';
import { allTables } from '../../contracts';
import type { RunReport } from '../../local/runner';
import { resolveLakeVersion } from '../../local/versions';
import type { CliContext } from '../context';
import { runMaintenance, withMaintenanceOptions } from '../maintenance';
import { versionErrors } from '../versions';

export function register(program: Command, ctx: CliContext): void {
  withMaintenanceOptions(
    program
      .command('rollback')
      .description(
        "Make a table's current state an earlier version again (a new history entry that says so); curated tables built from it are recomputed. The raw files of the undone loads are held: 'lake etl' does not re-apply them, 'lake etl --reprocess' does.",
      )
      .argument('<table>', `a table (${allTables.map((t) => t.name).join(', ')})`)
      .argument('<version>', 'a snapshot id (see lake history) or a tag'),
  ).action(
    async (table: string, version: string, opts: { wait?: number; json?: boolean; quiet?: boolean }) => {
      const target = versionErrors('rollback', () => resolveLakeVersion(ctx.home(), table, version));
      const reports = await runMaintenance(
        ctx,
        { op: 'rollback', table: target.table.qualifiedName, version: target.snapshot.snapshotId },
        opts,
      );
      if (!opts.json) ctx.out(describeRollback(target.table.qualifiedName, reports));
    },
  );
}

export function describeRollback(table: string, reports: readonly RunReport[]): string {
  const [r, ...recomputed] = reports;
  if (!r) return 'no report';
  const d = (r.details ?? {}) as { undone_runs?: string[]; held_raw_files?: number };
  const lines = [
    `${table}: rolled back from ${r.previous_snapshot_id ?? '-'} to ${r.snapshot_id ?? '-'} (run ${r.run_id})`,
  ];
  const undone = d.undone_runs ?? [];
  if (undone.length) lines.push(`undone loads: ${undone.join(', ')}`);
  if (d.held_raw_files)
    lines.push(
      `${d.held_raw_files} raw file(s) of the undone loads are held: 'lake etl' will not re-apply them; 'lake etl --reprocess ${table.split('.')[1] ?? table}' reads them again`,
    );
  for (const c of recomputed)
    lines.push(
      `recomputed ${c.table ?? c.dataset}: ${c.status}${c.error ? ` (${c.error})` : ''}, version ${c.snapshot_id ?? '-'}`,
    );
  return lines.join('\n');
}
