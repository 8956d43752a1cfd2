import { Template } from 'aws-cdk-lib/assertions';
import { allTables, datasets } from '../../lib/contracts';
import { icebergTableProperties, icebergTableSpec } from '../../lib/contracts/iceberg';
import { LakeNames } from '../../lib/infra/config/lake-names';
import { LakeFormationSetup } from '../../lib/infra/governance/lake-formation-setup';
import { dqdlRulesets } from '../../lib/infra/governance/table-definitions';
import { LakeZone } from '../../lib/infra/storage/lake-zones';
import { catalogFixture, resourcesOf } from './helpers';
import type { CfnResource } from './helpers';

const names = new LakeNames('shoplake-t');
let t: Template;

beforeAll(() => {
  const { stack, key, raw, processed, curated, catalog } = catalogFixture(names);
  new LakeFormationSetup(stack, 'Lf', {
    prefix: 'shoplake-t',
    catalog,
    locations: [raw, processed, curated].map((b) => new LakeZone(b, key)),
  });
  t = Template.fromStack(stack);
});

type TableInput = {
  Name: string;
  Description: string;
  Parameters: Record<string, string>;
  StorageDescriptor: { Columns: { Name: string; Type: string; Comment: string }[] };
  PartitionKeys?: unknown[];
};
type OpenTableFormatInput = {
  IcebergInput: {
    MetadataOperation: string;
    Version: string;
    IcebergTableInput: {
      Schema: { Fields: { Id: number; Name: string; Required: boolean }[]; IdentifierFieldIds: number[] };
      PartitionSpec: { Fields: { Transform: string; Name: string; SourceId: number }[] };
      Properties: Record<string, string>;
    };
  };
};
const tables = (): { input: TableInput; db: string; res: CfnResource }[] =>
  resourcesOf(t, 'AWS::Glue::Table').map(([, r]) => ({
    input: r.Properties?.TableInput as TableInput,
    db: r.Properties?.DatabaseName as string,
    res: r,
  }));

describe('DataLakeCatalog', () => {
  test('three databases, no IAM_ALLOWED_PRINCIPALS default on their tables', () => {
    t.resourceCountIs('AWS::Glue::Database', 3);
    for (const zone of ['raw', 'processed', 'curated'] as const) {
      t.hasResourceProperties('AWS::Glue::Database', {
        DatabaseInput: { Name: names.database(zone), CreateTableDefaultPermissions: [] },
      });
    }
  });

  test('a raw table per dataset, with partition projection; an Iceberg table per contract (no crawlers)', () => {
    t.resourceCountIs('AWS::Glue::Crawler', 0);
    const raw = tables().filter((x) => x.db === names.database('raw'));
    expect(raw.map((x) => x.input.Name).sort()).toEqual(datasets.map((d) => d.name).sort());
    raw.forEach((x) => expect(x.input.Parameters['projection.enabled']).toBe('true'));
    const iceberg = tables().filter((x) => x.db !== names.database('raw'));
    expect(iceberg).toHaveLength(allTables.length);
  });

  test.each(allTables.map((c) => [c.name, c] as const))(
    '%s: Iceberg v2 in its zone, columns and comments from the contract, day partitions',
    (name, c) => {
      const x = tables().find((y) => y.input.Name === name && y.db === names.database(c.database));
      expect(x).toBeDefined();
      expect(x?.input.Description.startsWith(c.description)).toBe(true);
      expect(x?.input.StorageDescriptor.Columns.map((col) => [col.Name, col.Type])).toEqual(
        c.columns.map((col) => [col.name, col.type]),
      );
      const otf = x?.res.Properties?.OpenTableFormatInput as OpenTableFormatInput;
      expect(otf.IcebergInput.MetadataOperation).toBe('CREATE');
      expect(otf.IcebergInput.Version).toBe('2');
      expect(otf.IcebergInput.IcebergTableInput.PartitionSpec.Fields).toEqual([
        expect.objectContaining({ Transform: 'day', Name: `${c.timeColumn}_day` }),
      ]);
      expect(otf.IcebergInput.IcebergTableInput.Properties['write.merge.mode']).toBe('copy-on-write');
    },
  );

  test.each(allTables.map((c) => [c.name, c] as const))(
    '%s: the Iceberg layout the local tables have too (properties, partitions, identifier fields, required columns)',
    (name, c) => {
      const x = tables().find((y) => y.input.Name === name && y.db === names.database(c.database));
      const input = (x?.res.Properties?.OpenTableFormatInput as OpenTableFormatInput).IcebergInput
        .IcebergTableInput;
      const spec = icebergTableSpec(c);
      expect(input.Properties).toEqual(icebergTableProperties);
      const nameOf = new Map(input.Schema.Fields.map((f) => [f.Id, f.Name]));
      expect(input.Schema.IdentifierFieldIds.map((id) => nameOf.get(id))).toEqual([...c.businessKey]);
      expect(input.Schema.Fields.filter((f) => f.Required).map((f) => f.Name)).toEqual(spec.requiredColumns);
      expect(input.PartitionSpec.Fields.map((p) => [nameOf.get(p.SourceId), p.Transform, p.Name])).toEqual(
        spec.partitionFields.map((p) => [p.column, p.transform, p.name]),
      );
    },
  );

  test('per Iceberg table a ruleset of its critical rules, and one of its warnings where it has some, targeting it', () => {
    const withWarnings = allTables.filter((c) => dqdlRulesets(c).warn !== undefined);
    expect(withWarnings.length).toBeGreaterThan(0);
    t.resourceCountIs('AWS::Glue::DataQualityRuleset', allTables.length + withWarnings.length);
    for (const c of allTables) {
      const dqdl = dqdlRulesets(c);
      const target = { DatabaseName: names.database(c.database), TableName: c.name };
      t.hasResourceProperties('AWS::Glue::DataQualityRuleset', {
        Name: names.ruleset(c.name),
        Ruleset: dqdl.critical,
        TargetTable: target,
      });
      if (dqdl.warn)
        t.hasResourceProperties('AWS::Glue::DataQualityRuleset', {
          Name: names.ruleset(c.name, 'warn'),
          Ruleset: dqdl.warn,
          TargetTable: target,
        });
    }
  });
});

