"""The dataset contracts (contracts.json, exported from lib/contracts) as Python objects and Spark schemas,
with the other agreements of that document: Iceberg layouts, the lake's folder layout, the id format and the
run report's fields."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pyspark.sql import types as T

from lake_jobs.reference import Reference

CONTRACTS_PATH = Path(__file__).with_name("contracts.json")


def spark_type(contract_type: str) -> T.DataType:
    """Contract column type (Glue/Athena spelling) -> Spark type. `timestamp` is an instant (UTC)."""
    simple: dict[str, T.DataType] = {
        "string": T.StringType(),
        "int": T.IntegerType(),
        "bigint": T.LongType(),
        "double": T.DoubleType(),
        "boolean": T.BooleanType(),
        "timestamp": T.TimestampType(),
        "date": T.DateType(),
        "array<string>": T.ArrayType(T.StringType()),
    }
    if contract_type in simple:
        return simple[contract_type]
    if contract_type.startswith("decimal(") and contract_type.endswith(")"):
        precision, scale = (int(x) for x in contract_type[len("decimal(") : -1].split(","))
        return T.DecimalType(precision, scale)
    raise ValueError(f"unknown contract column type {contract_type!r}")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    source: str
    pii: bool = False
    raw_name: str | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    derived_from: dict[str, Any] | None = None
    """Column-level lineage: {from: [table.column], how, filteredBy?: [table.column]} (curated columns)."""

    @property
    def spark_type(self) -> T.DataType:
        return spark_type(self.type)


@dataclass(frozen=True)
class PartitionField:
    column: str
    transform: str
    """Iceberg transform name (`day`)."""
    name: str


@dataclass(frozen=True)
class IcebergMaintenance:
    """Upkeep of a table (lib/contracts/iceberg.ts): what the Glue table optimizers do on AWS, and what the
    local maintenance does."""

    snapshot_retention_days: int
    min_snapshots_to_keep: int
    orphan_file_retention_days: int
    compaction_min_input_files: int
    target_file_size_bytes: int


@dataclass(frozen=True)
class IcebergSpec:
    """The table's Iceberg layout (lib/contracts/iceberg.ts), the same locally and on AWS."""

    properties: dict[str, str]
    partition_fields: tuple[PartitionField, ...]
    identifier_fields: tuple[str, ...]
    required_columns: tuple[str, ...]
    maintenance: IcebergMaintenance | None = None


@dataclass(frozen=True)
class Table:
    """A processed dataset or a curated table."""

    name: str
    database: str
    description: str
    columns: tuple[Column, ...]
    business_key: tuple[str, ...]
    time_column: str
    raw_format: str | None = None
    raw_prefix: str | None = None
    raw_error_prefix: str | None = None
    """Streamed datasets: where the delivery writes records it could not deliver (Firehose error records)."""
    inputs: tuple[str, ...] = ()
    iceberg: IcebergSpec | None = None

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def columns_by_source(self, *sources: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.source in sources)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def parsed_columns(self) -> tuple[Column, ...]:
        """Columns `parse` delivers: the raw ones plus derived business-key columns (server_logs' log_id)."""
        return tuple(
            c
            for c in self.columns
            if c.source == "raw" or (c.name in self.business_key and c.source == "derived")
        )

    @property
    def hashed_columns(self) -> tuple[Column, ...]:
        """Columns that make up `record_hash`: every contract column except lineage."""
        return tuple(c for c in self.columns if c.source != "lineage")

    def schema(self) -> T.StructType:
        return T.StructType(
            [T.StructField(c.name, c.spark_type, True, {"comment": c.description}) for c in self.columns]
        )


def _column(doc: dict[str, Any]) -> Column:
    return Column(
        name=doc["name"],
        type=doc["type"],
        description=doc["description"],
        source=doc["source"],
        pii=bool(doc.get("pii", False)),
        raw_name=doc.get("rawName"),
        rules=dict(doc.get("rules", {})),
        derived_from=doc.get("derivedFrom"),
    )


def _iceberg(doc: dict[str, Any]) -> IcebergSpec:
    return IcebergSpec(
        properties=dict(doc["properties"]),
        partition_fields=tuple(
            PartitionField(column=p["column"], transform=p["transform"], name=p["name"])
            for p in doc["partitionFields"]
        ),
        identifier_fields=tuple(doc["identifierFields"]),
        required_columns=tuple(doc["requiredColumns"]),
        maintenance=_maintenance(doc["maintenance"]) if "maintenance" in doc else None,
    )


def _maintenance(doc: dict[str, Any]) -> IcebergMaintenance:
    return IcebergMaintenance(
        snapshot_retention_days=int(doc["snapshotRetentionDays"]),
        min_snapshots_to_keep=int(doc["minSnapshotsToKeep"]),
        orphan_file_retention_days=int(doc["orphanFileRetentionDays"]),
        compaction_min_input_files=int(doc["compactionMinInputFiles"]),
        target_file_size_bytes=int(doc["targetFileSizeBytes"]),
    )


