"""Local Iceberg tables are laid out exactly as the contracts' Iceberg declaration says (the one the Glue
table definitions are built from), and tables created before a layout change are brought up to it."""

from __future__ import annotations

import logging

import pytest
from pyspark.sql import SparkSession

from lake_jobs import tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Table, load_contracts

ALL_TABLES = [*load_contracts().datasets.values(), *load_contracts().curated.values()]


def _metadata(spark: SparkSession, name: str):
    return tables._iceberg_table(spark, name)  # noqa: SLF001 - the Java table is what Glue and Athena see


def _layout(spark: SparkSession, name: str) -> dict:
    t = _metadata(spark, name)
    schema = t.schema()
    return {
        "properties": dict(t.properties()),
        "format_version": int(t.operations().current().formatVersion()),
        "required": sorted(f.name() for f in schema.columns() if f.isRequired()),
        "identifier": sorted(schema.identifierFieldNames()),
        "partitions": [
            (schema.findColumnName(p.sourceId()), str(p.transform()), p.name()) for p in t.spec().fields()
        ],
    }


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_a_new_table_has_the_declared_properties_partitions_identifier_and_required_columns(
    spark: SparkSession, lake: LakeConfig, table: Table
) -> None:
    spec = table.iceberg
    assert spec is not None
    name = tables.ensure_table(spark, lake, table)
    got = _layout(spark, name)
    declared = {k: v for k, v in spec.properties.items() if k != "format-version"}
    assert {k: got["properties"].get(k) for k in declared} == declared
    assert got["format_version"] == int(spec.properties["format-version"])
    assert got["required"] == sorted(spec.required_columns)
    assert got["identifier"] == sorted(spec.identifier_fields) == sorted(table.business_key)
    assert got["partitions"] == [(p.column, p.transform, p.name) for p in spec.partition_fields]
    assert tables.upgrade_table(spark, name, table) == [], "an up-to-date table is left alone"


def _old_table(spark: SparkSession, lake: LakeConfig, table: Table) -> str:
    """The table as the old DDL made it: every column optional, no identifier fields, fewer properties."""
    name = lake.table(table.database, table.name)
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {lake.catalog}.{lake.database(table.database)}")
    cols = ", ".join(f"`{c.name}` {c.spark_type.simpleString()}" for c in table.columns)
    spark.sql(
        f"CREATE TABLE {name} ({cols}) USING iceberg PARTITIONED BY (days(`{table.time_column}`)) "
        "TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='copy-on-write')"
    )
    return name


def _one_row(spark: SparkSession, table: Table, **values):
    row = tuple(values.get(c.name) for c in table.columns)
    return spark.createDataFrame([row], table.schema())


@pytest.mark.parametrize("cached", [True, False], ids=["cached catalog", "uncached catalog"])
def test_a_table_created_before_gets_identifier_fields_and_required_columns_and_keeps_its_rows(
    spark: SparkSession, lake: LakeConfig, cached: bool
) -> None:
    from datetime import date

    # the resident Spark's catalog does not cache tables: each load is a new table object
    spark.conf.set(f"spark.sql.catalog.{lake.catalog}.cache-enabled", str(cached).lower())
    table = load_contracts().curated["daily_sales"]
    name = _old_table(spark, lake, table)
    _one_row(spark, table, order_date=date(2026, 10, 1), category="sports", country="FR", orders=3).writeTo(
        name
    ).append()
    before = tables.current_snapshot_id(spark, name)

    assert tables.ensure_table(spark, lake, table) == name
    got = _layout(spark, name)
    assert got["identifier"] == ["category", "country", "order_date"]
    assert got["required"] == ["category", "country", "order_date"]
    assert got["properties"]["history.expire.max-snapshot-age-ms"] == "604800000"
    assert tables.current_snapshot_id(spark, name) == before, "metadata only: no new data snapshot"
    assert [(r.category, r.orders) for r in spark.table(name).collect()] == [("sports", 3)]
    # and the jobs' MERGE keeps working on it
    changes = _one_row(spark, table, order_date=date(2026, 10, 1), category="sports", country="FR", orders=4)
    tables.merge(spark, name, changes, table.business_key, "t_changes")
    assert [r.orders for r in spark.table(name).collect()] == [4]


def test_a_table_created_before_whose_key_holds_nulls_is_left_optional_and_still_works(
    spark: SparkSession, lake: LakeConfig, caplog: pytest.LogCaptureFixture
) -> None:
    from datetime import date

    table = load_contracts().curated["daily_sales"]
    name = _old_table(spark, lake, table)
    _one_row(spark, table, order_date=date(2026, 10, 1), category=None, country="FR", orders=1).writeTo(
        name
    ).append()

    with caplog.at_level(logging.WARNING, logger="lake_jobs.tables"):
        tables.ensure_table(spark, lake, table)
    got = _layout(spark, name)
    assert got["required"] == ["country", "order_date"], "the columns without nulls are tightened"
    assert got["identifier"] == [], "identifier fields need a key that is never null"
    assert "column category holds 1 null(s); it stays optional" in caplog.text
    assert spark.table(name).count() == 1
