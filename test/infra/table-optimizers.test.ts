import { Match, Template } from 'aws-cdk-lib/assertions';
import { allTables, tableContract } from '../../lib/contracts';
import {
  icebergMaintenance,
  icebergTableProperties,
  minSnapshotsToKeep,
  snapshotMaxAgeDays,
} from '../../lib/contracts/iceberg';
import { LakeNames } from '../../lib/infra/config/lake-names';
import { LakeFormationSetup } from '../../lib/infra/governance/lake-formation-setup';
import { TableOptimizers } from '../../lib/infra/governance/table-optimizers';
import { TABLE_OPTIMIZER_TYPES } from '../../lib/infra/governance/table-optimizers-props';
import type { TableOptimizersProps } from '../../lib/infra/governance/table-optimizers-props';
import { LakeZone } from '../../lib/infra/storage/lake-zones';
import { allowedActions, catalogFixture, resourcesOf } from './helpers';

const names = new LakeNames('shoplake-t');

function optimizersTemplate(props: Partial<TableOptimizersProps> = {}): Template {
  const { stack, key, raw, processed, curated, catalog } = catalogFixture(names);
  const zones = { processed: new LakeZone(processed, key), curated: new LakeZone(curated, key) };
  const lakeFormation = new LakeFormationSetup(stack, 'Lf', {
    prefix: 'shoplake-t',
    catalog,
    locations: [new LakeZone(raw, key), zones.processed, zones.curated],
  });
  new TableOptimizers(stack, 'Opt', { names, catalog, zones, lakeFormation, ...props });
  return Template.fromStack(stack);
}

let t: Template;
beforeAll(() => {
  t = optimizersTemplate();
});

type Optimizer = {
  DatabaseName: string;
  TableName: string;
  Type: string;
  TableOptimizerConfiguration: Record<string, unknown>;
};
const optimizers = (tpl: Template) =>
  resourcesOf(tpl, 'AWS::Glue::TableOptimizer').map(([, r]) => ({
    p: r.Properties as unknown as Optimizer,
    dependsOn: [r.DependsOn ?? []].flat(),
  }));
const logicalId = (tpl: Template, type: string, prefix: string): string => {
  const [id] = resourcesOf(tpl, type, prefix)[0] ?? [];
  if (!id) throw new Error(`no ${type} ${prefix}*`);
  return id;
};

