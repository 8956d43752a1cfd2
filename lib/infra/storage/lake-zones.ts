import { Aws } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export type ZoneBucket = 'raw' | 'processed' | 'curated' | 'quarantine' | 'results' | 'logs';

/**
 * Bucket name of a zone: `<prefix>-<zone>-<account>-<region>` (at most 63 characters with a 24-character
 * prefix). Deterministic, so that other stacks address a bucket by name instead of by a CloudFormation export,
 * and two environments (prefixes) never collide. A RETAINed bucket keeps its name after its stack is deleted:
 * remove it (or pick a new prefix) before deploying the environment again.
 */
export function zoneBucketName(prefix: string, zone: ZoneBucket): string {
  return `${prefix}-${zone}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

type ObjectAccess = 'read' | 'write' | 'readwrite';

/** Explicit object actions (no `s3:Get*`-style wildcards, unlike `Bucket.grantRead`). */
const OBJECT_ACTIONS: Record<ObjectAccess, string[]> = {
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

const KEY_ACTIONS: Record<ObjectAccess, string[]> = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
  readwrite: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
};

/**
 * One zone of the lake: its bucket and the lake key that encrypts it. Grants are least privilege: listing the
 * bucket, explicit object actions under each prefix, and the key use that goes with them. Object ARNs still end in
 * `/*` (S3 cannot name objects that do not exist yet): the nag acknowledgments say so per principal and zone.
 */
export class LakeZone {
  constructor(
    public readonly bucket: IBucket,
    public readonly key: IKey,
  ) {}

  /** ARN of the objects under `prefix` (default: every object). */
  objectsArn(prefix = ''): string {
    return this.bucket.arnForObjects(`${prefix}*`);
  }

  /** Read objects under each of `prefixes` (default: the whole bucket); decrypt with the key. */
  grantRead(principal: IGrantable, prefixes?: readonly string[]): Grant {
    return this.grant(principal, 'read', prefixes);
  }

  /** Write objects (no read, no delete) under each of `prefixes`; encrypt with the key. */
  grantWrite(principal: IGrantable, prefixes?: readonly string[]): Grant {
    return this.grant(principal, 'write', prefixes);
  }

  /** Read, write and delete objects under each of `prefixes`; encrypt and decrypt with the key. */
  grantReadWrite(principal: IGrantable, prefixes?: readonly string[]): Grant {
    return this.grant(principal, 'readwrite', prefixes);
  }

  private grant(grantee: IGrantable, access: ObjectAccess, prefixes: readonly string[] = ['']): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resourceArns: [this.bucket.bucketArn],
    })
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: OBJECT_ACTIONS[access],
          resourceArns: prefixes.map((p) => this.objectsArn(p)),
        }),
      )
      .combine(
        Grant.addToPrincipal({ grantee, actions: KEY_ACTIONS[access], resourceArns: [this.key.keyArn] }),
      );
  }
}

/** The lake's zones and key as seen from any stack. */
export interface LakeZones {
  readonly key: IKey;
  readonly raw: LakeZone;
  readonly processed: LakeZone;
  readonly curated: LakeZone;
  readonly quarantine: LakeZone;
  readonly athenaResults: LakeZone;
}

/** Imports the zone buckets by name (no cross-stack exports) and the key by ARN. */
export class ImportedLakeZones extends Construct implements LakeZones {
  public readonly key: IKey;
  public readonly raw: LakeZone;
  public readonly processed: LakeZone;
  public readonly curated: LakeZone;
  public readonly quarantine: LakeZone;
  public readonly athenaResults: LakeZone;

  constructor(scope: Construct, id: string, props: { readonly prefix: string; readonly keyArn: string }) {
    super(scope, id);
    this.key = Key.fromKeyArn(this, 'Key', props.keyArn);
    const zone = (name: ZoneBucket): LakeZone =>
      new LakeZone(
        Bucket.fromBucketAttributes(this, name, {
          bucketName: zoneBucketName(props.prefix, name),
          encryptionKey: this.key,
        }),
        this.key,
      );
    this.raw = zone('raw');
    this.processed = zone('processed');
    this.curated = zone('curated');
    this.quarantine = zone('quarantine');
    this.athenaResults = zone('results');
  }
}
