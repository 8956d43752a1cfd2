/**
 * The estimated monthly AWS bill of one environment, per service and line, from its resolved config
 * (lib/infra/config), a workload (data volume, API traffic, the jobs' throughput) and the price table
 * (lib/cost/prices.ts). Pure: the same inputs give the same estimate, and the lines add up to the services and
 * the total. Every assumption it makes is a field of `Workload`, with its default in WORKLOAD_DEFAULTS, and is
 * printed with the estimate.
 */
import type { DatasetName } from '../contracts';
import { allTables, curatedTables, datasets } from '../contracts';
import { snapshotMaxAgeDays } from '../contracts/iceberg';
import type { EnvironmentConfig } from '../infra/config/environment-config';
import { jobTables } from '../infra/processing/job-tables';
import { LAKE_ETL_DEFAULTS } from '../infra/processing/lake-etl-props';
import { PRICES, PRICES_AS_OF, PRICES_REGION } from './prices';
import type { PriceName, PriceTable } from './prices';
import { runsPerDay } from './schedule';

/** The jobs of an environment: one per dataset, and the curated job. */
export type JobName = DatasetName | 'curated';

export interface Throughput {
  /** rows a Spark executor with one DPU processes per second */
  readonly rowsPerSecondPerDpu: number;
  /** `measured`: from the last run reports of the lake home; `default`: THROUGHPUT_DEFAULT */
  readonly source: 'measured' | 'default';
}

export interface BytesScanned {
  /** bytes an API query scans on Athena (Athena bills at least 10 MB) */
  readonly perQuery: number;
  /**
   * `measured`: the local server's queries, scaled to the workload (lib/cost/bytes-per-query.ts); `default`:
   * BYTES_PER_QUERY_DEFAULT; `given`: by the caller (`lake cost --bytes-per-query`)
   */
  readonly source: 'measured' | 'default' | 'given';
  /** how `perQuery` was reached (the model and its figures, or why the default), printed with the estimate */
  readonly basis: string;
  /** with `measured`: the figures of the model */
  readonly measured?: {
    readonly queries: number;
    readonly localBytesPerQuery: number;
    readonly localProcessedBytesPerDay: number;
    readonly workloadProcessedBytesPerDay: number;
    readonly scale: number;
  };
}

export interface Workload {
  /** Data the sources send per day, all of them, uncompressed (GB). */
  readonly gbPerDay: number;
  /** Requests to the REST API per day; each runs one Athena query. */
  readonly apiRequestsPerDay: number;
  /** Share of the daily volume that arrives as ad events through the stream (the rest: batch files). */
  readonly streamShare: number;
  /** Average size of an ad event (bytes). */
  readonly eventBytes: number;
  /** Average size of a batch record: a CSV line, a log line, a post (bytes). */
  readonly recordBytes: number;
  /** Raw bytes of the stream as Firehose stores them (gzip) per byte received. */
  readonly streamCompression: number;
  /** Processed (Parquet, zstd) bytes per raw byte received. */
  readonly processedRatio: number;
  /** Curated bytes per processed byte (daily aggregates). */
  readonly curatedRatio: number;
  /** Share of records quarantined (kept with their reason in the quarantine zone). */
  readonly quarantineShare: number;
  /** Bytes an API query scans, and where the figure comes from. */
  readonly bytesScanned: BytesScanned;
  /** Bytes of results an API query writes to the results bucket. */
  readonly resultBytesPerQuery: number;
  /** Average API Lambda duration (s), polling Athena included. */
  readonly lambdaSeconds: number;
  /** Storage is estimated for a lake that has been running this many days. */
  readonly horizonDays: number;
  /** Seconds a Glue job run spends starting and committing, whatever its size. */
  readonly jobStartupSeconds: number;
  /** Per job. */
  readonly throughput: Readonly<Record<JobName, Throughput>>;
}

/** Rows per second per DPU when the lake home has no large enough run report to measure it from. */
export const THROUGHPUT_DEFAULT = 5000;

