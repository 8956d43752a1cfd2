"""The transactions job end to end on a tiny raw folder (real local Spark + Iceberg), and daily_sales."""

import datetime as dt
import gzip
import json
from decimal import Decimal
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs import tables
from lake_jobs.checks import REPORT
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.curate import run_curated
from lake_jobs.job import Hooks, run_dataset

HEADER = ",".join(c.name for c in load_contracts().datasets["transactions"].columns_by_source("raw"))
T1 = (
    'T1,O1,C1,ann@example.com,"Ann\nof Line Two",P-1001,Aurora,electronics,2,79.99,EUR,card,completed,DE,'
    "2026-11-26T11:00:00+01:00"
)
T2 = "T2,O2,C2,bob@example.com,Bob,P-2001,Trail,sports,1,20.00,USD,card,completed,US,2026-11-26 12:00:00"
T8 = "T8,O8,C8,eve@example.com,Eve,P-4002,Cedar,home,3,10.00,USD,wallet,refunded,DE,2026-11-27 09:00:00"
BAD = [
    # a column missing; an extra column; a byte that is not UTF-8; a date format; an unknown status
    "T3,O3,C3,cy@example.com,Cy,P-1,X,sports,1,1.00,USD,card,completed,US",
    "T4,O4,C4,di@example.com,Di,P-1,X,sports,1,1.00,USD,card,completed,US,2026-11-26 12:00:00,extra",
    "T5,O5,C5,jo@example.com,Jos\xe9,P-1,X,sports,1,1.00,USD,card,completed,US,2026-11-26 12:00:00",
    "T6,O6,C6,fe@example.com,Fe,P-1,X,sports,1,1.00,USD,card,completed,US,26.11.2026 12:00",
    "T7,O7,C7,gu@example.com,Gu,P-1,X,sports,1,1.00,USD,card,shipped,US,2026-11-26 12:00:00",
]
T2_OTHER = T2.replace(",1,20.00,", ",5,20.00,")
B1 = "transactions/ingest_date=2026-11-28/batch=b1"
D26, D27 = dt.date(2026, 11, 26), dt.date(2026, 11, 27)


def land(lake: LakeConfig, key: str, lines: list[str] | None = None, data: bytes | None = None) -> None:
    path = Path(lake.raw_root) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        data = ("\ufeff" + "\r\n".join([HEADER, *(lines or [])]) + "\r\n").encode()
    path.write_bytes(data)


def land_csv(lake: LakeConfig, key: str, lines: list[str]) -> None:
    """CSV with BOM and CRLF; `\\xe9` in a line is written as the single (non-UTF-8) byte 0xE9."""
    text = "\ufeff" + "\r\n".join([HEADER, *lines]) + "\r\n"
    land(lake, key, data=text.encode("utf-8").replace("\xe9".encode(), b"\xe9"))


def quarantined(lake: LakeConfig, run_id: str) -> list[dict]:
    folder = Path(lake.quarantine_root) / "transactions" / f"run_id={run_id}"
    return [
        json.loads(line) for f in sorted(folder.glob("part-*.json")) for line in f.read_text().splitlines()
    ]


def processed(spark: SparkSession, lake: LakeConfig):
    """The table as of now (a DataFrame keeps the snapshot it was created on)."""
    return spark.table(f"{lake.catalog}.processed.transactions")


def sales(spark: SparkSession, lake: LakeConfig):
    return spark.table(f"{lake.catalog}.curated.daily_sales")


