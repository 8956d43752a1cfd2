import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { ensureDashboard } from '../../dashboard/bundle';
import { ensureChromium, ensureTrino } from '../../setup/toolchain';
import type { CliContext } from '../context';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('setup')
    .description(
      "Install the local toolchain (Python venv with pyspark, the lake_jobs package, the Iceberg jar), build the dashboard page, install Trino (core server and memory connector, for the test that checks the API's SQL against Athena's engine), and install Chromium for the dashboard's browser test when missing; skips what is there.",
    )
    .option('--quiet', 'print nothing but errors')
    .option('--no-browser', 'do not install Chromium')
    .option('--no-trino', "do not install Trino (only the API's SQL type check needs it)")
    .action(async (opts: { quiet?: boolean; browser: boolean; trino: boolean }) => {
      const started = Date.now();
      const log = opts.quiet ? () => undefined : ctx.log;
      ctx.ensureToolchain({ quiet: opts.quiet });
      await ensureDashboard(log);
      if (opts.trino) {
        const trino = ensureTrino(log);
        if (!existsSync(trino.java))
          ctx.warn(
            `Trino ${trino.version} needs Java ${trino.javaVersion} (${trino.java} is missing): set LAKE_TRINO_JAVA to its java binary; only the API's SQL type check needs it`,
          );
      }
      if (opts.browser) ensureChromium(log, ctx.warn);
      if (!opts.quiet) ctx.log(`toolchain ready (${Date.now() - started} ms)`);
    });
}
