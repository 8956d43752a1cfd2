/**
 * Typed per-environment configuration of the CDK app, read from `cdk.json` context:
 *
 *   "context": { "lake:environments": { "dev": { ...LakeEnvironmentSettings }, "prod": { ... } } }
 *
 * Pick one with `-c env=<name>` (default `dev`). Every optional setting documents its default, below or on the
 * construct props a settings group is taken from (DataLakeStorageProps, LakeEtlProps, AthenaWorkgroupsProps,
 * LakeApiProps, LakeMonitoringProps, AdEventsStreamProps). Each default is written once, in the `*_DEFAULTS`
 * object beside those props, which the construct applies; `resolveEnvironmentConfig` reports the same objects
 * (so that the resolved config shows what will be deployed), validates ranges, and test/infra/config.test.ts
 * asserts each default.
 * `-c lake:destroyData=true|false` overrides the environment's `destroyData` (data is RETAINED unless asked).
 */

import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { isRole } from '../../governance/grants';
import type { DataRole } from '../../governance/grants';
import { ATHENA_WORKGROUPS_DEFAULTS } from '../consumption/athena-workgroups-props';
import type { AthenaWorkgroupsProps } from '../consumption/athena-workgroups-props';
import { LAKE_API_DEFAULTS } from '../consumption/lake-api-props';
import type { LakeApiProps } from '../consumption/lake-api-props';
import { LAKE_MONITORING_DEFAULTS } from '../monitoring/lake-monitoring-props';
import type { LakeMonitoringProps } from '../monitoring/lake-monitoring-props';
import { DATA_QUALITY_SCHEDULE_DEFAULTS } from '../processing/data-quality-schedule-props';
import { LAKE_ETL_DEFAULTS } from '../processing/lake-etl-props';
import type { LakeEtlProps } from '../processing/lake-etl-props';
import { DATA_LAKE_STORAGE_DEFAULTS } from '../storage/data-lake-storage-props';
import type { DataLakeStorageProps } from '../storage/data-lake-storage-props';
import { AD_EVENTS_STREAM_DEFAULTS } from '../streaming/ad-events-stream-props';
import type { KinesisCapacityMode } from '../streaming/ad-events-stream-props';
import { DEFAULT_LOG_RETENTION_DAYS, withDefaults } from './defaults';

/** The storage lifecycle settings, as documented (with their defaults) on the storage construct. */
export type StorageSettings = Omit<DataLakeStorageProps, 'prefix' | 'removalPolicy'>;

/** The stream settings; their defaults are AdEventsStream's (AD_EVENTS_STREAM_DEFAULTS). */
export interface StreamingSettings {
  /** Kinesis capacity mode. @default 'on-demand' */
  readonly mode?: KinesisCapacityMode;
  /** Shards when `mode` is `provisioned` (ignored on demand). @default 1 */
  readonly shardCount?: number;
  /** Stream retention in hours, at least 168 (7 days). @default 168 */
  readonly retentionHours?: number;
  /** Firehose buffering interval in seconds (0-900). @default 300 */
  readonly bufferIntervalSeconds?: number;
  /** Firehose buffering size in MiB (1-128). @default 64 */
  readonly bufferSizeMiB?: number;
}

/** The job settings, as documented (with their defaults) on the ETL construct, and the Data Quality schedule. */
export interface EtlSettings extends Pick<
  LakeEtlProps,
  | 'glueVersion'
  | 'workerType'
  | 'numberOfWorkers'
  | 'timeoutMinutes'
  | 'maxRetries'
  | 'batchSchedule'
  | 'streamSchedule'
> {
  /** When the Glue Data Quality rulesets are evaluated (EventBridge Scheduler, UTC). @default 'cron(0 5 * * ? *)' */
  readonly dataQualitySchedule?: string;
}

/** The Athena settings, as documented (with their defaults) on the workgroups construct. */
export type QuerySettings = Pick<AthenaWorkgroupsProps, 'bytesScannedCutoffMiB'>;

