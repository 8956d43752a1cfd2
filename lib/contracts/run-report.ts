/**
 * The run report: one JSON document per job run, written by the Spark jobs (glue-jobs/lake_jobs/report.py) at
 * `reports/<dataset>/<run_id>.json` and on stdout, read by the local runtime. Its shape is declared here once; the
 * TypeScript type is derived from the declaration and the jobs check theirs against the JSON export.
 */

/** blocked: a critical dataset check failed; the batch waits on its audit branch for `lake publish` or `lake discard`. */
export const runStatuses = ['succeeded', 'failed', 'no_new_data', 'blocked'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const checkStatuses = ['passed', 'failed', 'skipped'] as const;
export const gateOutcomes = ['passed', 'warned', 'blocked', 'reported'] as const;
/** enforce: a failed critical check blocks the batch; report: every check is reported, none blocks (a backfill) */
export const gateModes = ['enforce', 'report'] as const;
export type GateMode = (typeof gateModes)[number];

/** One dataset check on the batch (lib/contracts/checks.ts): what was measured against what was allowed. */
export interface CheckOutcome {
  readonly name: string;
  readonly kind: string;
  readonly severity: 'critical' | 'warn';
  /** skipped: nothing to measure (e.g. too little history for a row-count band) */
  readonly status: (typeof checkStatuses)[number];
  /** the measured value; null when skipped */
  readonly value: number | null;
  /** the allowed range, e.g. `<= 0.2` or `between 12 and 1200` */
  readonly threshold: string;
  readonly detail: string;
}

/** The quality gate of a run: its checks and what they decided. */
export interface QualityGate {
  /**
   * passed: every check passed; warned: only warn checks failed (published); blocked: a critical one failed;
   * reported: a critical one failed in report mode (published, the failure reported)
   */
  readonly outcome: (typeof gateOutcomes)[number];
  /** the gate's mode of the run (absent from reports written before modes existed) */
  readonly mode?: GateMode;
  /** the audit branch the batch was written to (kept while blocked) */
  readonly branch: string | null;
  readonly checks: readonly CheckOutcome[];
  /**
   * the gate's own time: the audit branch, the checks measured on it, the fast-forward (the MERGE is the run's
   * anyway); absent from reports written before it was measured
   */
  readonly duration_ms?: number;
}

/** Records of a run with a value outside a warn-severity `allowed` list, per column (the records were kept). */
export interface UnlistedColumn {
  /** records with an unlisted value in the column */
  readonly records: number;
  /** the most frequent unlisted values (at most 20) -> records */
  readonly values: Readonly<Record<string, number>>;
  /** how many other unlisted values there were */
  readonly omitted_values: number;
}

/**
 * A metric of the run far outside its recent history (lib/contracts/anomalies.ts): outside
 * `band` = median ± k · max(1.4826 · MAD, floors) over the metric in the table's last published runs.
 */
export interface AnomalyFlag {
  readonly metric: string;
  readonly value: number;
  readonly median: number;
  readonly mad: number;
  /** [low, high] */
  readonly band: readonly [number, number];
  /** published runs the band was computed from */
  readonly runs: number;
  readonly severity: 'critical' | 'warn';
}

/** Value kinds a report field can have (JSON). */
interface FieldKinds {
  string: string;
  integer: number;
  /** a string, or null */
  optionalString: string | null;
  /** one of `runStatuses` */
  status: RunStatus;
  /** reason -> count */
  counts: Readonly<Record<string, number>>;
  strings: readonly string[];
  /** files that could not be read: `{file, error}` */
  fileErrors: readonly { readonly file: string; readonly error: string }[];
  /** a JSON object */
  object: Readonly<Record<string, unknown>>;
  /** the quality gate (see QualityGate) */
  qualityGate: QualityGate;
  /** column -> its unlisted values (see UnlistedColumn) */
  unlistedValues: Readonly<Record<string, UnlistedColumn>>;
  /** metric name -> value */
  metrics: Readonly<Record<string, number>>;
  /** the flagged metrics (see AnomalyFlag) */
  anomalies: readonly AnomalyFlag[];
}
export type RunReportFieldKind = keyof FieldKinds;

export interface RunReportField {
  readonly kind: RunReportFieldKind;
  readonly description: string;
  /** Absent from some reports (only curated tables report deleted rows). @default false */
  readonly optional?: boolean;
}

/** Every field, in the order the jobs write them. */
export const runReportFields = {
  dataset: { kind: 'string', description: 'Dataset or curated table the run built.' },
  table: { kind: 'string', description: 'Qualified Iceberg table it wrote.' },
  run_id: { kind: 'string', description: 'Run id (see ids.ts); also the etl_run_id of the rows it wrote.' },
  started_at: { kind: 'string', description: 'Start, ISO 8601 UTC with milliseconds.' },
  status: {
    kind: 'status',
    description: 'succeeded, failed, no_new_data or blocked (a critical check failed).',
  },
  input_rows: { kind: 'integer', description: 'Records read: output + quarantined + duplicates.' },
  output_rows: { kind: 'integer', description: 'Rows inserted or changed in the table.' },
  quarantined_rows: { kind: 'integer', description: 'Records quarantined with a reason.' },
  duplicate_rows: { kind: 'integer', description: 'Records already in the table or repeated in the batch.' },
  quarantine_reasons: {
    kind: 'counts',
    description: 'Quarantined records by their first reason; they add up to quarantined_rows.',
  },
  snapshot_id: { kind: 'optionalString', description: "The table's current snapshot after the run." },
  duration_ms: { kind: 'integer', description: 'Wall-clock time of the run.' },
  files: { kind: 'strings', description: 'Raw keys read (curated tables: the input table versions).' },
  failed_files: {
    kind: 'fileErrors',
    description: 'Files that could not be read; they are retried next run.',
  },
  error: { kind: 'optionalString', description: 'Why the run failed; null unless failed.' },
  quality: {
    kind: 'qualityGate',
    description:
      'Dataset runs with new data: the dataset checks (measured value against threshold) and the gate outcome.',
    optional: true,
  },
  unlisted_values: {
    kind: 'unlistedValues',
    description:
      'Dataset runs with new data: per column, records kept with a value outside a warn-severity allowed list, the most frequent such values and how many others.',
    optional: true,
  },
  metrics: {
    kind: 'metrics',
    description:
      'Dataset runs with new data: the run metrics the anomaly band judges (rows, quarantine share, null shares, distinct keys, sums).',
    optional: true,
  },
  anomalies: {
    kind: 'anomalies',
    description:
      'Dataset runs with new data: metrics far outside the band of the last published runs (empty while too little history).',
    optional: true,
  },
  deleted_rows: {
    kind: 'integer',
    description: 'Curated tables only: rows removed because their group has no data any more.',
    optional: true,
  },
  operation: {
    kind: 'string',
    description: 'Maintenance runs only: tag, rollback, publish or discard.',
    optional: true,
  },
  previous_snapshot_id: {
    kind: 'optionalString',
    description: "Maintenance runs only: the table's current snapshot before the operation.",
    optional: true,
  },
  details: {
    kind: 'object',
    description: 'Maintenance runs only: what was done (tag, target version, undone runs, held raw files).',
    optional: true,
  },
} as const satisfies Readonly<Record<string, RunReportField>>;

type Fields = typeof runReportFields;
type RequiredNames = { [K in keyof Fields]: Fields[K] extends { optional: true } ? never : K }[keyof Fields];
type OptionalNames = Exclude<keyof Fields, RequiredNames>;

/** A run report, as the jobs write it. */
export type RunReport = { readonly [K in RequiredNames]: FieldKinds[Fields[K]['kind']] } & {
  readonly [K in OptionalNames]?: FieldKinds[Fields[K]['kind']];
};

const isCounts = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((n) => Number.isInteger(n));

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isCheckOutcome = (v: unknown): boolean =>
  isObject(v) &&
  typeof v.name === 'string' &&
  typeof v.kind === 'string' &&
  (v.severity === 'critical' || v.severity === 'warn') &&
  (checkStatuses as readonly unknown[]).includes(v.status) &&
  (v.value === null || typeof v.value === 'number') &&
  typeof v.threshold === 'string' &&
  typeof v.detail === 'string';

function isQualityGate(v: unknown): boolean {
  return (
    isObject(v) &&
    (gateOutcomes as readonly unknown[]).includes(v.outcome) &&
    (v.branch === null || typeof v.branch === 'string') &&
    Array.isArray(v.checks) &&
    v.checks.every(isCheckOutcome) &&
    (v.duration_ms === undefined || Number.isInteger(v.duration_ms))
  );
}

const isUnlistedColumn = (v: unknown): boolean =>
  isObject(v) && Number.isInteger(v.records) && isCounts(v.values) && Number.isInteger(v.omitted_values);

const isNumbers = (v: unknown): boolean =>
  isObject(v) && Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n));

