/** Wires the router for Lambda: Athena engine, IAM principals, the cursor secret. Adapters chosen here, once. */
import { AthenaEngine, type AthenaEngineOptions } from './athena-engine';
import type { LambdaConfig } from './config';
import { Sealer } from './cursor';
import { iamAuthenticator } from './iam-auth';
import type { ApiLogger } from './logger';
import { createRouter, type Router } from './router';
import { assumeRoleCredentials, type CredentialsProvider } from './sts-credentials';

export function createLambdaRouter(
  config: LambdaConfig,
  logger: ApiLogger,
  overrides: { credentials?: CredentialsProvider; athena?: Partial<AthenaEngineOptions> } = {},
): Router {
  const engine = new AthenaEngine({
    ...(config.region ? { region: config.region } : {}),
    databases: config.databases,
    roles: config.roles,
    credentials: overrides.credentials ?? assumeRoleCredentials(),
    ...overrides.athena,
  });
  return createRouter({
    engine,
    authenticate: iamAuthenticator(config.principals),
    logger,
    sealer: new Sealer(config.cursorSecret),
    syncBudgetMs: config.syncBudgetMs,
  });
}
