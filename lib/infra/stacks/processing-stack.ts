import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LakeGrants } from '../governance/lake-grants';
import { DataQualitySchedule } from '../processing/data-quality-schedule';
import { LakeEtl } from '../processing/lake-etl';
import { importZones } from './storage-stack';
import type { ZonesStackProps } from './storage-stack';

export interface ProcessingStackProps extends ZonesStackProps {
  /** Folder of the Glue code. @default '<repo>/glue-jobs' */
  readonly glueJobsDir?: string;
}

/** Glue jobs, workflows and triggers, scheduled Data Quality evaluations, and the ETL role's Lake Formation grants. */
export class ProcessingStack extends Stack {
  public readonly etl: LakeEtl;
  public readonly grants: LakeGrants;
  public readonly dataQuality: DataQualitySchedule;

  constructor(scope: Construct, id: string, props: ProcessingStackProps) {
    super(scope, id, props);
    const zones = importZones(this, props);
    const { config, names } = props;
    this.etl = new LakeEtl(this, 'Etl', {
      names,
      zones,
      glueJobsDir: props.glueJobsDir,
      ...config.etl,
    });
    this.dataQuality = new DataQualitySchedule(this, 'DataQuality', {
      names,
      evaluationRole: this.etl.role,
      schedule: config.etl.dataQualitySchedule,
    });
    this.grants = new LakeGrants(this, 'EtlGrants', {
      names,
      principalArn: this.etl.role.roleArn,
      access: { kind: 'etl', writeLocations: [zones.processed.bucket, zones.curated.bucket] },
    });
  }
}
