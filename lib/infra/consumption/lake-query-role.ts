import { Aws, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LakeGrants } from '../governance/lake-grants';
import type { LakeQueryRoleProps } from './lake-query-role-props';

/**
 * An IAM role that queries the lake through Athena as one role of the grants model: IAM allows Athena in its
 * workgroup, catalog reads and Lake Formation credential vending; Lake Formation grants (from the grants model)
 * decide which tables and columns it sees.
 */
export class LakeQueryRole extends Construct {
  public readonly role: Role;
  public readonly grants: LakeGrants;

  constructor(scope: Construct, id: string, props: LakeQueryRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const names = props.names;
    this.role = new Role(this, 'Role', {
      assumedBy: props.assumedBy,
      description: props.description ?? `Queries the lake as ${props.dataRole} in the ${props.workgroup} workgroup`,
    });
    const glue = (resource: string, resourceName?: string): string =>
      stack.formatArn({ service: 'glue', resource, resourceName, region: Aws.REGION, account: Aws.ACCOUNT_ID });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AthenaInItsWorkgroup',
        effect: Effect.ALLOW,
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
          'athena:ListQueryExecutions',
          'athena:BatchGetQueryExecution',
          'athena:ListDataCatalogs',
          'athena:GetDataCatalog',
          'athena:ListDatabases',
          'athena:GetDatabase',
          'athena:ListTableMetadata',
          'athena:GetTableMetadata',
        ],
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: names.workgroup(props.workgroup) }),
          stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' }),
        ],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'CatalogOfThisLake',
        effect: Effect.ALLOW,
        actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
        resources: [glue('catalog'), glue('database', `${names.catalog}_*`), glue('table', `${names.catalog}_*/*`)],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'LakeFormationCredentialVending', effect: Effect.ALLOW, actions: ['lakeformation:GetDataAccess'], resources: ['*'] }),
    );
    props.resultsBucket.grantReadWrite(this.role, `${props.workgroup}/*`);
    props.key.grantEncryptDecrypt(this.role);
    this.grants = new LakeGrants(this, 'Grants', {
      names,
      principalArn: this.role.roleArn,
      access: { kind: 'read', role: props.dataRole },
    });
  }
}
