"""campaign_performance: counts, spend, attributed revenue (completed lines only, one conversion per order),
ratios, recomputing only the given days, and which days a change affects."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs.contracts import load_contracts
from lake_jobs.curated import campaign_performance

D10, D11, D12 = date(2026, 10, 10), date(2026, 10, 11), date(2026, 10, 12)
EVENT_SCHEMA = (
    "event_id string, event_type string, campaign_id string, order_id string, cost_usd decimal(18,4), "
    "event_time timestamp, event_date date"
)
TRANSACTION_SCHEMA = "transaction_id string, order_id string, status string, amount_usd decimal(18,2)"


def _event(
    event_id: str, kind: str, campaign: str, day: date, cost: str, order: str | None = None, hour: int = 9
):
    at = datetime(day.year, day.month, day.day, hour)
    return (event_id, kind, campaign, order, Decimal(cost), at, day)


EVENTS = [
    *[_event(f"i{n}", "impression", "c1", D10, "0.5") for n in range(4)],
    _event("k1", "click", "c1", D10, "1"),
    _event("v1", "conversion", "c1", D10, "0", "o1"),
    # a second conversion for o1, later: counted, but the order's revenue went to v1
    _event("v2", "conversion", "c1", D11, "0", "o1"),
    # o2 was refunded
    _event("v3", "conversion", "c1", D11, "0", "o2"),
    _event("i9", "impression", "c2", D10, "0.25"),
    # o3 has no transaction yet
    _event("v4", "conversion", "c2", D10, "0", "o3"),
    _event("v5", "conversion", "c2", D12, "1.5", "o4", hour=23),
]
TRANSACTIONS = [
    ("t1", "o1", "completed", Decimal("30.00")),
    ("t2", "o1", "completed", Decimal("20.00")),
    ("t3", "o1", "refunded", Decimal("10.00")),
    ("t4", "o2", "refunded", Decimal("99.00")),
    ("t5", "o4", "completed", Decimal("15.00")),
    ("t6", "o4", "cancelled", Decimal("5.00")),
]
ROWS = {
    # 4 impressions x 0.5 + click 1 = 3.0 spend; o1 = 30 + 20 (the refunded line does not count)
    (("c1", D10)): ("c1", D10, 4, 1, 0.25, Decimal("3.0000"), 1, Decimal("50.00"), 50 / 3, 3.0),
    # no impressions and no spend: ctr and roas null; cpa 0 / 2
    (("c1", D11)): ("c1", D11, 0, 0, None, Decimal("0.0000"), 2, Decimal("0.00"), None, 0.0),
    (("c2", D10)): ("c2", D10, 1, 0, 0.0, Decimal("0.2500"), 1, Decimal("0.00"), 0.0, 0.25),
    (("c2", D12)): ("c2", D12, 0, 0, None, Decimal("1.5000"), 1, Decimal("15.00"), 10.0, 1.5),
}


@pytest.fixture()
def inputs(spark: SparkSession) -> dict[str, DataFrame]:
    return {
        "ad_events": spark.createDataFrame(EVENTS, EVENT_SCHEMA),
        "transactions": spark.createDataFrame(TRANSACTIONS, TRANSACTION_SCHEMA),
    }


def _expected(spark: SparkSession, keys: list[tuple[str, date]]) -> DataFrame:
    return spark.createDataFrame(
        [ROWS[k] for k in keys], load_contracts().table("campaign_performance").schema()
    )


def test_compute_all_days(spark: SparkSession, inputs: dict[str, DataFrame]) -> None:
    actual = campaign_performance.compute(inputs, None, load_contracts().reference)
    assertDataFrameEqual(actual, _expected(spark, list(ROWS)))


def test_compute_only_the_given_days(spark: SparkSession, inputs: dict[str, DataFrame]) -> None:
    days = spark.createDataFrame([(D11,), (D12,)], "day date")
    actual = campaign_performance.compute(inputs, days, load_contracts().reference)
    assertDataFrameEqual(actual, _expected(spark, [("c1", D11), ("c2", D12)]))


def test_a_changed_transaction_recomputes_the_days_of_its_conversions(
    spark: SparkSession, inputs: dict[str, DataFrame]
) -> None:
    refunded = spark.createDataFrame([("t2", "o1", "refunded", Decimal("20.00"))], TRANSACTION_SCHEMA)
    days = campaign_performance.affected_days({"transactions": refunded}, inputs)
    assertDataFrameEqual(days, [(D10,), (D11,)])


def test_new_events_recompute_their_days_and_those_of_their_orders(
    spark: SparkSession, inputs: dict[str, DataFrame]
) -> None:
    new = spark.createDataFrame(
        [_event("v6", "conversion", "c3", D12, "0", "o3"), _event("i10", "impression", "c3", D12, "0.1")],
        EVENT_SCHEMA,
    )
    days = campaign_performance.affected_days({"ad_events": new}, inputs)
    assertDataFrameEqual(days, [(D10,), (D12,)])
