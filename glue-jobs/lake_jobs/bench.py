"""Spark figures for `lake bench` (lib/bench): `python -m lake_jobs.bench anchor|split ...`, one JSON line.

``anchor --dataset D --file F --warehouse W``: the plainest native Spark load of a raw file, the yardstick the
dataset's job is measured against: Spark's own reader (CSV, JSON or text + the combined-log regex), the
contract's raw columns cast to their types, duplicates of the business key dropped, MERGE INTO an empty
Iceberg table partitioned by day. No validation, quarantine, lineage or accounting.

``split --dataset D --file F``: reads the file through lake_jobs.readers (what the job does) and reports the
tasks that read it and the records it gave.

``commits --dataset D --home H --column C --count N``: N small commits on the dataset's table in the lake
home H, in one Spark session: each MERGEs one row (the next business key) with column C set to another of its
allowed values, carrying a run id like a job's commit. A table with many versions, cheaply, for the versions
bench.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lake_jobs import tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Table, load_contracts
from lake_jobs.datasets.server_logs import LINE_PATTERN, iso_time
from lake_jobs.parsing import timestamp_utc
from lake_jobs.readers import RawFile, read_records
from lake_jobs.spark import local_session
from lake_jobs.text.json_records import raw_path, string_schema

_LOG_GROUPS = {
    "client_ip": 1,
    "request_time": 4,
    "status": 6,
    "bytes_sent": 7,
    "referrer": 8,
    "user_agent": 9,
}
"""Contract column -> group of the combined-log line pattern."""


def _typed(value: Column, table: Table, name: str) -> Column:
    target = table.column(name).spark_type
    if target.simpleString() == "timestamp":
        return timestamp_utc(value).alias(name)
    return value.cast(target).alias(name)


def _is_array(table: Table, name: str) -> bool:
    return table.column(name).spark_type.simpleString().startswith("array")


def _anchor_rows(spark: SparkSession, table: Table, path: str) -> DataFrame:
    """The typed raw columns (arrays left out) and the business key, read natively from `path`."""
    raw = table.columns_by_source("raw")
    if table.raw_format == "csv":
        names = [c.raw_name or c.name for c in raw]
        schema = ", ".join(f"`{n}` string" for n in names)
        df = spark.read.option("header", "true").schema(schema).csv(path)
        return df.select(*[_typed(F.col(n), table, c.name) for n, c in zip(names, raw, strict=True)])
    if table.raw_format == "json":
        df = spark.read.schema(string_schema(raw)).json(path)
        paths = {c.name: F.col(".".join(f"`{p}`" for p in raw_path(c))) for c in raw}
        return df.select(*[_typed(v, table, n) for n, v in paths.items() if not _is_array(table, n)])
    line = F.col("value")
    cols = [F.sha2(line, 256).alias("log_id")]
    for name, group in _LOG_GROUPS.items():
        value = F.regexp_extract(line, LINE_PATTERN, group)
        cols.append(_typed(iso_time(value) if name == "request_time" else value, table, name))
    return spark.read.text(path).select(*cols)


def anchor(spark: SparkSession, dataset: str, path: str) -> dict:
    table = load_contracts().datasets[dataset]
    t0 = time.monotonic()
    deduped = _anchor_rows(spark, table, path).dropDuplicates(list(table.business_key))
    name = f"anchor.bench.{dataset}"
    spark.sql("CREATE NAMESPACE IF NOT EXISTS anchor.bench")
    columns = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in deduped.schema.fields)
    props = ", ".join(f"'{k}'='{v}'" for k, v in table.iceberg.properties.items()) if table.iceberg else ""
    spark.sql(
        f"CREATE TABLE {name} ({columns}) USING iceberg PARTITIONED BY (days(`{table.time_column}`)) "
        + (f"TBLPROPERTIES ({props})" if props else "")
    )
    tables.merge(spark, name, deduped, table.business_key, f"anchor_{dataset}")
    seconds = time.monotonic() - t0
    return {"rows_in_table": spark.table(name).count(), "seconds": seconds}


def split(spark: SparkSession, dataset: str, path: str) -> dict:
    table = load_contracts().datasets[dataset]
    expected = [c.raw_name or c.name for c in table.columns_by_source("raw")]
    t0 = time.monotonic()
    raw = RawFile(f"{dataset}/bench/{os.path.basename(path)}", path, os.path.getsize(path), 0)
    result = read_records(spark, [raw], table.raw_format or "", expected)
    try:
        counted = result.records.groupBy(F.spark_partition_id().alias("task")).count().collect()
    finally:
        result.cached.unpersist()
    return {
        "tasks": len(counted),
        "records": sum(r["count"] for r in counted),
        "seconds": time.monotonic() - t0,
        "max_partition_bytes": spark.conf.get("spark.sql.files.maxPartitionBytes"),
    }


def commits(spark: SparkSession, dataset: str, home: str, column: str, count: int) -> dict:
    table = load_contracts().datasets[dataset]
    config = LakeConfig.local(home)
    name = config.table(table.database, table.name)
    allowed = list(table.column(column).rules.get("allowed") or [])
    if len(allowed) < 2:
        raise ValueError(f"{dataset}.{column} declares fewer than two allowed values")
    key = list(table.business_key)
    rows = spark.table(name).select(*key, column).orderBy(*key).limit(count).collect()
    if len(rows) < count:
        raise ValueError(f"{name} has {len(rows)} rows, fewer than the {count} commits asked for")
    t0 = time.monotonic()
    for i, row in enumerate(rows):
        value = next(v for v in allowed[i % len(allowed) :] + allowed if v != row[column])
        match = F.lit(True)
        for k in key:
            match = match & (F.col(k) == F.lit(row[k]))
        changes = spark.table(name).where(match).withColumn(column, F.lit(value))
        tables.merge(
            spark,
            name,
            changes,
            table.business_key,
            f"bench_commit_{dataset}",
            {tables.RUN_ID_PROPERTY: f"bench-{i}"},
        )
    return {
        "commits": len(rows),
        "seconds": time.monotonic() - t0,
        "snapshot_id": tables.current_snapshot_id(spark, name),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lake_jobs.bench", description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["anchor", "split", "commits"])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--file", help="anchor, split: the raw file")
    parser.add_argument("--home", help="commits: the lake home")
    parser.add_argument("--column", help="commits: the column each commit changes")
    parser.add_argument("--count", type=int, default=100, help="commits: how many")
    parser.add_argument("--warehouse", help="anchor: a scratch Iceberg warehouse folder")
    parser.add_argument("--master", default=os.environ.get("LAKE_SPARK_MASTER", "local[*]"))
    args = parser.parse_args(argv)
    if args.what == "anchor" and not args.warehouse:
        parser.error("anchor needs --warehouse")
    if args.what in ("anchor", "split") and not args.file:
        parser.error(f"{args.what} needs --file")
    if args.what == "commits" and not (args.home and args.column):
        parser.error("commits needs --home and --column")
    catalogs = {"anchor": args.warehouse} if args.warehouse else None
    if args.what == "commits":
        config = LakeConfig.local(args.home)
        catalogs = {config.catalog: config.warehouse}
    spark = local_session(
        master=args.master,
        catalogs=catalogs,
        # the same driver memory as the job runner (lake_jobs.run)
        extra={"spark.driver.memory": os.environ.get("LAKE_SPARK_DRIVER_MEMORY", "3g")},
    )
    try:
        if args.what == "commits":
            figures = commits(spark, args.dataset, args.home, args.column, args.count)
        else:
            figures = (anchor if args.what == "anchor" else split)(spark, args.dataset, args.file)
    finally:
        spark.stop()
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
