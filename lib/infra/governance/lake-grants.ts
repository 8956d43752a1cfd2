import { Aws } from 'aws-cdk-lib';
import { CfnPrincipalPermissions } from 'aws-cdk-lib/aws-lakeformation';
import { Construct } from 'constructs';
import { allTables } from '../../contracts';
import type { AnyContract } from '../../contracts';
import { grants } from '../../governance/grants';
import type { LakeGrantsProps } from './lake-grants-props';

export interface GrantSpec {
  readonly id: string;
  readonly permissions: string[];
  readonly resource: CfnPrincipalPermissions.ResourceProperty;
}

/**
 * The Lake Formation grants of one principal, computed from the grants model (lib/governance/grants.ts), the same
 * model the local query layer enforces: DESCRIBE on the databases it reads, SELECT on its tables, and for roles
 * without a PII grant, SELECT on every column except the contract's `pii` columns. `admin` also reads the raw
 * zone. The ETL role may create and change tables in processed and curated, read raw, and write the locations.
 * The table optimizers' role may change (ALTER, INSERT, DELETE) and describe exactly the tables it keeps up.
 */
export function grantSpecs(props: LakeGrantsProps): GrantSpec[] {
  const catalogId = Aws.ACCOUNT_ID;
  const contracts = props.contracts ?? allTables;
  const db = (zone: 'raw' | 'processed' | 'curated'): string => props.names.database(zone);
  const specs: GrantSpec[] = [];
  if (props.access.kind === 'etl') {
    for (const zone of ['processed', 'curated'] as const) {
      specs.push({
        id: `${zone}-db`,
        permissions: ['CREATE_TABLE', 'ALTER', 'DESCRIBE'],
        resource: { database: { catalogId, name: db(zone) } },
      });
      specs.push({
        id: `${zone}-tables`,
        permissions: ['SELECT', 'INSERT', 'DELETE', 'ALTER', 'DESCRIBE'],
        resource: { table: { catalogId, databaseName: db(zone), tableWildcard: {} } },
      });
    }
    specs.push(...rawReadGrants(db('raw'), catalogId));
    props.access.writeLocations.forEach((bucket, i) =>
      specs.push({
        id: `location-${i}`,
        permissions: ['DATA_LOCATION_ACCESS'],
        resource: { dataLocation: { catalogId, resourceArn: bucket.bucketArn } },
      }),
    );
    return specs;
  }
  if (props.access.kind === 'upkeep') {
    // What the Glue table optimizers need on a Lake Formation table (no SELECT: they never return rows).
    return props.access.tables.map((c) => ({
      id: `${c.name}-upkeep`,
      permissions: ['ALTER', 'DESCRIBE', 'INSERT', 'DELETE'],
      resource: { table: { catalogId, databaseName: db(c.database), name: c.name } },
    }));
  }
  const grant = grants[props.access.role];
  const readable = contracts.filter((c) => grant.tables.includes(c.name));
  const zones = [...new Set(readable.map((c) => c.database))];
  for (const zone of zones)
    specs.push({
      id: `${zone}-db`,
      permissions: ['DESCRIBE'],
      resource: { database: { catalogId, name: db(zone) } },
    });
  for (const c of readable) specs.push(...tableGrants(c, grant.pii, db(c.database), catalogId));
  if (props.access.role === 'admin') {
    specs.push(...rawReadGrants(db('raw'), catalogId));
  }
  return specs;
}

/** DESCRIBE on the raw database and SELECT on all its tables (the ETL role and `admin`). */
function rawReadGrants(databaseName: string, catalogId: string): GrantSpec[] {
  return [
    {
      id: 'raw-db',
      permissions: ['DESCRIBE'],
      resource: { database: { catalogId, name: databaseName } },
    },
    {
      id: 'raw-tables',
      permissions: ['SELECT', 'DESCRIBE'],
      resource: { table: { catalogId, databaseName, tableWildcard: {} } },
    },
  ];
}

function tableGrants(c: AnyContract, pii: boolean, databaseName: string, catalogId: string): GrantSpec[] {
  const piiColumns = c.columns.filter((col) => col.pii).map((col) => col.name);
  if (pii || piiColumns.length === 0) {
    return [
      {
        id: `${c.name}`,
        permissions: ['SELECT', 'DESCRIBE'],
        resource: { table: { catalogId, databaseName, name: c.name } },
      },
    ];
  }
  return [
    {
      id: `${c.name}-describe`,
      permissions: ['DESCRIBE'],
      resource: { table: { catalogId, databaseName, name: c.name } },
    },
    {
      id: `${c.name}-columns`,
      permissions: ['SELECT'],
      resource: {
        tableWithColumns: {
          catalogId,
          databaseName,
          name: c.name,
          columnWildcard: { excludedColumnNames: piiColumns },
        },
      },
    },
  ];
}

/** One `AWS::LakeFormation::PrincipalPermissions` per grant spec. */
export class LakeGrants extends Construct {
  public readonly permissions: CfnPrincipalPermissions[];

  constructor(scope: Construct, id: string, props: LakeGrantsProps) {
    super(scope, id);
    this.permissions = [];
    for (const spec of grantSpecs(props)) {
      const p = new CfnPrincipalPermissions(this, spec.id, {
        catalog: Aws.ACCOUNT_ID,
        principal: { dataLakePrincipalIdentifier: props.principalArn },
        permissions: spec.permissions,
        permissionsWithGrantOption: [],
        resource: spec.resource,
      });
      // Lake Formation rejects concurrent grant changes (ConcurrentModificationException): one at a time.
      const previous = this.permissions[this.permissions.length - 1];
      if (previous) p.addResourceDependency(previous);
      this.permissions.push(p);
    }
  }
}
