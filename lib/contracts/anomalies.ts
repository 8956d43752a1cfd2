/**
 * Anomaly flags: each dataset run keeps its metrics in its run report (rows in and out, quarantine share, null
 * share per column, distinct business keys, sums of amount columns). A run whose metric lies outside a robust
 * band around the same metric of the table's recent runs, median ± k · max(1.4826 · MAD, floors), is flagged in
 * its report and in `lake history`.
 *
 * Declared here once; the Spark jobs evaluate it (glue-jobs/lake_jobs/anomalies.py, through contracts.json).
 */
import type { CheckSeverity } from './checks';
import type { DatasetName } from './types';

/**
 * Metric names as the run report's `metrics` spells them: `input_rows`, `output_rows`, `quarantine_share`,
 * `distinct_keys`, `null_share.<col>` (every contract column but lineage), `sum.<col>` (the band's `sums`).
 */
export type MetricName = string;

export interface AnomalyBand {
  /** Half-width of the band in (scaled) median absolute deviations. */
  readonly k: number;
  /** How many of the latest succeeded runs with metrics make the history. */
  readonly lastRuns: number;
  /** Runs with the metric needed before it is judged (a metric with less history is not flagged). */
  readonly minHistory: number;
  /** The spread is at least this share of the median, so that a steady history does not flag every wobble. */
  readonly minRelativeSpread: number;
  /** ...and at least this much in absolute terms (shares near 0 would otherwise have no band at all). */
  readonly minAbsoluteSpread: number;
  /** Severity of a flag, unless its metric is listed in `critical`. */
  readonly severity: CheckSeverity;
  /** Metrics whose flag is critical. */
  readonly critical: readonly MetricName[];
  /** Amount columns whose sum over the batch's rows is a metric (`sum.<col>`). */
  readonly sums: readonly string[];
}

export const defaultAnomalyBand: AnomalyBand = {
  k: 5,
  lastRuns: 20,
  minHistory: 5,
  minRelativeSpread: 0.1,
  minAbsoluteSpread: 0.01,
  severity: 'warn',
  critical: [],
  sums: [],
};

/** Per dataset, what differs from the default band. Amounts are summed in USD (a mix of currencies is no sum). */
const declared: { readonly [N in DatasetName]?: Partial<AnomalyBand> } = {
  transactions: { sums: ['amount_usd'] },
  ad_events: { sums: ['cost_usd', 'revenue_usd'] },
};

export function anomalyBandOf(dataset: DatasetName): AnomalyBand {
  return { ...defaultAnomalyBand, ...declared[dataset] };
}
