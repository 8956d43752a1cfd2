"""Contracts as Spark schemas and Iceberg DDL."""

from pyspark.sql import types as T

from lake_jobs.contracts import load_contracts, spark_type
from lake_jobs.tables import create_table_sql


def test_contract_types_map_to_spark_types() -> None:
    assert [
        spark_type(t)
        for t in [
            "string",
            "int",
            "bigint",
            "double",
            "boolean",
            "timestamp",
            "date",
            "decimal(18,2)",
            "array<string>",
        ]
    ] == [
        T.StringType(),
        T.IntegerType(),
        T.LongType(),
        T.DoubleType(),
        T.BooleanType(),
        T.TimestampType(),
        T.DateType(),
        T.DecimalType(18, 2),
        T.ArrayType(T.StringType()),
    ]


def test_every_table_has_lineage_a_business_key_and_a_time_column_it_declares() -> None:
    contracts = load_contracts()
    for table in contracts.datasets.values():
        assert {"source_file", "ingest_batch_id", "etl_run_id", "record_hash"} <= set(table.column_names)
        assert all(k in [c.name for c in table.parsed_columns] for k in table.business_key)
    for table in [*contracts.datasets.values(), *contracts.curated.values()]:
        assert table.time_column in table.column_names
        assert (
            table.schema()[table.time_column].metadata["comment"]
            == table.column(table.time_column).description
        )


def test_create_table_sql_escapes_comments_and_partitions_by_day() -> None:
    sql = create_table_sql("lake.processed.transactions", load_contracts().datasets["transactions"])
    assert "PARTITIONED BY (days(`created_at`))" in sql
    assert "COMMENT 'Order lines from the shop\\'s order database" in sql
    assert "'write.merge.mode'='copy-on-write'" in sql