/** The smallest run whose speed is measured (smaller ones are mostly the fixed cost of a run). */
export const MIN_MEASURED_ROWS = 100_000;

/** Bytes an API query scans when the local server has not measured enough queries. */
export const BYTES_PER_QUERY_DEFAULT = 64 * 1024 * 1024;

export const WORKLOAD_DEFAULTS: Omit<Workload, 'throughput'> = {
  gbPerDay: 1,
  apiRequestsPerDay: 1000,
  streamShare: 0.5,
  eventBytes: 400,
  recordBytes: 300,
  streamCompression: 0.2,
  processedRatio: 0.2,
  curatedRatio: 0.02,
  quarantineShare: 0.02,
  bytesScanned: {
    perQuery: BYTES_PER_QUERY_DEFAULT,
    source: 'default',
    basis: 'no queries measured: 64 MB assumed',
  },
  resultBytesPerQuery: 100 * 1024,
  lambdaSeconds: 1.5,
  horizonDays: 365,
  jobStartupSeconds: 45,
};

export const JOBS: readonly JobName[] = [...datasets.map((d) => d.name), 'curated'];

export function defaultThroughput(): Record<JobName, Throughput> {
  return Object.fromEntries(
    JOBS.map((j) => [j, { rowsPerSecondPerDpu: THROUGHPUT_DEFAULT, source: 'default' }]),
  ) as Record<JobName, Throughput>;
}

export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthlyUsd: number;
}

export interface CostEstimate {
  readonly env: string;
  readonly region: string;
  readonly pricesAsOf: string;
  readonly pricesRegion: string;
  readonly workload: Workload;
  readonly lines: readonly CostLine[];
  readonly services: readonly { readonly service: string; readonly monthlyUsd: number }[];
  readonly totalUsd: number;
  readonly notes: readonly string[];
}

export const DAYS_PER_MONTH = 365 / 12;
export const HOURS_PER_MONTH = 24 * DAYS_PER_MONTH;
const GB = 1024 ** 3;
const KB = 1024;

const DPU_PER_WORKER: Readonly<Record<EnvironmentConfig['etl']['workerType'], number>> = {
  'G.025X': 0.25,
  'G.1X': 1,
  'G.2X': 2,
  'G.4X': 4,
  'G.8X': 8,
};

/** Prices are looked up by name: a line says which price it used. */
class Lines {
  readonly lines: CostLine[] = [];
  constructor(private readonly prices: PriceTable) {}

  add(service: string, item: string, quantity: number, price: PriceName, per = 1): void {
    const p = this.prices[price];
    // the quantity is counted in the price's unit (`per` of the counted things make one unit)
    const q = Math.max(0, quantity) / per;
    this.lines.push({
      service,
      item,
      quantity: q,
      unit: p.unit,
      unitPrice: p.value,
      monthlyUsd: q * p.value,
    });
  }
}

/** Days an object lands in a storage window [from, to) of its life, within the horizon. */
const daysIn = (from: number, to: number, horizon: number): number =>
  Math.max(0, Math.min(to, horizon) - Math.min(from, horizon));

function validate(w: Workload): void {
  const check = (name: keyof Workload, ok: boolean, what: string): void => {
    if (!ok) throw new Error(`cost workload: ${name} must be ${what} (got ${String(w[name])})`);
  };
  const nonNegative = (n: number) => Number.isFinite(n) && n >= 0;
  const share = (n: number) => nonNegative(n) && n <= 1;
  check('gbPerDay', nonNegative(w.gbPerDay), 'a number >= 0');
  check('apiRequestsPerDay', nonNegative(w.apiRequestsPerDay), 'a number >= 0');
  for (const k of ['streamShare', 'quarantineShare'] as const) check(k, share(w[k]), 'from 0 to 1');
  for (const k of [
    'eventBytes',
    'recordBytes',
    'streamCompression',
    'processedRatio',
    'curatedRatio',
    'resultBytesPerQuery',
    'lambdaSeconds',
    'horizonDays',
    'jobStartupSeconds',
  ] as const)
    check(k, nonNegative(w[k]) && w[k] > 0, 'a number > 0');
  const b = w.bytesScanned.perQuery;
  if (!(Number.isFinite(b) && b >= 0))
    throw new Error(`cost workload: bytesScanned.perQuery must be a number >= 0 (got ${String(b)})`);
  for (const j of JOBS) {
    const t = w.throughput[j];
    if (!t || !(t.rowsPerSecondPerDpu > 0))
      throw new Error(
        `cost workload: throughput of job ${j} must be > 0 rows/s (got ${String(t?.rowsPerSecondPerDpu)})`,
      );
  }
}

