import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
  ResponseType,
} from 'aws-cdk-lib/aws-apigateway';
import type { IResource } from 'aws-cdk-lib/aws-apigateway';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ENV } from '../../../lambdas/api/config';
import { allRoutes } from '../../../lambdas/api/routes';
import { withDefaults } from '../config/defaults';
import type { WithDefaults } from '../config/defaults';
import { retention } from '../config/retention';
import { acknowledge, iam5 } from '../nag';
import { LAKE_API_DEFAULTS } from './lake-api-props';
import type { LakeApiProps, LakeApiReports } from './lake-api-props';

type ApiSettings = WithDefaults<typeof LAKE_API_DEFAULTS, LakeApiProps>;

export const DEFAULT_API_ENTRY = join(__dirname, '..', '..', '..', 'lambdas', 'api', 'handler.ts');
/** The newest Node.js runtime aws-cdk-lib offers. */
export const API_RUNTIME = Runtime.NODEJS_24_X;

/** API Gateway's own error responses, mapped to the API's error codes (lambdas/api/errors.ts). */
const gatewayErrors: readonly (readonly [ResponseType, string])[] = [
  [ResponseType.BAD_REQUEST_PARAMETERS, 'bad_request'],
  [ResponseType.MISSING_AUTHENTICATION_TOKEN, 'unauthorized'],
  [ResponseType.INVALID_SIGNATURE, 'unauthorized'],
  [ResponseType.EXPIRED_TOKEN, 'unauthorized'],
  [ResponseType.ACCESS_DENIED, 'forbidden'],
  [ResponseType.THROTTLED, 'throttled'],
  [ResponseType.DEFAULT_4XX, 'bad_request'],
  [ResponseType.DEFAULT_5XX, 'internal'],
];

/**
 * `?from=..&to=..` are required on query routes; their other parameters, and those of the metadata routes, are
 * declared optional (the handler answers a missing one with a 400 that names it).
 */
function requestParameters(path: string): Record<string, boolean> {
  const route = allRoutes.find((r) => r.path === path);
  const params: Record<string, boolean> = {};
  for (const m of path.matchAll(/\{([a-z]+)\}/g)) params[`method.request.path.${m[1]}`] = true;
  if (route?.kind === 'query') {
    params['method.request.querystring.from'] = true;
    params['method.request.querystring.to'] = true;
    for (const p of ['fields', 'limit', 'cursor', ...route.filters.map((f) => f.param)])
      params[`method.request.querystring.${p}`] = false;
  }
  if (route?.kind === 'metadata')
    for (const p of route.params) params[`method.request.querystring.${p}`] = false;
  return params;
}

/**
 * The lake's REST API: one resource per route of the API's route table (lambdas/api/routes.ts), GET only, IAM
 * (SigV4) auth on every method, request parameters validated, stage throttling, JSON access logs, X-Ray, and an
 * optional WAF web ACL. One Lambda (Node.js 24, bundled by the local esbuild, Powertools logger, tracing,
 * reserved concurrency) serves every route and assumes the caller's data role for Athena.
 */
export class LakeApi extends Construct {
  public readonly api: RestApi;
  public readonly handler: NodejsFunction;
  public readonly accessLogs: LogGroup;
  public readonly cursorSecret: Secret;
  public readonly webAcl?: CfnWebACL;

