"""Upkeep of the lake's Iceberg tables (`lake maintain`), with Iceberg's own procedures and the settings
each table's layout declares (lib/contracts/iceberg.ts, `maintenance`; the Glue table optimizers on AWS
read the same):

1. compact: `rewrite_data_files`, binpack: a day partition with at least `compactionMinInputFiles` files
   smaller than the target is rewritten toward `targetFileSizeBytes` (one new snapshot; rows unchanged, so
   the current rows and every older version read the same);
2. expire: `expire_snapshots` older than `snapshotRetentionDays`, keeping at least `minSnapshotsToKeep`.
   Iceberg never expires a snapshot a ref needs: a tag's snapshot, and a branch's head with its newest
   ancestors, so the audit branch `audit_<run>` of a blocked run keeps its rows and files;
3. orphans: `remove_orphan_files` older than `orphanFileRetentionDays` (no write in progress is that
   old; the caller also holds the lake's run lock).

Each table gets a report (operation `maintain`) whose details give the data files and bytes of the current
version and of every version kept, before and after, and what each step did; the counts add up
(before - rewritten + added = after, for the current version's files). `now` is the clock the age limits
count from (tests move it forward to make every snapshot old; the orphan window counts from the machine's
clock at the latest).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from pyspark.sql import SparkSession

from lake_jobs import tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, IcebergMaintenance, Table, load_contracts
from lake_jobs.report import CountsDoNotAddUpError, RunReport

log = logging.getLogger("lake_jobs")

OPERATION = "maintain"


class UnknownTableError(ValueError):
    """A table the contracts do not declare; the message names the tables that exist."""


def _tables(contracts: Contracts) -> list[Table]:
    return [*contracts.datasets.values(), *contracts.curated.values()]


def select(contracts: Contracts, names: list[str] | None) -> list[Table]:
    """The named tables (`transactions` or `processed.transactions`), default every table; an unknown name is
    refused before anything is done."""
    every = _tables(contracts)
    if not names:
        return every
    by_name = {t.name: t for t in every} | {f"{t.database}.{t.name}": t for t in every}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        known = ", ".join(f"{t.database}.{t.name}" for t in every)
        raise UnknownTableError(f"unknown table(s) {', '.join(unknown)}; the lake's tables: {known}")
    chosen = {f"{by_name[n].database}.{by_name[n].name}": by_name[n] for n in names}
    return list(chosen.values())


def settings(table: Table) -> IcebergMaintenance:
    spec = table.iceberg
    if spec is None or spec.maintenance is None:
        raise ValueError(f"the contracts declare no maintenance settings for {table.name}")
    return spec.maintenance


def footprint(spark: SparkSession, name: str) -> dict[str, int]:
    """Data files and bytes of the current version and of every version still kept; the number of
    versions."""
    current = spark.sql(
        f"SELECT count(*) AS n, coalesce(sum(file_size_in_bytes), 0) AS b FROM {name}.data_files"
    ).first()
    kept = spark.sql(
        "SELECT count(*) AS n, coalesce(sum(b), 0) AS b FROM (SELECT file_path, max(file_size_in_bytes) AS b"
        f" FROM {name}.all_data_files GROUP BY file_path)"
    ).first()
    return {
        "data_files": int(current.n),
        "data_bytes": int(current.b),
        "kept_data_files": int(kept.n),
        "kept_data_bytes": int(kept.b),
        "snapshots": len(list(tables._iceberg_table(spark, name).snapshots())),
    }


def _snapshot_ids(spark: SparkSession, name: str) -> set[int]:
    return {s.snapshotId() for s in tables._iceberg_table(spark, name).snapshots()}


def _ts(t: datetime) -> str:
    return f"TIMESTAMP '{t.astimezone(UTC):%Y-%m-%d %H:%M:%S}'"


def _compact(spark: SparkSession, catalog: str, ident: str, m: IcebergMaintenance) -> dict[str, int]:
    options = {
        "target-file-size-bytes": m.target_file_size_bytes,
        "min-input-files": m.compaction_min_input_files,
    }
    opts = ", ".join(f"'{k}', '{v}'" for k, v in options.items())
    row = spark.sql(
        f"CALL {catalog}.system.rewrite_data_files(table => '{ident}', strategy => 'binpack', "
        f"options => map({opts}))"
    ).first()
    return {
        "rewritten_data_files": int(row.rewritten_data_files_count),
        "added_data_files": int(row.added_data_files_count),
        "rewritten_bytes": int(row.rewritten_bytes_count),
    }


def _expire(spark: SparkSession, catalog: str, ident: str, m: IcebergMaintenance, now: datetime) -> dict:
    cutoff = now - timedelta(days=m.snapshot_retention_days)
    row = spark.sql(
        f"CALL {catalog}.system.expire_snapshots(table => '{ident}', older_than => {_ts(cutoff)}, "
        f"retain_last => {int(m.min_snapshots_to_keep)})"
    ).first()
    return {
        "older_than": cutoff.isoformat(timespec="seconds"),
        "retain_last": m.min_snapshots_to_keep,
        "deleted_data_files": int(row.deleted_data_files_count),
        "deleted_manifest_files": int(row.deleted_manifest_files_count),
        "deleted_manifest_lists": int(row.deleted_manifest_lists_count),
    }


def _orphans(spark: SparkSession, catalog: str, ident: str, m: IcebergMaintenance, now: datetime) -> dict:
    # Files carry the machine's own times: the safety window never counts from a clock ahead of it (a file
    # written a moment ago is never an orphan), and Iceberg refuses a cut-off within a day of it anyway.
    cutoff = min(now, datetime.now(UTC)) - timedelta(days=m.orphan_file_retention_days)
    removed = spark.sql(
        f"CALL {catalog}.system.remove_orphan_files(table => '{ident}', older_than => {_ts(cutoff)})"
    ).collect()
    return {"older_than": cutoff.isoformat(timespec="seconds"), "removed_files": len(removed)}


def check(details: dict) -> None:
    """The counts of a maintain report add up: files of the current version before, minus those compaction
    rewrote, plus those it added, are the files after; versions before, plus compaction's, minus the expired,
    are the versions after."""
    b, a, c = details["before"], details["after"], details["compaction"]
    if b["data_files"] - c["rewritten_data_files"] + c["added_data_files"] != a["data_files"]:
        raise CountsDoNotAddUpError(f"data files: {b['data_files']} - {c} != {a['data_files']}")
    committed = 1 if c["rewritten_data_files"] else 0
    if b["snapshots"] + committed - details["expiry"]["expired_snapshots"] != a["snapshots"]:
        raise CountsDoNotAddUpError(f"versions: {b['snapshots']} + {committed} - expired != {a['snapshots']}")


def maintain_table(
    spark: SparkSession, config: LakeConfig, table: Table, now: datetime | None = None
) -> RunReport:
    """Compacts, expires and removes orphans of one table; a table without any version yet is reported as
    such with nothing done."""
    now = now or datetime.now(UTC)
    name = config.table(table.database, table.name)
    ident = f"{config.database(table.database)}.{table.name}"
    report = RunReport.start(table.name, ident)
    report.operation = OPERATION
    report.previous_snapshot_id = tables.current_snapshot_id(spark, name)
    if report.previous_snapshot_id is None:
        report.status = "no_new_data"
        report.details = {"skipped": "the table has no version yet"}
        return report.finish()
    m = settings(table)
    before = footprint(spark, name)
    compaction = _compact(spark, config.catalog, ident, m)
    ids_before_expiry = _snapshot_ids(spark, name)
    expiry = _expire(spark, config.catalog, ident, m, now)
    orphans = _orphans(spark, config.catalog, ident, m, now)
    after = footprint(spark, name)
    expiry["expired_snapshots"] = len(ids_before_expiry - _snapshot_ids(spark, name))
    refs = dict(tables._iceberg_table(spark, name).refs())
    report.snapshot_id = tables.current_snapshot_id(spark, name)
    report.details = {
        "before": before,
        "after": after,
        "compaction": compaction,
        "expiry": expiry,
        "orphans": orphans,
        "refs_kept": sorted(r for r in refs if r != "main"),
        "settings": {
            "snapshot_retention_days": m.snapshot_retention_days,
            "min_snapshots_to_keep": m.min_snapshots_to_keep,
            "orphan_file_retention_days": m.orphan_file_retention_days,
            "compaction_min_input_files": m.compaction_min_input_files,
            "target_file_size_bytes": m.target_file_size_bytes,
        },
    }
    check(report.details)
    log.info(
        "%s: %d -> %d data files (%d -> %d bytes), %d version(s) expired, %d orphan file(s) removed",
        ident,
        before["data_files"],
        after["data_files"],
        before["kept_data_bytes"],
        after["kept_data_bytes"],
        expiry["expired_snapshots"],
        orphans["removed_files"],
    )
    return report.finish()


def maintain(
    spark: SparkSession,
    config: LakeConfig,
    names: list[str] | None = None,
    now: datetime | None = None,
    contracts: Contracts | None = None,
) -> list[RunReport]:
    """Upkeep of the named tables (default all), one report each; a table whose upkeep fails gets a failed
    report and the others are still done (each step is its own Iceberg commit: a failure loses nothing)."""
    contracts = contracts or load_contracts()
    reports = []
    for t in select(contracts, names):
        try:
            reports.append(maintain_table(spark, config, t, now))
        except Exception as e:  # noqa: BLE001 - reported per table
            log.exception("upkeep of %s.%s failed", t.database, t.name)
            report = RunReport.start(t.name, f"{config.database(t.database)}.{t.name}")
            report.operation = OPERATION
            report.fail(f"{type(e).__name__}: {e}")
            reports.append(report.finish())
    return reports
