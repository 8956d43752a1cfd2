import type { Command } from 'commander';
import type { CliContext } from '../context';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('setup')
    .description(
      'Install the local toolchain (Python venv with pyspark, the lake_jobs package, the Iceberg jar); skips what is there.',
    )
    .option('--quiet', 'print nothing but errors')
    .action((opts: { quiet?: boolean }) => {
      const started = Date.now();
      ctx.ensureToolchain({ quiet: opts.quiet });
      if (!opts.quiet) ctx.log(`toolchain ready (${Date.now() - started} ms)`);
    });
}
