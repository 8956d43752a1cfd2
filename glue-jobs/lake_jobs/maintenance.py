"""Maintenance operations on the lake's Iceberg tables, with Iceberg's own refs and procedures:

- tag:      `ALTER TABLE ... CREATE TAG <name> AS OF VERSION <id> [RETAIN <n> DAYS]` on one table, or on the
            current version of every table under one name (a release of the whole lake).
- rollback: `CALL <catalog>.system.rollback_to_snapshot` (or `set_current_snapshot` for a version that a
            rollback left behind): the table's state becomes that version again; Iceberg logs it as a new
            entry of the table's history. The loads it undid keep their raw files in the ledger, marked
            `undone_by`, so the next run does not re-apply them (`--reprocess` does); curated tables built
            from the table are recomputed right away.
- maintain: compaction, snapshot expiry and orphan file removal of the named tables (lake_jobs.upkeep).

Each operation returns run reports (operation, previous and new snapshot) that the runner prints and keeps
in the reports zone like a job run's. The same code runs locally (`python -m lake_jobs.run --op ...`) and as
the Glue maintenance job (glue_entry/maintenance_job.py).
"""

from __future__ import annotations

import logging
import re

from pyspark.sql import SparkSession

from lake_jobs import tables, upkeep
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, Table, load_contracts
from lake_jobs.curate import run_curated
from lake_jobs.ledger import Ledger
from lake_jobs.report import RunReport
from lake_jobs.storage import storage_for

log = logging.getLogger("lake_jobs")

TAG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")
OPERATIONS = ("tag", "rollback", "publish", "discard", upkeep.OPERATION)


class MaintenanceError(ValueError):
    """The operation cannot be done as asked; the message says what exists instead."""


def _contract(contracts: Contracts, name: str) -> Table:
    short = name.split(".")[-1]
    if short in contracts.datasets:
        return contracts.datasets[short]
    if short in contracts.curated:
        return contracts.curated[short]
    known = ", ".join(f"{t.database}.{t.name}" for t in _all(contracts))
    raise MaintenanceError(f"unknown table '{name}' (tables: {known})")


def _all(contracts: Contracts) -> list[Table]:
    return [*contracts.datasets.values(), *contracts.curated.values()]


def _label(table: Table) -> str:
    return f"{table.database}.{table.name}"


def _snapshots(spark: SparkSession, config: LakeConfig, table: Table) -> list:
    name = config.table(table.database, table.name)
    if not tables.table_exists(spark, name):
        return []
    return list(tables._iceberg_table(spark, name).snapshots())


def _describe(snapshots: list, limit: int = 5) -> str:
    newest = sorted(snapshots, key=lambda s: s.timestampMillis(), reverse=True)
    shown = ", ".join(str(s.snapshotId()) for s in newest[:limit])
    more = f", and {len(newest) - limit} older" if len(newest) > limit else ""
    return (shown + more) or "none"


def resolve(spark: SparkSession, config: LakeConfig, contracts: Contracts, table: Table, spec: str) -> int:
    """A version (snapshot id) or a tag/branch name of `table` -> the snapshot id. A snapshot id of another
    table is refused by name; every other miss names the table's versions and refs."""
    name = config.table(table.database, table.name)
    snapshots = _snapshots(spark, config, table)
    if not snapshots:
        raise MaintenanceError(f"{_label(table)} has no versions yet")
    ids = {s.snapshotId() for s in snapshots}
    if re.fullmatch(r"-?\d{1,19}", spec.strip()):
        wanted = int(spec)
        if wanted in ids:
            return wanted
        for other in _all(contracts):
            if other is not table and any(s.snapshotId() == wanted for s in _snapshots(spark, config, other)):
                raise MaintenanceError(
                    f"version {wanted} is a version of {_label(other)}, not of {_label(table)}; "
                    f"versions of {_label(table)}: {_describe(snapshots)}"
                )
        raise MaintenanceError(
            f"{_label(table)} has no version {wanted}; its newest versions: {_describe(snapshots)}"
        )
    refs = dict(tables._iceberg_table(spark, name).refs())
    if spec in refs:
        return int(refs[spec].snapshotId())
    listed = ", ".join(sorted(refs)) or "none"
    raise MaintenanceError(f"{_label(table)} has no tag or branch '{spec}' (refs: {listed})")


