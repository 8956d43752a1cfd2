"""CloudWatch metrics of job runs, built from their run reports (pure) and published after the job returns.

One datum per count and run, dimension `Dataset`: InputRows, OutputRows, QuarantinedRows, DuplicateRows,
QuarantineSharePercent (quarantined / input; 0 for an empty run) and RunSucceeded (1, or 0 for a failed
run: the gate outcome). The monitoring stack alarms on a quarantine share above its threshold and on no
successful run within a table's freshness objective. The namespace comes from the job arguments, set by
CDK, which also scopes the job role's cloudwatch:PutMetricData to it.
"""

from __future__ import annotations

from typing import Any, Protocol

from lake_jobs.report import SUCCEEDED, RunReport


class MetricsClient(Protocol):
    def put_metric_data(self, **kwargs: Any) -> Any: ...


# PutMetricData takes at most 1000 data per call
_MAX_PER_CALL = 1000


def quarantine_share_percent(report: RunReport) -> float:
    return 100.0 * report.quarantined_rows / report.input_rows if report.input_rows else 0.0


def metric_data(report: RunReport) -> list[dict[str, Any]]:
    dims = [{"Name": "Dataset", "Value": report.dataset}]

    def datum(name: str, value: float, unit: str) -> dict[str, Any]:
        return {"MetricName": name, "Dimensions": dims, "Value": float(value), "Unit": unit}

    return [
        datum("InputRows", report.input_rows, "Count"),
        datum("OutputRows", report.output_rows, "Count"),
        datum("QuarantinedRows", report.quarantined_rows, "Count"),
        datum("DuplicateRows", report.duplicate_rows, "Count"),
        datum("QuarantineSharePercent", quarantine_share_percent(report), "Percent"),
        datum("RunSucceeded", 1 if report.status == SUCCEEDED else 0, "Count"),
    ]


def publish(reports: list[RunReport], namespace: str, client: MetricsClient) -> int:
    """Sends the metrics of `reports`; returns how many data were sent."""
    data = [d for r in reports for d in metric_data(r)]
    for i in range(0, len(data), _MAX_PER_CALL):
        client.put_metric_data(Namespace=namespace, MetricData=data[i : i + _MAX_PER_CALL])
    return len(data)
