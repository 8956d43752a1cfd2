"""Record hash, dedupe within a batch, and classification against the table (pure DataFrame transforms).

Within a batch the first record of a business key in source order (source_file, record_no) is kept; a
later record with the same key and the same `record_hash` is a duplicate (an identical re-send); one with
the same key but different content is a conflict, quarantined as `duplicate:<key>`. The kept records are
then compared with the table: key not there -> insert; there with another hash -> update; there with the
same hash -> duplicate.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from lake_jobs.contracts import Table

OUTCOME = "_outcome"
INSERT, UPDATE, DUPLICATE, CONFLICT = "insert", "update", "duplicate", "conflict"
ORDER_COLUMNS = ("source_file", "record_no")


def record_hash(table: Table) -> F.Column:
    """SHA-256 (hex) of the record's contract columns other than lineage, in contract order."""
    cols = table.hashed_columns
    return F.sha2(F.to_json(F.struct(*[F.col(c.name) for c in cols]), {"ignoreNullFields": "false"}), 256)


def conflict_reason(table: Table) -> str:
    return "duplicate:" + "+".join(table.business_key)


def dedupe_batch(rows: DataFrame, table: Table) -> DataFrame:
    """Adds OUTCOME: null for the first record of each key (to be classified against the table), DUPLICATE
    for identical later ones, CONFLICT for later ones with other content. Needs `record_hash` and
    ORDER_COLUMNS."""
    w = Window.partitionBy(*table.business_key).orderBy(*ORDER_COLUMNS)
    first_hash = F.first("record_hash").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow))
    rn = F.row_number().over(w)
    outcome = F.when(rn == 1, F.lit(None).cast("string")).when(
        F.col("record_hash") == first_hash, F.lit(DUPLICATE)
    )
    return rows.withColumn(OUTCOME, outcome.otherwise(F.lit(CONFLICT)))


def classify(deduped: DataFrame, existing: DataFrame, table: Table) -> DataFrame:
    """Sets OUTCOME of the kept records to INSERT, UPDATE or DUPLICATE by comparing with `existing` (the
    table's key columns and `record_hash`)."""
    key = list(table.business_key)
    current = existing.select(*key, F.col("record_hash").alias("_table_hash"))
    joined = deduped.join(current, on=key, how="left")
    outcome = (
        F.when(F.col(OUTCOME).isNotNull(), F.col(OUTCOME))
        .when(F.col("_table_hash").isNull(), F.lit(INSERT))
        .when(F.col("_table_hash") == F.col("record_hash"), F.lit(DUPLICATE))
        .otherwise(F.lit(UPDATE))
    )
    return joined.withColumn(OUTCOME, outcome).drop("_table_hash")