def _report(config: LakeConfig, table: Table, operation: str) -> RunReport:
    report = RunReport.start(table.name, f"{config.database(table.database)}.{table.name}")
    report.operation = operation
    return report


def _sql_ident(name: str) -> str:
    return f"`{name}`"


def tag(
    spark: SparkSession,
    config: LakeConfig,
    table_name: str,
    tag_name: str,
    version: str | None = None,
    retain_days: int | None = None,
    contracts: Contracts | None = None,
) -> list[RunReport]:
    """Tags a version (default: the current one) of one table."""
    contracts = contracts or load_contracts()
    table = _contract(contracts, table_name)
    _check_tag_name(tag_name)
    name = config.table(table.database, table.name)
    current = tables.current_snapshot_id(spark, name)
    snapshot = resolve(spark, config, contracts, table, version) if version is not None else current
    if snapshot is None:
        raise MaintenanceError(f"{_label(table)} has no versions yet: nothing to tag")
    _refuse_existing(spark, config, [table], tag_name)
    report = _report(config, table, "tag")
    report.previous_snapshot_id = current
    _create_tag(spark, name, tag_name, int(snapshot), retain_days)
    report.snapshot_id = str(snapshot)
    report.details = {"tag": tag_name, "version": str(snapshot), "retain_days": retain_days}
    return [report.finish()]


def tag_all(
    spark: SparkSession,
    config: LakeConfig,
    tag_name: str,
    retain_days: int | None = None,
    contracts: Contracts | None = None,
) -> list[RunReport]:
    """Tags the current version of every table that has one under one name: a release of the whole lake.
    Refused before any tag is made when a table already has a ref of that name."""
    contracts = contracts or load_contracts()
    _check_tag_name(tag_name)
    present = [
        (t, s)
        for t in _all(contracts)
        if (s := tables.current_snapshot_id(spark, config.table(t.database, t.name))) is not None
    ]
    if not present:
        raise MaintenanceError("no table of the lake has a version yet: nothing to tag")
    _refuse_existing(spark, config, [t for t, _ in present], tag_name)
    reports = []
    for t, snapshot in present:
        report = _report(config, t, "tag")
        report.previous_snapshot_id = snapshot
        _create_tag(spark, config.table(t.database, t.name), tag_name, int(snapshot), retain_days)
        report.snapshot_id = snapshot
        report.details = {"tag": tag_name, "version": snapshot, "retain_days": retain_days, "release": True}
        reports.append(report.finish())
    return reports


def _check_tag_name(tag_name: str) -> None:
    if not TAG_NAME.match(tag_name) or tag_name == "main":
        raise MaintenanceError(
            f"'{tag_name}' is not a usable tag name: start with a letter or _, then letters, digits, _ . - "
            "(and not 'main', the table's own branch)"
        )


def _refuse_existing(spark: SparkSession, config: LakeConfig, targets: list[Table], tag_name: str) -> None:
    taken = []
    for t in targets:
        name = config.table(t.database, t.name)
        if tables.table_exists(spark, name):
            refs = dict(tables._iceberg_table(spark, name).refs())
            if tag_name in refs:
                taken.append(f"{_label(t)} (at version {refs[tag_name].snapshotId()})")
    if taken:
        raise MaintenanceError(f"'{tag_name}' already exists on {', '.join(taken)}; choose another name")


def _create_tag(spark: SparkSession, name: str, tag_name: str, snapshot: int, retain_days: int | None):
    retain = f" RETAIN {int(retain_days)} DAYS" if retain_days is not None else ""
    spark.sql(f"ALTER TABLE {name} CREATE TAG {_sql_ident(tag_name)} AS OF VERSION {snapshot}{retain}")


def _line(table_obj, snapshot_id: int | None) -> set[int]:
    """The snapshot and its ancestors."""
    out: set[int] = set()
    current = None if snapshot_id is None else table_obj.snapshot(snapshot_id)
    while current is not None and current.snapshotId() not in out:
        out.add(current.snapshotId())
        parent = current.parentId()
        current = None if parent is None else table_obj.snapshot(parent)
    return out


def _run_ids(table_obj, snapshot_ids: set[int]) -> set[str]:
    out = set()
    for sid in snapshot_ids:
        s = table_obj.snapshot(sid)
        run_id = None if s is None else s.summary().get(tables.RUN_ID_PROPERTY)
        if run_id:
            out.add(str(run_id))
    return out


