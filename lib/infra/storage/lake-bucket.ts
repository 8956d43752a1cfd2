import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { LakeBucketProps } from './lake-bucket-props';

/**
 * An S3 bucket with the lake's secure defaults: SSE-KMS with a bucket key (or SSE-S3 for the log bucket), TLS only,
 * public access blocked, versioned, owner-enforced objects, server access logs, non-current versions expiring.
 * Objects are auto-deleted only when the bucket itself is destroyed on request (`removalPolicy` DESTROY).
 */
export class LakeBucket extends Bucket {
  constructor(scope: Construct, id: string, props: LakeBucketProps = {}) {
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const kms = props.encryptionKey;
    super(scope, id, {
      bucketName: props.bucketName,
      encryption: kms ? BucketEncryption.KMS : BucketEncryption.S3_MANAGED,
      encryptionKey: kms,
      bucketKeyEnabled: kms ? true : undefined,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket
        ? (props.serverAccessLogsPrefix ?? `${id}/`)
        : undefined,
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays ?? 90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        ...(props.lifecycleRules ?? []),
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
  }
}
