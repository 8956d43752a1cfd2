"""The jobs follow the agreements the exported document declares for both languages: the run report's fields,
the id format and the lake's folder layout."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

from lake_jobs import quarantine
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import agreements, load_contracts
from lake_jobs.report import RunReport, new_run_id, shape_problems
from lake_jobs.storage import LocalStorage


def test_the_report_dataclass_has_exactly_the_declared_fields_in_order() -> None:
    written = [f.name for f in dataclasses.fields(RunReport) if not f.name.startswith("_")]
    assert written == [f.name for f in load_contracts().run_report_fields]


def test_reports_as_written_conform_to_the_declaration(tmp_path) -> None:
    report = RunReport.start("transactions", "lake.processed.transactions")
    report.input_rows, report.output_rows, report.quarantined_rows = 3, 2, 1
    report.quarantine_reasons = {"required:customer_email": 1}
    report.files = ["transactions/ingest_date=2026-11-28/batch=b1/orders.csv"]
    report.failed_files = [{"file": "transactions/x.csv.gz", "error": "UnreadableFileError: corrupt gzip"}]
    report.quality = {
        "outcome": "warned",
        "branch": None,
        "checks": [
            {
                "name": "fresh",
                "kind": "freshness",
                "severity": "warn",
                "status": "failed",
                "value": 40.5,
                "threshold": "<= 36 h",
                "detail": "newest event at 2026-11-26T12:00:00+00:00",
            }
        ],
    }
    assert shape_problems(report.finish().to_dict()) == []
    curated = RunReport.start("daily_sales", "lake.curated.daily_sales")
    curated.deleted_rows = 0
    assert "deleted_rows" in curated.finish().to_dict()
    assert shape_problems(curated.to_dict()) == []
    failed = RunReport.start("server_logs", "lake.processed.server_logs")
    failed.fail("ValueError: boom")
    assert shape_problems(failed.finish().to_dict()) == []

    path = report.write(LocalStorage(), str(tmp_path / "reports"))
    assert path == f"{tmp_path}/reports/transactions/{report.run_id}.json"


def test_the_check_catches_a_drifted_report() -> None:
    doc = RunReport.start("transactions", "t").finish().to_dict()
    doc["rows_per_second"] = 1.5
    doc["status"] = "paused"
    doc["quality"] = {"outcome": "blocked", "branch": None, "checks": [{"name": "quarantine_share"}]}
    del doc["files"]
    assert sorted(shape_problems(doc)) == [
        "missing files",
        "quality is not qualityGate",
        "status is not status",
        "undeclared field rows_per_second",
    ]


def test_run_ids_have_the_declared_format_and_sort_by_start_time() -> None:
    ids = agreements()[1]
    early = new_run_id(datetime(2026, 11, 28, 9, 5, 7, tzinfo=UTC))
    late = new_run_id(datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC))
    assert re.fullmatch(ids.pattern.strip("^$"), early)
    assert early.startswith("20261128T090507Z-") and len(early.split("-")[1]) == ids.random_hex_digits
    assert early < late
    assert new_run_id() != new_run_id()


def test_the_lake_home_and_its_keys_follow_the_declared_layout(tmp_path) -> None:
    layout = agreements()[0]
    config = LakeConfig.local(str(tmp_path))
    assert {
        "raw": config.raw_root,
        "warehouse": config.warehouse,
        "quarantine": config.quarantine_root,
        "reports": config.reports_root,
        "state": config.state_root,
    } == {zone: f"{tmp_path}/{folder}" for zone, folder in layout.zones.items()}
    # the folders the lake has always had: existing lake homes stay readable
    assert config.ledger_path("transactions") == f"{tmp_path}/state/ledger/transactions.json"
    assert quarantine.quarantine_path(config.quarantine_root, "server_logs", "R1") == (
        f"{tmp_path}/quarantine/server_logs/run_id=R1"
    )
    assert layout.key("ingestBatch", prefix="transactions/", ingestDate="2026-11-28", batchId="b1") == (
        "transactions/ingest_date=2026-11-28/batch=b1"
    )
