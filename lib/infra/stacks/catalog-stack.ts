import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DataLakeCatalog } from '../governance/data-lake-catalog';
import { LakeFormationSetup } from '../governance/lake-formation-setup';
import type { DataLakeStorage } from '../storage/data-lake-storage';
import type { LakeStackProps } from './lake-stack-props';

export interface CatalogStackProps extends LakeStackProps {
  readonly storage: DataLakeStorage;
}

/** Glue databases and tables from the contracts, Data Quality rulesets, Lake Formation settings and tags. */
export class CatalogStack extends Stack {
  public readonly catalog: DataLakeCatalog;
  public readonly lakeFormation: LakeFormationSetup;

  constructor(scope: Construct, id: string, props: CatalogStackProps) {
    super(scope, id, props);
    const { config, names, storage } = props;
    this.catalog = new DataLakeCatalog(this, 'Catalog', {
      names,
      rawBucket: storage.raw,
      processedBucket: storage.processed,
      curatedBucket: storage.curated,
    });
    this.lakeFormation = new LakeFormationSetup(this, 'LakeFormation', {
      prefix: config.prefix,
      catalog: this.catalog,
      locations: [storage.raw, storage.processed, storage.curated],
      key: storage.key,
      admins: config.lakeFormationAdmins,
      cdkQualifier: config.cdkQualifier,
    });
    for (const zone of ['raw', 'processed', 'curated'] as const) {
      new CfnOutput(this, `${zone}Database`, { value: names.database(zone), description: `Glue database of the ${zone} zone` });
    }
  }
}
