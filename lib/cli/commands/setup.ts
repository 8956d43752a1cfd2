import type { Command } from 'commander';
import { ensureDashboard } from '../../dashboard/bundle';
import { ensureChromium } from '../../setup/toolchain';
import type { CliContext } from '../context';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('setup')
    .description(
      "Install the local toolchain (Python venv with pyspark, the lake_jobs package, the Iceberg jar), build the dashboard page, and install Chromium for the dashboard's browser test when missing; skips what is there.",
    )
    .option('--quiet', 'print nothing but errors')
    .option('--no-browser', 'do not install Chromium')
    .action(async (opts: { quiet?: boolean; browser: boolean }) => {
      const started = Date.now();
      const log = opts.quiet ? () => undefined : ctx.log;
      ctx.ensureToolchain({ quiet: opts.quiet });
      await ensureDashboard(log);
      if (opts.browser) ensureChromium(log, ctx.warn);
      if (!opts.quiet) ctx.log(`toolchain ready (${Date.now() - started} ms)`);
    });
}
