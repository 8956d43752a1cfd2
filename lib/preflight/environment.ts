/** The environment a preflight checks, read from cdk.json the way the CDK app reads it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_CONTEXT_KEY, environmentConfigFromContext } from '../infra/config/environment-config';
import type { EnvironmentConfig } from '../infra/config/environment-config';
import { repoRoot } from './offline';

/** The environment's config as the CDK app would read it (cdk.json context + `-c env=`). */
export function configFromCdkJson(env: string, cdkJsonPath = join(repoRoot, 'cdk.json')): EnvironmentConfig {
  const context =
    (JSON.parse(readFileSync(cdkJsonPath, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  const merged: Record<string, unknown> = { ...context, [ENV_CONTEXT_KEY]: env };
  return environmentConfigFromContext({ tryGetContext: (k) => merged[k] });
}
