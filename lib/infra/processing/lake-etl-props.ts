import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { DatasetName } from '../../contracts';
import type { GlueWorkerType } from '../config/lake-config';
import type { LakeNames } from '../config/lake-names';

export interface LakeEtlProps {
  readonly names: LakeNames;
  readonly key: IKey;
  readonly rawBucket: IBucket;
  readonly processedBucket: IBucket;
  readonly curatedBucket: IBucket;
  readonly quarantineBucket: IBucket;
  /** Folder holding `glue_entry/` and the `lake_jobs` package. @default '<repo>/glue-jobs' */
  readonly glueJobsDir?: string;
  /** Datasets that get a job. @default every dataset of lib/contracts */
  readonly datasets?: readonly DatasetName[];
  /** Datasets run on `streamSchedule` instead of `batchSchedule`. @default ['ad_events'] */
  readonly streamedDatasets?: readonly DatasetName[];
  /** @default '5.1' */
  readonly glueVersion?: string;
  /** @default 'G.1X' */
  readonly workerType?: GlueWorkerType;
  /** @default 2 */
  readonly numberOfWorkers?: number;
  /** Job timeout in minutes. @default 60 */
  readonly timeoutMinutes?: number;
  /** @default 1 */
  readonly maxRetries?: number;
  /** @default 'cron(0 2 * * ? *)' */
  readonly batchSchedule?: string;
  /** @default 'cron(0/15 * * * ? *)' */
  readonly streamSchedule?: string;
  /** Start the scheduled triggers when created. @default true */
  readonly startTriggers?: boolean;
}
