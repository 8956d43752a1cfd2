/**
 * The public AWS list prices the cost estimate uses, in one table: US East (N. Virginia), USD, on-demand, no free
 * tier, first volume tier (the lake stays far below the next one). To update: change `value` (and `source` when
 * the page moved), then `PRICES_AS_OF`. Billing rules that change an estimate as much as a price are kept beside
 * their price (`rule`).
 */

/** When these prices were last compared with the pages named in `source`. */
export const PRICES_AS_OF = '2026-12-02';
/** The region the prices are for; other regions are priced differently (often 5-25% more). */
export const PRICES_REGION = 'us-east-1';

export interface Price {
  /** USD per `unit` */
  readonly value: number;
  readonly unit: string;
  /** the pricing page */
  readonly source: string;
  /** how usage is counted, where it matters */
  readonly rule?: string;
}

const S3 = 'https://aws.amazon.com/s3/pricing/';
const KINESIS = 'https://aws.amazon.com/kinesis/data-streams/pricing/';
const FIREHOSE = 'https://aws.amazon.com/firehose/pricing/';
const GLUE = 'https://aws.amazon.com/glue/pricing/';
const ATHENA = 'https://aws.amazon.com/athena/pricing/';
const APIGW = 'https://aws.amazon.com/api-gateway/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';
const WAF = 'https://aws.amazon.com/waf/pricing/';

export const PRICES = {
  s3StandardGbMonth: { value: 0.023, unit: 'GB-month', source: S3 },
  s3StandardIaGbMonth: {
    value: 0.0125,
    unit: 'GB-month',
    source: S3,
    rule: 'objects are billed at least 128 KB and 30 days',
  },
  s3GlacierIrGbMonth: {
    value: 0.004,
    unit: 'GB-month',
    source: S3,
    rule: 'objects are billed at least 128 KB and 90 days',
  },
  s3PutPer1k: { value: 0.005, unit: '1,000 PUT/COPY/POST/LIST requests', source: S3 },
  s3GetPer1k: { value: 0.0004, unit: '1,000 GET/SELECT requests', source: S3 },
  kinesisShardHour: { value: 0.015, unit: 'shard-hour', source: KINESIS },
  kinesisPutPayloadUnitsPerMillion: {
    value: 0.014,
    unit: 'million PUT payload units',
    source: KINESIS,
    rule: 'provisioned: each record counts 25 KB units, rounded up',
  },
  kinesisExtendedRetentionShardHour: {
    value: 0.02,
    unit: 'shard-hour',
    source: KINESIS,
    rule: 'provisioned: retention beyond 24 hours, up to 7 days',
  },
  kinesisOnDemandStreamHour: { value: 0.04, unit: 'stream-hour', source: KINESIS },
  kinesisOnDemandIngestGb: {
    value: 0.08,
    unit: 'GB written',
    source: KINESIS,
    rule: 'on demand: each record rounded up to 1 KB',
  },
  kinesisOnDemandRetrievalGb: { value: 0.04, unit: 'GB read', source: KINESIS },
  kinesisOnDemandExtendedRetentionGbMonth: {
    value: 0.1,
    unit: 'GB-month',
    source: KINESIS,
    rule: 'on demand: retention beyond 24 hours, up to 7 days',
  },
  firehoseIngestGb: {
    value: 0.029,
    unit: 'GB ingested',
    source: FIREHOSE,
    rule: 'Kinesis Data Streams as source: each record rounded up to 5 KB',
  },
  glueDpuHour: {
    value: 0.44,
    unit: 'DPU-hour',
    source: GLUE,
    rule: 'Spark jobs: billed per second with a 1-minute minimum per run',
  },
  athenaTbScanned: {
    value: 5,
    unit: 'TB scanned',
    source: ATHENA,
    rule: 'at least 10 MB per query',
  },
  apiGatewayRestPerMillion: { value: 3.5, unit: 'million REST API calls', source: APIGW },
  lambdaRequestsPerMillion: { value: 0.2, unit: 'million requests', source: LAMBDA },
  lambdaGbSecond: { value: 0.0000166667, unit: 'GB-second (x86)', source: LAMBDA },
  kmsKeyMonth: { value: 1, unit: 'customer managed key-month', source: KMS },
  kmsRequestsPer10k: { value: 0.03, unit: '10,000 requests', source: KMS },
  cloudwatchMetricMonth: { value: 0.3, unit: 'custom metric-month', source: CLOUDWATCH },
  cloudwatchAlarmMonth: { value: 0.1, unit: 'standard alarm-month', source: CLOUDWATCH },
  cloudwatchDashboardMonth: {
    value: 3,
    unit: 'dashboard-month',
    source: CLOUDWATCH,
    rule: 'the first 3 dashboards of an account are free (not counted here)',
  },
  cloudwatchLogsIngestGb: { value: 0.5, unit: 'GB of logs ingested', source: CLOUDWATCH },
  cloudwatchPutMetricDataPer1k: { value: 0.01, unit: '1,000 PutMetricData requests', source: CLOUDWATCH },
  secretsManagerSecretMonth: { value: 0.4, unit: 'secret-month', source: SECRETS },
  wafWebAclMonth: { value: 5, unit: 'web ACL-month', source: WAF },
  wafRuleMonth: { value: 1, unit: 'rule-month', source: WAF },
  wafRequestsPerMillion: { value: 0.6, unit: 'million requests', source: WAF },
} as const satisfies Readonly<Record<string, Price>>;

export type PriceName = keyof typeof PRICES;
export type PriceTable = Readonly<Record<PriceName, Price>>;