/** The API settings, as documented (with their defaults) on the API construct, and the callers it maps. */
export interface ApiSettings extends Pick<
  LakeApiProps,
  | 'throttlingRateLimit'
  | 'throttlingBurstLimit'
  | 'reservedConcurrency'
  | 'memoryMiB'
  | 'waf'
  | 'wafRateLimit'
> {
  /**
   * IAM principals (role or user ARNs) allowed to call the API, and the data role each gets. The stack's own
   * analysts and BI roles are always mapped (to `analyst` and `bi`). @default {}
   */
  readonly principalRoles?: Readonly<Record<string, DataRole>>;
}

/** The alarm settings, as documented (with their defaults) on the monitoring construct. */
export type MonitoringSettings = Pick<
  LakeMonitoringProps,
  'alarmEmail' | 'iteratorAgeMs' | 'firehoseFreshnessSeconds' | 'apiLatencyP99Ms' | 'quarantineSharePercent'
>;

/** One environment as written in cdk.json. */
export interface LakeEnvironmentSettings {
  /** Prefix of every named resource and stack, so environments live side by side in one account. @default 'shoplake-<env>' */
  readonly prefix?: string;
  /** Target account. @default CDK_DEFAULT_ACCOUNT (environment-agnostic when unset) */
  readonly account?: string;
  /** Target region. @default CDK_DEFAULT_REGION (environment-agnostic when unset) */
  readonly region?: string;
  /** Delete buckets, their objects, the stream and the key with the stacks. @default false (RETAIN) */
  readonly destroyData?: boolean;
  /** Qualifier of the CDK bootstrap stack (used for the default Lake Formation admin). @default 'hnb659fds' */
  readonly cdkQualifier?: string;
  /**
   * Lake Formation data lake administrators (IAM role or user ARNs). PutDataLakeSettings REPLACES the list, so it
   * must hold the role CloudFormation deploys with, or later grants fail.
   * @default ['arn:<partition>:iam::<account>:role/cdk-<qualifier>-cfn-exec-role-<account>-<region>']
   */
  readonly lakeFormationAdmins?: readonly string[];
  /** Retention of every log group, in days. @default 90 */
  readonly logRetentionDays?: number;
  /** @default all StorageSettings defaults */
  readonly storage?: StorageSettings;
  /** @default all StreamingSettings defaults */
  readonly streaming?: StreamingSettings;
  /** @default all EtlSettings defaults */
  readonly etl?: EtlSettings;
  /** @default all QuerySettings defaults */
  readonly query?: QuerySettings;
  /** @default all ApiSettings defaults */
  readonly api?: ApiSettings;
  /** @default all MonitoringSettings defaults */
  readonly monitoring?: MonitoringSettings;
}

type Resolved<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };

/** An environment with every default applied. */
export interface EnvironmentConfig {
  readonly envName: string;
  readonly prefix: string;
  readonly account: string | undefined;
  readonly region: string | undefined;
  readonly destroyData: boolean;
  readonly cdkQualifier: string;
  /** `undefined` means the default (the CDK cfn-exec role of the target account and region). */
  readonly lakeFormationAdmins: readonly string[] | undefined;
  readonly logRetentionDays: number;
  readonly storage: Resolved<StorageSettings>;
  readonly streaming: Resolved<StreamingSettings>;
  readonly etl: Resolved<EtlSettings>;
  readonly query: Resolved<QuerySettings>;
  readonly api: Resolved<ApiSettings>;
  readonly monitoring: Omit<Resolved<MonitoringSettings>, 'alarmEmail'> & {
    readonly alarmEmail: string | undefined;
  };
}

function checkPrincipalRoles(map: Readonly<Record<string, DataRole>>): Readonly<Record<string, DataRole>> {
  for (const [arn, role] of Object.entries(map)) {
    if (!/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(arn))
      throw new Error(`lake config: api.principalRoles key '${arn}' is not an IAM ARN`);
    if (!isRole(role))
      throw new Error(`lake config: api.principalRoles['${arn}'] = '${String(role)}' is not a data role`);
  }
  return map;
}

