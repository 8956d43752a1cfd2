import { Aws } from 'aws-cdk-lib';
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

/** The lake's buckets and key as seen from any stack. */
export interface LakeZones {
  readonly key: IKey;
  readonly raw: IBucket;
  readonly processed: IBucket;
  readonly curated: IBucket;
  readonly quarantine: IBucket;
  readonly athenaResults: IBucket;
}

/** Imports the zone buckets by name (no cross-stack exports) and the key by ARN. */
export class ImportedLakeZones extends Construct implements LakeZones {
  public readonly key: IKey;
  public readonly raw: IBucket;
  public readonly processed: IBucket;
  public readonly curated: IBucket;
  public readonly quarantine: IBucket;
  public readonly athenaResults: IBucket;

  constructor(scope: Construct, id: string, props: { readonly prefix: string; readonly keyArn: string }) {
    super(scope, id);
    this.key = Key.fromKeyArn(this, 'Key', props.keyArn);
    const bucket = (zone: ZoneBucket): IBucket =>
      Bucket.fromBucketAttributes(this, zone, {
        bucketName: zoneBucketName(props.prefix, zone),
        encryptionKey: this.key,
      });
    this.raw = bucket('raw');
    this.processed = bucket('processed');
    this.curated = bucket('curated');
    this.quarantine = bucket('quarantine');
    this.athenaResults = bucket('results');
  }
}
