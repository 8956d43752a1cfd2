import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DataLakeCatalog } from '../governance/data-lake-catalog';
import { LakeFormationSetup } from '../governance/lake-formation-setup';
import { TableOptimizers } from '../governance/table-optimizers';
import { importZones } from './storage-stack';
import type { ZonesStackProps } from './storage-stack';

export type CatalogStackProps = ZonesStackProps;

/**
 * Glue databases and tables from the contracts, Data Quality rulesets, Lake Formation settings and tags, and the
 * table optimizers that keep the Iceberg tables compact and their history bounded.
 */
export class CatalogStack extends Stack {
  public readonly catalog: DataLakeCatalog;
  public readonly lakeFormation: LakeFormationSetup;
  public readonly optimizers: TableOptimizers;

  constructor(scope: Construct, id: string, props: CatalogStackProps) {
    super(scope, id, props);
    const zones = importZones(this, props);
    const { config, names } = props;
    this.catalog = new DataLakeCatalog(this, 'Catalog', {
      names,
      rawBucket: zones.raw.bucket,
      processedBucket: zones.processed.bucket,
      curatedBucket: zones.curated.bucket,
    });
    this.lakeFormation = new LakeFormationSetup(this, 'LakeFormation', {
      prefix: config.prefix,
      catalog: this.catalog,
      locations: [zones.raw, zones.processed, zones.curated],
      admins: config.lakeFormationAdmins,
      cdkQualifier: config.cdkQualifier,
      // LF-tag keys are account-wide: one key per environment
      piiTagKey: `${names.catalog}_pii`,
    });
    this.optimizers = new TableOptimizers(this, 'TableOptimizers', {
      names,
      catalog: this.catalog,
      zones,
      lakeFormation: this.lakeFormation,
    });
    for (const zone of ['raw', 'processed', 'curated'] as const) {
      new CfnOutput(this, `${zone}Database`, {
        value: names.database(zone),
        description: `Glue database of the ${zone} zone`,
      });
    }
  }
}
