"""A streamed `ad_events` table with many small files, cheaply, for the `maintain` bench section:
`python -m lake_jobs.small_files --home H [--days D] [--commits C] [--rows R]`, one JSON line out.

The real ad_events job loads one delivery of R events (one day); then C appends in the same Spark session
each add those rows again under new event ids to every one of D days: what C stream job runs a day leave
behind, one small file per day partition and commit, C x D + 1 files in all.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyspark.sql import functions as F

from lake_jobs.config import LakeConfig
from lake_jobs.job import run_dataset
from lake_jobs.spark import local_session

FIRST_DAY = datetime(2026, 9, 1, tzinfo=UTC)


def _event(i: int) -> dict:
    at = FIRST_DAY + timedelta(seconds=(i * 37) % 86_400)
    return {
        "event_id": f"bench-{i}",
        "event_type": "click" if i % 10 == 0 else "impression",
        "campaign_id": f"cmp-{i % 7}",
        "ad_id": f"ad-{i % 31}",
        "channel": "search",
        "customer_id": None,
        "order_id": None,
        "cost": round(0.001 * (i % 500), 4),
        "currency": "USD",
        "revenue": None,
        "event_time": at.isoformat().replace("+00:00", "Z"),
        "device": "mobile",
        "country": "US",
    }


def build(spark, config: LakeConfig, days: int, commits: int, rows: int) -> dict:
    raw = Path(config.raw_root) / "ad_events" / f"{FIRST_DAY:%Y/%m/%d}" / "00" / "bench-1.ndjson.gz"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_bytes(gzip.compress("".join(json.dumps(_event(i)) + "\n" for i in range(rows)).encode()))
    t0 = time.monotonic()
    first = run_dataset(spark, config, "ad_events")
    if first.status != "succeeded":
        raise RuntimeError(f"the ad_events job did not succeed: {first.error}")
    name = config.table("processed", "ad_events")
    # The seed is checkpointed: a plan over the table would be re-cached by each append and grow with it, and
    # rows collected into Python would pass through Python workers on every commit.
    seed = spark.table(name).localCheckpoint(eager=True)
    shifted_days = spark.range(days).withColumnRenamed("id", "shift_days")
    for c in range(commits):
        batch = (
            seed.crossJoin(shifted_days)
            .withColumn("event_id", F.expr(f"concat(event_id, '-{c}-', CAST(shift_days AS STRING))"))
            .withColumn("event_time", F.expr("event_time + make_interval(0, 0, 0, CAST(shift_days AS INT))"))
            .withColumn("event_date", F.to_date(F.col("event_time")))
            .drop("shift_days")
        )
        batch.repartition(F.col("event_date")).writeTo(name).append()
    return {
        "rows": spark.table(name).count(),
        "days": days,
        "commits": commits + 1,
        "seconds": time.monotonic() - t0,
        "one_day": f"{FIRST_DAY + timedelta(days=days // 2):%Y-%m-%d}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lake_jobs.small_files", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--home", required=True)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--commits", type=int, default=24)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--master", default=os.environ.get("LAKE_SPARK_MASTER", "local[*]"))
    args = parser.parse_args(argv)
    config = LakeConfig.local(args.home)
    spark = local_session(master=args.master, catalogs={config.catalog: config.warehouse})
    try:
        figures = build(spark, config, args.days, args.commits, args.rows)
    finally:
        spark.stop()
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
