"""transactions: CSV exports of the order database -> processed.transactions (see lake_jobs.datasets)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lake_jobs.contracts import load_contracts
from lake_jobs.parsing import csv_column
from lake_jobs.reference import Reference

RAW_COLUMNS = tuple(c.name for c in load_contracts().datasets["transactions"].columns_by_source("raw"))


def parse(records: DataFrame) -> DataFrame:
    """CSV records -> one string column per contract raw column (the quality step types them: `created_at`
    must be ISO 8601 with an offset or `YYYY-MM-DD HH:MM:SS` = UTC, anything else is `type:created_at`)."""
    return records.withColumns({name: csv_column(name) for name in RAW_COLUMNS}).withColumn(
        "parse_error", F.lit(None).cast("string")
    )


def enrich(valid: DataFrame, ref: Reference) -> DataFrame:
    """amount = quantity x unit_price (in `currency`), amount_usd at the reference rate, UTC date parts (the
    session time zone is UTC: lake_jobs.spark and the Glue entry scripts set it)."""
    amount = (F.col("quantity").cast("decimal(18,0)") * F.col("unit_price")).cast("decimal(18,2)")
    return valid.withColumns(
        {
            "amount": amount,
            "amount_usd": ref.to_reporting(amount, F.col("currency"), 2),
            "order_date": F.to_date("created_at"),
            "order_hour": F.hour("created_at"),
            # Spark: 1 = Sunday .. 7 = Saturday; ISO: 1 = Monday .. 7 = Sunday.
            "day_of_week": (F.dayofweek("created_at") + 5) % 7 + 1,
        }
    )
