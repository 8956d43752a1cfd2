"""quality.annotate/validate on a small contract that has every kind of rule."""

import datetime as dt
from decimal import Decimal

from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs.contracts import parse_contracts
from lake_jobs.quality import unlisted_summary, validate


def col(name, type_, **rules):
    return {"name": name, "type": type_, "source": "raw", "description": name, "rules": rules}


CONTRACT = parse_contracts(
    {
        "reportingCurrency": "USD",
        "fxRates": {"USD": 1},
        "products": [],
        "curated": [],
        "datasets": [
            {
                "name": "things",
                "database": "processed",
                "description": "test",
                "raw": {"format": "json", "prefix": "things/"},
                "businessKey": ["id"],
                "timeColumn": "at",
                "columns": [
                    col("id", "string", required=True, pattern="[A-Z]{1,3}"),
                    col("kind", "string", allowed=["a", "b"], allowedSeverity="critical"),
                    col("ref", "string", requiredWhen={"column": "kind", "equals": "b"}),
                    col("qty", "int", min=1, max=10),
                    col("price", "decimal(18,2)", min=0),
                    col("at", "timestamp", required=True),
                    col("note", "string", maxLength=5),
                    col("flag", "boolean"),
                    col("day", "date"),
                    col("src", "string", allowed=["web", "app"]),
                ],
            }
        ],
    }
).datasets["things"]

GOOD = ("A", "a", None, "5", "1.50", "2026-01-02 03:04:05", "hi", "true", "2026-01-02", "web")
COLUMNS = "n int, id string, kind string, ref string, qty string, price string, at string, note string, "
COLUMNS += "flag string, day string, src string, parse_error string"


def case(n, parse_error=None, **changes):
    names = ["id", "kind", "ref", "qty", "price", "at", "note", "flag", "day", "src"]
    values = dict(zip(names, GOOD, strict=True)) | changes
    return (n, *[values[k] for k in names], parse_error)


def test_each_rule_gives_its_reason_in_column_order(spark: SparkSession) -> None:
    parsed = spark.createDataFrame(
        [
            case(1),
            case(2, kind="b"),
            case(3, qty="0"),
            case(4, qty="11"),
            case(5, qty="x"),
            case(6, qty="1.5"),
            case(7, price="-1"),
            case(8, at="2026/01/02 03:04"),
            case(9, at=""),
            case(10, note="toolong"),
            case(11, id="abcd", kind="c"),
            case(12, parse_error="parse:json", id=None, qty="x"),
            case(13, flag="yes", day="2026-02-30"),
            case(14, id=None, kind="b", ref=""),
            case(15, at="2026-01-02T03:04:05+02:00", price=" 7 "),
        ],
        COLUMNS,
    )
    valid, quarantined = validate(parsed, CONTRACT)
    assertDataFrameEqual(
        quarantined.select("n", "reasons", "reason"),
        [
            (2, ["required:ref"], "required:ref"),
            (3, ["min:qty"], "min:qty"),
            (4, ["max:qty"], "max:qty"),
            (5, ["type:qty"], "type:qty"),
            (6, ["type:qty"], "type:qty"),
            (7, ["min:price"], "min:price"),
            (8, ["type:at"], "type:at"),
            (9, ["required:at"], "required:at"),
            (10, ["max_length:note"], "max_length:note"),
            (11, ["pattern:id", "allowed:kind"], "pattern:id"),
            (12, ["parse:json"], "parse:json"),
            (13, ["type:flag", "type:day"], "type:flag"),
            (14, ["required:id", "required:ref"], "required:id"),
        ],
    )
    assertDataFrameEqual(
        valid.select("n", "id", "qty", "price", "at", "flag", "day"),
        [
            (1, "A", 5, Decimal("1.50"), dt.datetime(2026, 1, 2, 3, 4, 5), True, dt.date(2026, 1, 2)),
            (15, "A", 5, Decimal("7.00"), dt.datetime(2026, 1, 2, 1, 4, 5), True, dt.date(2026, 1, 2)),
        ],
    )


def test_an_unlisted_value_of_a_warn_rule_keeps_the_record_and_is_named(spark: SparkSession) -> None:
    parsed = spark.createDataFrame(
        [
            case(1),
            case(2, src="kiosk"),
            case(3, src=None),
            case(4, src="kiosk", qty="0"),
        ],
        COLUMNS,
    )
    valid, quarantined = validate(parsed, CONTRACT)
    assertDataFrameEqual(
        valid.select("n", "src", "unlisted"),
        [(1, "web", []), (2, "kiosk", [("src", "kiosk")]), (3, None, [])],
    )
    # a record quarantined for another reason keeps only that reason
    assertDataFrameEqual(quarantined.select("n", "reasons"), [(4, ["min:qty"])])


def test_unlisted_summary_keeps_the_most_frequent_values_and_counts_the_rest() -> None:
    counts = {("platform", "threads"): 5, ("platform", "bluesky"): 2, ("platform", "mastodon"): 2}
    counts[("device", "fridge")] = 1
    assert unlisted_summary(counts, kept=2) == {
        "device": {"records": 1, "values": {"fridge": 1}, "omitted_values": 0},
        "platform": {"records": 9, "values": {"threads": 5, "bluesky": 2}, "omitted_values": 1},
    }
    assert unlisted_summary({}) == {}
