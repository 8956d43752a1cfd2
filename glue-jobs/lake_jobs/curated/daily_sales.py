"""daily_sales: sales per UTC day, category and country from processed.transactions (see lake_jobs.curated).

Only completed and refunded lines count: `orders` = distinct orders with such a line, `units` and
`revenue_usd` from completed lines, `refunds` and `refunded_usd` from refunded lines. A (day, category,
country) with neither has no row.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lake_jobs.reference import Reference

INPUT = "transactions"


def affected_days(changes: dict[str, DataFrame], inputs: dict[str, DataFrame]) -> DataFrame:
    """The order dates of the changed transactions (new and previous versions)."""
    return changes[INPUT].select(F.col("order_date").alias("day")).distinct()


def compute(inputs: dict[str, DataFrame], days: DataFrame | None, ref: Reference) -> DataFrame:
    lines = inputs[INPUT].where(F.col("status").isin("completed", "refunded"))
    if days is not None:
        lines = lines.join(days.withColumnRenamed("day", "order_date"), on="order_date", how="left_semi")
    completed = F.col("status") == "completed"
    refunded = F.col("status") == "refunded"
    zero = F.lit(0).cast("decimal(18,2)")
    return lines.groupBy("order_date", "category", "country").agg(
        F.countDistinct("order_id").cast("bigint").alias("orders"),
        F.coalesce(F.sum(F.when(completed, F.col("quantity"))), F.lit(0)).cast("bigint").alias("units"),
        F.coalesce(F.sum(F.when(completed, F.col("amount_usd"))), zero)
        .cast("decimal(18,2)")
        .alias("revenue_usd"),
        F.count(F.when(refunded, True)).cast("bigint").alias("refunds"),
        F.coalesce(F.sum(F.when(refunded, F.col("amount_usd"))), zero)
        .cast("decimal(18,2)")
        .alias("refunded_usd"),
    )