def test_bad_input_is_quarantined_counts_add_up_and_reruns_change_nothing(spark: SparkSession, lake) -> None:
    land_csv(lake, f"{B1}/orders.csv", [T1, T2, *BAD, T1, T2_OTHER, T8])
    land(lake, f"{B1}/empty.csv", data=b"")

    # half the batch is bad on purpose: the quarantine is under test, not the gate (report mode)
    first = run_dataset(spark, lake, "transactions", gate=REPORT)
    assert (first.status, first.error, first.failed_files) == ("succeeded", None, [])
    assert (first.input_rows, first.output_rows, first.quarantined_rows, first.duplicate_rows) == (
        10,
        3,
        6,
        1,
    )
    assert first.quarantine_reasons == {
        "allowed:status": 1,
        "duplicate:transaction_id": 1,
        "parse:csv": 2,
        "parse:encoding": 1,
        "type:created_at": 1,
    }
    assert first.files == [f"{B1}/empty.csv", f"{B1}/orders.csv"]
    assert first.snapshot_id is not None
    assertDataFrameEqual(
        processed(spark, lake).select(
            "transaction_id", "customer_name", "quantity", "amount_usd", "order_date", "etl_run_id"
        ),
        [
            ("T1", "Ann\nof Line Two", 2, Decimal("172.78"), D26, first.run_id),
            ("T2", "Bob", 1, Decimal("20.00"), D26, first.run_id),
            ("T8", "Eve", 3, Decimal("30.00"), D27, first.run_id),
        ],
    )
    q = {(r["reason"], r["record_no"]): r for r in quarantined(lake, first.run_id)}
    assert sorted(q) == [
        ("allowed:status", 7),
        ("duplicate:transaction_id", 9),
        ("parse:csv", 3),
        ("parse:csv", 4),
        ("parse:encoding", 5),
        ("type:created_at", 6),
    ]
    assert q[("parse:encoding", 5)]["raw_text"].startswith("T5,O5,C5,jo@example.com,Jos\ufffd,")
    assert q[("parse:encoding", 5)]["raw_base64"] is not None
    assert q[("duplicate:transaction_id", 9)]["raw_text"] == T2_OTHER
    assert all(r["source_file"] == f"{B1}/orders.csv" for r in q.values())
    ledger = json.loads((Path(lake.state_root) / "ledger" / "transactions.json").read_text())
    assert sorted(ledger["files"]) == first.files

    built = run_curated(spark, lake, "daily_sales")
    assert (built.status, built.input_rows, built.output_rows) == ("succeeded", 3, 3)
    assertDataFrameEqual(
        sales(spark, lake),
        [
            (D26, "electronics", "DE", 1, 2, Decimal("172.78"), 0, Decimal("0.00")),
            (D26, "sports", "US", 1, 1, Decimal("20.00"), 0, Decimal("0.00")),
            (D27, "home", "DE", 1, 0, Decimal("0.00"), 1, Decimal("30.00")),
        ],
    )

    again = run_dataset(spark, lake, "transactions")
    assert (again.status, again.files, again.input_rows, again.snapshot_id) == (
        "no_new_data",
        [],
        0,
        first.snapshot_id,
    )

    redo = run_dataset(spark, lake, "transactions", reprocess=True, gate=REPORT)
    assert (redo.status, redo.input_rows, redo.output_rows, redo.quarantined_rows, redo.duplicate_rows) == (
        "succeeded",
        10,
        0,
        6,
        4,
    )
    assert redo.snapshot_id == first.snapshot_id
    assert run_curated(spark, lake, "daily_sales").status == "no_new_data"

    # The same transaction again, with new content (refunded): an update; T8 unchanged: a duplicate.
    land_csv(
        lake,
        "transactions/ingest_date=2026-11-29/batch=b2/orders.csv",
        [T1.replace("completed", "refunded"), T8],
    )
    update = run_dataset(spark, lake, "transactions")
    assert (update.input_rows, update.output_rows, update.duplicate_rows) == (2, 1, 1)
    assert update.snapshot_id != first.snapshot_id
    assertDataFrameEqual(
        processed(spark, lake).select("transaction_id", "status", "etl_run_id"),
        [
            ("T1", "refunded", update.run_id),
            ("T2", "completed", first.run_id),
            ("T8", "refunded", first.run_id),
        ],
    )
    rebuilt = run_curated(spark, lake, "daily_sales")
    # Only 2026-11-26 is recomputed: its electronics row changed, its sports row did not.
    assert (rebuilt.input_rows, rebuilt.output_rows, rebuilt.duplicate_rows, rebuilt.deleted_rows) == (
        2,
        1,
        1,
        0,
    )
    assertDataFrameEqual(
        sales(spark, lake),
        [
            (D26, "electronics", "DE", 1, 0, Decimal("0.00"), 1, Decimal("172.78")),
            (D26, "sports", "US", 1, 1, Decimal("20.00"), 0, Decimal("0.00")),
            (D27, "home", "DE", 1, 0, Decimal("0.00"), 1, Decimal("30.00")),
        ],
    )


