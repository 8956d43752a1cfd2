"""`lake maintain` on the real local Spark + Iceberg: compaction, snapshot expiry (tags kept), orphan removal,
the report's counts, the local engine reading the table afterwards, refusals."""

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from test_ad_events import _event, _land

from lake_jobs import tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.job import run_dataset
from lake_jobs.lock import run_lock
from lake_jobs.maintenance import run_operation, tag
from lake_jobs.run import BUSY_EXIT, main
from lake_jobs.upkeep import maintain

REPO = Path(__file__).resolve().parents[2]
COMMITS = 21


def _small_commits(spark: SparkSession, lake: LakeConfig) -> tuple[str, list[str]]:
    """ad_events with one job run and then COMMITS small appends into the same day: many small files.
    Returns the table name and the snapshot id after each commit."""
    events = [_event(f"s{i}", cost=0.01 * i) for i in range(4)]
    _land(lake, "ad_events/2026/10/11/08/delivery-1.ndjson.gz", [json.dumps(e) for e in events])
    first = run_dataset(spark, lake, "ad_events")
    assert first.status == "succeeded"
    name = lake.table("processed", "ad_events")
    seed = spark.table(name).cache()
    versions = [first.snapshot_id]
    for i in range(COMMITS):
        batch = seed.withColumn("event_id", F.concat(F.col("event_id"), F.lit(f"-{i}")))
        batch.coalesce(1).writeTo(name).append()
        versions.append(tables.current_snapshot_id(spark, name))
    seed.unpersist()
    return name, versions


def _rows(df) -> list[tuple]:
    return sorted(tuple(r) for r in df.orderBy("event_id").collect())


def _on_disk(table_dir: Path) -> tuple[int, int]:
    files = [p for p in (table_dir / "data").rglob("*.parquet")]
    return len(files), sum(p.stat().st_size for p in files)


def _lake_query(home: str, sql: str, as_of: str | None = None) -> list[dict]:
    args = ["node", str(REPO / "bin" / "lake.js"), "--home", home, "query", sql, "--format", "json"]
    if as_of:
        args += ["--as-of", as_of]
    out = subprocess.run(args, capture_output=True, text=True, check=True, cwd=REPO, env=dict(os.environ))
    return json.loads(out.stdout)


def test_maintain_compacts_expires_past_retention_keeps_tags_and_the_counts_add_up(
    spark: SparkSession, lake: LakeConfig
) -> None:
    name, versions = _small_commits(spark, lake)
    home = str(Path(lake.warehouse).parent)
    tagged = versions[3]
    tag(spark, lake, "ad_events", "before_upkeep", version=tagged)
    current_rows = _rows(spark.table(name))
    tagged_rows = _rows(spark.read.option("tag", "before_upkeep").table(name))
    assert len(current_rows) == 4 * (COMMITS + 1) and len(tagged_rows) == 4 * 4
    sql = "SELECT count(*) AS n, sum(cost_usd) AS usd FROM processed.ad_events"
    engine_current, engine_tagged = _lake_query(home, sql), _lake_query(home, sql, "before_upkeep")

    # a month later: every snapshot is past the retention, the tag's still is kept
    later = datetime.now(UTC) + timedelta(days=30)
    [report] = maintain(spark, lake, ["processed.ad_events"], now=later)

    d = report.details
    settings = load_contracts().datasets["ad_events"].iceberg.maintenance
    assert report.status == "succeeded" and report.operation == "maintain"
    assert d["before"]["data_files"] >= COMMITS + 1 > settings.compaction_min_input_files
    assert d["after"]["data_files"] == 1  # one day partition, far below the target size
    assert (
        d["before"]["data_files"]
        - d["compaction"]["rewritten_data_files"]
        + d["compaction"]["added_data_files"]
        == (d["after"]["data_files"])
    )
    # at least N newest kept, plus the tagged one; every other version expired
    assert d["after"]["snapshots"] == settings.min_snapshots_to_keep + 1
    assert d["before"]["snapshots"] + 1 - d["expiry"]["expired_snapshots"] == d["after"]["snapshots"]
    assert d["expiry"]["deleted_data_files"] > 0 and d["refs_kept"] == ["before_upkeep"]
    # what is left on disk is exactly the files some kept version reads
    table_dir = Path(lake.warehouse) / "processed" / "ad_events"
    assert _on_disk(table_dir) == (d["after"]["kept_data_files"], d["after"]["kept_data_bytes"])
    assert d["after"]["kept_data_bytes"] < d["before"]["kept_data_bytes"]

    # same rows now and as of the tag, through Spark and through the local engine (which reads the files the
    # snapshot's manifests list)
    assert _rows(spark.table(name)) == current_rows
    assert _rows(spark.read.option("tag", "before_upkeep").table(name)) == tagged_rows
    assert _lake_query(home, sql) == engine_current and engine_current[0]["n"] == len(current_rows)
    assert _lake_query(home, sql, "before_upkeep") == engine_tagged and engine_tagged[0]["n"] == 16

    # nothing left to do: a second pass changes nothing
    [again] = maintain(spark, lake, ["ad_events"], now=later)
    assert again.details["compaction"]["rewritten_data_files"] == 0
    assert again.details["after"] == again.details["before"]


def test_maintain_refuses_an_unknown_table_by_naming_the_tables_and_a_busy_lake(
    spark: SparkSession, lake: LakeConfig, tmp_path: Path, capsys
) -> None:
    [refused] = run_operation(spark, lake, "maintain", table=None, tables_named=["ad_event"])
    assert refused.status == "failed" and refused.operation == "maintain"
    assert "unknown table(s) ad_event" in refused.error
    assert "processed.ad_events" in refused.error and "curated.daily_sales" in refused.error
    # a table without a version yet: reported, nothing done
    [empty] = maintain(spark, lake, ["transactions"])
    assert (empty.status, empty.details) == ("no_new_data", {"skipped": "the table has no version yet"})

    home = tmp_path / "busy"
    with run_lock(str(home / "state"), "etl ad_events"):
        assert main(["--home", str(home), "--op", "maintain"]) == BUSY_EXIT
    line = json.loads(capsys.readouterr().out.strip())
    assert line["busy"] is True and "etl ad_events" in line["error"]
