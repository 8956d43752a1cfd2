/**
 * Dataset checks: rules on the batch a run is about to publish, as opposed to record rules (a failing record is
 * quarantined). A run writes its batch to an audit branch, measures these on it, and publishes (fast-forwards the
 * table's main branch) only when no `critical` check fails; a failing `warn` check is reported and publishes.
 *
 * Declared here once: the Spark jobs evaluate them (glue-jobs/lake_jobs/checks.py, through contracts.json) and
 * the AWS stack turns them into Glue Data Quality rulesets with the same thresholds.
 */
import type { DatasetName } from './types';

/** critical: a failure blocks publishing; warn: a failure is reported, the batch publishes. */
export type CheckSeverity = 'critical' | 'warn';

interface CheckBase {
  /** Unique per dataset; names the check in run reports and in the ruleset. */
  readonly name: string;
  readonly severity: CheckSeverity;
}

/** Share of the batch's records that were quarantined (0..1) is at most `max`. */
export interface QuarantineShareCheck extends CheckBase {
  readonly kind: 'quarantineShare';
  readonly max: number;
}

/**
 * Records in the batch against the table's recent runs: within [`minRatio`, `maxRatio`] times the median of the
 * last `lastRuns` published runs, judged once at least `minHistory` runs are known.
 */
export interface RowCountCheck extends CheckBase {
  readonly kind: 'rowCount';
  readonly minRatio: number;
  readonly maxRatio: number;
  readonly lastRuns: number;
  readonly minHistory: number;
}

/** The business key is unique in the table as the batch would publish it (rows minus distinct keys = 0). */
export interface UniqueKeyCheck extends CheckBase {
  readonly kind: 'uniqueKey';
}

/** Share of the batch's rows whose `column` is not null is at least `min`. */
export interface CompletenessCheck extends CheckBase {
  readonly kind: 'completeness';
  readonly column: string;
  readonly min: number;
}

/**
 * Share of the batch's rows (those where `when.column` = `when.equals`, if given) whose `column` value is found in
 * `references` (`table.column` of the published lake) is at least `min`.
 */
export interface ReferentialCheck extends CheckBase {
  readonly kind: 'referential';
  readonly column: string;
  readonly references: string;
  readonly when?: { readonly column: string; readonly equals: string };
  readonly min: number;
}

/** The newest event of the batch (the table's time column) is at most `maxAgeHours` old when the run ends. */
export interface FreshnessCheck extends CheckBase {
  readonly kind: 'freshness';
  readonly maxAgeHours: number;
}

export type DatasetCheck =
  | QuarantineShareCheck
  | RowCountCheck
  | UniqueKeyCheck
  | CompletenessCheck
  | ReferentialCheck
  | FreshnessCheck;

/** What every dataset gets unless it declares a check of the same name. */
export const defaultChecks: readonly DatasetCheck[] = [
  { name: 'quarantine_share', kind: 'quarantineShare', max: 0.2, severity: 'critical' },
  { name: 'unique_key', kind: 'uniqueKey', severity: 'critical' },
  {
    name: 'row_count',
    kind: 'rowCount',
    minRatio: 0.1,
    maxRatio: 10,
    lastRuns: 10,
    minHistory: 3,
    severity: 'warn',
  },
];

/** Per dataset, in addition to (or replacing, by name) the defaults. */
const declared: { readonly [N in DatasetName]: readonly DatasetCheck[] } = {
  transactions: [
    {
      name: 'customer_id_complete',
      kind: 'completeness',
      column: 'customer_id',
      min: 0.99,
      severity: 'critical',
    },
    {
      name: 'amount_usd_complete',
      kind: 'completeness',
      column: 'amount_usd',
      min: 0.99,
      severity: 'critical',
    },
    // daily exports: a day and a half of slack before the newest order counts as stale
    { name: 'fresh', kind: 'freshness', maxAgeHours: 36, severity: 'warn' },
  ],
  server_logs: [
    { name: 'path_complete', kind: 'completeness', column: 'path', min: 0.99, severity: 'critical' },
    { name: 'fresh', kind: 'freshness', maxAgeHours: 36, severity: 'warn' },
  ],
  social_posts: [
    { name: 'text_complete', kind: 'completeness', column: 'text', min: 0.95, severity: 'warn' },
    { name: 'fresh', kind: 'freshness', maxAgeHours: 48, severity: 'warn' },
  ],
  ad_events: [
    {
      name: 'campaign_id_complete',
      kind: 'completeness',
      column: 'campaign_id',
      min: 0.99,
      severity: 'critical',
    },
    {
      // a conversion may arrive before its order's daily export: reported, never blocking
      name: 'conversion_order_known',
      kind: 'referential',
      column: 'order_id',
      references: 'transactions.order_id',
      when: { column: 'event_type', equals: 'conversion' },
      min: 0.95,
      severity: 'warn',
    },
    // streamed: an hour of silence is worth a look
    { name: 'fresh', kind: 'freshness', maxAgeHours: 1, severity: 'warn' },
  ],
};

/** The checks of one dataset: the defaults (unless redeclared by name), then its own. */
export function checksOf(dataset: DatasetName): readonly DatasetCheck[] {
  const own = declared[dataset];
  const names = new Set(own.map((c) => c.name));
  return [...defaultChecks.filter((c) => !names.has(c.name)), ...own];
}
