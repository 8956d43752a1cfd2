/**
 * Offline preflight: what can be proven without an AWS account. `cdk synth` of every stack of an environment
 * (cdk-nag AwsSolutions + Serverless and the CloudFormation validation plugin run during synthesis and fail it on
 * any unacknowledged finding), then cfn-lint over the synthesized templates.
 *
 * cfn-lint ignores: none globally. One resource-level ignore lives in the template itself (Metadata cfn-lint
 * on the API function: W3005, a redundant DependsOn that CDK adds on the function's role).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from './check-result';
import { repoRoot } from '../setup/toolchain';

export { repoRoot };
export const cfnLintBin = join(repoRoot, '.venv', 'bin', 'cfn-lint');

export interface SynthOptions {
  readonly env: string;
  readonly outdir: string;
  /** extra `-c key=value` context */
  readonly context?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface SynthOutcome {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly output: string;
  readonly templates: string[];
}

export function templatesIn(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => join(dir, f))
    : [];
}

/** `npx cdk synth --no-notices` of all stacks of `env` into `outdir`. */
export function synthEnvironment(opts: SynthOptions): SynthOutcome {
  const ctx = Object.entries({ env: opts.env, ...opts.context }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const t0 = Date.now();
  const r = spawnSync('npx', ['cdk', 'synth', '--no-notices', '--quiet', '-o', opts.outdir, ...ctx], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: opts.timeoutMs ?? 180_000,
  });
  return {
    ok: r.status === 0,
    durationMs: Date.now() - t0,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`,
    templates: templatesIn(opts.outdir),
  };
}

export interface LintOutcome {
  readonly ok: boolean;
  /** cfn-lint's exit code: bit flags 2 error, 4 warning, 8 informational */
  readonly exitCode: number | null;
  readonly output: string;
}

/** cfn-lint (pinned in glue-jobs/requirements.lock, installed in .venv by the set-up) over the templates. */
export function lintTemplates(templates: readonly string[], bin = cfnLintBin): LintOutcome {
  if (!existsSync(bin))
    return { ok: false, exitCode: null, output: `${bin} is missing: run the set-up (lake setup)` };
  if (templates.length === 0) return { ok: false, exitCode: null, output: 'no templates to lint' };
  const r = spawnSync(bin, ['--format', 'parseable', ...templates], { encoding: 'utf8', timeout: 300_000 });
  return { ok: r.status === 0, exitCode: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

export function runOfflinePreflight(
  opts: SynthOptions,
  lint: (t: readonly string[]) => LintOutcome = lintTemplates,
): CheckResult[] {
  const synth = synthEnvironment(opts);
  const results: CheckResult[] = [];
  results.push(
    synth.ok
      ? {
          id: 'synth',
          title: `cdk synth (env ${opts.env}) with cdk-nag and CloudFormation validation`,
          status: synth.durationMs < 60_000 ? 'pass' : 'warn',
          detail: `${synth.templates.length} templates in ${(synth.durationMs / 1000).toFixed(1)} s`,
        }
      : {
          id: 'synth',
          title: `cdk synth (env ${opts.env})`,
          status: 'fail',
          detail: synth.output.slice(-4000),
          fix: 'Fix the findings above (or acknowledge one with a specific reason).',
        },
  );
  if (!synth.ok) return results;
  const l = lint(synth.templates);
  results.push(
    l.ok
      ? {
          id: 'cfn-lint',
          title: 'cfn-lint',
          status: 'pass',
          detail: `${synth.templates.length} templates clean`,
        }
      : { id: 'cfn-lint', title: 'cfn-lint', status: 'fail', detail: l.output.slice(-4000) },
  );
  return results;
}
