import type { Command } from 'commander';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { generateDefaults } from '../../generate';
import { describeGeneration, generateAndLand } from '../generator';

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new CliError(`--${name} must be a positive integer (got '${v}')`);
    return n;
  };
}

export function nonNegativeNumber(name: string, max = Infinity): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > max)
      throw new CliError(`--${name} must be a number from 0 to ${max} (got '${v}')`);
    return n;
  };
}

/** The sample-data options `lake generate` and `lake demo` share. */
export interface SampleDataOptions {
  days: number;
  scale: number;
  seed: number;
  badRate: number;
}

export function withSampleDataOptions(cmd: Command): Command {
  return cmd
    .option('--days <n>', 'days of data, ending yesterday', positiveInt('days'), generateDefaults.days)
    .option(
      '--scale <s>',
      'size factor (1 = about 900 orders, 6,000 requests, 240 posts, 20,000 ad impressions a day)',
      nonNegativeNumber('scale'),
      generateDefaults.scale,
    )
    .option('--seed <n>', 'random seed (same seed, same data)', positiveInt('seed'), generateDefaults.seed)
    .option(
      '--bad-rate <r>',
      'share of malformed records, 0..1',
      nonNegativeNumber('bad-rate', 1),
      generateDefaults.badRate,
    );
}

export function register(program: Command, ctx: CliContext): void {
  withSampleDataOptions(program.command('generate'))
    .description(
      'Generate seeded sample data for every source and land it in the raw zone (as lake ingest and the stream delivery would).',
    )
    .option('--empty-files', 'also land one zero-byte file per batch source')
    .option('--json', 'print the generation summary and what was landed as JSON')
    .option('--start <date>', 'first day (YYYY-MM-DD); default: days before today')
    .action(async (opts: SampleDataOptions & { start?: string; emptyFiles?: boolean; json?: boolean }) => {
      let start: Date | undefined;
      if (opts.start !== undefined) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.start) || Number.isNaN(Date.parse(`${opts.start}T00:00:00Z`)))
          throw new CliError(`--start must be YYYY-MM-DD (got '${opts.start}')`);
        start = new Date(`${opts.start}T00:00:00Z`);
      }
      if (opts.scale <= 0) throw new CliError('--scale must be greater than 0');
      const outcome = await generateAndLand(ctx.home(), {
        days: opts.days,
        scale: opts.scale,
        seed: opts.seed,
        badRate: opts.badRate,
        start,
        emptyFiles: opts.emptyFiles,
      });
      if (opts.json) ctx.out(JSON.stringify({ summary: outcome.summary, landed: outcome.landed }, null, 2));
      else ctx.out(describeGeneration(outcome));
    });
}
