/**
 * `lake preflight`: checks what breaks deploys of the lake. Offline (default): synthesizes every stack of an
 * environment (cdk-nag + CloudFormation validation) and runs cfn-lint. `--online`: also asks AWS, with the
 * current credentials, about the account, the CDK bootstrap, Lake Formation admins and the Glue version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { EnvironmentConfig } from '../../infra/config/environment-config';
import {
  configFromCdkJson,
  formatResults,
  preflightPassed,
  runOfflinePreflight,
  runOnlinePreflight,
} from '../../preflight';
import type { CheckResult } from '../../preflight';
import { CliError } from '../context';
import type { CliContext } from '../context';

interface PreflightOptions {
  env: string;
  online?: boolean;
  offline?: boolean;
  region?: string;
  json?: boolean;
  keep?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('preflight')
    .description(
      'Check what breaks a deploy of the lake: offline synth + cdk-nag + cfn-lint; --online asks AWS too',
    )
    .option('--env <name>', 'environment of cdk.json (lake:environments)', 'dev')
    .option('--online', 'also check the account with the current AWS credentials (read-only calls)')
    .option('--no-offline', 'skip the synth and cfn-lint')
    .option('--region <region>', 'region for --online (default: the environment region, then AWS_REGION)')
    .option('--keep <dir>', 'synthesize into this folder and keep it (default: a temporary folder)')
    .option('--json', 'print the results as JSON')
    .action(async (opts: PreflightOptions) => {
      let config: EnvironmentConfig;
      try {
        config = configFromCdkJson(opts.env);
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
      const results: CheckResult[] = [];
      if (opts.offline !== false) {
        ctx.ensureToolchain({ quiet: true });
        const outdir = opts.keep ?? mkdtempSync(join(tmpdir(), 'lake-preflight-'));
        ctx.log(`synthesizing ${config.prefix} into ${outdir} ...`);
        try {
          results.push(...runOfflinePreflight({ env: opts.env, outdir }));
        } finally {
          if (opts.keep === undefined) rmSync(outdir, { recursive: true, force: true });
        }
      }
      if (opts.online) {
        const region =
          opts.region ?? config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
        if (!region)
          throw new CliError('--online needs a region: --region, the environment region, or AWS_REGION', 2);
        results.push(
          ...(await runOnlinePreflight({
            prefix: config.prefix,
            region,
            expectedAccount: config.account,
            cdkQualifier: config.cdkQualifier,
            lakeFormationAdmins: config.lakeFormationAdmins,
            glueVersion: config.etl.glueVersion,
          })),
        );
      }
      ctx.out(opts.json ? JSON.stringify(results, null, 2) : formatResults(results));
      if (!preflightPassed(results)) throw new CliError('preflight found deploy blockers', 1);
    });
}