describe('LakeFormationSetup defaults', () => {
  test('admins default to the CDK cfn-exec role; no default permissions; REPLACE', () => {
    const [, s] = resourcesOf(t, 'AWS::LakeFormation::DataLakeSettings')[0] ?? [];
    expect(s?.Properties).toMatchObject({
      CreateDatabaseDefaultPermissions: [],
      CreateTableDefaultPermissions: [],
      MutationType: 'REPLACE',
    });
    const admins = JSON.stringify(s?.Properties?.Admins);
    expect(admins).toContain(':role/cdk-');
    expect(admins).toContain('hnb659fds');
    expect(admins).toContain('-cfn-exec-role-');
  });

  test('databases are created after the settings', () => {
    resourcesOf(t, 'AWS::Glue::Database').forEach(([, d]) =>
      expect(JSON.stringify(d.DependsOn)).toMatch(/LfSettings/),
    );
  });

  test('the three zone buckets are registered with the data-access role', () => {
    const regs = resourcesOf(t, 'AWS::LakeFormation::Resource');
    expect(regs).toHaveLength(3);
    regs.forEach(([, r]) =>
      expect(r.Properties).toMatchObject({
        UseServiceLinkedRole: false,
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^LfDataAccessRole/), 'Arn'] },
      }),
    );
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'lakeformation.amazonaws.com' },
          },
        ],
      },
    });
  });

  test("LF-tag pii (default key): false on every table, true on exactly the contract's PII columns", () => {
    t.hasResourceProperties('AWS::LakeFormation::Tag', { TagKey: 'pii', TagValues: ['true', 'false'] });
    const assoc = resourcesOf(t, 'AWS::LakeFormation::TagAssociation').map(
      ([, r]) =>
        r.Properties as {
          LFTags: { TagValues: string[] }[];
          Resource: { Table?: { Name: string }; TableWithColumns?: { Name: string; ColumnNames: string[] } };
        },
    );
    const tableLevel = assoc.filter((a) => a.Resource.Table);
    expect(tableLevel.map((a) => a.Resource.Table?.Name).sort()).toEqual(allTables.map((c) => c.name).sort());
    tableLevel.forEach((a) => expect(a.LFTags[0]?.TagValues).toEqual(['false']));
    const columns = Object.fromEntries(
      assoc
        .filter((a) => a.Resource.TableWithColumns)
        .map((a) => [a.Resource.TableWithColumns?.Name, a.Resource.TableWithColumns?.ColumnNames]),
    );
    const expected = Object.fromEntries(
      allTables
        .filter((c) => c.columns.some((x) => x.pii))
        .map((c) => [c.name, c.columns.filter((x) => x.pii).map((x) => x.name)]),
    );
    expect(columns).toEqual(expected);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
  });
});
