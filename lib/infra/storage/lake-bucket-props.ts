import type { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket, LifecycleRule } from 'aws-cdk-lib/aws-s3';

export interface LakeBucketProps {
  /**
   * Customer-managed key for SSE-KMS (with an S3 bucket key). Leave unset only for the access-log bucket:
   * S3 server access logging cannot deliver to SSE-KMS buckets.
   * @default SSE-S3
   */
  readonly encryptionKey?: IKey;
  /** Bucket receiving this bucket's server access logs. @default no access logs (only for the log bucket itself) */
  readonly serverAccessLogsBucket?: IBucket;
  /** Key prefix of this bucket's logs in `serverAccessLogsBucket`. @default '<construct id>/' */
  readonly serverAccessLogsPrefix?: string;
  /** Lifecycle rules added after the non-current version expiry. @default none */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /** Days non-current versions are kept. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** RETAIN unless the data-deletion flag is set. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}
