import type { IPrincipal } from 'aws-cdk-lib/aws-iam';
import type { DataRole } from '../../governance/grants';
import type { LakeNames } from '../config/lake-names';
import type { LakeZone } from '../storage/lake-zones';
import type { WorkgroupName } from './athena-workgroups-props';

export interface LakeQueryRoleProps {
  readonly names: LakeNames;
  /** The grants-model role whose Lake Formation grants this IAM role receives. */
  readonly dataRole: DataRole;
  /** Workgroup the role queries in. */
  readonly workgroup: WorkgroupName;
  /** Who may assume the role. */
  readonly assumedBy: IPrincipal;
  /** The Athena results zone: the role reads and writes its workgroup's prefix there. */
  readonly results: LakeZone;
  /** @default 'Queries the lake as <dataRole> in the <workgroup> workgroup' */
  readonly description?: string;
}