interface Volumes {
  readonly streamBytesPerDay: number;
  readonly batchBytesPerDay: number;
  readonly eventsPerMonth: number;
  readonly rowsPerDay: Readonly<Record<DatasetName, number>>;
}

function volumes(w: Workload): Volumes {
  const total = w.gbPerDay * GB;
  const streamBytesPerDay = total * w.streamShare;
  const batchBytesPerDay = total - streamBytesPerDay;
  const batch = datasets.filter((d) => d.name !== 'ad_events');
  const rowsPerDay = Object.fromEntries(
    datasets.map((d) => [
      d.name,
      d.name === 'ad_events'
        ? streamBytesPerDay / w.eventBytes
        : batchBytesPerDay / batch.length / w.recordBytes,
    ]),
  ) as Record<DatasetName, number>;
  return {
    streamBytesPerDay,
    batchBytesPerDay,
    eventsPerMonth: rowsPerDay.ad_events * DAYS_PER_MONTH,
    rowsPerDay,
  };
}

function s3(
  l: Lines,
  c: EnvironmentConfig,
  w: Workload,
  v: Volumes,
  requests: { put: number; get: number },
): void {
  const st = c.storage;
  const h = w.horizonDays;
  const rawPerDay = (v.batchBytesPerDay + v.streamBytesPerDay * w.streamCompression) / GB;
  l.add(
    'S3',
    'raw: Standard (until the IA transition)',
    rawPerDay * daysIn(0, st.rawInfrequentAccessDays, h),
    's3StandardGbMonth',
  );
  l.add(
    'S3',
    'raw: Standard-IA',
    rawPerDay * daysIn(st.rawInfrequentAccessDays, st.rawGlacierDays, h),
    's3StandardIaGbMonth',
  );
  l.add(
    'S3',
    'raw: Glacier Instant Retrieval',
    rawPerDay * daysIn(st.rawGlacierDays, Infinity, h),
    's3GlacierIrGbMonth',
  );
  const processedPerDay = (w.gbPerDay * w.processedRatio) / datasets.length;
  const processed = datasets.reduce((sum, d) => sum + processedPerDay * Math.min(h, d.retentionDays), 0);
  l.add('S3', 'processed: Iceberg tables (Standard)', processed, 's3StandardGbMonth');
  // files a rewrite (a MERGE, a compaction) replaced stay while snapshots may still reach them, then as noncurrent versions
  const superseded =
    w.gbPerDay * w.processedRatio * (snapshotMaxAgeDays + st.noncurrentVersionExpirationDays);
  l.add(
    'S3',
    'processed: superseded files (snapshot retention + noncurrent versions)',
    superseded,
    's3StandardGbMonth',
  );
  const curatedGb = curatedTables.reduce(
    (sum, t) =>
      sum +
      ((w.gbPerDay * w.processedRatio * w.curatedRatio) / curatedTables.length) *
        Math.min(h, t.retentionDays),
    0,
  );
  l.add('S3', 'curated: Iceberg tables (Standard)', curatedGb, 's3StandardGbMonth');
  l.add(
    'S3',
    'quarantine (Standard, expires)',
    w.gbPerDay * w.quarantineShare * daysIn(0, st.quarantineExpirationDays, h),
    's3StandardGbMonth',
  );
  l.add(
    'S3',
    'query results (Standard, expire)',
    ((w.apiRequestsPerDay * w.resultBytesPerQuery) / GB) * daysIn(0, st.athenaResultsExpirationDays, h),
    's3StandardGbMonth',
  );
  // one access log record of about 350 bytes per request to a data bucket
  l.add(
    'S3',
    'access logs (Standard, expire)',
    (((requests.put + requests.get) / DAYS_PER_MONTH) * 350 * daysIn(0, st.accessLogsExpirationDays, h)) / GB,
    's3StandardGbMonth',
  );
  l.add('S3', 'PUT/LIST requests', requests.put, 's3PutPer1k', 1000);
  l.add('S3', 'GET requests', requests.get, 's3GetPer1k', 1000);
}

