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


def test_every_table_declares_its_upkeep_and_the_streamed_table_compacts_sooner() -> None:
    contracts = load_contracts()
    upkeep = {
        t.name: t.iceberg.maintenance for t in [*contracts.datasets.values(), *contracts.curated.values()]
    }
    assert all(m is not None for m in upkeep.values())
    ads, sales = upkeep["ad_events"], upkeep["daily_sales"]
    assert ads.compaction_min_input_files < sales.compaction_min_input_files
    # the table properties the local Spark procedures default to say the same as the upkeep settings
    props = contracts.datasets["transactions"].iceberg.properties
    m = upkeep["transactions"]
    assert int(props["history.expire.max-snapshot-age-ms"]) == m.snapshot_retention_days * 24 * 3600 * 1000
    assert int(props["history.expire.min-snapshots-to-keep"]) == m.min_snapshots_to_keep
    assert int(props["write.target-file-size-bytes"]) == m.target_file_size_bytes
