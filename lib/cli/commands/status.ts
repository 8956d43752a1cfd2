import type { Command } from 'commander';
import { localPipelineStatus } from '../../status/local-status';
import type { PipelineStatus } from '../../status/pipeline-status';
import { CliError, ExitCode } from '../context';
import type { CliContext } from '../context';
import { formatCount, formatDuration, renderTable } from '../format';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'Pipeline health: last run per job, held runs, freshness per table against its objective, stream lag, quality; exits 1 when something is red.',
    )
    .option('--json', 'print the status as JSON')
    .option('--watch [seconds]', 'print again every N seconds (default 10) until interrupted')
    .option('--no-stream', 'do not read the stream (its lag is then not shown)')
    .action(async (opts: { json?: boolean; watch?: boolean | string; stream: boolean }) => {
      const once = async (): Promise<PipelineStatus> => {
        const s = await localPipelineStatus(ctx.home(), { stream: opts.stream });
        ctx.out(opts.json ? JSON.stringify(s, null, 2) : render(s, ctx.home()));
        return s;
      };
      if (opts.watch === undefined || opts.watch === false) {
        const s = await once();
        process.exitCode = s.light === 'red' ? ExitCode.failure : ExitCode.ok;
        return;
      }
      const seconds = opts.watch === true ? 10 : Number(opts.watch);
      if (!Number.isFinite(seconds) || seconds < 1)
        throw new CliError(`--watch takes seconds >= 1 (got '${String(opts.watch)}')`);
      for (;;) {
        await once();
        await new Promise((r) => setTimeout(r, seconds * 1000));
        if (!opts.json) ctx.out('');
      }
    });
}

function render(s: PipelineStatus, home: string): string {
  if (s.empty)
    return [
      `RED  the lake at ${home} has no job runs yet: nothing is fresh.`,
      '     Land data and run the jobs: lake generate && lake etl   (or everything at once: lake demo)',
    ].join('\n');
  const rows = s.tables.map((t) => [
    t.light === 'red' ? 'RED' : 'ok',
    t.qualifiedName,
    t.lastRun ? `${t.lastRun.status} ${t.lastRun.startedAt}` : 'never',
    t.lastRun
      ? `${formatCount(t.lastRun.inputRows)}/${formatCount(t.lastRun.outputRows)}/${formatCount(t.lastRun.quarantinedRows)}/${formatCount(t.lastRun.duplicateRows)}`
      : '-',
    t.lastRun ? formatDuration(t.lastRun.durationMs) : '-',
    t.freshness.ageMinutes === null
      ? t.freshness.state
      : `${t.freshness.state} ${t.freshness.ageMinutes}/${t.freshness.objectiveMinutes} min`,
    t.held.length ? `${t.held.length} held` : '',
    t.quality ?? '-',
  ]);
  const lines = [
    `${s.light === 'red' ? 'RED' : 'GREEN'}  pipeline status at ${s.at}`,
    renderTable(
      ['', 'table', 'last run', 'in/out/quar/dup', 'took', 'freshness (age/objective)', 'held', 'quality'],
      rows,
      { maxWidth: 40 },
    ),
  ];
  const st = s.stream;
  if (st)
    lines.push(
      st.reachable
        ? `stream ${st.stream}: ${st.undeliveredRecords ?? 0} record(s) not yet delivered${st.oldestUndeliveredAgeMinutes !== null ? `, oldest ${st.oldestUndeliveredAgeMinutes} min old` : ''}`
        : `stream ${st.stream}: ${st.note ?? 'lag unknown'}`,
    );
  if (s.problems.length) lines.push('problems:', ...s.problems.map((p) => `  - ${p}`));
  return lines.join('\n');
}
