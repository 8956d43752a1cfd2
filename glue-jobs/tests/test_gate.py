"""Write-audit-publish on real local Spark + Iceberg: a blocked batch waits on its audit branch with main
untouched; publish makes it visible, discard drops it and its raw files are read again; warn checks
publish."""

import json
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from test_job import BAD, T1, T2, T8, land_csv

from lake_jobs import tables
from lake_jobs.checks import REPORT
from lake_jobs.config import LakeConfig
from lake_jobs.gate import discard, publish
from lake_jobs.job import run_dataset
from lake_jobs.ledger import Ledger
from lake_jobs.maintenance import MaintenanceError, run_operation
from lake_jobs.storage import LocalStorage

T9 = "T9,O9,C9,ivy@example.com,Ivy,P-2002,Summit,sports,1,34.90,USD,card,completed,US,2026-11-27 10:00:00"
B2 = "transactions/ingest_date=2026-11-29/batch=b2"


def _name(lake: LakeConfig) -> str:
    return f"{lake.catalog}.processed.transactions"


def _ids(spark: SparkSession, table: str) -> list[str]:
    return sorted(r.transaction_id for r in spark.table(table).collect())


def _run(spark: SparkSession, lake: LakeConfig):
    report = run_dataset(spark, lake, "transactions")
    report.write(LocalStorage(), lake.reports_root)
    return report


def _staged(lake: LakeConfig) -> list[str]:
    return LocalStorage().list_dirs(f"{lake.quarantine_root}/transactions/_staging")


def test_a_blocked_batch_waits_on_its_branch_until_discarded_or_published(spark: SparkSession, lake) -> None:
    land_csv(lake, "transactions/ingest_date=2026-11-28/batch=b1/orders.csv", [T1, T2, T8])
    first = _run(spark, lake)
    # the sample orders are days old: the freshness check warns, and the batch still publishes
    fresh = next(c for c in first.quality["checks"] if c["name"] == "fresh")
    assert (first.status, first.quality["outcome"], fresh["status"], fresh["severity"]) == (
        "succeeded",
        "warned",
        "failed",
        "warn",
    )
    name = _name(lake)
    assert _ids(spark, name) == ["T1", "T2", "T8"]
    published = tables.current_snapshot_id(spark, name)
    # the gate's own time is measured, and is part of the run's
    assert 0 < first.quality["duration_ms"] <= first.duration_ms

    land_csv(lake, f"{B2}/orders.csv", [T9, *BAD])
    blocked = _run(spark, lake)
    assert blocked.status == "blocked"
    assert (blocked.input_rows, blocked.output_rows, blocked.quarantined_rows, blocked.duplicate_rows) == (
        6,
        1,
        5,
        0,
    )
    share = next(c for c in blocked.quality["checks"] if c["name"] == "quarantine_share")
    assert (share["status"], share["value"], share["threshold"]) == ("failed", 0.8333, "<= 0.2")
    branch = blocked.quality["branch"]
    assert branch == tables.audit_branch(blocked.run_id)
    # main exactly as it was and readable; the branch holds the new row
    assert tables.current_snapshot_id(spark, name) == blocked.snapshot_id == published
    assert _ids(spark, name) == ["T1", "T2", "T8"]
    assert _ids(spark, tables.branch_table(name, branch)) == ["T1", "T2", "T8", "T9"]
    # the raw file is held: not new, not lost; its quarantine waits in staging
    ledger = Ledger.load(LocalStorage(), lake.ledger_path("transactions"))
    assert ledger.held_runs() == [blocked.run_id]
    assert _staged(lake) == [f"run_id={blocked.run_id}"]
    assert _run(spark, lake).status == "no_new_data"
    assert _staged(lake) == [f"run_id={blocked.run_id}"]

    # a publish of a run that was not blocked, or of an unknown run: refused by name, nothing changed
    with pytest.raises(MaintenanceError, match=f"run {first.run_id} of transactions was not blocked"):
        publish(spark, lake, "transactions", first.run_id)
    with pytest.raises(MaintenanceError, match=f"blocked runs waiting: {blocked.run_id}"):
        publish(spark, lake, "transactions", "20260101T000000Z-abcdef12")

    (dropped,) = discard(spark, lake, "transactions", blocked.run_id)
    assert dropped.files == [f"{B2}/orders.csv"]
    assert branch not in tables.refs(spark, name)
    assert _ids(spark, name) == ["T1", "T2", "T8"] and _staged(lake) == []

    # discarded: the files are read again on the next run (blocked again: the data did not change)
    again = _run(spark, lake)
    assert (again.status, again.files) == ("blocked", [f"{B2}/orders.csv"])
    reports = run_operation(spark, lake, "publish", table="processed.transactions", run_id=again.run_id)
    assert [r.operation for r in reports[:1]] == ["publish"] and reports[0].status == "succeeded"
    assert reports[0].previous_snapshot_id == published != reports[0].snapshot_id
    assert _ids(spark, name) == ["T1", "T2", "T8", "T9"]
    assert tables.audit_branch(again.run_id) not in tables.refs(spark, name)
    # the quarantine of the published run is in place once, and its files count as loaded
    folder = Path(lake.quarantine_root) / "transactions" / f"run_id={again.run_id}"
    rows = [json.loads(x) for f in folder.glob("part-*.json") for x in f.read_text().splitlines()]
    assert len(rows) == 5 and _staged(lake) == []
    assert Ledger.load(LocalStorage(), lake.ledger_path("transactions")).held_runs() == []
    assert _run(spark, lake).status == "no_new_data"
    refused = run_operation(spark, lake, "discard", table="transactions", run_id=again.run_id)
    assert refused[0].status == "failed"
    assert f"run {again.run_id} of transactions was blocked and is no longer waiting" in refused[0].error


def test_report_mode_publishes_a_batch_that_fails_a_critical_check_and_reports_it(
    spark: SparkSession, lake
) -> None:
    land_csv(lake, "transactions/ingest_date=2026-11-28/batch=b1/orders.csv", [T9, *BAD])
    report = run_dataset(spark, lake, "transactions", gate=REPORT)
    assert (report.status, report.quality["outcome"], report.quality["mode"]) == (
        "succeeded",
        "reported",
        "report",
    )
    share = next(c for c in report.quality["checks"] if c["name"] == "quarantine_share")
    assert (share["status"], share["severity"], share["value"]) == ("failed", "critical", 0.8333)
    name = _name(lake)
    # published at once: main holds the row, no audit branch is left, nothing is held
    assert _ids(spark, name) == ["T9"]
    assert report.quality["branch"] is None
    assert [r for r in tables.refs(spark, name) if r != "main"] == []
    assert Ledger.load(LocalStorage(), lake.ledger_path("transactions")).held_runs() == []
