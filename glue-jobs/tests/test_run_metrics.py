"""Run metrics from run reports (pure), the newest event of a table read on local Spark + Iceberg, and their
publication in the batches PutMetricData accepts (a stand-in for the CloudWatch client only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pyspark.sql import SparkSession

from lake_jobs import tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Table, load_contracts
from lake_jobs.glue_runtime import publish_metrics
from lake_jobs.report import NO_NEW_DATA, RunReport
from lake_jobs.run_metrics import MAX_PER_CALL, metric_data, newest_events, publish

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _report(dataset: str, inp: int, out: int, quarantined: int, dups: int, status: str = "") -> RunReport:
    r = RunReport.start(dataset, dataset)
    r.input_rows, r.output_rows, r.quarantined_rows, r.duplicate_rows = inp, out, quarantined, dups
    r.quarantine_reasons = {"required:id": quarantined} if quarantined else {}
    if status == "failed":
        r.fail("boom")
    elif status:
        r.status = status
    return r.finish()


def _values(report: RunReport, newest: datetime | None = None) -> dict[str, float]:
    return {d["MetricName"]: d["Value"] for d in metric_data(report, newest, NOW)}


def test_one_datum_per_count_with_the_quarantine_share_the_outcome_and_the_freshness_lag():
    data = metric_data(_report("transactions", 200, 150, 30, 20), NOW - timedelta(minutes=90), NOW)
    assert {d["MetricName"]: d["Value"] for d in data} == {
        "InputRows": 200.0,
        "OutputRows": 150.0,
        "QuarantinedRows": 30.0,
        "DuplicateRows": 20.0,
        "QuarantineSharePercent": 15.0,
        "RunSucceeded": 1.0,
        "FreshnessLagSeconds": 5400.0,
    }
    units = {d["MetricName"]: d["Unit"] for d in data}
    assert (units["QuarantineSharePercent"], units["FreshnessLagSeconds"], units["InputRows"]) == (
        "Percent",
        "Seconds",
        "Count",
    )
    assert all(d["Dimensions"] == [{"Name": "Dataset", "Value": "transactions"}] for d in data)


def test_an_empty_run_has_no_quarantine_share_and_an_empty_table_no_freshness_lag():
    empty = _values(_report("ad_events", 0, 0, 0, 0))
    assert empty["QuarantineSharePercent"] == 0.0
    assert "FreshnessLagSeconds" not in empty


def test_no_new_data_counts_as_a_successful_run_and_a_failed_run_reports_zero_but_still_its_lag():
    assert _values(_report("ad_events", 0, 0, 0, 0, NO_NEW_DATA))["RunSucceeded"] == 1.0
    failed = _values(_report("ad_events", 0, 0, 0, 0, "failed"), NOW - timedelta(hours=2))
    assert failed["RunSucceeded"] == 0.0
    assert failed["FreshnessLagSeconds"] == 7200.0


def test_an_event_stamped_after_now_has_no_negative_lag():
    assert _values(_report("ad_events", 1, 1, 0, 0), NOW + timedelta(minutes=5))["FreshnessLagSeconds"] == 0.0


_UNITS = {"Seconds", "Percent", "Count"}


class _CloudWatch:
    """Stands in for the AWS CloudWatch client only: records each call and refuses what PutMetricData refuses
    (more than 1000 data, no namespace, a unit it does not know, a datum without a value)."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[dict] = []
        self.fail = fail

    def put_metric_data(self, **kwargs):
        if self.fail:
            raise self.fail
        assert kwargs["Namespace"], "Namespace is required"
        assert 1 <= len(kwargs["MetricData"]) <= MAX_PER_CALL
        for d in kwargs["MetricData"]:
            assert d["Unit"] in _UNITS and isinstance(d["Value"], float) and d["Dimensions"]
        self.calls.append(kwargs)


