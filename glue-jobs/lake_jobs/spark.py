"""The one place that builds a Spark session and registers Iceberg catalogs.

The local runner, the benchmark and the pytest session fixture all call :func:`local_session`; on Glue
the session comes from GlueContext and :func:`configure_catalog` is not needed (the job parameters
configure `glue_catalog`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

ICEBERG_JAR_NAME = "iceberg-spark-runtime-3.5_2.12-1.10.0.jar"
ICEBERG_EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
JAVA_OPTIONS = "-Duser.timezone=UTC -XX:+UseParallelGC"
"""The local JVM's options. The throughput collector: a job is a batch on a few cores, and G1's concurrent
marking took about 8% of a 1 M-row run's CPU (its pauses matter less than that; BENCHMARKS.md)."""


def iceberg_jar() -> str:
    """Path of the Iceberg Spark runtime jar: `$LAKE_ICEBERG_JAR`, else `<repo>/.tools/jars/<jar>`."""
    explicit = os.environ.get("LAKE_ICEBERG_JAR")
    if explicit:
        return explicit
    repo_root = Path(__file__).resolve().parents[2]
    jar = repo_root / ".tools" / "jars" / ICEBERG_JAR_NAME
    if not jar.exists():
        raise FileNotFoundError(
            f"Iceberg runtime jar not found at {jar}; "
            "run the set-up (lib/setup/toolchain.ts) or set LAKE_ICEBERG_JAR"
        )
    return str(jar)


def catalog_conf(name: str, warehouse: str) -> dict[str, str]:
    """Spark settings of an Iceberg Hadoop catalog `name` whose warehouse is the folder `warehouse`."""
    prefix = f"spark.sql.catalog.{name}"
    return {
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.type": "hadoop",
        f"{prefix}.warehouse": str(warehouse),
    }


def configure_catalog(spark: SparkSession, name: str, warehouse: str) -> None:
    """Registers (or re-points) a Hadoop catalog at runtime; Spark loads a catalog lazily on first use.

    Re-pointing a catalog that was already used in this session has no effect, so use a fresh name per
    warehouse (tests do, see tests/conftest.py).
    """
    for key, value in catalog_conf(name, warehouse).items():
        spark.conf.set(key, value)


def local_session(
    *,
    master: str = "local[*]",
    app_name: str = "lake-jobs",
    shuffle_partitions: int = 4,
    catalogs: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> SparkSession:
    """A local Spark session with Iceberg, in UTC, bound to loopback, without UI.

    `catalogs` maps catalog names to warehouse folders (e.g. `{"lake": "<home>/warehouse"}`); `extra`
    adds Spark settings.
    """
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Python workers run the driver's interpreter (the venv that has lake_jobs), not whatever `python3` is.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.jars", iceberg_jar())
        .config("spark.sql.extensions", ICEBERG_EXTENSIONS)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(max(shuffle_partitions, 1)))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .config("spark.driver.extraJavaOptions", JAVA_OPTIONS)
        .config("spark.executor.extraJavaOptions", JAVA_OPTIONS)
    )
    for key, value in (extra or {}).items():
        builder = builder.config(key, value)
    for name, warehouse in (catalogs or {}).items():
        for key, value in catalog_conf(name, warehouse).items():
            builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
