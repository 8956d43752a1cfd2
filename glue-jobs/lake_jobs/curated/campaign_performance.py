"""campaign_performance: per campaign and UTC day, from processed.ad_events and processed.transactions.

Per (campaign_id, event_date): impressions, clicks, conversions (events of each type), ``ctr`` = clicks /
impressions, ``spend_usd`` = cost of all the day's events, ``revenue_usd`` = revenue attributed to the day's
conversions, ``roas`` = revenue_usd / spend_usd, ``cpa`` = spend_usd / conversions (each ratio null when its
denominator is 0).

Attribution: a conversion points at an order (``order_id``); the order's revenue is the sum of ``amount_usd``
of its COMPLETED transaction lines. Refunded lines (and cancelled or pending ones) add nothing: a refunded
order earns its campaign no revenue, and an order refunded later takes its revenue back when the day is
recomputed (``affected_days`` includes the conversion days of every order whose transactions changed). An
order with no known transaction yet counts its conversion with revenue 0 until the transaction arrives
(then the same recomputation fills it in). An order counts once: when several conversions point at the same
order, the earliest (event_time, then event_id) gets the revenue; the others still count as conversions.
The platform-reported ``revenue`` of the events is not used: the shop's own transactions are the truth.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from lake_jobs.reference import Reference

EVENTS = "ad_events"
TRANSACTIONS = "transactions"


def _conversions(events: DataFrame) -> DataFrame:
    return events.where((F.col("event_type") == "conversion") & F.col("order_id").isNotNull())


def affected_days(changes: dict[str, DataFrame], inputs: dict[str, DataFrame]) -> DataFrame:
    """Days of changed events, plus the conversion days of every order that a changed event or transaction
    points at (its revenue or its first conversion may have moved)."""
    conversions = _conversions(inputs[EVENTS]).select("order_id", F.col("event_date").alias("day"))
    parts: list[DataFrame] = []
    orders: list[DataFrame] = []
    if EVENTS in changes:
        parts.append(changes[EVENTS].select(F.col("event_date").alias("day")))
        orders.append(_conversions(changes[EVENTS]).select("order_id"))
    if TRANSACTIONS in changes:
        orders.append(changes[TRANSACTIONS].select("order_id"))
    for touched in orders:
        parts.append(conversions.join(touched.distinct(), on="order_id", how="left_semi").select("day"))
    if not parts:
        return inputs[EVENTS].sparkSession.createDataFrame([], "day date")
    days = parts[0]
    for p in parts[1:]:
        days = days.unionByName(p)
    return days.distinct()


def _attributed_revenue(events: DataFrame, transactions: DataFrame) -> DataFrame:
    """(event_id, attributed_usd) of the one conversion that each order's revenue is attributed to."""
    order_revenue = (
        transactions.where(F.col("status") == "completed")
        .groupBy("order_id")
        .agg(F.sum("amount_usd").alias("attributed_usd"))
    )
    first = Window.partitionBy("order_id").orderBy("event_time", "event_id")
    winners = (
        _conversions(events)
        .select("event_id", "order_id", F.row_number().over(first).alias("_rank"))
        .where(F.col("_rank") == 1)
    )
    return winners.join(order_revenue, on="order_id", how="inner").select("event_id", "attributed_usd")


def _ratio(numerator: Column, denominator: Column) -> Column:
    return F.when(denominator != 0, numerator.cast("double") / denominator.cast("double"))


def compute(inputs: dict[str, DataFrame], days: DataFrame | None, ref: Reference) -> DataFrame:
    all_events = inputs[EVENTS]
    events = all_events
    if days is not None:
        events = events.join(days.withColumnRenamed("day", "event_date"), on="event_date", how="left_semi")
    revenue = _attributed_revenue(all_events, inputs[TRANSACTIONS])
    counted = events.join(revenue, on="event_id", how="left")
    kind = F.col("event_type")
    totals = counted.groupBy("campaign_id", "event_date").agg(
        F.count(F.when(kind == "impression", 1)).cast("bigint").alias("impressions"),
        F.count(F.when(kind == "click", 1)).cast("bigint").alias("clicks"),
        F.coalesce(F.sum("cost_usd"), F.lit(0)).cast("decimal(18,4)").alias("spend_usd"),
        F.count(F.when(kind == "conversion", 1)).cast("bigint").alias("conversions"),
        F.coalesce(F.sum("attributed_usd"), F.lit(0)).cast("decimal(18,2)").alias("revenue_usd"),
    )
    return totals.select(
        "campaign_id",
        "event_date",
        "impressions",
        "clicks",
        _ratio(F.col("clicks"), F.col("impressions")).alias("ctr"),
        "spend_usd",
        "conversions",
        "revenue_usd",
        _ratio(F.col("revenue_usd"), F.col("spend_usd")).alias("roas"),
        _ratio(F.col("spend_usd"), F.col("conversions")).alias("cpa"),
    )