function kinesis(l: Lines, c: EnvironmentConfig, w: Workload, v: Volumes): void {
  const s = c.streaming;
  const retentionDaysOver24h = Math.max(0, Math.min(s.retentionHours, 168) - 24) / 24;
  if (s.mode === 'provisioned') {
    l.add(
      'Kinesis',
      `${s.shardCount} provisioned shard(s)`,
      s.shardCount * HOURS_PER_MONTH,
      'kinesisShardHour',
    );
    l.add(
      'Kinesis',
      'PUT payload units (25 KB each)',
      v.eventsPerMonth * Math.ceil(w.eventBytes / (25 * KB)),
      'kinesisPutPayloadUnitsPerMillion',
      1e6,
    );
    if (retentionDaysOver24h > 0)
      l.add(
        'Kinesis',
        'extended retention (beyond 24 h)',
        s.shardCount * HOURS_PER_MONTH,
        'kinesisExtendedRetentionShardHour',
      );
    return;
  }
  const writtenGb = (v.eventsPerMonth * Math.ceil(w.eventBytes / KB) * KB) / GB;
  l.add('Kinesis', 'on-demand stream', HOURS_PER_MONTH, 'kinesisOnDemandStreamHour');
  l.add('Kinesis', 'data written (records rounded up to 1 KB)', writtenGb, 'kinesisOnDemandIngestGb');
  l.add(
    'Kinesis',
    'data read by Firehose',
    (v.streamBytesPerDay * DAYS_PER_MONTH) / GB,
    'kinesisOnDemandRetrievalGb',
  );
  if (retentionDaysOver24h > 0)
    l.add(
      'Kinesis',
      'extended retention (beyond 24 h)',
      (writtenGb / DAYS_PER_MONTH) * retentionDaysOver24h,
      'kinesisOnDemandExtendedRetentionGbMonth',
    );
}

function firehose(l: Lines, w: Workload, v: Volumes): void {
  l.add(
    'Firehose',
    'ingested (records rounded up to 5 KB)',
    (v.eventsPerMonth * Math.ceil(w.eventBytes / (5 * KB)) * 5 * KB) / GB,
    'firehoseIngestGb',
  );
}

/** Runs per month and billed DPU-hours of each job. */
export function glueRuns(
  c: EnvironmentConfig,
  w: Workload,
): { job: JobName; runsPerMonth: number; dpuHours: number }[] {
  const v = volumes(w);
  const e = c.etl;
  const dpu = DPU_PER_WORKER[e.workerType];
  const executorsDpu = Math.max(1, e.numberOfWorkers - 1) * dpu;
  const batchRuns = runsPerDay(e.batchSchedule);
  const streamRuns = runsPerDay(e.streamSchedule);
  const streamed = new Set<DatasetName>(LAKE_ETL_DEFAULTS.streamedDatasets);
  const tablesOf = jobTables(
    datasets.map((d) => d.name),
    streamed,
  );
  // rows a job reads per day: each dataset it loads, and the inputs of each curated table it rebuilds (an upper
  // bound: a rebuild reads only the days that changed)
  const rowsOfTable = (table: string): number => {
    const c = curatedTables.find((x) => x.name === table);
    return c ? c.inputs.reduce((n, i) => n + v.rowsPerDay[i], 0) : v.rowsPerDay[table as DatasetName];
  };
  const rowsPerRun = (job: JobName, runs: number): number =>
    (tablesOf.get(job) ?? []).reduce((n, t) => n + rowsOfTable(t), 0) / runs;
  return JOBS.map((job) => {
    const runs = job !== 'curated' && streamed.has(job) ? streamRuns : batchRuns;
    const seconds =
      w.jobStartupSeconds + rowsPerRun(job, runs) / (w.throughput[job].rowsPerSecondPerDpu * executorsDpu);
    const billedSeconds = Math.max(60, seconds);
    const runsPerMonth = runs * DAYS_PER_MONTH;
    return { job, runsPerMonth, dpuHours: (runsPerMonth * billedSeconds * e.numberOfWorkers * dpu) / 3600 };
  });
}

