import type { LakeZone } from '../storage/lake-zones';
import type { DataLakeCatalog } from './data-lake-catalog';

export interface LakeFormationSetupProps {
  readonly prefix: string;
  readonly catalog: DataLakeCatalog;
  /** Zones registered with Lake Formation (raw, processed, curated); the data-access role reads and writes them. */
  readonly locations: readonly LakeZone[];
  /**
   * Data lake administrators. Lake Formation REPLACES the admin list, so it must include the deploy role.
   * @default the CDK bootstrap cfn-exec role of the stack's account and region (qualifier `cdkQualifier`)
   */
  readonly admins?: readonly string[];
  /** Qualifier of the CDK bootstrap stack, for the default admin. @default DefaultStackSynthesizer.DEFAULT_QUALIFIER ('hnb659fds') */
  readonly cdkQualifier?: string;
  /** Name of the LF-tag put on personal-data columns (`true`) and on every table (`false`). @default 'pii' */
  readonly piiTagKey?: string;
}
