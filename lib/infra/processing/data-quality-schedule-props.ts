import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { AnyContract } from '../../contracts';
import type { LakeNames } from '../config/lake-names';

export interface DataQualityScheduleProps {
  readonly names: LakeNames;
  /** Role Glue Data Quality runs as (it reads the tables: the ETL role, which has the Lake Formation grants). */
  readonly evaluationRole: IRole;
  /** Tables evaluated, each against its rulesets (critical, and warnings where it has some). @default every table of lib/contracts */
  readonly contracts?: readonly AnyContract[];
  /** When the evaluations run (EventBridge Scheduler expression, UTC). @default 'cron(0 5 * * ? *)' */
  readonly schedule?: string;
}

/** Applied by DataQualitySchedule (and reported by the environment config). */
export const DATA_QUALITY_SCHEDULE_DEFAULTS = {
  schedule: 'cron(0 5 * * ? *)',
} as const satisfies Partial<DataQualityScheduleProps>;
