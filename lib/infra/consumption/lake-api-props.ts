import type { Duration } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SYNC_BUDGET_MS } from '../../../lambdas/api/config';
import type { DataRole } from '../../governance/grants';
import type { LakeNames } from '../config/lake-names';

/** A role the Lambda can run queries as: its workgroup and the IAM role it assumes. */
export interface ApiDataRole {
  readonly workgroup: string;
  readonly roleArn: string;
}

export interface LakeApiProps {
  readonly names: LakeNames;
  /** The lake key: encrypts the cursor secret and the log groups (its policy lets CloudWatch Logs use it). */
  readonly key: IKey;
  /** Glue database names the handler queries. */
  readonly databases: Readonly<Record<'processed' | 'curated', string>>;
  /** Per grants-model role: the workgroup and IAM role the Lambda assumes for that caller. */
  readonly dataRoles: Readonly<Partial<Record<DataRole, ApiDataRole>>>;
  /** IAM principal ARN (role or user) -> data role. Callers not listed get 403. @default {} */
  readonly principalRoles?: Readonly<Record<string, DataRole>>;
  /** Execution role (the data roles trust it). @default a new role trusted by Lambda */
  readonly role?: IRole;
  /** Handler file (exports `handler`). @default '<repo>/lambdas/api/handler.ts' */
  readonly entry?: string;
  /** Reserved (and thereby maximum) concurrency of the API Lambda. @default 10 */
  readonly reservedConcurrency?: number;
  /** Memory of the API Lambda in MiB. @default 512 */
  readonly memoryMiB?: number;
  /** Synchronous query budget before the API answers 202 + poll URL (ms, at most SYNC_BUDGET_MS.max). @default SYNC_BUDGET_MS.default (10000) */
  readonly syncBudgetMs?: number;
  /** Lambda timeout (API Gateway stops waiting at 29 s). @default Duration.seconds(28) */
  readonly timeout?: Duration;
  /** Steady-state requests per second of the API stage. @default 20 */
  readonly throttlingRateLimit?: number;
  /** Burst requests of the API stage. @default 40 */
  readonly throttlingBurstLimit?: number;
  /** Attach an AWS WAF web ACL (managed common + IP reputation rules, rate limit) to the API stage. @default false */
  readonly waf?: boolean;
  /** Requests per 5 minutes per IP above which WAF blocks (only with `waf`). @default 1000 */
  readonly wafRateLimit?: number;
  /** Retention of the function and access log groups. @default 90 days */
  readonly logRetention?: RetentionDays;
  /** Stage name (the routes themselves start with /v1). @default 'api' */
  readonly stageName?: string;
  /**
   * Where the Glue jobs keep their run reports and OpenLineage events: the metadata routes (search facts, lineage,
   * pipeline health) read them, with a grant to list and read that prefix and nothing else.
   * @default none: those routes answer from the contracts alone
   */
  readonly reports?: LakeApiReports;
  /**
   * The ad-events stream and its delivery stream: `GET /v1/pipelines` reads their lag from CloudWatch, with a grant
   * to read metrics (GetMetricData) and nothing else of CloudWatch.
   * @default none: the stream's lag is null there
   */
  readonly stream?: LakeApiStream;
}

/** The names of the Kinesis stream and the Firehose delivery stream whose metrics tell the stream's lag. */
export interface LakeApiStream {
  readonly streamName: string;
  readonly deliveryStreamName: string;
}

/** A prefix of a lake bucket, and the key that encrypts its objects. */
export interface LakeApiReports {
  readonly bucket: IBucket;
  readonly key: IKey;
  /** without a trailing slash, e.g. `_reports` */
  readonly prefix: string;
}

/** Applied by LakeApi (and reported by the environment config). */
export const LAKE_API_DEFAULTS = {
  reservedConcurrency: 10,
  memoryMiB: 512,
  syncBudgetMs: SYNC_BUDGET_MS.default,
  throttlingRateLimit: 20,
  throttlingBurstLimit: 40,
  waf: false,
  wafRateLimit: 1000,
  stageName: 'api',
} as const satisfies Partial<LakeApiProps>;
