import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { LakeNames } from '../config/lake-names';

export type WorkgroupName = 'api' | 'analysts' | 'bi';

export interface AthenaWorkgroupsProps {
  readonly names: LakeNames;
  readonly resultsBucket: IBucket;
  readonly key: IKey;
  /** Bytes-scanned cutoff per query of every workgroup, in MiB (Athena's minimum is 10). @default 10240 */
  readonly bytesScannedCutoffMiB?: number;
  /** Delete the workgroups' saved queries and history with the stack. @default false */
  readonly recursiveDelete?: boolean;
}

/** Applied by AthenaWorkgroups (and reported by the environment config). */
export const ATHENA_WORKGROUPS_DEFAULTS = {
  bytesScannedCutoffMiB: 10240,
} as const satisfies Partial<AthenaWorkgroupsProps>;
