/**
 * Least-privilege statements with explicit actions (no `s3:Get*`-style action wildcards), shared by every role
 * of the lake. Object ARNs still end in `/*` (S3 cannot name objects that do not exist yet): the nag
 * acknowledgments say so per role and bucket.
 */
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

export type BucketAccess = 'read' | 'write' | 'readwrite';

const OBJECT_ACTIONS: Record<BucketAccess, string[]> = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  readwrite: [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:DeleteObject',
    's3:AbortMultipartUpload',
  ],
};

/** Bucket-level listing and object access under each of `prefixes` (default: the whole bucket). */
export function bucketStatements(
  bucket: IBucket,
  access: BucketAccess,
  prefixes: readonly string[] = [''],
): PolicyStatement[] {
  return [
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [bucket.bucketArn],
    }),
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: OBJECT_ACTIONS[access],
      resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
    }),
  ];
}

/** Use of the lake key: decrypt for readers, plus data-key generation for writers. */
export function keyStatement(key: IKey, access: 'decrypt' | 'encrypt-decrypt'): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions:
      access === 'decrypt'
        ? ['kms:Decrypt', 'kms:DescribeKey']
        : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
    resources: [key.keyArn],
  });
}