def _table(doc: dict[str, Any], iceberg: dict[str, Any]) -> Table:
    raw = doc.get("raw") or {}
    return Table(
        name=doc["name"],
        database=doc["database"],
        description=doc["description"],
        columns=tuple(_column(c) for c in doc["columns"]),
        business_key=tuple(doc["businessKey"]),
        time_column=doc["timeColumn"],
        raw_format=raw.get("format"),
        raw_prefix=raw.get("prefix"),
        raw_error_prefix=raw.get("errorPrefix"),
        inputs=tuple(doc.get("inputs", ())),
        iceberg=_iceberg(iceberg[doc["name"]]) if doc["name"] in iceberg else None,
    )


@dataclass(frozen=True)
class LakeLayout:
    """Zone folders and the keys inside them (lib/contracts/lake-layout.ts)."""

    zones: dict[str, str]
    keys: dict[str, str]

    def key(self, name: str, **values: str) -> str:
        """A key of the layout with its `{placeholders}` filled (a missing value is an error)."""

        def fill(m: re.Match[str]) -> str:
            if m.group(1) not in values:
                raise KeyError(f"lake key {name}: no value for {{{m.group(1)}}}")
            return values[m.group(1)]

        return re.sub(r"\{(\w+)\}", fill, self.keys[name])


@dataclass(frozen=True)
class IdFormat:
    """Batch and run ids: `YYYYMMDDTHHMMSSZ-<hex>` (lib/contracts/ids.ts)."""

    random_hex_digits: int
    pattern: str


@dataclass(frozen=True)
class CombinedLogGrammar:
    """The combined-log grammar (lib/contracts/combined-log.ts): a Java regex, the one the raw table's SerDe
    applies too, with one named group per field."""

    regex: str
    columns: tuple[str, ...]
    """Field names in group order (group i + 1 is columns[i])."""


@dataclass(frozen=True)
class DatasetCheck:
    """A check on the batch a run is about to publish (lib/contracts/checks.ts); `params` holds the kind's
    thresholds (`max`, `min`, `column`, ...) as the contracts spell them."""

    name: str
    kind: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def critical(self) -> bool:
        return self.severity == "critical"


def _check(doc: dict[str, Any]) -> DatasetCheck:
    params = {k: v for k, v in doc.items() if k not in ("name", "kind", "severity")}
    return DatasetCheck(name=doc["name"], kind=doc["kind"], severity=doc["severity"], params=params)


@dataclass(frozen=True)
class ReportField:
    name: str
    kind: str
    optional: bool = False


@dataclass(frozen=True)
class Contracts:
    datasets: dict[str, Table]
    curated: dict[str, Table]
    reference: Reference
    layout: LakeLayout | None = None
    ids: IdFormat | None = None
    run_statuses: tuple[str, ...] = ()
    run_report_fields: tuple[ReportField, ...] = ()
    combined_log: CombinedLogGrammar | None = None
    checks: dict[str, tuple[DatasetCheck, ...]] = field(default_factory=dict)
    """Dataset -> its checks (the defaults included)."""
    anomalies: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Dataset -> its anomaly band as declared (lib/contracts/anomalies.ts; read by lake_jobs.anomalies)."""

    def table(self, name: str) -> Table:
        if name in self.datasets:
            return self.datasets[name]
        if name in self.curated:
            return self.curated[name]
        raise KeyError(f"unknown table {name!r}")


def parse_contracts(doc: dict[str, Any]) -> Contracts:
    return Contracts(
        datasets={d["name"]: _table(d, doc.get("iceberg", {})) for d in doc["datasets"]},
        curated={d["name"]: _table(d, doc.get("iceberg", {})) for d in doc["curated"]},
        reference=Reference.from_document(doc),
        layout=LakeLayout(dict(doc["layout"]["zones"]), dict(doc["layout"]["keys"]))
        if "layout" in doc
        else None,
        ids=IdFormat(doc["ids"]["randomHexDigits"], doc["ids"]["pattern"]) if "ids" in doc else None,
        run_statuses=tuple(doc.get("runReport", {}).get("statuses", ())),
        run_report_fields=tuple(
            ReportField(f["name"], f["kind"], bool(f.get("optional", False)))
            for f in doc.get("runReport", {}).get("fields", ())
        ),
        combined_log=CombinedLogGrammar(
            doc["combinedLog"]["regex"], tuple(f["column"] for f in doc["combinedLog"]["fields"])
        )
        if "combinedLog" in doc
        else None,
        checks={name: tuple(_check(c) for c in cs) for name, cs in doc.get("checks", {}).items()},
        anomalies=dict(doc.get("anomalies", {})),
    )


def combined_log_grammar() -> CombinedLogGrammar:
    grammar = load_contracts().combined_log
    if grammar is None:
        raise ValueError(f"{CONTRACTS_PATH} declares no combined-log grammar; export the contracts again")
    return grammar


def agreements() -> tuple[LakeLayout, IdFormat]:
    """The folder layout and id format of the exported document (always there in contracts.json)."""
    c = load_contracts()
    if c.layout is None or c.ids is None:
        raise ValueError(f"{CONTRACTS_PATH} declares no layout or id format; export the contracts again")
    return c.layout, c.ids


@cache
def load_contracts(path: str = str(CONTRACTS_PATH)) -> Contracts:
    return parse_contracts(json.loads(Path(path).read_text(encoding="utf-8")))
