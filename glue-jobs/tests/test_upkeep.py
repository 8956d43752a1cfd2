"""`lake maintain` on the real local Spark + Iceberg: compaction, snapshot expiry (tags and audit branches
kept), orphan removal, the report's counts, the local engine reading the table afterwards, refusals."""

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
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
EVENTS = 4
COMMITS = 11
FILES = 2
"""small files each of the COMMITS appends writes: 1 + COMMITS x FILES files in one day partition"""
TAGGED = 1
"""the version tagged: the first load and TAGGED appends, outside the newest versions kept"""
SETTINGS = load_contracts().datasets["ad_events"].iceberg.maintenance
# a month later: every version is past the retention and every unreferenced file past the orphan window
LATER = datetime.now(UTC) + timedelta(days=30)


def _first_load(spark: SparkSession, lake: LakeConfig) -> tuple[str, DataFrame, str]:
    """ad_events after one job run of EVENTS events on one day: the table name, the first version's rows (a
    DataFrame of its own, so that later appends or expiry never change it) and the first version's id."""
    events = [_event(f"s{i}", cost=0.01 * (i + 1)) for i in range(EVENTS)]
    _land(lake, "ad_events/2026/10/11/08/delivery-1.ndjson.gz", [json.dumps(e) for e in events])
    first = run_dataset(spark, lake, "ad_events")
    assert first.status == "succeeded" and first.output_rows == EVENTS
    name = lake.table("processed", "ad_events")
    # Not `spark.table(name).cache()`: every append to the table re-caches a cached plan over it, so a cached
    # seed would grow with the table and double its rows at each commit.
    current = spark.table(name)
    seed = spark.createDataFrame(current.collect(), current.schema)
    return name, seed, first.snapshot_id


def _append(seed: DataFrame, target: str, suffix: str, files: int = 1) -> None:
    """One commit of `files` small files: the seed's rows under new event ids."""
    batch = seed.withColumn("event_id", F.concat(F.col("event_id"), F.lit(suffix)))
    # no distribution by partition before the write: each of the `files` tasks writes its own file
    batch.repartition(files).writeTo(target).option("distribution-mode", "none").append()


def _small_commits(
    spark: SparkSession, seed: DataFrame, name: str, n: int, label: str, files: int = 1
) -> list[str]:
    """n small appends into the seed's day, of `files` files each. The version after each commit."""
    versions = []
    for i in range(n):
        _append(seed, name, f"-{label}{i}", files)
        versions.append(tables.current_snapshot_id(spark, name))
    return versions


def _rows(df: DataFrame) -> list[tuple]:
    return sorted(tuple(r) for r in df.collect())


def _on_disk(lake: LakeConfig) -> tuple[int, int]:
    files = list((Path(lake.warehouse) / "processed" / "ad_events" / "data").rglob("*.parquet"))
    return len(files), sum(p.stat().st_size for p in files)


def _snapshot_ids(spark: SparkSession, name: str) -> set[str]:
    return {str(r.snapshot_id) for r in spark.sql(f"SELECT snapshot_id FROM {name}.snapshots").collect()}


def _figures(df: DataFrame) -> dict:
    """Rows and the sum of cost_usd, as the local engine's JSON gives them."""
    row = df.agg(F.count(F.lit(1)).alias("n"), F.sum("cost_usd").alias("usd")).first()
    return {"n": row.n, "usd": float(row.usd)}


def _lake_query(home: str, sql: str, as_of: str | None = None) -> list[dict]:
    args = ["node", str(REPO / "bin" / "lake.js"), "--home", home, "query", sql, "--format", "json"]
    if as_of:
        args += ["--as-of", as_of]
    out = subprocess.run(args, capture_output=True, text=True, check=True, cwd=REPO, env=dict(os.environ))
    return json.loads(out.stdout)