  constructor(scope: Construct, id: string, props: LakeApiProps) {
    super(scope, id);
    const settings = withDefaults(LAKE_API_DEFAULTS, props);
    const logRetention = props.logRetention ?? retention();

    this.cursorSecret = new Secret(this, 'CursorSecret', {
      description: `${props.names.prefix}: HMAC key sealing the API's pagination cursors (rotate with put-secret-value: the previous version stays valid)`,
      encryptionKey: props.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    // Client IPs in the access logs are personal data: every log group is encrypted with the lake key.
    const logs = { retention: logRetention, encryptionKey: props.key };
    const fnLogs = new LogGroup(this, 'HandlerLogs', logs);
    const role =
      props.role ?? new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    fnLogs.grantWrite(role);
    this.handler = this.createHandler(settings, role, fnLogs);
    // read at run time (cached, both the current and the previous version), never through the environment
    this.cursorSecret.grantRead(role);
    if (props.reports) this.grantReportsRead(props.reports);
    if (props.stream) this.grantStreamMetricsRead(role);

    this.accessLogs = new LogGroup(this, 'AccessLogs', logs);
    this.api = this.createRestApi(settings);
    const validator = new RequestValidator(this, 'Validator', {
      restApi: this.api,
      requestValidatorName: 'parameters',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    this.addGatewayResponses();
    this.addRoutes(validator);
    this.acknowledgeFindings(role);
    if (settings.waf) this.webAcl = this.attachWebAcl(settings);
    else
      acknowledge(
        this.api.deploymentStage,
        'AwsSolutions-APIG3',
        'WAF is off in this environment by configuration (api.waf); every method still requires SigV4 and the stage is throttled.',
      );
  }

  /** The environment the handler reads (lambdas/api/config.ts names each variable). */
  private handlerEnvironment(settings: ApiSettings): Record<string, string> {
    const stack = Stack.of(this);
    return {
      POWERTOOLS_SERVICE_NAME: `${settings.names.prefix}-api`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      [ENV.processedDatabase]: settings.databases.processed,
      [ENV.curatedDatabase]: settings.databases.curated,
      [ENV.roleConfig]: stack.toJsonString(settings.dataRoles),
      [ENV.principalRoles]: stack.toJsonString(settings.principalRoles ?? {}),
      [ENV.cursorSecretArn]: this.cursorSecret.secretArn,
      [ENV.syncBudgetMs]: String(settings.syncBudgetMs),
      ...(settings.reports
        ? { [ENV.reportsUri]: `s3://${settings.reports.bucket.bucketName}/${settings.reports.prefix}` }
        : {}),
      ...(settings.stream
        ? {
            [ENV.streamName]: settings.stream.streamName,
            [ENV.deliveryStreamName]: settings.stream.deliveryStreamName,
          }
        : {}),
    };
  }

  /**
   * Read CloudWatch metrics, for the stream's lag. GetMetricData has no resource-level permission and no condition
   * key of its own, so the statement is Resource '*', held to this stack's region; it lives in a policy of its own
   * so that its IAM5 acknowledgment covers it and nothing else.
   */
  private grantStreamMetricsRead(role: IRole): void {
    const policy = new Policy(this, 'StreamLagMetrics', {
      statements: [
        new PolicyStatement({
          sid: 'ReadStreamLagMetrics',
          effect: Effect.ALLOW,
          actions: ['cloudwatch:GetMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': Stack.of(this).region } },
        }),
      ],
    });
    role.attachInlinePolicy(policy);
    this.handler.node.addDependency(policy);
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      "cloudwatch:GetMetricData supports no resource-level permission: the API reads the ad-events stream's iterator age and the delivery stream's data freshness for GET /v1/pipelines; read only, this action alone, this region only.",
    );
  }

  /**
   * List the reports prefix (only it: the listing is conditioned on the prefix) and read its objects, decrypting
   * through S3 only. The function's own role reads them: they are metadata, the data roles are for Athena.
   */
  private grantReportsRead(reports: LakeApiReports): void {
    const objects = reports.bucket.arnForObjects(`${reports.prefix}/*`);
    this.handler.addToRolePolicy(
      new PolicyStatement({
        sid: 'ListRunReports',
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [reports.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${reports.prefix}/*`] } },
      }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadRunReports',
        effect: Effect.ALLOW,
        actions: ['s3:GetObject'],
        resources: [objects],
      }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({
        sid: 'DecryptRunReports',
        effect: Effect.ALLOW,
        actions: ['kms:Decrypt'],
        resources: [reports.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    const policy = this.handler.role?.node.tryFindChild('DefaultPolicy') ?? this.handler;
    acknowledge(
      policy,
      iam5(policy, objects),
      `The run reports and OpenLineage events under ${reports.prefix}/ of the processed bucket, one object per job run, named by run ids that do not exist yet: read only, no data files.`,
    );
  }

  /** The one function behind every route, allowed to assume the data roles it queries as. */
  private createHandler(settings: ApiSettings, role: IRole, logGroup: LogGroup): NodejsFunction {
    const fn = new NodejsFunction(this, 'Handler', {
      entry: settings.entry ?? DEFAULT_API_ENTRY,
      handler: 'handler',
      runtime: API_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: settings.memoryMiB,
      timeout: settings.timeout ?? Duration.seconds(28),
      reservedConcurrentExecutions: settings.reservedConcurrency,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      description: `${settings.names.prefix}: the lake API (queries through Athena as the caller's data role)`,
      environment: this.handlerEnvironment(settings),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        target: 'node24',
        minify: true,
        sourceMap: true,
        externalModules: ['@aws-sdk/*'],
      },
    });
    // CDK adds DependsOn on the role that the Role GetAtt already implies; cfn-lint W3005 flags the redundancy.
    (fn.node.defaultChild as CfnResource).addMetadata('cfn-lint', {
      config: { ignore_checks: ['W3005'] },
    });
    const roleArns = Object.values(settings.dataRoles).map((r) => r.roleArn);
    if (roleArns.length > 0) {
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'AssumeDataRoles',
          effect: Effect.ALLOW,
          actions: ['sts:AssumeRole'],
          resources: roleArns,
        }),
      );
    }
    return fn;
  }

  /** Regional, IAM auth by default, a throttled and traced stage with JSON access logs. */
  private createRestApi(settings: ApiSettings): RestApi {
    return new RestApi(this, 'Api', {
      restApiName: settings.names.resource('api'),
      description:
        'Shop data lake API: IAM (SigV4) auth, queries through Athena under Lake Formation grants.',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: settings.stageName,
        throttlingRateLimit: settings.throttlingRateLimit,
        throttlingBurstLimit: settings.throttlingBurstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    });
  }

  /**
   * Errors API Gateway answers itself (missing `from`/`to`, bad signature, stage throttling) use the API's own
   * shape, {"error": {"code", "message", "details"}}, and carry the request id like every Lambda response.
   */
  private addGatewayResponses(): void {
    for (const [type, code] of gatewayErrors) {
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        responseHeaders: { 'x-request-id': 'context.requestId', 'content-type': "'application/json'" },
        templates: {
          'application/json': `{"error":{"code":"${code}","message":$context.error.messageString,"details":{"gatewayError":"$context.error.responseType"}}}`,
        },
      });
    }
  }

  /** One GET method per route of the route table, its parameters validated before the Lambda runs. */
  private addRoutes(validator: RequestValidator): void {
    const integration = new LambdaIntegration(this.handler, { proxy: true });
    for (const route of allRoutes) {
      let res: IResource = this.api.root;
      for (const seg of route.path.split('/').filter((s) => s !== ''))
        res = res.getResource(seg) ?? res.addResource(seg);
      res.addMethod('GET', integration, {
        authorizationType: AuthorizationType.IAM,
        requestValidator: validator,
        requestParameters: requestParameters(route.path),
        operationName: route.operationId,
      });
    }
  }

  private acknowledgeFindings(role: IRole): void {
    acknowledge(
      this.cursorSecret,
      'AwsSolutions-SMG4',
      'An HMAC key that only seals pagination cursors (24 h lifetime): it is rotated by put-secret-value (README, "Rotating the cursor key"), no database credential a rotation function would have to change; the function accepts AWSCURRENT and AWSPREVIOUS, so open cursors survive a rotation.',
    );
    acknowledge(
      this.handler,
      'Serverless-LambdaDLQ',
      'API Gateway invokes the function synchronously: the caller gets the error, there is no asynchronous event to dead-letter.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-COG4',
      'Every method uses IAM (SigV4) authorization: callers are AWS principals mapped to data roles, not Cognito users.',
    );
    acknowledge(
      this.api.node.findChild('CloudWatchRole'),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'The account-level role API Gateway needs for execution logs; this AWS managed policy is the documented one and only allows writing logs.',
    );
    acknowledge(
      role.node.tryFindChild('DefaultPolicy') ?? role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.',
    );
  }

  /** AWS managed common, known-bad-input and IP-reputation rules, and a rate limit per client IP. */
  private attachWebAcl(settings: ApiSettings): CfnWebACL {
    const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      name: settings.names.resource('api'),
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: `${settings.names.prefix}-api`,
        sampledRequestsEnabled: true,
      },
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        managed('AWSManagedRulesAmazonIpReputationList', 2),
        {
          name: 'rate-limit-per-ip',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: settings.wafRateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'rate-limit-per-ip',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }
}
