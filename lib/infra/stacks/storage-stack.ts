import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DataLakeStorage } from '../storage/data-lake-storage';
import { ImportedLakeZones } from '../storage/lake-zones';
import type { LakeStackProps } from './lake-stack-props';

/** KMS key and the zone buckets. */
export class StorageStack extends Stack {
  public readonly storage: DataLakeStorage;

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.storage = new DataLakeStorage(this, 'Storage', {
      prefix: config.prefix,
      removalPolicy: config.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      ...config.storage,
    });
    if (config.destroyData) {
      // CDK's auto-delete provider declares DependsOn on its role, which its GetAtt already implies (cfn-lint W3005).
      const provider = this.node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
      const handler = provider?.node.tryFindChild('Handler') as CfnResource | undefined;
      handler?.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    }
    const out = (name: string, value: string, description: string): void => {
      new CfnOutput(this, name, { value, description });
    };
    out(
      'RawBucket',
      this.storage.raw.bucketName,
      'Raw zone: land batch files under <dataset>/ingest_date=YYYY-MM-DD/batch=<id>/',
    );
    out('ProcessedBucket', this.storage.processed.bucketName, 'Processed zone (Iceberg tables)');
    out('CuratedBucket', this.storage.curated.bucketName, 'Curated zone (Iceberg tables)');
    out('QuarantineBucket', this.storage.quarantine.bucketName, 'Rejected records with their reasons');
    out(
      'AthenaResultsBucket',
      this.storage.athenaResults.bucketName,
      'Athena query results (per workgroup prefix)',
    );
    out('LakeKeyArn', this.storage.key.keyArn, 'KMS key of the lake');
  }
}

/** Props of a stack that works on the zone buckets and key of the storage stack. */
export interface ZonesStackProps extends LakeStackProps {
  readonly storage: StorageStack;
}

/**
 * The zone buckets and key, imported into `stack` by name (construct `Zones`, no cross-stack exports); `stack`
 * deploys after the storage stack.
 */
export function importZones(stack: Stack, props: ZonesStackProps): ImportedLakeZones {
  const zones = new ImportedLakeZones(stack, 'Zones', {
    prefix: props.config.prefix,
    keyArn: props.storage.storage.key.keyArn,
  });
  stack.addStackDependency(props.storage, 'the zone buckets are addressed by name');
  return zones;
}
