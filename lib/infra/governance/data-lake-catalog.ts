import { Aws } from 'aws-cdk-lib';
import { CfnDatabase, CfnDataQualityRuleset, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { curatedTables as allCurated, datasets as allDatasets } from '../../contracts';
import type { AnyContract, TableName } from '../../contracts';
import { icebergTableSpec } from '../../contracts/iceberg';
import type { DataLakeCatalogProps } from './data-lake-catalog-props';
import { dqdlRulesets, glueColumns, icebergSchema, rawTableDefinition } from './table-definitions';

export type Zone = 'raw' | 'processed' | 'curated';

/**
 * The Glue Data Catalog of the lake, declared from the contracts (no crawlers): databases raw, processed and
 * curated; raw tables over the landed files (Hive, partition projection, so no partitions to maintain); Iceberg v2
 * tables for processed and curated (`OpenTableFormatInput`, laid out as lib/contracts/iceberg.ts declares: the
 * same properties, partition spec, identifier fields and required columns as the local tables); and one Glue Data
 * Quality ruleset per Iceberg table, generated from the contract rules.
 */
export class DataLakeCatalog extends Construct {
  public readonly databases: Readonly<Record<Zone, CfnDatabase>>;
  /** Iceberg tables by contract name. */
  public readonly tables: ReadonlyMap<TableName, CfnTable>;
  public readonly rawTables: ReadonlyMap<TableName, CfnTable>;
  /** per table, the ruleset of its critical rules (`names.ruleset(table)`) */
  public readonly rulesets: ReadonlyMap<TableName, CfnDataQualityRuleset>;
  /** per table that has warnings, the ruleset of them (`names.ruleset(table, 'warn')`) */
  public readonly warnRulesets: ReadonlyMap<TableName, CfnDataQualityRuleset>;
  public readonly contracts: readonly AnyContract[];

  constructor(scope: Construct, id: string, props: DataLakeCatalogProps) {
    super(scope, id);
    const names = props.names;
    const datasets = props.datasets ?? allDatasets;
    const curated = props.curatedTables ?? allCurated;
    this.contracts = [...datasets, ...curated];
    const account = Aws.ACCOUNT_ID;

    const db = (zone: Zone, description: string, bucket: IBucket): CfnDatabase =>
      new CfnDatabase(this, `${zone[0]?.toUpperCase()}${zone.slice(1)}Database`, {
        catalogId: account,
        databaseInput: {
          name: names.database(zone),
          description,
          locationUri: `s3://${bucket.bucketName}/`,
          // Lake Formation decides: no IAM_ALLOWED_PRINCIPALS grant on new tables.
          createTableDefaultPermissions: [],
        },
      });
    this.databases = {
      raw: db(
        'raw',
        'Landed files as they arrived (immutable); for inspection and replays.',
        props.rawBucket,
      ),
      processed: db(
        'processed',
        'Validated, typed, deduplicated datasets (Iceberg v2), one table per source.',
        props.processedBucket,
      ),
      curated: db(
        'curated',
        'Business tables computed from processed data (Iceberg v2), for BI and the API.',
        props.curatedBucket,
      ),
    };

    const rawTables = new Map<TableName, CfnTable>();
    for (const c of datasets) {
      const def = rawTableDefinition(c, props.rawBucket.bucketName);
      const t = new CfnTable(this, `Raw-${c.name}`, {
        catalogId: account,
        databaseName: names.database('raw'),
        tableInput: {
          name: c.name,
          description: `Raw ${c.raw.format} files of ${c.name} as landed. ${c.description}`.slice(0, 2048),
          tableType: 'EXTERNAL_TABLE',
          parameters: { ...def.parameters, EXTERNAL: 'TRUE', owner: c.owner },
          partitionKeys: def.partitionKeys,
          storageDescriptor: {
            columns: def.columns,
            location: `s3://${props.rawBucket.bucketName}/${def.prefix}`,
            inputFormat: def.inputFormat,
            outputFormat: def.outputFormat,
            serdeInfo: { serializationLibrary: def.serde.library, parameters: def.serde.parameters },
          },
        },
      });
      t.addResourceDependency(this.databases.raw);
      rawTables.set(c.name, t);
    }
    this.rawTables = rawTables;

    const tables = new Map<TableName, CfnTable>();
    const rulesets = new Map<TableName, CfnDataQualityRuleset>();
    const warnRulesets = new Map<TableName, CfnDataQualityRuleset>();
    for (const c of this.contracts) {
      const bucket = c.database === 'processed' ? props.processedBucket : props.curatedBucket;
      const location = `s3://${bucket.bucketName}/${c.name}/`;
      const schema = icebergSchema(c);
      const t = new CfnTable(this, `Iceberg-${c.name}`, {
        catalogId: account,
        databaseName: names.database(c.database),
        tableInput: {
          name: c.name,
          description: `${c.description} Owner: ${c.owner}. Retention: ${c.retentionDays} days.`.slice(
            0,
            2048,
          ),
          tableType: 'EXTERNAL_TABLE',
          parameters: { owner: c.owner, business_key: c.businessKey.join(','), time_column: c.timeColumn },
          storageDescriptor: { columns: glueColumns(c), location },
        },
        openTableFormatInput: {
          icebergInput: {
            metadataOperation: 'CREATE',
            version: '2',
            icebergTableInput: {
              location,
              schema: {
                schemaId: 0,
                type: 'struct',
                fields: schema.fields,
                identifierFieldIds: schema.identifierFieldIds,
              },
              partitionSpec: { specId: 0, fields: schema.partitionFields },
              properties: { ...icebergTableSpec(c).properties },
            },
          },
        },
      });
      t.addResourceDependency(this.databases[c.database]);
      tables.set(c.name, t);
      if (props.dataQualityRulesets ?? true) {
        const dqdl = dqdlRulesets(c);
        const ruleset = (severity: 'critical' | 'warn', body: string): CfnDataQualityRuleset => {
          const rs = new CfnDataQualityRuleset(
            this,
            severity === 'critical' ? `Quality-${c.name}` : `QualityWarn-${c.name}`,
            {
              name: names.ruleset(c.name, severity),
              description:
                severity === 'critical'
                  ? `The ${c.name} contract's critical rules and checks (lib/contracts): a failure alarms.`
                  : `The ${c.name} contract's warnings (lib/contracts): reported, never alarmed.`,
              ruleset: body,
              targetTable: { databaseName: names.database(c.database), tableName: c.name },
            },
          );
          rs.addResourceDependency(t);
          return rs;
        };
        rulesets.set(c.name, ruleset('critical', dqdl.critical));
        if (dqdl.warn) warnRulesets.set(c.name, ruleset('warn', dqdl.warn));
      }
    }
    this.tables = tables;
    this.rulesets = rulesets;
    this.warnRulesets = warnRulesets;
  }
}
