import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LakeGrants } from '../governance/lake-grants';
import { LakeEtl } from '../processing/lake-etl';
import type { DataLakeStorage } from '../storage/data-lake-storage';
import type { LakeStackProps } from './lake-stack-props';

export interface ProcessingStackProps extends LakeStackProps {
  readonly storage: DataLakeStorage;
  /** Folder of the Glue code. @default '<repo>/glue-jobs' */
  readonly glueJobsDir?: string;
}

/** Glue jobs, workflows and triggers, and the ETL role's Lake Formation grants. */
export class ProcessingStack extends Stack {
  public readonly etl: LakeEtl;
  public readonly grants: LakeGrants;

  constructor(scope: Construct, id: string, props: ProcessingStackProps) {
    super(scope, id, props);
    const { config, names, storage } = props;
    this.etl = new LakeEtl(this, 'Etl', {
      names,
      key: storage.key,
      rawBucket: storage.raw,
      processedBucket: storage.processed,
      curatedBucket: storage.curated,
      quarantineBucket: storage.quarantine,
      glueJobsDir: props.glueJobsDir,
      ...config.etl,
    });
    this.grants = new LakeGrants(this, 'EtlGrants', {
      names,
      principalArn: this.etl.role.roleArn,
      access: { kind: 'etl', writeLocations: [storage.processed, storage.curated] },
    });
  }
}