def test_maintain_compacts_expires_past_retention_keeps_tags_and_the_counts_add_up(
    spark: SparkSession, lake: LakeConfig
) -> None:
    name, seed, first = _first_load(spark, lake)
    versions = [first, *_small_commits(spark, seed, name, COMMITS, "a", FILES)]
    home = str(Path(lake.warehouse).parent)
    tag(spark, lake, "ad_events", "before_upkeep", version=versions[TAGGED])
    current_rows = _rows(spark.table(name))
    tagged_rows = _rows(spark.read.option("tag", "before_upkeep").table(name))
    assert len(current_rows) == EVENTS * (COMMITS + 1) and len(tagged_rows) == EVENTS * (TAGGED + 1)
    small, tagged_files = 1 + COMMITS * FILES, 1 + TAGGED * FILES
    sql = "SELECT count(*) AS n, sum(cost_usd) AS usd FROM processed.ad_events"
    # what the local engine must read afterwards: Spark's figures of the current and the tagged version now
    spark_current, spark_tagged = (
        _figures(spark.table(name)),
        _figures(spark.read.option("tag", "before_upkeep").table(name)),
    )
    keep = SETTINGS.min_snapshots_to_keep
    before = _snapshot_ids(spark, name)  # the first run's own, and one per small commit

    [report] = maintain(spark, lake, ["processed.ad_events"], now=LATER)

    d = report.details
    assert report.status == "succeeded" and report.operation == "maintain"
    assert d["before"]["data_files"] == small > SETTINGS.compaction_min_input_files
    assert d["after"]["data_files"] == 1  # one day partition, far below the target size
    assert d["compaction"]["rewritten_data_files"] == small and d["compaction"]["added_data_files"] == 1
    # the newest N kept (the compaction's version and the N - 1 before it), plus the tagged one
    compacted = report.snapshot_id
    assert _snapshot_ids(spark, name) == {compacted, *versions[-(keep - 1) :], versions[TAGGED]}
    assert (d["before"]["snapshots"], d["after"]["snapshots"]) == (len(before), keep + 1)
    assert d["expiry"]["expired_snapshots"] == len(before) + 1 - (keep + 1)
    assert d["refs_kept"] == ["before_upkeep"]
    # the versions kept still read every small file: none is deleted yet, the compacted file is added
    assert d["expiry"]["deleted_data_files"] == 0
    assert (d["before"]["kept_data_files"], d["after"]["kept_data_files"]) == (small, small + 1)
    assert _on_disk(lake) == (d["after"]["kept_data_files"], d["after"]["kept_data_bytes"])

    # same rows now and as of the tag, through Spark and through the local engine (which reads the files the
    # snapshot's manifests list)
    assert _rows(spark.table(name)) == current_rows
    assert _rows(spark.read.option("tag", "before_upkeep").table(name)) == tagged_rows
    assert _lake_query(home, sql) == [spark_current]
    assert _lake_query(home, sql, "before_upkeep") == [spark_tagged]

    # the stream goes on: N more small commits (too few to compact), then the versions from before the
    # compaction expire and the small files only they read are deleted; the tagged version's stay
    more = _small_commits(spark, seed, name, keep, "b")
    current_rows = _rows(spark.table(name))
    [second] = maintain(spark, lake, ["ad_events"], now=LATER)
    d = second.details
    assert second.status == "succeeded" and d["compaction"]["rewritten_data_files"] == 0
    assert _snapshot_ids(spark, name) == {*more, versions[TAGGED]}
    assert d["expiry"]["expired_snapshots"] == keep  # the compaction's and the N - 1 kept before it
    assert d["expiry"]["deleted_data_files"] == small - tagged_files  # all small files but the tag's
    assert d["after"]["kept_data_files"] == tagged_files + 1 + keep
    assert d["after"]["kept_data_bytes"] < d["before"]["kept_data_bytes"]
    assert _on_disk(lake) == (d["after"]["kept_data_files"], d["after"]["kept_data_bytes"])
    assert _rows(spark.table(name)) == current_rows
    assert _rows(spark.read.option("tag", "before_upkeep").table(name)) == tagged_rows
    assert _lake_query(home, sql, "before_upkeep") == [spark_tagged]

    # nothing left to do: a third pass changes nothing
    [again] = maintain(spark, lake, ["ad_events"], now=LATER)
    assert again.details["compaction"]["rewritten_data_files"] == 0
    assert again.details["expiry"]["expired_snapshots"] == 0
    assert again.details["after"] == again.details["before"]