function glue(l: Lines, c: EnvironmentConfig, w: Workload): number {
  const runs = glueRuns(c, w);
  for (const r of runs)
    l.add(
      'Glue',
      `job ${r.job}: ${Math.round(r.runsPerMonth)} runs on ${c.etl.numberOfWorkers} x ${c.etl.workerType}`,
      r.dpuHours,
      'glueDpuHour',
    );
  return runs.reduce((n, r) => n + r.runsPerMonth, 0);
}

function athena(l: Lines, w: Workload): void {
  const queries = w.apiRequestsPerDay * DAYS_PER_MONTH;
  const billed = Math.max(w.bytesScanned.perQuery, 10 * 1024 * 1024);
  l.add(
    'Athena',
    'scanned by API queries (10 MB minimum each)',
    (queries * billed) / 1024 ** 4,
    'athenaTbScanned',
  );
}

function api(l: Lines, c: EnvironmentConfig, w: Workload): void {
  const requests = w.apiRequestsPerDay * DAYS_PER_MONTH;
  l.add('API Gateway', 'REST API requests', requests, 'apiGatewayRestPerMillion', 1e6);
  l.add('Lambda', 'API function requests', requests, 'lambdaRequestsPerMillion', 1e6);
  l.add(
    'Lambda',
    `API function compute (${c.api.memoryMiB} MiB)`,
    requests * w.lambdaSeconds * (c.api.memoryMiB / 1024),
    'lambdaGbSecond',
  );
  if (c.api.waf) {
    l.add('WAF', 'web ACL', 1, 'wafWebAclMonth');
    l.add('WAF', 'rules (3 AWS managed groups, 1 rate limit)', 4, 'wafRuleMonth');
    l.add('WAF', 'requests inspected', requests, 'wafRequestsPerMillion', 1e6);
  }
}

function kms(l: Lines, c: EnvironmentConfig, w: Workload, s3Requests: number): void {
  l.add('KMS', 'keys (the lake key, the alarm topic key)', 2, 'kmsKeyMonth');
  // S3 bucket keys cache data keys (about 1 call per 100 object requests); a KMS-encrypted stream asks for a data
  // key about every 5 minutes per shard and reader; the API function decrypts its secret once per 5 minutes
  const shards = c.streaming.mode === 'provisioned' ? c.streaming.shardCount : 4;
  const requests =
    s3Requests / 100 +
    shards * 2 * 12 * HOURS_PER_MONTH +
    (w.apiRequestsPerDay > 0 ? 12 * HOURS_PER_MONTH : 0);
  l.add('KMS', 'requests', requests, 'kmsRequestsPer10k', 10000);
}

