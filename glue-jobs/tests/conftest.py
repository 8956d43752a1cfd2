"""The ONE Spark session of the pytest run, and a fresh lake (home + catalog) per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession

from lake_jobs.config import LakeConfig
from lake_jobs.readers import split_records, to_records, tuple_schema
from lake_jobs.spark import configure_catalog, local_session

_catalog_ids = itertools.count(1)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """local[2], 1 shuffle partition, loopback, no UI, UTC, Iceberg extensions, Hadoop catalog `lake`."""
    warehouse = tmp_path_factory.mktemp("session-lake") / "warehouse"
    session = local_session(
        master="local[2]",
        app_name="lake-jobs-tests",
        shuffle_partitions=1,
        catalogs={"lake": str(warehouse)},
        # Tiny data: adaptive re-planning only adds Spark jobs.
        extra={"spark.sql.adaptive.enabled": "false"},
    )
    yield session
    session.stop()


@pytest.fixture()
def lake(spark: SparkSession, tmp_path: Path) -> LakeConfig:
    """A fresh lake home for one test: its own folder and its own Iceberg catalog name (`lake_<n>`), so that
    tests never see each other's tables. Tables are `<config.catalog>.processed.<dataset>`."""
    name = f"lake_t{next(_catalog_ids)}"
    config = LakeConfig.local(str(tmp_path / "home"), catalog=name)
    configure_catalog(spark, name, config.warehouse)
    return config


@pytest.fixture()
def records_of(spark: SparkSession):
    """Factory: raw files given in memory -> the raw-record DataFrame `parse` receives, exactly as the reader
    builds it (same splitting, same columns). Usage::

        records = records_of("json", {"social_posts/batch=b1/p.json": b'{"post_id": "1"}\\n'})
        records = records_of("csv", {"transactions/batch=b1/t.csv": data}, header=[...expected columns...])
    """

    def make(raw_format: str, files: dict[str, bytes], header: list[str] | None = None) -> DataFrame:
        rows = [r for key, data in files.items() for r in split_records(raw_format, key, data, header)]
        return to_records(spark.createDataFrame(rows, tuple_schema(raw_format)), raw_format, header)

    return make
