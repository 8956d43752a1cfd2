/** Wires the router for Lambda: Athena engine, IAM principals, the cursor secret. Adapters chosen here, once. */
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AthenaEngine, type AthenaEngineOptions } from './athena-engine';
import type { LambdaConfig } from './config';
import { Sealer } from './cursor';
import { CursorSecret } from './cursor-secret';
import { errorResponse } from './errors';
import { iamAuthenticator } from './iam-auth';
import type { ApiLogger } from './logger';
import { contractsOnly } from './metadata-source';
import { createRouter, type Router } from './router';
import { s3Metadata } from './s3-metadata';
import { assumeRoleCredentials, type CredentialsProvider } from './sts-credentials';

export function createLambdaRouter(
  config: LambdaConfig,
  logger: ApiLogger,
  overrides: {
    credentials?: CredentialsProvider;
    athena?: Partial<AthenaEngineOptions>;
    secrets?: SecretsManagerClient;
    s3?: S3Client;
  } = {},
): Router {
  const engine = new AthenaEngine({
    ...(config.region ? { region: config.region } : {}),
    databases: config.databases,
    roles: config.roles,
    credentials: overrides.credentials ?? assumeRoleCredentials(),
    ...overrides.athena,
  });
  const secret = new CursorSecret({
    client: overrides.secrets ?? new SecretsManagerClient(config.region ? { region: config.region } : {}),
    secretId: config.cursorSecretArn,
  });
  // the reports are read with the function's own role: the data roles are for Athena, the reports are metadata
  const metadata = config.reportsUri
    ? s3Metadata({
        client: overrides.s3 ?? new S3Client(config.region ? { region: config.region } : {}),
        reportsUri: config.reportsUri,
      })
    : contractsOnly;
  const router = createRouter({
    engine,
    metadata,
    authenticate: iamAuthenticator(config.principals),
    logger,
    sealer: new Sealer(() => secret.keys(), { onUnknownKey: () => secret.markStale() }),
    syncBudgetMs: config.syncBudgetMs,
  });
  return async (req) => {
    try {
      await secret.refresh();
    } catch (err) {
      logger.error('cursor keys unavailable', { requestId: req.requestId, error: (err as Error).message });
      const { response } = errorResponse(err, req.requestId);
      return { ...response, headers: { ...response.headers, 'x-request-id': req.requestId } };
    }
    return router(req);
  };
}