def test_a_run_killed_after_its_commit_reruns_harmlessly(spark: SparkSession, lake) -> None:
    land_csv(lake, f"{B1}/orders.csv", [T1, T2])

    def die() -> None:
        raise RuntimeError("killed after commit")

    killed = run_dataset(spark, lake, "transactions", hooks=Hooks(after_commit=die))
    assert (killed.status, killed.error) == ("failed", "RuntimeError: killed after commit")
    assert killed.snapshot_id is not None
    assert not (Path(lake.state_root) / "ledger" / "transactions.json").exists()

    rerun = run_dataset(spark, lake, "transactions")
    assert (rerun.status, rerun.input_rows, rerun.output_rows, rerun.duplicate_rows) == ("succeeded", 2, 0, 2)
    assert rerun.snapshot_id == killed.snapshot_id
    assert spark.table(f"{lake.catalog}.processed.transactions").count() == 2


def test_an_unreadable_file_fails_the_run_by_name_and_the_rest_is_loaded(spark: SparkSession, lake) -> None:
    land_csv(lake, f"{B1}/good.csv", [T2])
    land(lake, f"{B1}/broken.csv.gz", data=gzip.compress(HEADER.encode() + b"\n" + T8.encode())[:20])

    first = run_dataset(spark, lake, "transactions")
    assert (first.status, first.input_rows, first.output_rows) == ("failed", 1, 1)
    assert [f["file"] for f in first.failed_files] == [f"{B1}/broken.csv.gz"]
    assert first.error is not None and f"{B1}/broken.csv.gz" in first.error
    assert spark.table(f"{lake.catalog}.processed.transactions").count() == 1

    second = run_dataset(spark, lake, "transactions")
    assert (second.status, second.files, second.output_rows) == ("failed", [f"{B1}/broken.csv.gz"], 0)

    # The table the job created: Iceberg v2, copy-on-write, partitioned by day, documented columns.
    name = f"{lake.catalog}.processed.transactions"
    props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {name}").collect()}
    assert {
        k: props.get(k)
        for k in ("format-version", "write.merge.mode", "write.update.mode", "write.delete.mode")
    } == {
        "format-version": "2",
        "write.merge.mode": "copy-on-write",
        "write.update.mode": "copy-on-write",
        "write.delete.mode": "copy-on-write",
    }
    partitions = spark.sql(f"SELECT partition FROM {name}.partitions").collect()
    assert [p.partition.asDict() for p in partitions] == [{"created_at_day": D26}]
    comments = {r.col_name: r.comment for r in spark.sql(f"DESCRIBE TABLE {name}").collect()}
    assert (
        comments["created_at"] == load_contracts().datasets["transactions"].column("created_at").description
    )


def test_each_commit_names_its_run_in_the_snapshot_summary(spark: SparkSession, lake) -> None:
    land_csv(lake, f"{B1}/orders.csv", [T1, T2])
    report = run_dataset(spark, lake, "transactions")
    sales_report = run_curated(spark, lake, "daily_sales")
    name = f"{lake.catalog}.processed.transactions"
    assert tables.snapshot_summary(spark, name, report.snapshot_id)["lake.run-id"] == report.run_id
    curated = f"{lake.catalog}.curated.daily_sales"
    summary = tables.snapshot_summary(spark, curated, sales_report.snapshot_id)
    assert summary["lake.run-id"] == sales_report.run_id
    # the thread-local is cleared after the commit: a later SQL commit carries no stale run id
    spark.sql(f"DELETE FROM {name} WHERE transaction_id = 'T2'")
    later = tables.current_snapshot_id(spark, name)
    assert "lake.run-id" not in tables.snapshot_summary(spark, name, later)
