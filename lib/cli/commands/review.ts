/**
 * `lake publish <table> <run_id>` and `lake discard <table> <run_id>`: after review, a batch the quality gate
 * blocked is published (main fast-forwarded to its audit branch) or discarded (the branch dropped, its raw files
 * read again by the next run). Both run the job's own operation (lake_jobs.gate) under the lake's run lock.
 */
import type { Command } from 'commander';
import { datasets } from '../../contracts';
import { reviewableLakeRun } from '../../local/review';
import type { RunReport } from '../../local/runner';
import type { ReviewAction } from '../../versions/review';
import type { CliContext } from '../context';
import { runMaintenance, withMaintenanceOptions } from '../maintenance';
import { versionErrors } from '../versions';

const descriptions: Record<ReviewAction, string> = {
  publish:
    "Publish a batch the quality gate blocked, after review: the table's main branch moves to the run's audit branch (the batch becomes visible), its quarantine is published and the curated tables built from it are recomputed.",
  discard:
    "Drop a batch the quality gate blocked: its audit branch is removed (main never saw it) and its raw files are released, so that the next 'lake etl' reads them again (after a fix of the data or of the contract).",
};

export function register(program: Command, ctx: CliContext): void {
  for (const action of ['publish', 'discard'] as const) {
    withMaintenanceOptions(
      program
        .command(action)
        .description(descriptions[action])
        .argument('<table>', `a processed table (${datasets.map((d) => d.name).join(', ')})`)
        .argument('<run_id>', "the blocked run (see 'lake etl' or 'lake status')"),
    ).action(
      async (table: string, runId: string, opts: { wait?: number; json?: boolean; quiet?: boolean }) => {
        const target = versionErrors(action, () => reviewableLakeRun(ctx.home(), table, runId));
        const reports = await runMaintenance(
          ctx,
          { op: action, table: target.table.qualifiedName, runId },
          opts,
        );
        if (!opts.json) ctx.out(describeReview(action, target.table.qualifiedName, runId, reports));
      },
    );
  }
}

export function describeReview(
  action: ReviewAction,
  table: string,
  runId: string,
  reports: readonly RunReport[],
): string {
  const [r, ...recomputed] = reports;
  if (!r) return 'no report';
  const files = r.files.length;
  const lines =
    action === 'publish'
      ? [
          `${table}: published run ${runId}: version ${r.previous_snapshot_id ?? '-'} -> ${r.snapshot_id ?? '-'} (run ${r.run_id}); its ${files} raw file(s) count as loaded`,
        ]
      : [
          `${table}: discarded run ${runId} (run ${r.run_id}); main stays at ${r.snapshot_id ?? '-'}; its ${files} raw file(s) are released: the next 'lake etl' reads them again`,
        ];
  for (const c of recomputed)
    lines.push(
      `recomputed ${c.table ?? c.dataset}: ${c.status}${c.error ? ` (${c.error})` : ''}, version ${c.snapshot_id ?? '-'}`,
    );
  return lines.join('\n');
}
