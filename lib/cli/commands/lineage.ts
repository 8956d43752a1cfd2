import type { Command } from 'commander';
import { buildGraph, LineageTargetError, resolveTarget, traverse } from '../../lineage/graph';
import type { LineageView } from '../../lineage/graph';
import { readLineageEvents } from '../../lineage/events';
import { CliError } from '../context';
import type { CliContext } from '../context';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('lineage')
    .description(
      'Where a table or column comes from (upstream: raw batches, table versions, source columns) or what is built from it (downstream).',
    )
    .argument('<target>', 'a table (daily_sales, curated.daily_sales) or a column (transactions.amount_usd)')
    .option('--upstream', 'what the target is built from (the default)')
    .option('--downstream', 'what is built from the target: the impact of changing it')
    .option('--depth <n>', 'hops to follow', '10')
    .option('--json', 'print nodes and edges as JSON')
    .action(
      (target: string, opts: { upstream?: boolean; downstream?: boolean; depth: string; json?: boolean }) => {
        if (opts.upstream && opts.downstream) throw new CliError('choose one of --upstream and --downstream');
        const depth = Number(opts.depth);
        if (!Number.isInteger(depth) || depth < 1 || depth > 50)
          throw new CliError(`--depth must be a whole number from 1 to 50 (got '${opts.depth}')`);
        let id: string;
        try {
          id = resolveTarget(target);
        } catch (e) {
          if (e instanceof LineageTargetError) throw new CliError(e.message);
          throw e;
        }
        const view = traverse(
          buildGraph(readLineageEvents(ctx.home())),
          id,
          opts.downstream ? 'downstream' : 'upstream',
          depth,
        );
        ctx.out(opts.json ? JSON.stringify(view, null, 2) : render(view));
      },
    );
}

function render(v: LineageView): string {
  const lines = [`${v.direction} of ${v.target} (depth ${v.depth})`];
  const reached = v.nodes.filter((n) => n.distance > 0 && n.kind !== 'column');
  const columns = v.nodes.filter((n) => n.distance > 0 && n.kind === 'column');
  for (const n of reached) {
    const extra =
      n.kind === 'raw-batch'
        ? `${n.files?.length ?? 0} file(s) read`
        : n.versions?.length
          ? `versions ${n.versions.slice(-3).join(', ')}${n.versions.length > 3 ? ` (+${n.versions.length - 3} older)` : ''}`
          : 'no run recorded yet';
    lines.push(`  ${'  '.repeat(n.distance - 1)}${n.kind.padEnd(9)} ${n.id}   ${extra}`);
  }
  if (columns.length > 0) {
    lines.push('  columns:');
    for (const n of columns) {
      const e = v.edges.find((x) => (v.direction === 'upstream' ? x.from : x.to) === n.id);
      lines.push(
        `    ${n.id}${e && e.kind !== 'column-of' ? `   (${e.kind}${e.how ? `, ${e.how}` : ''})` : ''}`,
      );
    }
  }
  if (reached.length === 0 && columns.length === 0)
    lines.push('  nothing recorded: run `lake etl` so that the jobs emit their lineage');
  return lines.join('\n');
}