def test_maintain_keeps_the_audit_branch_of_a_blocked_run_and_removes_orphan_files(
    spark: SparkSession, lake: LakeConfig
) -> None:
    name, seed, _first = _first_load(spark, lake)
    early = _snapshot_ids(spark, name)  # the first load and what it built on
    # a run blocked by the gate: its batch only on its audit branch, and main moves on without it
    branch = tables.audit_branch("20261011T081500-blocked")
    tables.create_branch(spark, name, branch)
    _append(seed, tables.branch_table(name, branch), "-held")
    held = str(tables.refs(spark, name)[branch])
    versions = _small_commits(spark, seed, name, COMMITS, "a", FILES)
    branch_rows = _rows(spark.table(tables.branch_table(name, branch)))
    assert len(branch_rows) == 2 * EVENTS
    # files no version references, as a killed writer leaves them: one older than the orphan window, and one
    # just written (a write may still be going on: it stays)
    day = next((Path(lake.warehouse) / "processed" / "ad_events" / "data").rglob("*.parquet")).parent
    orphan, recent = day / "killed-writer.parquet", day / "in-progress.parquet"
    for f in (orphan, recent):
        f.write_bytes(b"PAR1 an unfinished file")
    past = (datetime.now(UTC) - timedelta(days=SETTINGS.orphan_file_retention_days, hours=1)).timestamp()
    os.utime(orphan, (past, past))

    [report] = maintain(spark, lake, ["ad_events"], now=LATER)

    d = report.details
    assert report.status == "succeeded", report.error
    assert d["after"]["data_files"] == 1 and d["refs_kept"] == [branch]
    assert d["orphans"]["removed_files"] == 1 and not orphan.exists() and recent.exists()
    # main keeps its newest N; the branch keeps its head and its ancestors (the first load), however old
    keep = SETTINGS.min_snapshots_to_keep
    assert _snapshot_ids(spark, name) == {report.snapshot_id, *versions[-(keep - 1) :], held, *early}
    assert tables.refs(spark, name)[branch] == int(held)
    assert _rows(spark.table(tables.branch_table(name, branch))) == branch_rows
    recent.unlink()
    assert _on_disk(lake) == (d["after"]["kept_data_files"], d["after"]["kept_data_bytes"])


def test_maintain_refuses_an_unknown_table_by_naming_the_tables_and_a_busy_lake(
    spark: SparkSession, lake: LakeConfig, tmp_path: Path, capsys
) -> None:
    [refused] = run_operation(spark, lake, "maintain", table=None, tables_named=["ad_event", "orders"])
    assert refused.status == "failed" and refused.operation == "maintain"
    assert refused.error.startswith("unknown table(s) ad_event, orders; the lake's tables: processed.")
    assert "processed.ad_events" in refused.error and "curated.daily_sales" in refused.error
    # a table without a version yet: reported, nothing done
    [empty] = maintain(spark, lake, ["transactions"])
    assert (empty.status, empty.details) == ("no_new_data", {"skipped": "the table has no version yet"})

    # the run lock is taken before Spark starts: a held lake refuses at once, naming the holder
    home = tmp_path / "busy"
    with run_lock(str(home / "state"), "etl ad_events"):
        assert main(["--home", str(home), "--op", "maintain"]) == BUSY_EXIT
    line = json.loads(capsys.readouterr().out.strip())
    assert line["busy"] is True and "etl ad_events" in line["error"]
