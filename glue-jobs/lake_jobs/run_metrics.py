"""CloudWatch metrics of job runs, built from their run reports (pure) and published after the job returns.

One datum per figure and run, dimension `Dataset` (the report's dataset or curated table):

- InputRows, OutputRows, QuarantinedRows, DuplicateRows (Count): the report's counts, which add up.
- QuarantineSharePercent (Percent): quarantined / input rows; 0 for a run that read nothing.
- RunSucceeded (Count, 1 or 0): 1 when the run succeeded or found no new data (the job ran and the table is
  up to date), 0 when it failed: the run's outcome, and what the freshness objective counts, the same rule
  as `lake status` (lib/status/pipeline-status.ts).
- FreshnessLagSeconds (Seconds): from the newest event of the table (its contract's time column; a date column
  counts from the start of that day) to the moment the metrics are built; absent while the table has no rows.
  A failed run still reports it, so the lag keeps growing on the dashboard while runs fail.

The monitoring stack alarms on a quarantine share above its threshold and on no successful run within a
table's freshness objective. The namespace comes from the job arguments, set by CDK, which also scopes the
job role's cloudwatch:PutMetricData to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Protocol

from pyspark.sql import SparkSession

from lake_jobs import tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, load_contracts
from lake_jobs.report import FAILED, RunReport


class MetricsClient(Protocol):
    def put_metric_data(self, **kwargs: Any) -> Any: ...


MAX_PER_CALL = 1000
"""PutMetricData takes at most 1000 data per call."""

DIMENSION = "Dataset"


def quarantine_share_percent(report: RunReport) -> float:
    return 100.0 * report.quarantined_rows / report.input_rows if report.input_rows else 0.0


def run_succeeded(report: RunReport) -> bool:
    """Succeeded or no new data: anything but a failure keeps the table within its freshness objective."""
    return report.status != FAILED


def freshness_lag_seconds(newest_event: datetime, now: datetime) -> float:
    """Seconds from the newest event to `now`, never negative (an event stamped in the future counts as 0)."""
    return max(0.0, (now - newest_event).total_seconds())


def metric_data(report: RunReport, newest_event: datetime | None, now: datetime) -> list[dict[str, Any]]:
    dims = [{"Name": DIMENSION, "Value": report.dataset}]

    def datum(name: str, value: float, unit: str) -> dict[str, Any]:
        return {"MetricName": name, "Dimensions": dims, "Value": float(value), "Unit": unit}

    data = [
        datum("InputRows", report.input_rows, "Count"),
        datum("OutputRows", report.output_rows, "Count"),
        datum("QuarantinedRows", report.quarantined_rows, "Count"),
        datum("DuplicateRows", report.duplicate_rows, "Count"),
        datum("QuarantineSharePercent", quarantine_share_percent(report), "Percent"),
        datum("RunSucceeded", 1 if run_succeeded(report) else 0, "Count"),
    ]
    if newest_event is not None:
        data.append(datum("FreshnessLagSeconds", freshness_lag_seconds(newest_event, now), "Seconds"))
    return data


def publish(
    reports: Iterable[RunReport],
    namespace: str,
    client: MetricsClient,
    newest_events: Mapping[str, datetime],
    now: datetime,
) -> int:
    """Sends the metrics of `reports` (`newest_events`: dataset -> newest event time, where the table has
    rows) in as few PutMetricData calls as the API allows; returns how many data were sent."""
    data = [d for r in reports for d in metric_data(r, newest_events.get(r.dataset), now)]
    for i in range(0, len(data), MAX_PER_CALL):
        client.put_metric_data(Namespace=namespace, MetricData=data[i : i + MAX_PER_CALL])
    return len(data)


def _as_utc(value: datetime | date) -> datetime:
    """Spark returns timestamps naive in the session time zone (UTC in the lake's sessions); a date is its
    midnight."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def newest_events(
    spark: SparkSession,
    config: LakeConfig,
    datasets: Iterable[str],
    contracts: Contracts | None = None,
) -> dict[str, datetime]:
    """dataset -> the newest value of its table's time column, for the tables that exist and have rows.
    Iceberg answers `max()` from its file statistics where it can, so this reads metadata, not the data."""
    contracts = contracts or load_contracts()
    out: dict[str, datetime] = {}
    for dataset in dict.fromkeys(datasets):
        table = contracts.table(dataset)
        name = config.table(table.database, table.name)
        if not tables.table_exists(spark, name):
            continue
        newest = spark.sql(f"SELECT max(`{table.time_column}`) AS newest FROM {name}").first()
        if newest is not None and newest["newest"] is not None:
            out[dataset] = _as_utc(newest["newest"])
    return out
