"""The anomaly band (pure), and on real Spark + Iceberg: a run far outside its recent history is flagged in
its report, a normal one is not; a record with an unlisted value under a warn rule is kept and reported."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs import anomalies, checks
from lake_jobs.anomalies import Band
from lake_jobs.checks import Measures
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.job import run_dataset
from lake_jobs.report import shape_problems


def test_the_exported_band_is_read_as_declared() -> None:
    band = Band.of(load_contracts().anomalies["transactions"])
    assert band == Band(5.0, 20, 5, 0.1, 0.01, "warn", (), ("amount_usd",))


def test_a_band_is_the_median_plus_minus_k_scaled_mads_with_floors() -> None:
    band = Band(k=2, min_relative_spread=0.0, min_absolute_spread=0.0)
    # median 10, |deviations| 0 0 1 1 2 -> MAD 1, spread 1.4826
    assert anomalies.band_of([8, 9, 10, 11, 12], band) == (10, 1, 10 - 2 * 1.4826, 10 + 2 * 1.4826)
    # a steady history: the relative floor (10% of 100) sets the spread
    assert anomalies.band_of([100, 100, 100], Band(k=5)) == (100, 0, 50, 150)
    # shares near 0: the absolute floor
    assert anomalies.band_of([0.0, 0.0, 0.0], Band(k=5)) == (0.0, 0.0, -0.05, 0.05)


def test_one_wild_run_in_the_history_does_not_widen_the_band() -> None:
    history = [{"input_rows": v} for v in (100, 10, 11, 9, 10, 10)]
    flagged, judged = anomalies.flags({"input_rows": 60.0}, history, Band(k=5, min_history=5))
    assert judged == 1
    assert flagged == [
        {
            "metric": "input_rows",
            "value": 60.0,
            "median": 10.0,
            # |deviations| 90 0 1 1 0 0: MAD 0.5; 1.4826 * 0.5 < 10% of 10, so the relative floor holds
            "mad": 0.5,
            "band": [5.0, 15.0],
            "runs": 6,
            "severity": "warn",
        }
    ]


def test_too_little_history_judges_nothing_and_the_finding_is_skipped() -> None:
    band = Band(min_history=5)
    history = [{"input_rows": 10.0}] * 4
    flagged, judged = anomalies.flags({"input_rows": 1000.0}, history, band)
    assert (flagged, judged) == ([], 0)
    finding = anomalies.outcome(flagged, judged, len(history), band)
    assert (finding.status, finding.value, finding.detail) == (
        "skipped",
        None,
        "4 earlier run(s) with metrics known, 5 needed",
    )


def test_only_the_last_runs_count_and_a_metric_new_to_the_history_is_not_judged() -> None:
    band = Band(last_runs=3, min_history=3)
    history = [{"input_rows": 10.0}] * 3 + [{"input_rows": 1000.0}] * 10
    flagged, judged = anomalies.flags({"input_rows": 10.0, "sum.amount_usd": 5.0}, history, band)
    assert (flagged, judged) == ([], 1)


def test_a_flag_is_critical_where_the_band_says_so_and_then_blocks() -> None:
    band = Band(min_history=3, critical=("sum.amount_usd",))
    history = [{"input_rows": 10.0, "sum.amount_usd": 100.0}] * 3
    flagged, judged = anomalies.flags({"input_rows": 100.0, "sum.amount_usd": 1000.0}, history, band)
    assert [(f["metric"], f["severity"]) for f in flagged] == [
        ("input_rows", "warn"),
        ("sum.amount_usd", "critical"),
    ]
    finding = anomalies.outcome(flagged, judged, 3, band)
    assert (finding.severity, finding.status, finding.value) == ("critical", "failed", 2.0)
    assert checks.decide([finding]) == checks.GATE_BLOCKED
    warn_only = anomalies.outcome(flagged[:1], judged, 3, band)
    assert checks.decide([warn_only]) == checks.GATE_WARNED


def test_run_metrics_name_rows_shares_keys_and_sums() -> None:
    m = Measures(
        input_rows=10,
        quarantined_rows=2,
        measured_at=datetime(2026, 1, 1, tzinfo=UTC),
        batch_rows=4,
        non_null={"a": 4, "b": 1},
        sums={"amount_usd": 12.5},
        distinct_keys=7,
    )
    assert anomalies.run_metrics(m, ("a", "b"), ("amount_usd",)) == {
        "input_rows": 10.0,
        "output_rows": 4.0,
        "quarantine_share": 0.2,
        "distinct_keys": 7.0,
        "null_share.a": 0.0,
        "null_share.b": 0.75,
        "sum.amount_usd": 12.5,
    }


HEADER = ",".join(c.name for c in load_contracts().datasets["transactions"].columns_by_source("raw"))


def _orders(first: int, n: int) -> str:
    rows = [
        f"T{i},O{i},C{i},c{i}@example.com,Cy,P-1001,Aurora,electronics,1,10.00,USD,card,completed,US,"
        "2026-11-26 12:00:00"
        for i in range(first, first + n)
    ]
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def _land(lake: LakeConfig, key: str, text: str) -> None:
    path = Path(lake.raw_root) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_run_with_ten_times_the_rows_is_flagged_and_a_normal_one_is_not(spark: SparkSession, lake) -> None:
    base = load_contracts()
    # the default band waits for 5 runs; 3 keep the test short (the rule is the same)
    band = dict(base.anomalies["transactions"], minHistory=3)
    contracts = dataclasses.replace(base, anomalies={**base.anomalies, "transactions": band})
    sizes = [10, 10, 10, 100, 10]
    reports = []
    first = 1
    for run, n in enumerate(sizes):
        _land(lake, f"transactions/ingest_date=2026-11-28/batch=r{run}/orders.csv", _orders(first, n))
        first += n
        reports.append(run_dataset(spark, lake, "transactions", contracts=contracts))

    assert [r.status for r in reports] == ["succeeded"] * 5  # a warn finding publishes
    assert all(shape_problems(r.to_dict()) == [] for r in reports)
    finding = [{c["name"]: c for c in r.quality["checks"]}["anomalies"] for r in reports]
    assert [f["status"] for f in finding] == ["skipped", "skipped", "skipped", "failed", "passed"]
    assert [r.anomalies for r in reports[:3]] == [[], [], []]
    assert reports[4].anomalies == []

    loud = reports[3]
    assert loud.quality["outcome"] == "warned"
    assert loud.metrics["input_rows"] == 100.0 and loud.metrics["null_share.customer_id"] == 0.0
    assert loud.anomalies == [
        {"metric": m, "value": v, "median": med, "mad": 0.0, "band": b, "runs": 3, "severity": "warn"}
        for m, v, med, b in [
            ("distinct_keys", 100.0, 10.0, [5.0, 15.0]),
            ("input_rows", 100.0, 10.0, [5.0, 15.0]),
            ("output_rows", 100.0, 10.0, [5.0, 15.0]),
            ("sum.amount_usd", 1000.0, 100.0, [50.0, 150.0]),
        ]
    ]
    # each published run keeps its metrics in its commit: the next run's history
    table = f"{lake.catalog}.processed.transactions"
    kept = spark.sql(
        f"SELECT summary['lake.run-metrics'] AS m FROM {table}.snapshots "
        "WHERE summary['lake.run-metrics'] IS NOT NULL ORDER BY committed_at"
    )
    assert [json.loads(r.m)["input_rows"] for r in kept.collect()] == [float(n) for n in sizes]


def _post(post_id: str, platform: str) -> dict:
    return {
        "post_id": post_id,
        "platform": platform,
        "created_at": "2026-10-10T22:30:00Z",
        "text": "nice",
        "lang": "en",
        "user": {"id": f"u-{post_id}", "handle": f"h{post_id}", "followers": 5, "verified": False},
        "hashtags": [],
        "mentions": [],
        "metrics": {"likes": 1, "shares": 0, "comments": 0},
        "url": f"https://x.example/p/{post_id}",
    }


def test_a_post_from_an_unlisted_platform_is_kept_and_its_platform_reported(
    spark: SparkSession, lake
) -> None:
    posts = [
        _post("p1", "twitter"),
        _post("p2", "friendster"),
        _post("p3", "friendster"),
        _post("p4", "orkut"),
    ]
    posts.append({**_post("p5", "twitter"), "metrics": {"likes": -1}})  # a record rule still quarantines
    _land(lake, "social_posts/batch=b1/posts.jsonl", "\n".join(json.dumps(p) for p in posts) + "\n")

    report = run_dataset(spark, lake, "social_posts", gate=checks.REPORT)

    assert (report.status, report.input_rows, report.output_rows, report.quarantined_rows) == (
        "succeeded",
        5,
        4,
        1,
    )
    assert report.quarantine_reasons == {"min:likes": 1}
    assert report.unlisted_values == {
        "platform": {"records": 3, "values": {"friendster": 2, "orkut": 1}, "omitted_values": 0}
    }
    assert shape_problems(report.to_dict()) == []
    assertDataFrameEqual(
        spark.table(f"{lake.catalog}.processed.social_posts").select("post_id", "platform"),
        [("p1", "twitter"), ("p2", "friendster"), ("p3", "friendster"), ("p4", "orkut")],
    )
