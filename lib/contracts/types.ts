/**
 * Dataset contracts: the one declaration of each dataset, so that adding a dataset means one declaration and a
 * transform rather than edits in six places.
 * CDK builds Glue tables, LF-tags and Data Quality rulesets from these; the Spark jobs read the JSON export
 * (glue-jobs/lake_jobs/contracts.json); the local engine and the API derive their views and filters from them.
 */

/** Column types, spelled as Glue/Athena spell them. `timestamp` is an instant in UTC. */
export type ColumnType =
  | 'string'
  | 'int'
  | 'bigint'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'date'
  | 'decimal(18,2)'
  | 'decimal(18,4)'
  | 'array<string>';

/** Where a column's value comes from. */
export type ColumnSource =
  /** parsed from the raw record (see `Column.rawName`) */
  | 'raw'
  /** computed by the job's enrichment step */
  | 'derived'
  /** lineage written by the job: source file, ingest batch, run id, record hash */
  | 'lineage';

/** Quality rules of one column. Each rule that fails quarantines the record with reason `<rule>:<column>`. */
export interface ColumnRules {
  /** `required:<col>` when null or empty. */
  readonly required?: boolean;
  /** Required only when another column has a value, e.g. `order_id` when `event_type` is `conversion`. */
  readonly requiredWhen?: { readonly column: string; readonly equals: string };
  /** `min:<col>` / `max:<col>`: numeric range, inclusive. */
  readonly min?: number;
  readonly max?: number;
  /** `allowed:<col>`: one of these values. */
  readonly allowed?: readonly string[];
  /**
   * What a value outside `allowed` does. `warn`: the record is kept and the value counted in the run report's
   * `unlisted_values` (lists the outside world defines, such as platforms or countries, grow without notice);
   * `critical`: the record is quarantined with `allowed:<col>` (values that drive the pipeline's logic).
   * @default 'warn'
   */
  readonly allowedSeverity?: 'warn' | 'critical';
  /** `pattern:<col>`: a full-match regular expression (the subset Java, Python and JavaScript share). */
  readonly pattern?: string;
  /** `max_length:<col>`. */
  readonly maxLength?: number;
}

/** A filter an API route accepts for this column (values always become query parameters). */
export type FilterOp =
  /** column = value */
  | 'eq'
  /** column starts with value */
  | 'prefix'
  /** value is an element of the array column */
  | 'contains';

export interface ColumnFilter {
  /** query-string parameter name */
  readonly param: string;
  readonly op: FilterOp;
}

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
  readonly source: ColumnSource;
  /** Personal data: hidden from roles without a PII grant, LF-tagged `pii=true` on AWS. @default false */
  readonly pii?: boolean;
  /** Path of the field in the raw record when it differs from `name` (dots for nested JSON). @default name */
  readonly rawName?: string;
  /** @default no rules */
  readonly rules?: ColumnRules;
  /** @default not filterable */
  readonly filter?: ColumnFilter;
  /** How a computed column is derived from its inputs' columns (column-level lineage). @default not declared */
  readonly derivedFrom?: ColumnDerivation;
}

/**
 * Column-level lineage, in OpenLineage's terms: `from` gives the value (DIRECT), `filteredBy` only decides
 * which rows count or how they group or join (INDIRECT).
 */
export interface ColumnDerivation {
  /** `table.column` whose values this column is computed from */
  readonly from: readonly string[];
  /** identity: copied; transformation: computed per row; aggregation: summed or counted over rows */
  readonly how: 'identity' | 'transformation' | 'aggregation';
  /** `table.column` that filter, group or join the rows without giving the value. @default none */
  readonly filteredBy?: readonly string[];
}

export type RawFormat =
  /** CSV with a header line, RFC 4180 quoting, UTF-8 (BOM and CRLF tolerated) */
  | 'csv'
  /** nginx/Apache combined log format, one request a line */
  | 'combined_log'
  /** JSON Lines, or a file holding one JSON array of objects */
  | 'json'
  /** gzip-compressed JSON Lines, as Firehose (or the local delivery worker) writes them */
  | 'ndjson_gzip';

export type DatasetName = 'transactions' | 'server_logs' | 'social_posts' | 'ad_events';
export type CuratedName = 'daily_sales' | 'campaign_performance';
export type TableName = DatasetName | CuratedName;

export interface RawSpec {
  readonly format: RawFormat;
  /** Key prefix of the dataset in the raw zone (bucket on AWS, `<home>/raw` locally). */
  readonly prefix: string;
  /** Key prefix where undeliverable stream records go (streamed datasets only). */
  readonly errorPrefix?: string;
}

export interface ApiSpec {
  /** path segment under /v1, e.g. `transactions` or `metrics/daily-sales` */
  readonly route: string;
  /** the largest time range one request may ask for, in days */
  readonly maxRangeDays: number;
}

interface TableContract<N extends string> {
  readonly name: N;
  /** Glue database (Athena schema): `processed` or `curated`. */
  readonly database: 'processed' | 'curated';
  readonly description: string;
  /** the team that answers for the data */
  readonly owner: string;
  readonly columns: readonly Column[];
  /** Columns that identify a record: the MERGE key. */
  readonly businessKey: readonly string[];
  /** The event-time column: partitioned by its day (Iceberg `days(col)`), and the API's time range. */
  readonly timeColumn: string;
  /** Days the processed data is kept (Iceberg snapshot expiry and S3 lifecycle derive from it). */
  readonly retentionDays: number;
  /**
   * The table is fresh while its newest successful run started at most this many minutes ago: `lake status`
   * turns red past it and the monitoring stack alarms on it.
   */
  readonly freshnessObjectiveMinutes: number;
  readonly api: ApiSpec;
}

export interface DatasetContract extends TableContract<DatasetName> {
  readonly database: 'processed';
  readonly raw: RawSpec;
}

export interface CuratedContract extends TableContract<CuratedName> {
  readonly database: 'curated';
  /** processed tables this one is computed from */
  readonly inputs: readonly DatasetName[];
}

export type AnyContract = DatasetContract | CuratedContract;