def rollback(
    spark: SparkSession,
    config: LakeConfig,
    table_name: str,
    version: str,
    contracts: Contracts | None = None,
) -> list[RunReport]:
    """Makes `version` (a snapshot id or a tag) the table's current state again; returns the rollback's report
    and those of the curated tables recomputed from it."""
    contracts = contracts or load_contracts()
    table = _contract(contracts, table_name)
    name = config.table(table.database, table.name)
    target = resolve(spark, config, contracts, table, version)
    current = tables.current_snapshot_id(spark, name)
    if current is not None and int(current) == target:
        raise MaintenanceError(f"version {target} is already the current version of {_label(table)}")
    table_obj = tables._iceberg_table(spark, name)
    before, after = _line(table_obj, None if current is None else int(current)), _line(table_obj, target)
    undone, redone = _run_ids(table_obj, before - after), _run_ids(table_obj, after - before)
    procedure = "rollback_to_snapshot" if target in before else "set_current_snapshot"
    report = _report(config, table, "rollback")
    report.previous_snapshot_id = current
    ident = f"{config.database(table.database)}.{table.name}"
    spark.sql(f"CALL {config.catalog}.system.{procedure}(table => '{ident}', snapshot_id => {target})")
    report.snapshot_id = tables.current_snapshot_id(spark, name)
    held: list[str] = []
    if table.name in contracts.datasets:
        storage = storage_for(spark, config.state_root)
        ledger = Ledger.load(storage, config.ledger_path(table.name))
        held = ledger.mark_undone(undone, report.run_id)
        ledger.mark_redone(redone)
        ledger.save(storage)
    report.files = held
    report.details = {
        "procedure": procedure,
        "version": str(target),
        "asked": version,
        "undone_runs": sorted(undone),
        "redone_runs": sorted(redone),
        "held_raw_files": len(held),
    }
    log.info(
        "%s: rolled back from %s to %s; %d load(s) undone, %d raw file(s) held (--reprocess re-reads them)",
        _label(table),
        current,
        target,
        len(undone),
        len(held),
    )
    reports = [report.finish()]
    for curated, spec in contracts.curated.items():
        if table.name in spec.inputs:
            reports.append(run_curated(spark, config, curated, contracts=contracts))
    return reports


def run_operation(
    spark: SparkSession,
    config: LakeConfig,
    operation: str,
    *,
    table: str | None,
    version: str | None = None,
    tag_name: str | None = None,
    retain_days: int | None = None,
    all_tables: bool = False,
    run_id: str | None = None,
    tables_named: list[str] | None = None,
) -> list[RunReport]:
    """One maintenance operation as the runner and the Glue job call it; a refusal becomes a failed report
    naming what exists (nothing was changed)."""
    try:
        if operation == "tag":
            if not tag_name:
                raise MaintenanceError("tag: a tag name is required")
            if all_tables:
                return tag_all(spark, config, tag_name, retain_days)
            if not table:
                raise MaintenanceError("tag: name a table, or tag every table with --all")
            return tag(spark, config, table, tag_name, version, retain_days)
        if operation == "rollback":
            if not table or not version:
                raise MaintenanceError("rollback: a table and a version (snapshot id or tag) are required")
            return rollback(spark, config, table, version)
        if operation in ("publish", "discard"):
            if not table or not run_id:
                raise MaintenanceError(f"{operation}: a table and the run id of a blocked run are required")
            # the gate's operations build on this module's errors: imported here, not at the top
            from lake_jobs import gate

            act = gate.publish if operation == "publish" else gate.discard
            return act(spark, config, table.split(".")[-1], run_id)
        if operation == upkeep.OPERATION:
            return upkeep.maintain(spark, config, tables_named or ([table] if table else None))
        raise MaintenanceError(f"unknown operation '{operation}' (known: {', '.join(OPERATIONS)})")
    except Exception as e:  # noqa: BLE001 - reported; a refusal changed nothing
        refused = isinstance(e, MaintenanceError | upkeep.UnknownTableError)
        if not refused:
            log.exception("maintenance %s on %s failed", operation, table)
        label = table or "lake"
        report = RunReport.start(label.split(".")[-1], label)
        report.operation = operation
        report.fail(str(e) if refused else f"{type(e).__name__}: {e}")
        return [report.finish()]
