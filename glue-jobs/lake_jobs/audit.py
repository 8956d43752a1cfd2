"""Write-audit-publish: what a run measures on its audit branch for the dataset checks (lake_jobs.checks).

The batch has been MERGEd into the branch `audit_<run>` of the table; main is untouched until the gate lets
the batch through. Key uniqueness is measured on the whole branch (the table as it would be published);
completeness, references and freshness on the rows the batch inserts or changes; a reference is looked up in
the published (main) state of the table it names. The same pass over the batch measures what the anomaly band
judges (lake_jobs.anomalies): every column's non-null rows and the sums of the band's amount columns.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lake_jobs import tables
from lake_jobs.checks import Measures
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, DatasetCheck, Table


def _key_duplicates(branch: DataFrame, key: tuple[str, ...]) -> int:
    row = branch.agg(F.count(F.lit(1)).alias("n"), F.count_distinct(*key).alias("d")).collect()[0]
    return int(row["n"]) - int(row["d"])


def _references(
    spark: SparkSession, config: LakeConfig, contracts: Contracts, check: DatasetCheck, batch: DataFrame
) -> tuple[int, int]:
    p = check.params
    rows = batch
    if p.get("when"):
        rows = rows.where(F.col(p["when"]["column"]) == F.lit(p["when"]["equals"]))
    values = rows.select(F.col(p["column"]).alias("v"))
    ref_table, ref_column = p["references"].split(".")
    target = contracts.table(ref_table)
    name = config.table(target.database, target.name)
    if not tables.table_exists(spark, name):
        return values.count(), 0
    known = spark.table(name).select(F.col(ref_column).alias("v")).distinct()
    row = (
        values.join(known.withColumn("found", F.lit(1)), "v", "left")
        .agg(F.count(F.lit(1)).alias("n"), F.count("found").alias("f"))
        .collect()[0]
    )
    return int(row["n"]), int(row["f"])


def measure_batch(
    spark: SparkSession,
    config: LakeConfig,
    contracts: Contracts,
    table: Table,
    batch: DataFrame,
    input_rows: int,
    quarantined_rows: int,
    kept: DataFrame | None = None,
    sums: tuple[str, ...] = (),
) -> Measures:
    """What can be measured before the batch is written (the run's metrics go into its commit): from the
    batch's changed rows and (`kept`, for distinct keys) all its records that passed the record rules."""
    checks = contracts.checks.get(table.name, ())
    completeness = {c.params["column"] for c in checks if c.kind == "completeness"}
    columns = [c.name for c in table.hashed_columns]
    columns += sorted(completeness - set(columns))
    aggs = [F.count(F.lit(1)).alias("__rows"), F.max(table.time_column).alias("__newest")]
    aggs += [F.count(c).alias(f"__n_{c}") for c in columns]
    aggs += [F.coalesce(F.sum(c), F.lit(0)).cast("double").alias(f"__sum_{c}") for c in sums]
    row = batch.agg(*aggs).collect()[0]
    distinct = None
    if kept is not None:
        distinct = int(kept.agg(F.count_distinct(*table.business_key).alias("d")).collect()[0]["d"])
    newest = row["__newest"]
    if isinstance(newest, datetime) and newest.tzinfo is None:
        newest = newest.replace(tzinfo=UTC)  # the session's time zone is UTC
    return Measures(
        input_rows=input_rows,
        quarantined_rows=quarantined_rows,
        measured_at=datetime.now(UTC),
        batch_rows=int(row["__rows"]),
        non_null={c: int(row[f"__n_{c}"]) for c in columns},
        sums={c: float(row[f"__sum_{c}"]) for c in sums},
        distinct_keys=distinct,
        references={
            c.name: _references(spark, config, contracts, c, batch) for c in checks if c.kind == "referential"
        },
        newest_event=newest if isinstance(newest, datetime) else None,
    )


def measure_branch(measures: Measures, contracts: Contracts, table: Table, branch: DataFrame) -> Measures:
    """`measures` plus what needs the table as the batch would publish it (its audit branch)."""
    if not any(c.kind == "uniqueKey" for c in contracts.checks.get(table.name, ())):
        return measures
    return dataclasses.replace(measures, key_duplicates=_key_duplicates(branch, table.business_key))
