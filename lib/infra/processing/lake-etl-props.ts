import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { DatasetName } from '../../contracts';
import type { LakeNames } from '../config/lake-names';

export type GlueWorkerType = 'G.1X' | 'G.2X' | 'G.4X' | 'G.8X' | 'G.025X';

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
  /** Glue version of every job. @default '5.1' */
  readonly glueVersion?: string;
  /** Glue worker type. @default 'G.1X' */
  readonly workerType?: GlueWorkerType;
  /** Workers per job run (2 is Glue's minimum for Spark jobs). @default 2 */
  readonly numberOfWorkers?: number;
  /** Job run timeout in minutes. @default 60 */
  readonly timeoutMinutes?: number;
  /** Retries of a failed job run. @default 1 */
  readonly maxRetries?: number;
  /** Schedule of the batch datasets (transactions, server_logs, social_posts). @default 'cron(0 2 * * ? *)' */
  readonly batchSchedule?: string;
  /** Schedule of the streamed datasets (ad_events). @default 'cron(0/15 * * * ? *)' */
  readonly streamSchedule?: string;
  /** Start the scheduled triggers when created. @default true */
  readonly startTriggers?: boolean;
}
