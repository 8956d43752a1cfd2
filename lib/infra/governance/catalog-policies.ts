/**
 * IAM statements on this lake's Glue Data Catalog, shared by every role that reads or commits its tables (the
 * query roles, the ETL role, the Data Quality scheduler). IAM only opens the catalog API on the lake's own
 * databases; which tables and columns a role really sees is decided by Lake Formation grants (lake-grants.ts).
 */
import { Aws, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { LakeNames } from '../config/lake-names';
import { acknowledge, iam5 } from '../nag';

/** The zones that have a Glue database. */
export const CATALOG_ZONES = ['raw', 'processed', 'curated'] as const;
export type CatalogZone = (typeof CATALOG_ZONES)[number];

export type CatalogAccess = 'read' | 'readwrite';

/** ARN of a Glue resource of the stack's account and region: `glueArn(this, 'database', 'shoplake_dev_raw')`. */
export function glueArn(scope: IConstruct, resource: string, resourceName?: string): string {
  return Stack.of(scope).formatArn({
    service: 'glue',
    resource,
    resourceName,
    region: Aws.REGION,
    account: Aws.ACCOUNT_ID,
  });
}

/** ARN of every table of a zone's database (`table/<database>/*`). */
export function zoneTablesArn(scope: IConstruct, names: LakeNames, zone: CatalogZone): string {
  return glueArn(scope, 'table', `${names.database(zone)}/*`);
}

/**
 * Catalog reads on the lake's databases and their tables; `readwrite` adds creating and updating tables (an
 * Iceberg commit updates the Glue table).
 */
export function catalogStatement(
  scope: IConstruct,
  names: LakeNames,
  access: CatalogAccess,
  sid: string,
): PolicyStatement {
  return new PolicyStatement({
    sid,
    effect: Effect.ALLOW,
    actions: [
      'glue:GetDatabase',
      'glue:GetDatabases',
      'glue:GetTable',
      'glue:GetTables',
      ...(access === 'readwrite' ? ['glue:CreateTable', 'glue:UpdateTable'] : []),
      'glue:GetPartition',
      'glue:GetPartitions',
      'glue:BatchGetPartition',
    ],
    resources: [
      glueArn(scope, 'catalog'),
      ...CATALOG_ZONES.map((z) => glueArn(scope, 'database', names.database(z))),
      ...CATALOG_ZONES.map((z) => zoneTablesArn(scope, names, z)),
    ],
  });
}

/** Lake Formation credential vending (no resource-level permissions: Lake Formation grants bound it). */
export function credentialVendingStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: 'LakeFormationCredentialVending',
    effect: Effect.ALLOW,
    actions: ['lakeformation:GetDataAccess'],
    resources: ['*'],
  });
}

/** Acknowledges the IAM5 finding of each zone's `table/<database>/*` in `policy`, with a reason per database. */
export function acknowledgeZoneTables(
  policy: IConstruct,
  names: LakeNames,
  reason: (database: string) => string,
): void {
  for (const z of CATALOG_ZONES) {
    acknowledge(policy, iam5(policy, zoneTablesArn(policy, names, z)), reason(names.database(z)));
  }
}
