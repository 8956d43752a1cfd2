import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import { CfnTableOptimizer } from 'aws-cdk-lib/aws-glue';
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AnyContract } from '../../contracts';
import { icebergMaintenance } from '../../contracts/iceberg';
import type { IcebergMaintenance } from '../../contracts/iceberg';
import { withDefaults } from '../config/defaults';
import { acknowledge, iam5 } from '../nag';
import { credentialVendingStatement, glueArn } from './catalog-policies';
import { LakeGrants } from './lake-grants';
import { TABLE_OPTIMIZERS_DEFAULTS } from './table-optimizers-props';
import type { TableOptimizerType, TableOptimizersProps } from './table-optimizers-props';

/** The log group each optimizer writes its runs to (fixed by Glue). */
export const OPTIMIZER_LOG_GROUPS: Readonly<Record<TableOptimizerType, string>> = {
  compaction: '/aws-glue/iceberg-compaction/logs',
  retention: '/aws-glue/iceberg-retention/logs',
  orphan_file_deletion: '/aws-glue/iceberg-orphan-file-deletion/logs',
};

/** The configuration of one optimizer of a table, from the table's upkeep settings (lib/contracts/iceberg.ts). */
export function optimizerConfiguration(
  type: TableOptimizerType,
  m: IcebergMaintenance,
  roleArn: string,
): CfnTableOptimizer.TableOptimizerConfigurationProperty {
  const base = { roleArn, enabled: true };
  switch (type) {
    case 'compaction':
      // copy-on-write tables have no delete files: bin-packing small files is the whole job
      return {
        ...base,
        compactionConfiguration: {
          icebergConfiguration: { strategy: 'binpack', minInputFiles: m.compactionMinInputFiles },
        },
      };
    case 'retention':
      return {
        ...base,
        retentionConfiguration: {
          icebergConfiguration: {
            snapshotRetentionPeriodInDays: m.snapshotRetentionDays,
            numberOfSnapshotsToRetain: m.minSnapshotsToKeep,
            cleanExpiredFiles: true,
          },
        },
      };
    case 'orphan_file_deletion':
      return {
        ...base,
        orphanFileDeletionConfiguration: {
          icebergConfiguration: { orphanFileRetentionPeriodInDays: m.orphanFileRetentionDays },
        },
      };
  }
}

/**
 * Upkeep of the lake's Iceberg tables on AWS by the Glue Data Catalog table optimizers: compaction (the streamed
 * ad_events table gets new small files every run), snapshot retention and orphan file deletion on every processed
 * and curated table, with the settings the local maintenance uses (lib/contracts/iceberg.ts). One role runs them
 * all, with exactly what they need: the catalog API and Lake Formation grants (ALTER, DESCRIBE, INSERT, DELETE) on
 * those tables only, Lake Formation's credentials for their registered locations, and, for the services that
 * reach S3 directly, the objects under each table's own prefix and the lake key.
 */
export class TableOptimizers extends Construct {
  public readonly role: Role;
  public readonly grants: LakeGrants;
  /** `<table>/<type>` -> its optimizer. */
  public readonly optimizers: ReadonlyMap<string, CfnTableOptimizer>;

  constructor(scope: Construct, id: string, props: TableOptimizersProps) {
    super(scope, id);
    const { names, catalog } = props;
    const { types } = withDefaults(TABLE_OPTIMIZERS_DEFAULTS, props);
    const tables = new Map<AnyContract, CfnTable>();
    for (const c of catalog.contracts) {
      const t = catalog.tables.get(c.name);
      if (t) tables.set(c, t);
    }
    const kept = [...tables.keys()];

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('glue.amazonaws.com'),
      description: `${names.prefix}: Glue table optimizers compact, expire snapshots of and clean the Iceberg tables`,
    });
    this.grantAccess(props, kept, types);

    this.grants = new LakeGrants(this, 'Grants', {
      names,
      principalArn: this.role.roleArn,
      access: { kind: 'upkeep', tables: kept },
      contracts: kept,
    });
    const firstGrant = this.grants.permissions[0];
    // the grants are chained: the first waits for the tables and Lake Formation, the optimizers for the last
    for (const t of tables.values()) firstGrant?.addResourceDependency(t);
    for (const d of props.lakeFormation.dependables) firstGrant?.addResourceDependency(d);
    const lastGrant = this.grants.permissions[this.grants.permissions.length - 1];
    const policy = this.role.node.findChild('DefaultPolicy').node.defaultChild as CfnResource;

    const optimizers = new Map<string, CfnTableOptimizer>();
    for (const [c, table] of tables) {
      const m = icebergMaintenance(c);
      for (const type of types) {
        const o = new CfnTableOptimizer(this, `${c.name}-${type}`, {
          catalogId: Aws.ACCOUNT_ID,
          databaseName: names.database(c.database),
          tableName: c.name,
          type,
          tableOptimizerConfiguration: optimizerConfiguration(type, m, this.role.roleArn),
        });
        o.addResourceDependency(table);
        o.addResourceDependency(policy);
        if (lastGrant) o.addResourceDependency(lastGrant);
        optimizers.set(`${c.name}/${type}`, o);
      }
    }
    this.optimizers = optimizers;
  }

  private grantAccess(
    props: TableOptimizersProps,
    kept: readonly AnyContract[],
    types: readonly TableOptimizerType[],
  ): void {
    const { names, zones } = props;
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'OptimizedTables',
        effect: Effect.ALLOW,
        actions: ['glue:GetTable', 'glue:UpdateTable'],
        resources: [
          glueArn(this, 'catalog'),
          ...[...new Set(kept.map((c) => c.database))].map((d) =>
            glueArn(this, 'database', names.database(d)),
          ),
          ...kept.map((c) => glueArn(this, 'table', `${names.database(c.database)}/${c.name}`)),
        ],
      }),
    );
    this.role.addToPrincipalPolicy(credentialVendingStatement());
    const logGroups = types.map((t) =>
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${OPTIMIZER_LOG_GROUPS[t]}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'OptimizerLogs',
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: logGroups,
      }),
    );
    const zoneOf = (c: AnyContract) => (c.database === 'processed' ? zones.processed : zones.curated);
    for (const c of kept) zoneOf(c).grantReadWrite(this.role, [`${c.name}/`]);

    const policy = this.role.node.findChild('DefaultPolicy');
    for (const c of kept)
      acknowledge(
        policy,
        iam5(policy, zoneOf(c).objectsArn(`${c.name}/`)),
        `The optimizers rewrite, expire and delete the data and metadata files of ${c.database}.${c.name}, whose names Iceberg generates, under that table's own prefix only.`,
      );
    for (const [t, arn] of types.map((t, i) => [t, logGroups[i] as string] as const))
      acknowledge(
        policy,
        iam5(policy, arn),
        `Glue names the log streams of each ${t} optimizer run inside its fixed log group ${OPTIMIZER_LOG_GROUPS[t]}.`,
      );
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'lakeformation:GetDataAccess has no resource-level permissions; the Lake Formation grants on the optimized tables bound it.',
    );
  }
}
