"""Anomaly flags of a run (lib/contracts/anomalies.ts): pure functions from the run's metrics and those of the
table's recent published runs to the metrics that lie far outside their band.

The band of a metric is median ± k * spread over its values in the last `lastRuns` published runs, where
spread = max(1.4826 * MAD, minRelativeSpread * |median|, minAbsoluteSpread): 1.4826 * MAD estimates the
standard deviation of normal data without letting one wild run widen the band, and the floors keep a steady
history from flagging every wobble. A metric known for fewer than `minHistory` runs is not judged.

A published run keeps its metrics in its snapshot summary (tables.METRICS_PROPERTY, JSON), so the history is
main's line of snapshots: a blocked run never counts, a load a rollback undid stops counting.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from lake_jobs.checks import FAILED, PASSED, SKIPPED, Measures, Outcome

MAD_SCALE = 1.4826
"""MAD times this estimates the standard deviation of normally distributed values."""

CHECK_NAME, CHECK_KIND = "anomalies", "anomaly"


@dataclass(frozen=True)
class Band:
    k: float = 5.0
    last_runs: int = 20
    min_history: int = 5
    min_relative_spread: float = 0.1
    min_absolute_spread: float = 0.01
    severity: str = "warn"
    critical: tuple[str, ...] = ()
    sums: tuple[str, ...] = ()

    @staticmethod
    def of(doc: dict) -> Band:
        """From the exported declaration (contracts.json `anomalies.<dataset>`)."""
        return Band(
            k=float(doc["k"]),
            last_runs=int(doc["lastRuns"]),
            min_history=int(doc["minHistory"]),
            min_relative_spread=float(doc["minRelativeSpread"]),
            min_absolute_spread=float(doc["minAbsoluteSpread"]),
            severity=str(doc["severity"]),
            critical=tuple(doc.get("critical", ())),
            sums=tuple(doc.get("sums", ())),
        )


def run_metrics(measures: Measures, columns: tuple[str, ...], sums: tuple[str, ...]) -> dict[str, float]:
    """The metrics of a run: records in and out, quarantine share, distinct business keys among the kept
    records and, over the rows the batch inserts or changes, each column's null share and amount sums."""
    metrics: dict[str, float] = {
        "input_rows": float(measures.input_rows),
        "output_rows": float(measures.batch_rows),
    }
    if measures.input_rows:
        metrics["quarantine_share"] = round(measures.quarantined_rows / measures.input_rows, 4)
    if measures.distinct_keys is not None:
        metrics["distinct_keys"] = float(measures.distinct_keys)
    if measures.batch_rows:
        for c in columns:
            if c in measures.non_null:
                metrics[f"null_share.{c}"] = round(1 - measures.non_null[c] / measures.batch_rows, 4)
        for c in sums:
            if c in measures.sums:
                metrics[f"sum.{c}"] = round(measures.sums[c], 4)
    return metrics


def band_of(values: list[float], band: Band) -> tuple[float, float, float, float]:
    """(median, MAD, low, high) of `values` (not empty)."""
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    spread = max(MAD_SCALE * mad, band.min_relative_spread * abs(median), band.min_absolute_spread)
    return median, mad, median - band.k * spread, median + band.k * spread


def _num(x: float) -> float:
    return round(x, 4)


def flags(metrics: dict[str, float], history: list[dict[str, float]], band: Band) -> tuple[list[dict], int]:
    """The metrics outside their band, in metric order, and how many metrics had enough history to be judged.
    `history`: the metrics of earlier published runs, newest first."""
    recent = history[: band.last_runs]
    out: list[dict] = []
    judged = 0
    for metric in sorted(metrics):
        values = [h[metric] for h in recent if metric in h]
        if len(values) < band.min_history:
            continue
        judged += 1
        median, mad, low, high = band_of(values, band)
        value = metrics[metric]
        if low <= value <= high:
            continue
        out.append(
            {
                "metric": metric,
                "value": _num(value),
                "median": _num(median),
                "mad": _num(mad),
                "band": [_num(low), _num(high)],
                "runs": len(values),
                "severity": "critical" if metric in band.critical else band.severity,
            }
        )
    return out, judged


def outcome(flagged: list[dict], judged: int, history_runs: int, band: Band) -> Outcome:
    """The gate's finding for the anomaly band: failed when a metric is outside its band (critical when one of
    them is declared critical), skipped while too little history is known."""
    severity = "critical" if any(f["severity"] == "critical" for f in flagged) else band.severity
    threshold = f"within median ± {band.k:g}*MAD of the last {band.last_runs} runs"
    if judged == 0:
        known = min(history_runs, band.last_runs)
        why = f"{known} earlier run(s) with metrics known, {band.min_history} needed"
        return Outcome(CHECK_NAME, CHECK_KIND, severity, SKIPPED, None, threshold, why)
    if not flagged:
        detail = f"{judged} metric(s) within their band"
        return Outcome(CHECK_NAME, CHECK_KIND, severity, PASSED, 0.0, threshold, detail)
    detail = "; ".join(
        f"{f['metric']} {f['value']:g} outside [{f['band'][0]:g}, {f['band'][1]:g}] "
        f"(median {f['median']:g} over {f['runs']} runs)"
        for f in flagged
    )
    return Outcome(CHECK_NAME, CHECK_KIND, severity, FAILED, float(len(flagged)), threshold, detail)
