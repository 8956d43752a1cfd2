import { Aws, DefaultStackSynthesizer, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  CfnDataLakeSettings,
  CfnResource as CfnLfResource,
  CfnTag,
  CfnTagAssociation,
} from 'aws-cdk-lib/aws-lakeformation';
import { Construct } from 'constructs';
import { acknowledge, iam5 } from '../nag';
import type { LakeFormationSetupProps } from './lake-formation-setup-props';

/** The CDK bootstrap role CloudFormation deploys with (the default Lake Formation admin). */
export function cdkExecRoleArn(qualifier: string): string {
  return Fn.join('', [
    'arn:',
    Aws.PARTITION,
    ':iam::',
    Aws.ACCOUNT_ID,
    ':role/cdk-',
    qualifier,
    '-cfn-exec-role-',
    Aws.ACCOUNT_ID,
    '-',
    Aws.REGION,
  ]);
}

/**
 * Lake Formation in charge of the lake: data lake settings (admins include the deploy role, no
 * `IAM_ALLOWED_PRINCIPALS` default permissions), the zone buckets registered with a data-access role, and the
 * `pii` LF-tag on every table (`false`) and on the personal-data columns of the contracts (`true`).
 * Grants live with their principals (see `LakeGrants`).
 */
export class LakeFormationSetup extends Construct {
  public readonly settings: CfnDataLakeSettings;
  public readonly dataAccessRole: Role;
  public readonly piiTag: CfnTag;
  public readonly piiTagKey: string;
  /** Resources other Lake Formation resources must wait for. */
  public readonly dependables: CfnResource[] = [];

  constructor(scope: Construct, id: string, props: LakeFormationSetupProps) {
    super(scope, id);
    const admins = props.admins ?? [
      cdkExecRoleArn(props.cdkQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER),
    ];
    this.piiTagKey = props.piiTagKey ?? 'pii';

    this.settings = new CfnDataLakeSettings(this, 'Settings', {
      admins: admins.map((dataLakePrincipalIdentifier) => ({ dataLakePrincipalIdentifier })),
      createDatabaseDefaultPermissions: [],
      createTableDefaultPermissions: [],
      mutationType: 'REPLACE',
    });
    // The settings are one per account and region: deleting an environment must not reset them for the others.
    this.settings.applyRemovalPolicy(RemovalPolicy.RETAIN);
    for (const database of Object.values(props.catalog.databases))
      database.addResourceDependency(this.settings);

    this.dataAccessRole = new Role(this, 'DataAccessRole', {
      assumedBy: new ServicePrincipal('lakeformation.amazonaws.com'),
      description: `${props.prefix}: Lake Formation reads and writes the registered lake locations with this role`,
    });
    for (const zone of props.locations) zone.grantReadWrite(this.dataAccessRole);

    const policy = this.dataAccessRole.node.findChild('DefaultPolicy');
    for (const zone of props.locations) {
      acknowledge(
        policy,
        iam5(policy, zone.objectsArn()),
        `Lake Formation vends credentials for any object of the registered location ${zone.bucket.node.id}; table-level grants narrow what each principal gets.`,
      );
    }

    props.locations.forEach((zone, i) => {
      const r = new CfnLfResource(this, `Location${i}`, {
        resourceArn: zone.bucket.bucketArn,
        useServiceLinkedRole: false,
        roleArn: this.dataAccessRole.roleArn,
        hybridAccessEnabled: false,
      });
      r.addResourceDependency(this.settings);
      this.dependables.push(r);
    });

    this.piiTag = new CfnTag(this, 'PiiTag', {
      catalogId: Aws.ACCOUNT_ID,
      tagKey: this.piiTagKey,
      tagValues: ['true', 'false'],
    });
    this.piiTag.addResourceDependency(this.settings);
    this.dependables.push(this.settings, this.piiTag);

    for (const contract of props.catalog.contracts) {
      const table = props.catalog.tables.get(contract.name);
      if (!table) continue;
      const databaseName = table.databaseName;
      const tableTag = new CfnTagAssociation(this, `Tag-${contract.name}`, {
        lfTags: [{ catalogId: Aws.ACCOUNT_ID, tagKey: this.piiTagKey, tagValues: ['false'] }],
        resource: { table: { catalogId: Aws.ACCOUNT_ID, databaseName, name: contract.name } },
      });
      tableTag.addResourceDependency(this.piiTag);
      tableTag.addResourceDependency(table);
      const pii = contract.columns.filter((c) => c.pii).map((c) => c.name);
      if (pii.length > 0) {
        const columnTag = new CfnTagAssociation(this, `PiiColumns-${contract.name}`, {
          lfTags: [{ catalogId: Aws.ACCOUNT_ID, tagKey: this.piiTagKey, tagValues: ['true'] }],
          resource: {
            tableWithColumns: {
              catalogId: Aws.ACCOUNT_ID,
              databaseName,
              name: contract.name,
              columnNames: pii,
            },
          },
        });
        columnTag.addResourceDependency(tableTag);
      }
    }
  }
}
