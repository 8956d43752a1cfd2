"""Dedupe within a batch (source order) and classification against the table."""

from pyspark.sql import SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs.contracts import load_contracts
from lake_jobs.dedupe import OUTCOME, classify, dedupe_batch

TABLE = load_contracts().datasets["transactions"]
SCHEMA = "transaction_id string, record_hash string, source_file string, record_no long"


def test_first_in_source_order_wins_and_the_table_decides_insert_update_duplicate(
    spark: SparkSession,
) -> None:
    batch = spark.createDataFrame(
        [
            ("A", "h1", "b2/f.csv", 1),  # identical re-send of the A below, later in source order
            ("A", "h1", "b1/f.csv", 9),
            ("B", "h2", "b1/f.csv", 2),
            ("B", "h3", "b1/f.csv", 3),  # same key, other content, later: conflict
            ("C", "h4", "b1/f.csv", 4),  # same as the table: duplicate
            ("D", "h5", "b1/f.csv", 5),  # the table has another version: update
        ],
        SCHEMA,
    )
    table = spark.createDataFrame(
        [("C", "h4"), ("D", "h9"), ("Z", "h0")], "transaction_id string, record_hash string"
    )
    result = classify(dedupe_batch(batch, TABLE), table, TABLE)
    assertDataFrameEqual(
        result.select("transaction_id", "source_file", "record_no", OUTCOME),
        [
            ("A", "b1/f.csv", 9, "insert"),
            ("A", "b2/f.csv", 1, "duplicate"),
            ("B", "b1/f.csv", 2, "insert"),
            ("B", "b1/f.csv", 3, "conflict"),
            ("C", "b1/f.csv", 4, "duplicate"),
            ("D", "b1/f.csv", 5, "update"),
        ],
    )
