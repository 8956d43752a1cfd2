import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  acknowledgeZoneTables,
  catalogStatement,
  credentialVendingStatement,
} from '../governance/catalog-policies';
import { LakeGrants } from '../governance/lake-grants';
import { acknowledge, iam5 } from '../nag';
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
      description:
        props.description ?? `Queries the lake as ${props.dataRole} in the ${props.workgroup} workgroup`,
    });
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
          stack.formatArn({
            service: 'athena',
            resource: 'workgroup',
            resourceName: names.workgroup(props.workgroup),
          }),
          stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' }),
        ],
      }),
    );
    this.role.addToPrincipalPolicy(catalogStatement(this, names, 'read', 'CatalogOfThisLake'));
    this.role.addToPrincipalPolicy(credentialVendingStatement());
    props.results.grantReadWrite(this.role, [`${props.workgroup}/`]);
    const policy = this.role.node.findChild('DefaultPolicy');
    acknowledge(
      policy,
      iam5(policy, props.results.objectsArn(`${props.workgroup}/`)),
      `Athena writes result objects with generated names under the ${props.workgroup}/ prefix of the results bucket; the role is limited to that prefix.`,
    );
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'lakeformation:GetDataAccess supports no resource-level permissions; Lake Formation grants decide what the vended credentials reach.',
    );
    acknowledgeZoneTables(
      policy,
      names,
      (database) =>
        `Catalog reads of the tables of ${database} only; which tables and columns the role may query is decided by Lake Formation grants.`,
    );
    this.grants = new LakeGrants(this, 'Grants', {
      names,
      principalArn: this.role.roleArn,
      access: { kind: 'read', role: props.dataRole },
    });
  }
}