export const ENVIRONMENTS_CONTEXT_KEY = 'lake:environments';
export const ENV_CONTEXT_KEY = 'env';
export const DESTROY_DATA_CONTEXT_KEY = 'lake:destroyData';
export const DEFAULT_ENV = 'dev';

function requireRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`lake config: ${name} must be between ${min} and ${max} (got ${value})`);
  }
  return value;
}

/** `true`/`false` as booleans or the strings the CDK CLI passes for `-c key=value`. */
export function parseFlag(name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`lake config: ${name} must be true or false (got ${JSON.stringify(value)})`);
}

export interface ResolveOptions {
  /** value of `-c lake:destroyData` */
  readonly destroyDataOverride?: unknown;
  /** CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION */
  readonly defaultAccount?: string;
  readonly defaultRegion?: string;
}

export function resolveEnvironmentConfig(
  envName: string,
  s: LakeEnvironmentSettings,
  opts: ResolveOptions = {},
): EnvironmentConfig {
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(envName)) {
    throw new Error(`lake config: environment name '${envName}' must match [a-z][a-z0-9-]{0,15}`);
  }
  const prefix = s.prefix ?? `shoplake-${envName}`;
  if (!/^[a-z][a-z0-9-]{1,23}$/.test(prefix)) {
    throw new Error(
      `lake config: prefix '${prefix}' must match [a-z][a-z0-9-]{1,23} (it names stacks, jobs, databases)`,
    );
  }
  const st = withDefaults(DATA_LAKE_STORAGE_DEFAULTS, s.storage ?? {});
  const { capacityMode, ...streamDefaults } = AD_EVENTS_STREAM_DEFAULTS;
  const sm = withDefaults({ mode: capacityMode, ...streamDefaults }, s.streaming ?? {});
  const streaming = (name: keyof typeof streamDefaults, min: number, max: number): number =>
    requireRange(`streaming.${name}`, sm[name], min, max);
  const etl = withDefaults(
    { ...LAKE_ETL_DEFAULTS, dataQualitySchedule: DATA_QUALITY_SCHEDULE_DEFAULTS.schedule },
    s.etl ?? {},
  );
  const q = withDefaults(ATHENA_WORKGROUPS_DEFAULTS, s.query ?? {});
  const api = withDefaults(LAKE_API_DEFAULTS, s.api ?? {});
  const mon = withDefaults(LAKE_MONITORING_DEFAULTS, s.monitoring ?? {});
  const mode = sm.mode;
  if (mode !== 'on-demand' && mode !== 'provisioned') {
    throw new Error(
      `lake config: streaming.mode must be 'on-demand' or 'provisioned' (got '${String(mode)}')`,
    );
  }
  if (st.rawGlacierDays <= st.rawInfrequentAccessDays)
    throw new Error('lake config: storage.rawGlacierDays must be after rawInfrequentAccessDays');
  const admins = s.lakeFormationAdmins;
  if (admins !== undefined && admins.length === 0) {
    throw new Error(
      'lake config: lakeFormationAdmins must not be empty (the deploy role must stay an admin)',
    );
  }
  const days = (name: keyof StorageSettings): number => requireRange(`storage.${name}`, st[name], 1, 3650);
  return {
    envName,
    prefix,
    account: s.account ?? opts.defaultAccount,
    region: s.region ?? opts.defaultRegion,
    destroyData: parseFlag(DESTROY_DATA_CONTEXT_KEY, opts.destroyDataOverride) ?? s.destroyData ?? false,
    cdkQualifier: s.cdkQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER,
    lakeFormationAdmins: admins,
    logRetentionDays: s.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
    storage: {
      rawInfrequentAccessDays: requireRange(
        'storage.rawInfrequentAccessDays',
        st.rawInfrequentAccessDays,
        30,
        3650,
      ),
      rawGlacierDays: st.rawGlacierDays,
      quarantineExpirationDays: days('quarantineExpirationDays'),
      athenaResultsExpirationDays: days('athenaResultsExpirationDays'),
      accessLogsExpirationDays: days('accessLogsExpirationDays'),
      noncurrentVersionExpirationDays: days('noncurrentVersionExpirationDays'),
    },
    streaming: {
      mode,
      shardCount: streaming('shardCount', 1, 500),
      retentionHours: streaming('retentionHours', 168, 8760),
      bufferIntervalSeconds: streaming('bufferIntervalSeconds', 0, 900),
      bufferSizeMiB: streaming('bufferSizeMiB', 1, 128),
    },
    etl: {
      glueVersion: etl.glueVersion,
      workerType: etl.workerType,
      numberOfWorkers: requireRange('etl.numberOfWorkers', etl.numberOfWorkers, 2, 299),
      timeoutMinutes: requireRange('etl.timeoutMinutes', etl.timeoutMinutes, 1, 2880),
      maxRetries: requireRange('etl.maxRetries', etl.maxRetries, 0, 10),
      batchSchedule: etl.batchSchedule,
      streamSchedule: etl.streamSchedule,
      dataQualitySchedule: etl.dataQualitySchedule,
    },
    query: {
      bytesScannedCutoffMiB: requireRange(
        'query.bytesScannedCutoffMiB',
        q.bytesScannedCutoffMiB,
        10,
        1024 * 1024 * 1024,
      ),
    },
    api: {
      throttlingRateLimit: requireRange('api.throttlingRateLimit', api.throttlingRateLimit, 1, 10000),
      throttlingBurstLimit: requireRange('api.throttlingBurstLimit', api.throttlingBurstLimit, 1, 5000),
      reservedConcurrency: requireRange('api.reservedConcurrency', api.reservedConcurrency, 1, 1000),
      memoryMiB: requireRange('api.memoryMiB', api.memoryMiB, 128, 10240),
      waf: api.waf,
      wafRateLimit: requireRange('api.wafRateLimit', api.wafRateLimit, 10, 2000000000),
      principalRoles: checkPrincipalRoles(api.principalRoles ?? {}),
    },
    monitoring: {
      alarmEmail: mon.alarmEmail,
      iteratorAgeMs: requireRange('monitoring.iteratorAgeMs', mon.iteratorAgeMs, 1000, 604800000),
      firehoseFreshnessSeconds: requireRange(
        'monitoring.firehoseFreshnessSeconds',
        mon.firehoseFreshnessSeconds,
        60,
        86400,
      ),
      apiLatencyP99Ms: requireRange('monitoring.apiLatencyP99Ms', mon.apiLatencyP99Ms, 100, 29000),
      quarantineSharePercent: requireRange(
        'monitoring.quarantineSharePercent',
        mon.quarantineSharePercent,
        0,
        100,
      ),
    },
  };
}

/** Minimal view of a construct node's context, so this module needs no CDK import. */
export interface ContextReader {
  tryGetContext(key: string): unknown;
}

/** Reads `-c env=<name>` (default `dev`) and its settings from `lake:environments`. */
export function environmentConfigFromContext(
  node: ContextReader,
  env: NodeJS.ProcessEnv = process.env,
): EnvironmentConfig {
  const envName = (node.tryGetContext(ENV_CONTEXT_KEY) as string | undefined) ?? DEFAULT_ENV;
  const all =
    (node.tryGetContext(ENVIRONMENTS_CONTEXT_KEY) as Record<string, LakeEnvironmentSettings> | undefined) ??
    {};
  const settings = all[envName];
  if (settings === undefined) {
    throw new Error(
      `lake config: environment '${envName}' is not in cdk.json context '${ENVIRONMENTS_CONTEXT_KEY}' (known: ${Object.keys(all).join(', ') || 'none'})`,
    );
  }
  return resolveEnvironmentConfig(envName, settings, {
    destroyDataOverride: node.tryGetContext(DESTROY_DATA_CONTEXT_KEY),
    defaultAccount: env.CDK_DEFAULT_ACCOUNT,
    defaultRegion: env.CDK_DEFAULT_REGION,
  });
}