def test_publish_sends_every_datum_under_the_namespace_in_batches_of_at_most_1000():
    reports = [_report(f"d{i}", 10, 9, 1, 0) for i in range(170)]
    newest = {"d0": NOW - timedelta(seconds=30)}
    cw = _CloudWatch()
    assert publish(reports, "shoplake-dev/jobs", cw, newest, NOW) == 170 * 6 + 1
    assert [len(c["MetricData"]) for c in cw.calls] == [1000, 21]
    assert {c["Namespace"] for c in cw.calls} == {"shoplake-dev/jobs"}
    lags = [d for c in cw.calls for d in c["MetricData"] if d["MetricName"] == "FreshnessLagSeconds"]
    assert [(d["Dimensions"][0]["Value"], d["Value"]) for d in lags] == [("d0", 30.0)]


def _row(table: Table, values: dict) -> dict:
    """A row of `table` with `values`, and a typed placeholder in every other column (required ones need
    one)."""
    placeholder = {
        "string": "x",
        "int": 1,
        "bigint": 1,
        "double": 1.0,
        "boolean": True,
        "timestamp": datetime(2026, 1, 1),
        "date": date(2026, 1, 1),
        "decimal(18,2)": Decimal("1.00"),
        "decimal(18,4)": Decimal("1.0000"),
        "array<string>": ["x"],
    }
    return {c.name: values.get(c.name, placeholder[c.type]) for c in table.columns}


def _append(spark: SparkSession, lake: LakeConfig, table: Table, rows: list[dict]) -> None:
    name = tables.ensure_table(spark, lake, table)
    df = spark.createDataFrame([_row(table, r) for r in rows], spark.table(name).schema)
    df.writeTo(name).append()


def test_newest_events_reads_the_time_column_of_each_table_that_has_rows(
    spark: SparkSession, lake: LakeConfig
):
    contracts = load_contracts()
    ads, sales = contracts.table("ad_events"), contracts.table("daily_sales")
    _append(
        spark,
        lake,
        ads,
        [
            {"event_id": "e1", "event_time": datetime(2026, 3, 2, 11, 40)},
            {"event_id": "e2", "event_time": datetime(2026, 3, 2, 11, 15)},
        ],
    )
    _append(spark, lake, sales, [{"order_date": date(2026, 3, 1)}])
    tables.ensure_table(spark, lake, contracts.table("transactions"))  # exists, but has no rows

    got = newest_events(spark, lake, ["ad_events", "daily_sales", "transactions", "server_logs"])
    assert got == {
        "ad_events": datetime(2026, 3, 2, 11, 40, tzinfo=UTC),
        "daily_sales": datetime(2026, 3, 1, tzinfo=UTC),
    }


def test_glue_publication_reads_the_lake_and_never_fails_the_job(spark: SparkSession, lake: LakeConfig):
    contracts = load_contracts()
    _append(
        spark, lake, contracts.table("ad_events"), [{"event_id": "e1", "event_time": datetime(2026, 3, 2)}]
    )
    args = {
        "catalog": lake.catalog,
        "processed_database": lake.processed_db,
        "curated_database": lake.curated_db,
        "raw_root": lake.raw_root,
        "warehouse": lake.warehouse,
        "quarantine_root": lake.quarantine_root,
        "reports_root": lake.reports_root,
        "state_root": lake.state_root,
        "metrics_namespace": "shoplake-t/jobs",
    }
    reports = [_report("ad_events", 3, 2, 1, 0)]
    cw = _CloudWatch()
    assert publish_metrics(spark, args, reports, cw) == 7
    assert {d["MetricName"] for d in cw.calls[0]["MetricData"]} >= {"FreshnessLagSeconds", "RunSucceeded"}

    down = _CloudWatch(fail=ConnectionError("endpoint unreachable"))
    assert publish_metrics(spark, args, reports, down) == 0


def test_glue_publication_with_incomplete_arguments_is_logged_not_raised(
    spark: SparkSession, lake: LakeConfig, capsys: pytest.CaptureFixture[str]
):
    cw = _CloudWatch()
    assert publish_metrics(spark, {"catalog": lake.catalog}, [_report("ad_events", 0, 0, 0, 0)], cw) == 0
    assert cw.calls == []
    assert "run metrics not published" in capsys.readouterr().err