describe('TableOptimizers', () => {
  test('compaction, snapshot retention and orphan file deletion on every processed and curated table', () => {
    expect(TABLE_OPTIMIZER_TYPES).toEqual(['compaction', 'retention', 'orphan_file_deletion']);
    t.resourceCountIs('AWS::Glue::TableOptimizer', 3 * allTables.length);
    const got = optimizers(t).map(({ p }) => `${p.DatabaseName}.${p.TableName}/${p.Type}`);
    expect(got.sort()).toEqual(
      allTables
        .flatMap((c) =>
          TABLE_OPTIMIZER_TYPES.map((type) => `${names.database(c.database)}.${c.name}/${type}`),
        )
        .sort(),
    );
  });

  test.each(allTables.map((c) => [c.name]))(
    '%s: the settings of its Iceberg layout, run by the optimizer role, enabled',
    (table) => {
      const c = tableContract(table);
      const m = icebergMaintenance(c);
      const role = { 'Fn::GetAtt': [Match.stringLikeRegexp('^OptRole'), 'Arn'] };
      const where = { DatabaseName: names.database(c.database), TableName: table };
      t.hasResourceProperties('AWS::Glue::TableOptimizer', {
        ...where,
        Type: 'compaction',
        TableOptimizerConfiguration: {
          Enabled: true,
          RoleArn: role,
          CompactionConfiguration: {
            IcebergConfiguration: { Strategy: 'binpack', MinInputFiles: m.compactionMinInputFiles },
          },
        },
      });
      t.hasResourceProperties('AWS::Glue::TableOptimizer', {
        ...where,
        Type: 'retention',
        TableOptimizerConfiguration: {
          Enabled: true,
          RoleArn: role,
          RetentionConfiguration: {
            IcebergConfiguration: {
              SnapshotRetentionPeriodInDays: m.snapshotRetentionDays,
              NumberOfSnapshotsToRetain: m.minSnapshotsToKeep,
              CleanExpiredFiles: true,
            },
          },
        },
      });
      t.hasResourceProperties('AWS::Glue::TableOptimizer', {
        ...where,
        Type: 'orphan_file_deletion',
        TableOptimizerConfiguration: {
          Enabled: true,
          RoleArn: role,
          OrphanFileDeletionConfiguration: {
            IcebergConfiguration: { OrphanFileRetentionPeriodInDays: m.orphanFileRetentionDays },
          },
        },
      });
    },
  );

  test('snapshot retention agrees with the table properties the local Spark procedures read', () => {
    const m = icebergMaintenance(tableContract('transactions'));
    expect(m.snapshotRetentionDays).toBe(snapshotMaxAgeDays);
    expect(Number(icebergTableProperties['history.expire.max-snapshot-age-ms'])).toBe(
      m.snapshotRetentionDays * 24 * 3600 * 1000,
    );
    expect(Number(icebergTableProperties['history.expire.min-snapshots-to-keep'])).toBe(minSnapshotsToKeep);
    expect(Number(icebergTableProperties['write.target-file-size-bytes'])).toBe(m.targetFileSizeBytes);
  });

  test('the streamed ad_events table is compacted from fewer files than the batch tables', () => {
    const min = (table: string) => icebergMaintenance(tableContract(table)).compactionMinInputFiles;
    expect(min('ad_events')).toBe(20);
    for (const c of allTables.filter((x) => x.name !== 'ad_events')) expect(min(c.name)).toBe(100);
  });

  test('each optimizer waits for its table, the role policy and the last Lake Formation grant', () => {
    const policy = logicalId(t, 'AWS::IAM::Policy', 'OptRoleDefaultPolicy');
    const grants = resourcesOf(t, 'AWS::LakeFormation::PrincipalPermissions', 'OptGrants');
    const last = grants.find(([id]) => !grants.some(([, r]) => [r.DependsOn ?? []].flat().includes(id)));
    for (const { p, dependsOn } of optimizers(t)) {
      const table = logicalId(t, 'AWS::Glue::Table', `CatalogIceberg${p.TableName.replace(/_/g, '')}`);
      expect(dependsOn).toEqual(expect.arrayContaining([table, policy, last?.[0]]));
    }
  });

  test('Lake Formation: ALTER, DESCRIBE, INSERT, DELETE on exactly the optimized tables (no SELECT), chained', () => {
    const grants = resourcesOf(t, 'AWS::LakeFormation::PrincipalPermissions', 'OptGrants');
    expect(grants).toHaveLength(allTables.length);
    for (const c of allTables)
      t.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
        Principal: {
          DataLakePrincipalIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OptRole'), 'Arn'] },
        },
        Permissions: ['ALTER', 'DESCRIBE', 'INSERT', 'DELETE'],
        PermissionsWithGrantOption: [],
        Resource: { Table: Match.objectLike({ DatabaseName: names.database(c.database), Name: c.name }) },
      });
    const [first, ...rest] = grants;
    const firstDeps = [first?.[1].DependsOn ?? []].flat();
    expect(firstDeps).toEqual(
      expect.arrayContaining([logicalId(t, 'AWS::LakeFormation::DataLakeSettings', 'Lf')]),
    );
    for (const [, g] of rest)
      expect([g.DependsOn ?? []].flat().some((d) => d.startsWith('OptGrants'))).toBe(true);
  });

  test('the role: assumed by Glue only; catalog API, logs and S3 on exactly the tables and their log groups', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' } },
        ],
      },
      Description: Match.stringLikeRegexp('table optimizers'),
    });
    const [, policy] = resourcesOf(t, 'AWS::IAM::Policy', 'OptRoleDefaultPolicy')[0] ?? [];
    const statements = (
      policy?.Properties?.PolicyDocument as {
        Statement: { Sid?: string; Action: string | string[]; Resource: unknown }[];
      }
    ).Statement;
    const glue = statements.find((s) => s.Sid === 'OptimizedTables');
    expect(glue?.Action).toEqual(['glue:GetTable', 'glue:UpdateTable']);
    const glueResources = JSON.stringify(glue?.Resource);
    for (const c of allTables)
      expect(glueResources).toContain(`:table/${names.database(c.database)}/${c.name}"`);
    expect(glueResources).not.toContain('/*');
    const logs = JSON.stringify(statements.find((s) => s.Sid === 'OptimizerLogs')?.Resource);
    for (const g of ['iceberg-compaction', 'iceberg-retention', 'iceberg-orphan-file-deletion'])
      expect(logs).toContain(`:log-group:/aws-glue/${g}/logs:*`);
    const s3Objects = statements
      .filter((s) => [s.Action].flat().includes('s3:DeleteObject'))
      .flatMap((s) => [s.Resource].flat().map((r) => JSON.stringify(r)));
    expect(s3Objects).toHaveLength(allTables.length);
    for (const c of allTables) expect(s3Objects.some((r) => r.includes(`/${c.name}/*`))).toBe(true);
    expect(allowedActions(t).filter((a) => a.includes('*'))).toEqual([]);
  });

  test('only the optimizers asked for, and only their log groups', () => {
    const only = optimizersTemplate({ types: ['compaction'] });
    only.resourceCountIs('AWS::Glue::TableOptimizer', allTables.length);
    const [, policy] = resourcesOf(only, 'AWS::IAM::Policy', 'OptRoleDefaultPolicy')[0] ?? [];
    const doc = JSON.stringify(policy?.Properties?.PolicyDocument);
    expect(doc).toContain('iceberg-compaction');
    expect(doc).not.toContain('iceberg-retention');
  });
});
