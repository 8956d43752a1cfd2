"""Tags, rollback, the run lock and kill-safety of quarantine, on the real local Spark + Iceberg."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual
from test_job import B1, BAD, T1, T2, T2_OTHER, T8, land_csv

from lake_jobs import quarantine, tables
from lake_jobs.checks import REPORT
from lake_jobs.config import LakeConfig
from lake_jobs.job import Hooks, run_dataset
from lake_jobs.ledger import Ledger
from lake_jobs.lock import LakeBusyError, run_lock
from lake_jobs.maintenance import MaintenanceError, rollback, run_operation, tag, tag_all
from lake_jobs.run import BUSY_EXIT, main
from lake_jobs.storage import LocalStorage

B2 = "transactions/ingest_date=2026-11-29/batch=b2"


def _tx(lake: LakeConfig) -> str:
    return f"{lake.catalog}.processed.transactions"


def _two_versions(spark: SparkSession, lake: LakeConfig):
    land_csv(lake, f"{B1}/orders.csv", [T1, T2])
    first = run_dataset(spark, lake, "transactions")
    land_csv(lake, f"{B2}/correction.csv", [T2_OTHER, T8])
    second = run_dataset(spark, lake, "transactions")
    assert (first.status, second.status, second.output_rows) == ("succeeded", "succeeded", 2)
    return first, second


def _refs(spark: SparkSession, name: str) -> dict[str, int]:
    return {r.name: r.snapshot_id for r in spark.sql(f"SELECT name, snapshot_id FROM {name}.refs").collect()}


def test_rollback_restores_exactly_the_old_rows_and_holds_the_undone_raw_files(spark: SparkSession, lake):
    first, second = _two_versions(spark, lake)
    old = tables.read_snapshot(spark, _tx(lake), first.snapshot_id)

    reports = rollback(spark, lake, "transactions", first.snapshot_id)
    done = reports[0]
    assert (done.operation, done.status, done.previous_snapshot_id, done.snapshot_id) == (
        "rollback",
        "succeeded",
        second.snapshot_id,
        first.snapshot_id,
    )
    assert done.details["undone_runs"] == [second.run_id]
    assert done.details["procedure"] == "rollback_to_snapshot"
    assertDataFrameEqual(spark.table(_tx(lake)), old)
    assert spark.table(_tx(lake)).where("transaction_id = 'T2'").first().quantity == 1
    # curated tables built from it are recomputed in the same operation
    assert [r.dataset for r in reports[1:]] == ["daily_sales", "campaign_performance"]

    ledger = Ledger.load(LocalStorage(), f"{lake.state_root}/ledger/transactions.json")
    undone = {k for k, v in ledger.files.items() if v.get("undone_by") == done.run_id}
    assert undone == {f"{B2}/correction.csv"}

    # the next run does not re-apply the undone load; --reprocess does (and the load is current again)
    again = run_dataset(spark, lake, "transactions")
    assert (again.status, again.snapshot_id) == ("no_new_data", first.snapshot_id)
    # one of four records is a quarantined conflict (25%): the gate would hold it; reported instead
    redo = run_dataset(spark, lake, "transactions", reprocess=True, gate=REPORT)
    # all four records read again: T8 is back; the two versions of T2 in one batch are a quarantined conflict
    assert (redo.status, redo.input_rows, redo.output_rows) == ("succeeded", 4, 1)
    assert spark.table(_tx(lake)).where("transaction_id = 'T8'").count() == 1
    ledger = Ledger.load(LocalStorage(), f"{lake.state_root}/ledger/transactions.json")
    assert not any(v.get("undone_by") for v in ledger.files.values())


def test_tags_one_version_or_every_table_and_refuses_what_does_not_exist(spark: SparkSession, lake) -> None:
    first, second = _two_versions(spark, lake)
    [t] = tag(spark, lake, "transactions", "before-fix", version=first.snapshot_id, retain_days=7)
    assert (t.operation, t.snapshot_id) == ("tag", first.snapshot_id)
    assert _refs(spark, _tx(lake))["before-fix"] == int(first.snapshot_id)

    with pytest.raises(MaintenanceError, match=r"'before-fix' already exists on processed.transactions \(at"):
        tag(spark, lake, "transactions", "before-fix")
    with pytest.raises(MaintenanceError, match=f"no version 42; its newest versions: {second.snapshot_id}"):
        tag(spark, lake, "transactions", "x", version="42")
    with pytest.raises(MaintenanceError, match=r"has no tag or branch 'nope' \(refs: before-fix, main\)"):
        rollback(spark, lake, "transactions", "nope")
    with pytest.raises(MaintenanceError, match=r"not a usable tag name"):
        tag(spark, lake, "transactions", "1st")

    from lake_jobs.curate import run_curated

    sales = run_curated(spark, lake, "daily_sales")
    with pytest.raises(MaintenanceError, match=r"of curated.daily_sales, not of processed.transactions"):
        rollback(spark, lake, "transactions", sales.snapshot_id)

    release = tag_all(spark, lake, "release-1")
    assert {r.dataset: r.snapshot_id for r in release} == {
        "transactions": second.snapshot_id,
        "daily_sales": sales.snapshot_id,
    }
    assert _refs(spark, f"{lake.catalog}.curated.daily_sales")["release-1"] == int(sales.snapshot_id)
    # rollback by tag; a refusal through run_operation is a failed report that names the problem
    back = run_operation(spark, lake, "rollback", table="transactions", version="before-fix")
    assert back[0].snapshot_id == first.snapshot_id
    refused = run_operation(spark, lake, "rollback", table="transactions", version="before-fix")
    assert refused[0].status == "failed"
    current = f"version {first.snapshot_id} is already the current version of processed.transactions"
    assert refused[0].error == current


def test_a_killed_run_leaves_its_quarantine_in_staging_and_the_rerun_quarantines_each_record_once(
    spark: SparkSession, lake
) -> None:
    land_csv(lake, f"{B1}/orders.csv", [T1, T2, *BAD])

    def die() -> None:
        raise RuntimeError("killed after commit")

    # mostly bad records on purpose: the quarantine is under test, not the gate (report mode)
    killed = run_dataset(spark, lake, "transactions", hooks=Hooks(after_commit=die), gate=REPORT)
    assert killed.status == "failed"
    root = Path(lake.quarantine_root) / "transactions"
    assert [p.name for p in (root / "_staging").iterdir()] == [f"run_id={killed.run_id}"]
    assert not (root / f"run_id={killed.run_id}").exists()

    rerun = run_dataset(spark, lake, "transactions", gate=REPORT)
    assert (rerun.status, rerun.quarantined_rows) == ("succeeded", len(BAD))
    assert sorted(p.name for p in root.iterdir()) == ["_staging", f"run_id={rerun.run_id}"]
    assert list((root / "_staging").iterdir()) == []
    parts = (root / f"run_id={rerun.run_id}").glob("part-*.json")
    lines = [json.loads(x) for f in parts for x in f.read_text().splitlines()]
    assert len(lines) == len(BAD)


def test_staged_quarantine_of_a_run_that_recorded_its_files_is_published_not_dropped(tmp_path: Path) -> None:
    root = tmp_path / "quarantine"
    for run in ("r-committed", "r-killed"):
        (root / "transactions" / "_staging" / f"run_id={run}").mkdir(parents=True)
        (root / "transactions" / "_staging" / f"run_id={run}" / "part-0.json").write_text("{}\n")
    done = quarantine.settle_staging(LocalStorage(), str(root), "transactions", lambda r: r == "r-committed")
    assert done == {"published": ["r-committed"], "dropped": ["r-killed"]}
    assert (root / "transactions" / "run_id=r-committed" / "part-0.json").exists()
    assert not (root / "transactions" / "run_id=r-killed").exists()
    assert list((root / "transactions" / "_staging").iterdir()) == []


def test_the_run_lock_refuses_a_second_run_by_name_and_is_free_again_after(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    state = str(home / "state")
    with run_lock(state, "etl transactions"):
        busy = r"is busy: etl transactions \(pid \d+, since .*\) is running"
        with pytest.raises(LakeBusyError, match=busy), run_lock(state, "maintenance rollback"):
            pass
        waited = r"after waiting 0.3 s"
        with pytest.raises(LakeBusyError, match=waited), run_lock(state, "etl", wait_seconds=0.3):
            pass
        # the runner refuses before it starts Spark: one JSON line, exit 75, nothing done
        code = main(["--home", str(home), "--dataset", "transactions"])
        assert code == BUSY_EXIT
        line = json.loads(capsys.readouterr().out.strip())
        assert line["busy"] is True and "etl transactions" in line["error"]
    with run_lock(state, "etl again"):
        pass


def test_a_killed_holder_never_leaves_a_stale_lock(tmp_path: Path) -> None:
    state = str(tmp_path / "state")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from lake_jobs.lock import run_lock\n"
            f"with run_lock({state!r}, 'holder'):\n    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LakeBusyError, match="holder"), run_lock(state, "second"):
            pass
    finally:
        holder.kill()
        holder.wait()
    with run_lock(state, "after the kill", wait_seconds=5):
        pass
