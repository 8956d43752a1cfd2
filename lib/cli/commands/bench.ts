import type { Command } from 'commander';
import { runBench } from '../../bench/bench';
import { benchSections } from '../../bench/sections';
import { dim } from '../context';
import type { CliContext } from '../context';
import { positiveInt } from '../options';
import type { Step } from '../progress';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('bench')
    .description(
      'Benchmarks (figures are printed, never asserted): the ETL jobs vs native Spark (and DuckDB COPY), the stream, the local API, lake history and lake diff, the metadata search.',
    )
    .option(
      '--rows <n>',
      'records for the transactions, server_logs and social_posts sections',
      positiveInt('rows'),
      1_000_000,
    )
    .option(
      '--big-log-mb <n>',
      'size of the big log file of the server_logs section (1024 for the 1 GB figure)',
      positiveInt('big-log-mb'),
      256,
    )
    .option(
      '--versions <n>',
      'versions of the table the versions section builds (lake history and lake diff on it)',
      positiveInt('versions'),
      100,
    )
    .option('--json', 'print each figure as one JSON line (section, label, value, unit, note)')
    .option('--only <names...>', `run only these sections (${benchSections.map((s) => s.name).join(', ')})`)
    .option('--dir <dir>', 'scratch folder (default: a new temp folder)')
    .option('--keep', 'keep the scratch lake and files')
    .action(
      async (opts: {
        rows: number;
        bigLogMb: number;
        versions: number;
        json?: boolean;
        only?: string[];
        dir?: string;
        keep?: boolean;
      }) => {
        const started = Date.now();
        let section: Step | undefined;
        await runBench({
          sections: benchSections,
          only: opts.only,
          keep: opts.keep,
          dir: opts.dir,
          json: opts.json,
          options: { rows: opts.rows, bigLogMb: opts.bigLogMb, versions: opts.versions },
          out: (l) => ctx.out(l),
          // a section's log lines say what it is doing now
          log: (l) => (section ? section.note(l.trim()) : ctx.log(dim(l, ctx.colour))),
          ensureToolchain: () => ctx.ensureToolchain({ quiet: true }),
          progress: {
            sectionStarted: (s, i, n) => {
              section = ctx.progress.start(`[${i + 1}/${n}] ${s.title}`);
            },
            sectionFinished: (r) => {
              if (r.error !== undefined) section?.fail(r.error);
              else section?.done(`${r.figures.length} figure(s)`);
              section = undefined;
            },
          },
        }).then((reports) => {
          ctx.log(dim(`bench finished in ${((Date.now() - started) / 1000).toFixed(1)} s`, ctx.colour));
          if (reports.some((r) => r.error)) process.exitCode = 1;
        });
      },
    );
}
