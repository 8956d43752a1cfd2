import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { CuratedContract, DatasetContract } from '../../contracts';
import type { LakeNames } from '../config/lake-names';

export interface DataLakeCatalogProps {
  readonly names: LakeNames;
  readonly rawBucket: IBucket;
  readonly processedBucket: IBucket;
  readonly curatedBucket: IBucket;
  /** Datasets to declare (raw + processed tables). @default every dataset of lib/contracts */
  readonly datasets?: readonly DatasetContract[];
  /** Curated tables to declare. @default every curated table of lib/contracts */
  readonly curatedTables?: readonly CuratedContract[];
  /** Create a Glue Data Quality ruleset per processed and curated table. @default true */
  readonly dataQualityRulesets?: boolean;
}
