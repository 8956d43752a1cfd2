"""daily_sales: compute per day, category and country; affected days of changed transactions."""

import datetime as dt
from decimal import Decimal

from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs.contracts import load_contracts
from lake_jobs.curated import daily_sales

D1, D2 = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
SCHEMA = (
    "order_date date, category string, country string, order_id string, status string, quantity int, "
    "amount_usd decimal(18,2)"
)


def test_compute_counts_orders_units_revenue_and_refunds(spark: SparkSession) -> None:
    transactions = spark.createDataFrame(
        [
            (D1, "sports", "US", "O1", "completed", 2, Decimal("10.00")),
            (D1, "sports", "US", "O1", "completed", 1, Decimal("5.50")),
            (D1, "sports", "US", "O2", "refunded", 1, Decimal("7.25")),
            (D1, "sports", "US", "O3", "cancelled", 4, Decimal("99.00")),
            (D1, "home", "DE", "O4", "pending", 1, Decimal("1.00")),
            (D1, "home", "DE", "O5", "refunded", 3, Decimal("30.00")),
            (D2, "sports", "US", "O6", "completed", 5, Decimal("50.00")),
        ],
        SCHEMA,
    )
    ref = load_contracts().reference
    inputs = {"transactions": transactions}
    assertDataFrameEqual(
        daily_sales.compute(inputs, None, ref),
        [
            (D1, "sports", "US", 2, 3, Decimal("15.50"), 1, Decimal("7.25")),
            (D1, "home", "DE", 1, 0, Decimal("0.00"), 1, Decimal("30.00")),
            (D2, "sports", "US", 1, 5, Decimal("50.00"), 0, Decimal("0.00")),
        ],
    )
    days = spark.createDataFrame([(D2,)], "day date")
    assertDataFrameEqual(
        daily_sales.compute(inputs, days, ref),
        [(D2, "sports", "US", 1, 5, Decimal("50.00"), 0, Decimal("0.00"))],
    )
    changes = {"transactions": transactions.where("order_id in ('O1', 'O6')")}
    assertDataFrameEqual(daily_sales.affected_days(changes, inputs), [(D1,), (D2,)])
