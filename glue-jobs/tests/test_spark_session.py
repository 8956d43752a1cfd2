from pyspark.sql import SparkSession

from lake_jobs.config import LakeConfig


def test_session_is_utc_single_partition_with_iceberg(spark: SparkSession) -> None:
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "1"
    assert "IcebergSparkSessionExtensions" in spark.conf.get("spark.sql.extensions")


def test_each_test_gets_its_own_catalog(spark: SparkSession, lake: LakeConfig) -> None:
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {lake.catalog}.processed")
    spark.sql(f"CREATE TABLE {lake.catalog}.processed.t (a int) USING iceberg")
    spark.sql(f"INSERT INTO {lake.catalog}.processed.t VALUES (1)")
    assert spark.table(f"{lake.catalog}.processed.t").count() == 1
    assert spark.sql(f"SHOW TABLES IN {lake.catalog}.processed").count() == 1, (
        "a fresh catalog starts without tables"
    )


def test_the_local_jvm_runs_the_throughput_collector(spark: SparkSession) -> None:
    beans = spark.sparkContext._jvm.java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()  # type: ignore[union-attr]
    names = {str(b.getName()) for b in beans}
    assert names == {"PS Scavenge", "PS MarkSweep"}, names
