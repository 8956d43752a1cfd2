import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { allTables } from '../../lib/contracts';
import { grants, roles } from '../../lib/governance/grants';
import { LakeNames } from '../../lib/infra/config/lake-names';
import { LakeGrants, grantSpecs } from '../../lib/infra/governance/lake-grants';
import type { GrantSpec } from '../../lib/infra/governance/lake-grants';
import { resourcesOf, testApp, testStack } from './helpers';

const names = new LakeNames('shoplake-t');

type TableRes = { name?: string; databaseName: string; tableWildcard?: object };
type ColsRes = { name: string; columnWildcard: { excludedColumnNames: string[] } };
const tableOf = (s: GrantSpec) =>
  (s.resource.table ?? s.resource.tableWithColumns) as (TableRes & Partial<ColsRes>) | undefined;

describe('Lake Formation grants from the grants model', () => {
  test.each(roles)(
    '%s: SELECT exactly on the tables it may read, PII columns excluded unless granted',
    (role) => {
      const specs = grantSpecs({
        names,
        principalArn: 'arn:aws:iam::111122223333:role/r',
        access: { kind: 'read', role },
      });
      const g = grants[role];
      for (const c of allTables) {
        const select = specs.filter((s) => s.permissions.includes('SELECT') && tableOf(s)?.name === c.name);
        if (!g.tables.includes(c.name)) {
          expect(select).toEqual([]);
          continue;
        }
        expect(select).toHaveLength(1);
        const pii = c.columns.filter((x) => x.pii).map((x) => x.name);
        const excluded =
          (select[0]?.resource.tableWithColumns as ColsRes | undefined)?.columnWildcard.excludedColumnNames ??
          [];
        expect(excluded).toEqual(g.pii ? [] : pii);
        expect(tableOf(select[0] as GrantSpec)?.databaseName).toBe(names.database(c.database));
      }
    },
  );

  test('only admin reads the raw zone', () => {
    for (const role of roles) {
      const specs = grantSpecs({
        names,
        principalArn: 'arn:aws:iam::111122223333:role/r',
        access: { kind: 'read', role },
      });
      const raw = specs.some((s) => tableOf(s)?.databaseName === names.database('raw'));
      expect(raw).toBe(role === 'admin');
    }
  });

  test('the ETL role creates and writes processed and curated tables, reads raw, and may use both locations', () => {
    const specs = grantSpecs({
      names,
      principalArn: 'arn:aws:iam::111122223333:role/etl',
      access: { kind: 'etl', writeLocations: [] },
    });
    const perms = (id: string) => specs.find((s) => s.id === id)?.permissions;
    expect(perms('processed-db')).toEqual(expect.arrayContaining(['CREATE_TABLE', 'ALTER']));
    expect(perms('curated-tables')).toEqual(expect.arrayContaining(['SELECT', 'INSERT', 'DELETE', 'ALTER']));
    expect(perms('raw-tables')).toEqual(['SELECT', 'DESCRIBE']);
  });
});

describe('LakeGrants construct', () => {
  let t: Template;
  let expected: number;
  beforeAll(() => {
    const app = testApp();
    const stack = testStack(app);
    new LakeGrants(stack, 'Analyst', {
      names,
      principalArn: 'arn:aws:iam::111122223333:role/a',
      access: { kind: 'read', role: 'analyst' },
    });
    new LakeGrants(stack, 'Etl', {
      names,
      principalArn: 'arn:aws:iam::111122223333:role/e',
      access: { kind: 'etl', writeLocations: [new Bucket(stack, 'P'), new Bucket(stack, 'C')] },
    });
    expected = grantSpecs({ names, principalArn: 'x', access: { kind: 'read', role: 'analyst' } }).length;
    t = Template.fromStack(stack);
  });

  test('one PrincipalPermissions per grant, no grant option', () => {
    const analyst = resourcesOf(t, 'AWS::LakeFormation::PrincipalPermissions', 'Analyst');
    expect(analyst).toHaveLength(expected);
    analyst.forEach(([, r]) =>
      expect(r.Properties).toMatchObject({
        PermissionsWithGrantOption: [],
        Principal: { DataLakePrincipalIdentifier: 'arn:aws:iam::111122223333:role/a' },
      }),
    );
  });

  test('grants are chained (Lake Formation rejects concurrent changes)', () => {
    const analyst = resourcesOf(t, 'AWS::LakeFormation::PrincipalPermissions', 'Analyst');
    const withDeps = analyst.filter(([, r]) => r.DependsOn !== undefined);
    expect(withDeps).toHaveLength(analyst.length - 1);
  });

  test('the ETL role gets data location access on its write locations', () => {
    const loc = resourcesOf(t, 'AWS::LakeFormation::PrincipalPermissions', 'Etl').filter(([, r]) =>
      JSON.stringify(r.Properties).includes('DataLocation'),
    );
    expect(loc).toHaveLength(2);
    loc.forEach(([, r]) => expect(r.Properties?.Permissions).toEqual(['DATA_LOCATION_ACCESS']));
  });
});