const isAnomalyFlag = (v: unknown): boolean =>
  isObject(v) &&
  typeof v.metric === 'string' &&
  [v.value, v.median, v.mad].every((n) => typeof n === 'number') &&
  Array.isArray(v.band) &&
  v.band.length === 2 &&
  v.band.every((n) => typeof n === 'number') &&
  Number.isInteger(v.runs) &&
  (v.severity === 'critical' || v.severity === 'warn');

const kindChecks: { readonly [K in RunReportFieldKind]: (v: unknown) => boolean } = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  optionalString: (v) => v === null || typeof v === 'string',
  status: (v) => typeof v === 'string' && (runStatuses as readonly string[]).includes(v),
  counts: isCounts,
  strings: (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  qualityGate: isQualityGate,
  unlistedValues: (v) => isObject(v) && Object.values(v).every(isUnlistedColumn),
  metrics: isNumbers,
  anomalies: (v) => Array.isArray(v) && v.every(isAnomalyFlag),
  fileErrors: (v) =>
    Array.isArray(v) &&
    v.every(
      (e: unknown) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as { file?: unknown }).file === 'string' &&
        typeof (e as { error?: unknown }).error === 'string',
    ),
};

/** What is wrong with a document that should be a run report (empty when it is one). */
export function runReportProblems(doc: unknown): string[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['not a JSON object'];
  const record = doc as Record<string, unknown>;
  const declared: Readonly<Record<string, RunReportField>> = runReportFields;
  const problems: string[] = [];
  for (const [name, field] of Object.entries(declared)) {
    if (!(name in record)) {
      if (!field.optional) problems.push(`missing ${name}`);
    } else if (!kindChecks[field.kind](record[name])) problems.push(`${name} is not ${field.kind}`);
  }
  for (const name of Object.keys(record)) if (!(name in declared)) problems.push(`undeclared field ${name}`);
  return problems;
}
