import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { DataLakeCatalog } from './data-lake-catalog';

export interface LakeFormationSetupProps {
  readonly prefix: string;
  readonly catalog: DataLakeCatalog;
  /** Buckets registered with Lake Formation (raw, processed, curated). */
  readonly locations: readonly IBucket[];
  /** Key of the registered buckets (the data-access role decrypts with it). */
  readonly key: IKey;
  /**
   * Data lake administrators. Lake Formation REPLACES the admin list, so it must include the deploy role.
   * @default the CDK bootstrap cfn-exec role of the stack's account and region (qualifier `cdkQualifier`)
   */
  readonly admins?: readonly string[];
  /** Qualifier of the CDK bootstrap stack, for the default admin. @default 'hnb659fds' */
  readonly cdkQualifier?: string;
  /** Name of the LF-tag put on personal-data columns (`true`) and on every table (`false`). @default 'pii' */
  readonly piiTagKey?: string;
}
