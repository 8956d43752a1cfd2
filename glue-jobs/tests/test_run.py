"""The local runner: what it plans, how it reports, and its exit status for bad arguments."""

import json
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.report import CountsDoNotAddUpError, RunReport
from lake_jobs.run import main, plan, run_all

CONTRACTS = load_contracts()


def test_plan_runs_curated_tables_of_the_selected_datasets() -> None:
    assert plan(CONTRACTS, None) == (
        ["transactions", "server_logs", "social_posts", "ad_events"],
        ["daily_sales", "campaign_performance"],
    )
    assert plan(CONTRACTS, ["server_logs"]) == (["server_logs"], [])
    assert plan(CONTRACTS, ["ad_events"]) == (["ad_events"], ["campaign_performance"])
    assert plan(CONTRACTS, ["daily_sales"]) == ([], ["daily_sales"])


def test_an_unknown_dataset_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--home", "/nonexistent", "--dataset", "orders"])
    assert exit_info.value.code == 2
    assert "unknown dataset(s): orders" in capsys.readouterr().err


def test_report_counts_must_add_up() -> None:
    report = RunReport.start("transactions", "processed.transactions")
    report.input_rows, report.output_rows, report.duplicate_rows = 3, 1, 1
    with pytest.raises(CountsDoNotAddUpError):
        report.finish()


def test_run_all_writes_and_emits_one_report_per_run(spark: SparkSession, lake: LakeConfig) -> None:
    emitted: list[RunReport] = []
    reports = run_all(spark, lake, ["transactions"], emit=emitted.append)
    assert [(r.dataset, r.status) for r in reports] == [
        ("transactions", "no_new_data"),
        ("daily_sales", "succeeded"),
        ("campaign_performance", "no_new_data"),
    ]
    assert emitted == reports
    for r in reports:
        written = json.loads((Path(lake.reports_root) / r.dataset / f"{r.run_id}.json").read_text())
        assert written == json.loads(r.to_json())
        assert set(written) >= {
            "dataset",
            "run_id",
            "status",
            "input_rows",
            "output_rows",
            "quarantined_rows",
            "duplicate_rows",
            "quarantine_reasons",
            "snapshot_id",
            "duration_ms",
            "started_at",
            "files",
            "error",
        }
