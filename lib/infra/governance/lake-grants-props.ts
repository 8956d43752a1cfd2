import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { AnyContract } from '../../contracts';
import type { DataRole } from '../../governance/grants';
import type { LakeNames } from '../config/lake-names';

/**
 * What a principal may do: read per the grants model, run the ETL (write processed and curated), or keep the
 * Iceberg tables up (the table optimizers: compact, expire snapshots, delete orphan files of those tables).
 */
export type LakeAccess =
  | { readonly kind: 'read'; readonly role: DataRole }
  | { readonly kind: 'etl'; readonly writeLocations: readonly IBucket[] }
  | { readonly kind: 'upkeep'; readonly tables: readonly AnyContract[] };

export interface LakeGrantsProps {
  readonly names: LakeNames;
  /** IAM role ARN receiving the grants. */
  readonly principalArn: string;
  readonly access: LakeAccess;
  /** Tables the grants model may refer to. @default every table of lib/contracts */
  readonly contracts?: readonly AnyContract[];
}
