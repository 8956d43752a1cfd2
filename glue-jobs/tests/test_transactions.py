"""transactions: parse (CSV -> contract columns) and enrich (amounts, fx, UTC date parts)."""

import datetime as dt
from decimal import Decimal

from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs.contracts import load_contracts
from lake_jobs.datasets import transactions
from lake_jobs.job import check

TABLE = load_contracts().datasets["transactions"]
HEADER = [c.name for c in TABLE.columns_by_source("raw")]
KEY = "transactions/ingest_date=2026-11-28/batch=b1/orders.csv"

LINES = [
    ",".join(HEADER),
    'T1,O1,C1,ann@example.com,"Ann, A",P-1001,Aurora,electronics,2,79.99,EUR,card,completed,DE,'
    "2026-11-27T00:30:00+01:00",
    "T2,O2,C2,bob@example.com,Bob,P-2001,Trail,sports,3,1000,JPY,paypal,refunded,JP,2026-11-29 10:00:00",
    "T3,O3,C3,cy@example.com,Cy,P-2002,Summit,sports,1,34.90,USD,card,completed,US,27/11/2026 10:00",
    "T4,O4,C4,di@example.com,Di,P-2003,Glacier,sports,1,24.00,USD,card,shipped,US,2026-11-27 10:00:00",
]


def test_parse_maps_csv_fields_to_contract_columns(records_of) -> None:
    records = records_of("csv", {KEY: "\r\n".join(LINES[:3]).encode()}, HEADER)
    parsed = transactions.parse(records)
    assertDataFrameEqual(
        parsed.select(
            "transaction_id", "customer_name", "quantity", "unit_price", "created_at", "parse_error"
        ),
        [
            ("T1", "Ann, A", "2", "79.99", "2026-11-27T00:30:00+01:00", None),
            ("T2", "Bob", "3", "1000", "2026-11-29 10:00:00", None),
        ],
    )
    assert parsed.count() == records.count()


def test_check_quarantines_wrong_date_format_and_unknown_status(records_of) -> None:
    checked = check(records_of("csv", {KEY: "\n".join(LINES).encode()}, HEADER), transactions, TABLE)
    assertDataFrameEqual(
        checked.select("transaction_id", "reasons"),
        [("T1", []), ("T2", []), ("T3", ["type:created_at"]), ("T4", ["allowed:status"])],
    )


def test_enrich_adds_amounts_in_usd_and_utc_date_parts(spark: SparkSession, records_of) -> None:
    checked = check(records_of("csv", {KEY: "\n".join(LINES[:3]).encode()}, HEADER), transactions, TABLE)
    enriched = transactions.enrich(checked, load_contracts().reference)
    assertDataFrameEqual(
        enriched.select(
            "transaction_id", "created_at", "amount", "amount_usd", "order_date", "order_hour", "day_of_week"
        ),
        [
            # 2026-11-27T00:30+01:00 is Thursday 2026-11-26 23:30 UTC; 159.98 EUR x 1.08 = 172.7784 USD
            (
                "T1",
                dt.datetime(2026, 11, 26, 23, 30),
                Decimal("159.98"),
                Decimal("172.78"),
                dt.date(2026, 11, 26),
                23,
                4,
            ),
            # 3 x 1000 JPY x 0.0067 = 20.10 USD; 2026-11-29 is a Sunday (ISO 7)
            (
                "T2",
                dt.datetime(2026, 11, 29, 10, 0),
                Decimal("3000.00"),
                Decimal("20.10"),
                dt.date(2026, 11, 29),
                10,
                7,
            ),
        ],
    )
