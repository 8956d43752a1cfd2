/**
 * The Lambda entry (API Gateway REST API, Lambda proxy integration): converts the event, calls the shared
 * router, converts the answer. Everything else lives in modules the local server shares.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { fromProxyEvent, toProxyResult } from './apigw';
import { readConfig } from './config';
import { errorResponse } from './errors';
import { createLambdaRouter } from './lambda-app';
import type { ApiLogger } from './logger';
import type { Router } from './router';

const powertools = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'lake-api' });
const logger: ApiLogger = {
  info: (message, fields = {}) => powertools.info(message, fields),
  warn: (message, fields = {}) => powertools.warn(message, fields),
  error: (message, fields = {}) => powertools.error(message, fields),
};

let router: Router | undefined;

export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  powertools.addContext(context);
  const req = fromProxyEvent(event);
  try {
    router ??= createLambdaRouter(readConfig(process.env), logger);
  } catch (err) {
    // a deployment error: logged in full, answered like any unexpected error (request id, no internals)
    logger.error('invalid configuration', { requestId: req.requestId, error: (err as Error).message });
    const { response } = errorResponse(err, req.requestId);
    return toProxyResult({ ...response, headers: { ...response.headers, 'x-request-id': req.requestId } });
  }
  return toProxyResult(await router(req));
}
