import type { DatasetName } from '../../contracts';
import type { LakeNames } from '../config/lake-names';
import type { LakeZones } from '../storage/lake-zones';

export type GlueWorkerType = 'G.1X' | 'G.2X' | 'G.4X' | 'G.8X' | 'G.025X';

export interface LakeEtlProps {
  readonly names: LakeNames;
  /** The jobs read raw, write processed, curated and quarantine, and encrypt with the lake key. */
  readonly zones: Pick<LakeZones, 'key' | 'raw' | 'processed' | 'curated' | 'quarantine'>;
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

/** The job defaults, applied by LakeEtl (and reported by the environment config). */
export const LAKE_ETL_DEFAULTS = {
  glueVersion: '5.1',
  workerType: 'G.1X',
  numberOfWorkers: 2,
  timeoutMinutes: 60,
  maxRetries: 1,
  batchSchedule: 'cron(0 2 * * ? *)',
  streamSchedule: 'cron(0/15 * * * ? *)',
  streamedDatasets: ['ad_events'],
} as const satisfies Partial<LakeEtlProps>;
