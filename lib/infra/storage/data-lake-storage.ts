import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { withDefaults } from '../config/defaults';
import { DATA_LAKE_STORAGE_DEFAULTS } from './data-lake-storage-props';
import type { DataLakeStorageProps } from './data-lake-storage-props';
import { LakeBucket } from './lake-bucket';
import { zoneBucketName } from './lake-zones';
import type { ZoneBucket } from './lake-zones';

/**
 * The lake's storage zones: one customer-managed KMS key (rotated yearly) and the buckets raw, processed, curated,
 * quarantine, athena-results and access-logs. Raw ages into cheaper classes; quarantine and query results expire.
 */
export class DataLakeStorage extends Construct {
  public readonly key: Key;
  public readonly accessLogs: LakeBucket;
  public readonly raw: LakeBucket;
  public readonly processed: LakeBucket;
  public readonly curated: LakeBucket;
  public readonly quarantine: LakeBucket;
  public readonly athenaResults: LakeBucket;

  constructor(scope: Construct, id: string, props: DataLakeStorageProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const s = withDefaults(DATA_LAKE_STORAGE_DEFAULTS, props);
    const noncurrentVersionExpirationDays = s.noncurrentVersionExpirationDays;

    this.key = new Key(this, 'Key', {
      alias: `alias/${props.prefix}-lake`,
      description: `${props.prefix}: encrypts the data lake buckets, stream, Glue job output and query results`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // Glue's security configuration encrypts the jobs' CloudWatch logs with this key.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:*`,
          },
        },
      }),
    );

    const name = (zone: ZoneBucket): string => zoneBucketName(props.prefix, zone);
    this.accessLogs = new LakeBucket(this, 'AccessLogs', {
      bucketName: name('logs'),
      removalPolicy,
      noncurrentVersionExpirationDays,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(s.accessLogsExpirationDays) }],
    });

    const common = {
      encryptionKey: this.key,
      serverAccessLogsBucket: this.accessLogs,
      removalPolicy,
      noncurrentVersionExpirationDays,
    };
    this.raw = new LakeBucket(this, 'Raw', {
      ...common,
      bucketName: name('raw'),
      lifecycleRules: [
        {
          id: 'raw-to-cheaper-classes',
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(s.rawInfrequentAccessDays),
            },
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(s.rawGlacierDays),
            },
          ],
        },
      ],
    });
    this.processed = new LakeBucket(this, 'Processed', { ...common, bucketName: name('processed') });
    this.curated = new LakeBucket(this, 'Curated', { ...common, bucketName: name('curated') });
    this.quarantine = new LakeBucket(this, 'Quarantine', {
      ...common,
      bucketName: name('quarantine'),
      lifecycleRules: [{ id: 'expire-quarantine', expiration: Duration.days(s.quarantineExpirationDays) }],
    });
    this.athenaResults = new LakeBucket(this, 'AthenaResults', {
      ...common,
      bucketName: name('results'),
      lifecycleRules: [
        { id: 'expire-query-results', expiration: Duration.days(s.athenaResultsExpirationDays) },
      ],
    });
  }

  /** The data buckets (everything but the access logs). */
  get dataBuckets(): readonly LakeBucket[] {
    return [this.raw, this.processed, this.curated, this.quarantine, this.athenaResults];
  }
}
