"""Iceberg tables of the contracts: create when missing (or bring an older table up to the contract's Iceberg
layout), current snapshot, MERGE INTO on the business key."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from pyspark.sql import DataFrame, SparkSession

from lake_jobs.config import LakeConfig
from lake_jobs.contracts import IcebergSpec, Table

log = logging.getLogger(__name__)

_SPARK_TRANSFORMS = {"day": "days"}
"""Iceberg partition transform -> Spark DDL function."""

RUN_ID_PROPERTY = "lake.run-id"
"""Snapshot summary property: the run that committed the snapshot (history joins it to the run report)."""


def _sql_string(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _ident(name: str) -> str:
    return f"`{name}`"


def _spec(table: Table) -> IcebergSpec:
    if table.iceberg is None:
        raise ValueError(f"the contracts declare no Iceberg layout for {table.name}")
    return table.iceberg


def create_table_sql(name: str, table: Table) -> str:
    """DDL of a contract table as its Iceberg layout declares it: properties, partition spec, required
    columns (`NOT NULL`), comments. Identifier fields are set by :func:`identifier_fields_sql` (Spark's
    CREATE TABLE has no clause for them)."""
    spec = _spec(table)
    required = set(spec.required_columns)
    cols = ",\n  ".join(
        f"{_ident(c.name)} {c.spark_type.simpleString()}{' NOT NULL' if c.name in required else ''}"
        f" COMMENT {_sql_string(c.description)}"
        for c in table.columns
    )
    partitions = ", ".join(
        f"{_SPARK_TRANSFORMS[p.transform]}({_ident(p.column)})" for p in spec.partition_fields
    )
    props = ", ".join(f"{_sql_string(k)}={_sql_string(v)}" for k, v in spec.properties.items())
    return (
        f"CREATE TABLE IF NOT EXISTS {name} (\n  {cols}\n) USING iceberg\n"
        f"PARTITIONED BY ({partitions})\n"
        f"COMMENT {_sql_string(table.description)}\nTBLPROPERTIES ({props})"
    )


def identifier_fields_sql(name: str, table: Table) -> str:
    fields = ", ".join(map(_ident, _spec(table).identifier_fields))
    return f"ALTER TABLE {name} SET IDENTIFIER FIELDS {fields}"


def table_exists(spark: SparkSession, name: str) -> bool:
    return spark.catalog.tableExists(name)


def ensure_table(spark: SparkSession, config: LakeConfig, table: Table) -> str:
    """Creates the table (and its namespace) from the contract when missing, or brings a table created by an
    older version up to the declared layout; returns its qualified name."""
    name = config.table(table.database, table.name)
    if table_exists(spark, name):
        upgrade_table(spark, name, table)
    else:
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {config.catalog}.{config.database(table.database)}")
        spark.sql(create_table_sql(name, table))
        spark.sql(identifier_fields_sql(name, table))
    return name


def upgrade_table(spark: SparkSession, name: str, table: Table) -> list[str]:
    """Sets what an existing table lacks of its declared layout: table properties, required columns,
    identifier fields (metadata-only commits, no data rewritten; nothing when the table is up to date). A
    column that holds nulls stays optional, with a warning, and then the identifier fields are not set either:
    data is never rejected after the fact. Returns what was changed."""
    spec = _spec(table)
    iceberg = _iceberg_table(spark, name)
    changed: list[str] = []
    current = dict(iceberg.properties())
    props = {k: v for k, v in spec.properties.items() if current.get(k) != v and k != "format-version"}
    if props:
        pairs = ", ".join(f"{_sql_string(k)}={_sql_string(v)}" for k, v in props.items())
        spark.sql(f"ALTER TABLE {name} SET TBLPROPERTIES ({pairs})")
        changed.append(f"properties {', '.join(sorted(props))}")
        # Spark committed through its own table object unless the catalog caches tables (the resident Spark's
        # does not): the schema update below must start from that commit, not from the metadata read before it
        iceberg.refresh()
    schema = iceberg.schema()
    optional = [c for c in spec.required_columns if schema.findField(c).isOptional()]
    if optional:
        nulls = _null_counts(spark, name, optional)
        holding = [c for c in optional if nulls[c]]
        for c in holding:
            log.warning("%s: column %s holds %d null(s); it stays optional", name, c, nulls[c])
        clean = [c for c in optional if not nulls[c]]
        if clean:
            update = iceberg.updateSchema().allowIncompatibleChanges()
            for c in clean:
                update = update.requireColumn(c)
            update.commit()
            changed.append(f"required {', '.join(clean)}")
        if any(c in spec.identifier_fields for c in holding):
            spark.sql(f"REFRESH TABLE {name}")
            return changed
    if set(iceberg.schema().identifierFieldNames()) != set(spec.identifier_fields):
        spark.sql(identifier_fields_sql(name, table))
        changed.append(f"identifier fields {', '.join(spec.identifier_fields)}")
    if changed:
        spark.sql(f"REFRESH TABLE {name}")
        log.info("%s: brought up to its declared layout (%s)", name, "; ".join(changed))
    return changed


def _null_counts(spark: SparkSession, name: str, columns: list[str]) -> dict[str, int]:
    counts = ", ".join(f"count_if({_ident(c)} IS NULL) AS {_ident(c)}" for c in columns)
    row = spark.sql(f"SELECT {counts} FROM {name}").collect()[0]
    return {c: int(row[c]) for c in columns}


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


@contextmanager
def commit_properties(spark: SparkSession, properties: dict[str, str]) -> Iterator[None]:
    """Iceberg commits made by SQL in this block carry `properties` in their snapshot summary.

    Spark 3.5's MERGE takes no write options, so this sets the thread-local that Iceberg's own
    `CommitMetadata.withCommitProperties` sets (it wants a Java Callable, which py4j cannot pass without a
    callback server). PySpark pins each Python thread to one JVM thread: the SQL below runs where it is set.
    """
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
    holder = jvm.java.lang.Class.forName("org.apache.iceberg.spark.CommitMetadata", True, loader)
    field = holder.getDeclaredField("COMMIT_PROPERTIES")
    field.setAccessible(True)
    local = field.get(None)
    values = jvm.java.util.HashMap()
    for k, v in properties.items():
        values.put(k, v)
    local.set(values)
    try:
        yield
    finally:
        local.remove()


def merge(
    spark: SparkSession,
    name: str,
    changes: DataFrame,
    key: tuple[str, ...],
    view: str,
    properties: dict[str, str] | None = None,
) -> None:
    """MERGE INTO `name` the rows of `changes` (exactly the table's columns, unique on `key`): matched keys
    are updated, others inserted. One Iceberg commit, whose snapshot summary carries `properties`."""
    _commit_from_view(spark, changes, view, merge_sql(name, view, key), properties)


def append(
    spark: SparkSession, name: str, rows: DataFrame, view: str, properties: dict[str, str] | None = None
) -> None:
    """Appends `rows` (the table's columns, by name) to `name`: one Iceberg commit, whose snapshot summary
    carries `properties`. For rows whose keys are known not to be in the table: unlike MERGE, no join with
    it."""
    _commit_from_view(spark, rows, view, f"INSERT INTO {name} BY NAME SELECT * FROM {view}", properties)


def _commit_from_view(
    spark: SparkSession, rows: DataFrame, view: str, sql: str, properties: dict[str, str] | None
) -> None:
    """Runs `sql` (one Iceberg commit, carrying `properties`) with `rows` as the temporary view `view`."""
    rows.createOrReplaceTempView(view)
    try:
        with commit_properties(spark, properties or {}):
            spark.sql(sql)
    finally:
        spark.catalog.dropTempView(view)


INPUT_ROWS_PROPERTY = "lake.input-rows"
"""Snapshot summary property: records the run read (the row-count check's history)."""
METRICS_PROPERTY = "lake.run-metrics"
"""Snapshot summary property: the run's metrics as JSON (the anomaly band's history)."""


def audit_branch(run_id: str) -> str:
    """The audit branch of a run: `audit_<run id>` (run ids are letters, digits and `-`)."""
    return "audit_" + run_id.replace("-", "_")


def branch_table(name: str, branch: str) -> str:
    """Spark's name of a table's branch, for reads and writes (`<table>.branch_<branch>`)."""
    return f"{name}.{_ident('branch_' + branch)}"


def refs(spark: SparkSession, name: str) -> dict[str, int]:
    """Ref name (branches and tags) -> snapshot id."""
    if not table_exists(spark, name):
        return {}
    return {str(k): int(v.snapshotId()) for k, v in dict(_iceberg_table(spark, name).refs()).items()}


def create_branch(spark: SparkSession, name: str, branch: str) -> None:
    """A branch at the table's current state (Iceberg makes an empty snapshot for a table without one)."""
    spark.sql(f"ALTER TABLE {name} CREATE BRANCH {_ident(branch)}")


def drop_branch(spark: SparkSession, name: str, branch: str) -> None:
    spark.sql(f"ALTER TABLE {name} DROP BRANCH IF EXISTS {_ident(branch)}")


def fast_forward(spark: SparkSession, catalog: str, name: str, branch: str) -> None:
    """Moves main to `branch`, which must descend from it (Iceberg refuses otherwise)."""
    ident = name.split(".", 1)[1]
    spark.sql(f"CALL {catalog}.system.fast_forward(table => '{ident}', branch => 'main', to => '{branch}')")


def _summary_history(spark: SparkSession, name: str, key: str) -> list[str]:
    """Values of the snapshot summary property `key` along main's snapshot line, newest first (snapshots
    without it are skipped)."""
    table = _iceberg_table(spark, name)
    out: list[str] = []
    seen: set[int] = set()
    current = table.currentSnapshot()
    while current is not None and current.snapshotId() not in seen:
        seen.add(current.snapshotId())
        value = current.summary().get(key)
        if value is not None:
            out.append(str(value))
        parent = current.parentId()
        current = None if parent is None else table.snapshot(parent)
    return out


def input_rows_history(spark: SparkSession, name: str) -> list[int]:
    """Records read by each published run, newest first, from main's snapshot line."""
    return [int(v) for v in _summary_history(spark, name, INPUT_ROWS_PROPERTY)]


def metrics_history(spark: SparkSession, name: str) -> list[dict[str, float]]:
    """The run metrics (lake_jobs.anomalies) of each published run, newest first, from main's line."""
    return [
        {k: float(v) for k, v in json.loads(text).items()}
        for text in _summary_history(spark, name, METRICS_PROPERTY)
    ]
