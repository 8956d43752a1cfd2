"""Quarantined records: one JSON line each, with reason(s), where the record came from and its original text,
under <quarantine>/<dataset>/run_id=<id>/ (Spark JSON part files)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lake_jobs.contracts import Table, agreements
from lake_jobs.dedupe import conflict_reason
from lake_jobs.quality import REASON, REASONS

QUARANTINE_COLUMNS = (
    REASON,
    REASONS,
    "source_file",
    "ingest_batch_id",
    "record_no",
    "error_detail",
    "raw_text",
    "raw_base64",
)


def from_checks(invalid: DataFrame) -> DataFrame:
    """Records that failed parsing or quality rules, as quarantine rows."""
    return invalid.select(*QUARANTINE_COLUMNS)


def from_conflicts(conflicts: DataFrame, table: Table) -> DataFrame:
    """Later records of a batch with the key of an earlier one but other content, as quarantine rows."""
    reason = conflict_reason(table)
    key = ", ".join(table.business_key)
    return conflicts.select(
        F.lit(reason).alias(REASON),
        F.array(F.lit(reason)).alias(REASONS),
        "source_file",
        "ingest_batch_id",
        "record_no",
        F.lit(f"an earlier record of this batch has the same {key} but other content").alias("error_detail"),
        "raw_text",
        "raw_base64",
    )


def quarantine_path(root: str, dataset: str, run_id: str) -> str:
    return f"{root.rstrip('/')}/{agreements()[0].key('quarantineRun', dataset=dataset, runId=run_id)}"


def write(rows: DataFrame, root: str, dataset: str, run_id: str) -> str:
    """Writes the quarantine rows of one run as JSON Lines; returns the folder."""
    path = quarantine_path(root, dataset, run_id)
    rows.withColumn("run_id", F.lit(run_id)).coalesce(1).write.mode("overwrite").option(
        "ignoreNullFields", "false"
    ).json(path)
    return path
