/**
 * Wires the router for Lambda: Athena engine, IAM principals, the cursor secret, the metadata from S3 and the stream's
 * lag from CloudWatch. Adapters chosen here, once.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AthenaEngine, type AthenaEngineOptions } from './athena-engine';
import { cloudWatchStreamLag } from './cloudwatch-stream-lag';
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
    cloudwatch?: CloudWatchClient;
  } = {},
): Router {
  const region = config.region ? { region: config.region } : {};
  const engine = new AthenaEngine({
    ...(config.region ? { region: config.region } : {}),
    databases: config.databases,
    roles: config.roles,
    credentials: overrides.credentials ?? assumeRoleCredentials(),
    ...overrides.athena,
  });
  const secret = new CursorSecret({
    client: overrides.secrets ?? new SecretsManagerClient(region),
    secretId: config.cursorSecretArn,
  });
  // the stream's lag is CloudWatch's (metrics of the stream and the delivery stream), read with the function's role
  const streamLag = config.stream
    ? cloudWatchStreamLag({ client: overrides.cloudwatch ?? new CloudWatchClient(region), ...config.stream })
    : undefined;
  // the reports are read with the function's own role: the data roles are for Athena, the reports are metadata
  const metadata = config.reportsUri
    ? s3Metadata({
        client: overrides.s3 ?? new S3Client(region),
        reportsUri: config.reportsUri,
        ...(streamLag ? { streamLag } : {}),
      })
    : { ...contractsOnly, ...(streamLag ? { streamLag } : {}) };
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
