import type { RemovalPolicy } from 'aws-cdk-lib';

export interface DataLakeStorageProps {
  /** Prefix of the key alias (`alias/<prefix>-lake`). */
  readonly prefix: string;
  /** RETAIN unless the data-deletion flag is set. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Days before raw objects move to S3 Standard-IA. @default 30 */
  readonly rawInfrequentAccessDays?: number;
  /** Days before raw objects move to Glacier Instant Retrieval. @default 180 */
  readonly rawGlacierDays?: number;
  /** Days quarantined records are kept. @default 90 */
  readonly quarantineExpirationDays?: number;
  /** Days Athena query results are kept. @default 30 */
  readonly athenaResultsExpirationDays?: number;
  /** Days S3 server access logs are kept. @default 365 */
  readonly accessLogsExpirationDays?: number;
  /** Days non-current object versions are kept (all versioned buckets). @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
}

/** The lifecycle defaults, applied by DataLakeStorage (and reported by the environment config). */
export const DATA_LAKE_STORAGE_DEFAULTS = {
  rawInfrequentAccessDays: 30,
  rawGlacierDays: 180,
  quarantineExpirationDays: 90,
  athenaResultsExpirationDays: 30,
  accessLogsExpirationDays: 365,
  noncurrentVersionExpirationDays: 90,
} as const satisfies Required<Omit<DataLakeStorageProps, 'prefix' | 'removalPolicy'>>;