function cloudwatch(l: Lines, w: Workload, jobRunsPerMonth: number): void {
  const runMetrics = 7;
  l.add(
    'CloudWatch',
    `run metrics (${runMetrics} per table)`,
    runMetrics * allTables.length,
    'cloudwatchMetricMonth',
  );
  l.add(
    'CloudWatch',
    'alarms (8 service alarms, 2 per table)',
    8 + 2 * allTables.length,
    'cloudwatchAlarmMonth',
  );
  l.add('CloudWatch', 'dashboard', 1, 'cloudwatchDashboardMonth');
  // about 1.5 KB of logs per API request (access log + function log) and 2 MB per Glue job run
  const logsGb = (w.apiRequestsPerDay * DAYS_PER_MONTH * 1.5 * KB + jobRunsPerMonth * 2 * 1024 * KB) / GB;
  l.add('CloudWatch', 'logs ingested (API, Lambda, Glue)', logsGb, 'cloudwatchLogsIngestGb');
  l.add(
    'CloudWatch',
    'PutMetricData calls (one per job run)',
    jobRunsPerMonth,
    'cloudwatchPutMetricDataPer1k',
    1000,
  );
}

function s3Requests(
  c: EnvironmentConfig,
  w: Workload,
  v: Volumes,
  jobRunsPerMonth: number,
): { put: number; get: number } {
  const s = c.streaming;
  const interval = Math.max(1, s.bufferIntervalSeconds);
  const firehoseObjectsPerDay =
    v.streamBytesPerDay > 0
      ? Math.max(86400 / interval, v.streamBytesPerDay / (s.bufferSizeMiB * 1024 * 1024))
      : 0;
  const queries = w.apiRequestsPerDay * DAYS_PER_MONTH;
  // a job run writes about 20 objects (data files, Iceberg metadata, report, ledger) and reads about 50; a query
  // reads about 20 data files and writes its result and metadata
  return {
    put: (firehoseObjectsPerDay + 3) * DAYS_PER_MONTH + jobRunsPerMonth * 20 + queries * 2,
    get: jobRunsPerMonth * 50 + queries * 20,
  };
}

export function estimateCost(
  config: EnvironmentConfig,
  workload: Workload,
  prices: PriceTable = PRICES,
): CostEstimate {
  validate(workload);
  const l = new Lines(prices);
  const v = volumes(workload);
  const jobRuns = glue(l, config, workload);
  const requests = s3Requests(config, workload, v, jobRuns);
  s3(l, config, workload, v, requests);
  kinesis(l, config, workload, v);
  firehose(l, workload, v);
  athena(l, workload);
  api(l, config, workload);
  kms(l, config, workload, requests.put + requests.get);
  cloudwatch(l, workload, jobRuns);
  l.add('Secrets Manager', 'API cursor key', 1, 'secretsManagerSecretMonth');

  const services = [...new Set(l.lines.map((x) => x.service))].map((service) => ({
    service,
    monthlyUsd: l.lines.filter((x) => x.service === service).reduce((n, x) => n + x.monthlyUsd, 0),
  }));
  const region = config.region ?? PRICES_REGION;
  const defaulted = JOBS.filter((j) => workload.throughput[j].source === 'default');
  const notes = [
    `List prices of ${PRICES_REGION} as of ${PRICES_AS_OF} (lib/cost/prices.ts), no free tier, no data transfer out.`,
    ...(region !== PRICES_REGION
      ? [`The environment deploys to ${region}, priced differently from ${PRICES_REGION}.`]
      : []),
    `Storage is that of a lake running for ${workload.horizonDays} days.`,
    ...(defaulted.length > 0
      ? [
          `${defaulted.join(', ')}: no run of at least ${MIN_MEASURED_ROWS.toLocaleString('en-US')} rows in the lake home to measure, ${THROUGHPUT_DEFAULT} rows/s per DPU assumed.`,
        ]
      : []),
    `Athena bytes per query (${workload.bytesScanned.source}): ${workload.bytesScanned.basis}.`,
    'Not counted: Glue Data Quality evaluations, table optimizer runs, Glue job metrics, Data Catalog requests, SNS.',
  ];
  return {
    env: config.envName,
    region,
    pricesAsOf: PRICES_AS_OF,
    pricesRegion: PRICES_REGION,
    workload,
    lines: l.lines,
    services,
    totalUsd: services.reduce((n, s) => n + s.monthlyUsd, 0),
    notes,
  };
}
