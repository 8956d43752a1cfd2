"""One curated table's run: recompute the days its inputs changed, replace exactly those days (one commit).

The table remembers, in its snapshot summary (`lake.input-snapshot.<dataset>`), the input snapshots it
was built from. A run compares them with the inputs' current snapshots: nothing changed -> 'no_new_data';
otherwise the changed input rows (new versions and the versions they replaced, by key and record_hash) go
to the module's `affected_days`, and `compute` gives the new rows of those days. Rows identical to the
table's count as duplicates; when nothing differs no commit is made. A missing table is built from all
days.
"""

from __future__ import annotations

import logging

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lake_jobs import lineage, tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, Table, load_contracts
from lake_jobs.curated import curated_module
from lake_jobs.dedupe import record_hash
from lake_jobs.report import NO_NEW_DATA, RunReport
from lake_jobs.storage import storage_for

log = logging.getLogger("lake_jobs")

SNAPSHOT_PROPERTY = "lake.input-snapshot."


def changed_rows(previous: DataFrame | None, current: DataFrame, key: tuple[str, ...]) -> DataFrame:
    """Pure: rows of `current` that are not in `previous` (by key and record_hash), plus the `previous` rows
    they replaced or that disappeared."""
    if previous is None:
        return current
    k = list(key)
    new_versions = current.join(previous.select(*k, "record_hash"), on=[*k, "record_hash"], how="left_anti")
    replaced = previous.join(new_versions.select(*k), on=k, how="left_semi")
    gone = previous.join(current.select(*k), on=k, how="left_anti")
    return new_versions.unionByName(replaced).unionByName(gone)


def with_hash(rows: DataFrame, table: Table) -> DataFrame:
    return rows.select(*[F.col(c.name).cast(c.spark_type) for c in table.columns]).withColumn(
        "_hash", record_hash(table)
    )


def run_curated(
    spark: SparkSession, config: LakeConfig, name: str, *, contracts: Contracts | None = None
) -> RunReport:
    contracts = contracts or load_contracts()
    table = contracts.curated[name]
    report = RunReport.start(name, f"{config.database(table.database)}.{name}")
    report.deleted_rows = 0
    run_lineage = lineage.RunLineage.begin(config, table, report, storage_for(spark, config.reports_root))
    cached: list[DataFrame] = []
    try:
        module = curated_module(name)
        input_names = {ds: config.table("processed", ds) for ds in table.inputs}
        missing = [ds for ds, t in input_names.items() if not tables.table_exists(spark, t)]
        if missing:
            log.info("%s: input table(s) %s do not exist yet; nothing to build", name, ", ".join(missing))
            report.status = NO_NEW_DATA
            report.snapshot_id = tables.current_snapshot_id(spark, config.table(table.database, name))
            return report.finish()
        current = {ds: tables.current_snapshot_id(spark, t) for ds, t in input_names.items()}
        table_name = tables.ensure_table(spark, config, table)
        snapshot = tables.current_snapshot_id(spark, table_name)
        built_from: dict[str, str] = {}
        if snapshot is not None:
            summary = tables.snapshot_summary(spark, table_name, snapshot)
            built_from = {
                k[len(SNAPSHOT_PROPERTY) :]: v for k, v in summary.items() if k.startswith(SNAPSHOT_PROPERTY)
            }
        changed = [ds for ds in table.inputs if current[ds] is not None and current[ds] != built_from.get(ds)]
        report.files = [f"{config.database('processed')}.{ds}@{current[ds]}" for ds in changed]
        if not changed and snapshot is not None:
            report.status = NO_NEW_DATA
            report.snapshot_id = snapshot
            return report.finish()

        inputs = {ds: spark.table(t) for ds, t in input_names.items()}
        if snapshot is None:
            days, day_values = None, None
        else:
            changes = {
                ds: changed_rows(
                    tables.read_snapshot(spark, input_names[ds], built_from[ds])
                    if ds in built_from
                    else None,
                    inputs[ds],
                    contracts.datasets[ds].business_key,
                )
                for ds in changed
            }
            day_values = sorted(
                r.day for r in module.affected_days(changes, inputs).distinct().collect() if r.day is not None
            )
            days = spark.createDataFrame([(d,) for d in day_values], "day date")

        rows = with_hash(module.compute(inputs, days, contracts.reference), table)
        rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(rows)
        existing = with_hash(spark.table(table_name), table)
        if day_values is not None:
            existing = existing.where(F.col(table.time_column).isin(day_values))
        key = list(table.business_key)
        stats = (
            rows.select(*key, "_hash", F.lit(1).alias("_new"))
            .join(
                existing.select(*key, F.col("_hash").alias("_old_hash"), F.lit(1).alias("_old")), key, "full"
            )
            .agg(
                F.count("_new").alias("input"),
                F.count(F.when(F.col("_new").isNotNull() & (F.col("_hash") == F.col("_old_hash")), 1)).alias(
                    "same"
                ),
                F.count(F.when(F.col("_new").isNull(), 1)).alias("deleted"),
            )
            .collect()[0]
        )
        report.input_rows = stats["input"]
        report.duplicate_rows = stats["same"]
        report.output_rows = stats["input"] - stats["same"]
        report.deleted_rows = stats["deleted"]
        report.check()
        if report.output_rows or report.deleted_rows or snapshot is None:
            writer = (
                rows.drop("_hash")
                .writeTo(table_name)
                .option(f"snapshot-property.{tables.RUN_ID_PROPERTY}", report.run_id)
            )
            for ds in table.inputs:
                if current[ds] is not None:
                    writer = writer.option(f"snapshot-property.{SNAPSHOT_PROPERTY}{ds}", current[ds])
            condition = F.lit(True) if day_values is None else F.col(table.time_column).isin(day_values)
            writer.overwrite(condition)
        report.snapshot_id = tables.current_snapshot_id(spark, table_name)
        return report.finish()
    except Exception as e:  # noqa: BLE001 - reported; the runner goes on
        log.exception("curated %s run %s failed", name, report.run_id)
        report.input_rows = report.output_rows = report.quarantined_rows = report.duplicate_rows = 0
        report.deleted_rows = 0
        report.fail(f"{type(e).__name__}: {e}")
        return report.finish()
    finally:
        for df in cached:
            df.unpersist()
        run_lineage.end(lineage.table_inputs(config, lineage.input_versions(spark, config, table)))
