"""Iceberg tables of the contracts: create when missing, current snapshot, MERGE INTO on the business key."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession

from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Table

TABLE_PROPERTIES = {
    "format-version": "2",
    "write.merge.mode": "copy-on-write",
    "write.update.mode": "copy-on-write",
    "write.delete.mode": "copy-on-write",
}


def _sql_string(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _ident(name: str) -> str:
    return f"`{name}`"


def create_table_sql(name: str, table: Table) -> str:
    """DDL of a contract table: Iceberg v2, copy-on-write, partitioned by days(timeColumn), comments."""
    cols = ",\n  ".join(
        f"{_ident(c.name)} {c.spark_type.simpleString()} COMMENT {_sql_string(c.description)}"
        for c in table.columns
    )
    props = ", ".join(f"{_sql_string(k)}={_sql_string(v)}" for k, v in TABLE_PROPERTIES.items())
    return (
        f"CREATE TABLE IF NOT EXISTS {name} (\n  {cols}\n) USING iceberg\n"
        f"PARTITIONED BY (days({_ident(table.time_column)}))\n"
        f"COMMENT {_sql_string(table.description)}\nTBLPROPERTIES ({props})"
    )


def table_exists(spark: SparkSession, name: str) -> bool:
    return spark.catalog.tableExists(name)


def ensure_table(spark: SparkSession, config: LakeConfig, table: Table) -> str:
    """Creates the table (and its namespace) from the contract when missing; returns its qualified name."""
    name = config.table(table.database, table.name)
    if not table_exists(spark, name):
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {config.catalog}.{config.database(table.database)}")
        spark.sql(create_table_sql(name, table))
    return name


def _iceberg_table(spark: SparkSession, name: str):
    """The Iceberg Java table object (refreshed), through the session's catalog: no Spark job needed."""
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    table = jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, name)
    table.refresh()
    return table


def current_snapshot_id(spark: SparkSession, name: str) -> str | None:
    """The table's current snapshot id as a string, None for a missing or empty (no snapshot) table."""
    if not table_exists(spark, name):
        return None
    snapshot = _iceberg_table(spark, name).currentSnapshot()
    return None if snapshot is None else str(snapshot.snapshotId())


def snapshot_summary(spark: SparkSession, name: str, snapshot_id: str) -> dict[str, str]:
    snapshot = _iceberg_table(spark, name).snapshot(int(snapshot_id))
    return {} if snapshot is None else dict(snapshot.summary())


def read_snapshot(spark: SparkSession, name: str, snapshot_id: str | None) -> DataFrame:
    """The table as of a snapshot (None = current)."""
    if snapshot_id is None:
        return spark.table(name)
    return spark.read.option("snapshot-id", int(snapshot_id)).table(name)


def merge_sql(name: str, source_view: str, key: tuple[str, ...]) -> str:
    on = " AND ".join(f"t.{_ident(k)} = s.{_ident(k)}" for k in key)
    return (
        f"MERGE INTO {name} t USING {source_view} s ON {on} "
        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
    )


def merge(spark: SparkSession, name: str, changes: DataFrame, key: tuple[str, ...], view: str) -> None:
    """MERGE INTO `name` the rows of `changes` (exactly the table's columns, unique on `key`): matched keys
    are updated, others inserted. One Iceberg commit."""
    changes.createOrReplaceTempView(view)
    try:
        spark.sql(merge_sql(name, view, key))
    finally:
        spark.catalog.dropTempView(view)
