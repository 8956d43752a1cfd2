"""One dataset's job run: raw files -> processed.<dataset> (Iceberg), quarantine, ledger and run report.

The transforms (`check`, `prepare`) are pure; `run_dataset` does the I/O in this order: list new raw files
(ledger) -> read -> parse + quality -> enrich + lineage + hash -> dedupe in the batch and against the table ->
write quarantine (staged) -> MERGE INTO the run's audit branch (an append when every key is new; only when
something changed: no new snapshot otherwise) -> dataset checks on the branch (lake_jobs.audit,
lake_jobs.checks) -> fast-forward main to the branch unless a critical check failed -> ledger -> publish the
quarantine -> report. A run killed anywhere leaves no half: main moves in one commit, and lake_jobs.quarantine
says how the next run settles a staged quarantine.

A blocked run (a critical check failed) leaves main exactly as it was and reports `blocked` with each check's
measured value and threshold; its branch `audit_<run>` is kept for inspection, its raw files are recorded as
held (not new, not lost) and its quarantine stays staged, until `lake publish` or `lake discard`
(lake_jobs.gate).

Raw files of loads that a rollback undid stay in the ledger (marked `undone_by`): they are not new, so a
later run does not re-apply them silently; `--reprocess` reads them again.

A streamed dataset's error prefix (contract ``raw.errorPrefix``) is read with its raw prefix, through the same
ledger: every record a delivery wrote there is quarantined (reason from lake_jobs.delivery_errors) and
counted in input_rows, so the report accounts for every record the stream carried.

A file that cannot be read does not stop the run: the other files are processed and committed, the report
names the file in `failed_files` and `error`, the status is 'failed' (so the runner exits 1 and the file
is noticed), and the file stays out of the ledger so that the next run tries it again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lake_jobs import anomalies, audit, checks, dedupe, lineage, quality, quarantine, tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, Table, load_contracts
from lake_jobs.datasets import DatasetModule, dataset_module
from lake_jobs.kept import Kept
from lake_jobs.ledger import Ledger
from lake_jobs.readers import CSV_FIELD, RawFile, read_records
from lake_jobs.report import BLOCKED, NO_NEW_DATA, RunReport
from lake_jobs.storage import Storage, storage_for

log = logging.getLogger("lake_jobs")

PASS_THROUGH = ("record_no", "ingest_batch_id", "source_file")
"""What a valid record carries besides the table's columns: its place in the batch (for ordering, and to find
its original text again when it turns out to be a conflict). The original text itself stays behind: it would
double the rows that the dedupe shuffle and the kept batch hold, and only conflicts need it."""


def check(records: DataFrame, module: DatasetModule, table: Table) -> DataFrame:
    """Pure: raw records -> parsed, contract-typed records with `reasons`/`reason` (empty/null: valid)."""
    parsed = module.parse(records).drop(CSV_FIELD.name)  # parsed into columns: no use further on
    parsed = parsed.withColumn("parse_error", F.coalesce(F.col("reader_error"), F.col("parse_error")))
    return quality.annotate(parsed, table)


def prepare(valid: DataFrame, module: DatasetModule, table: Table, ref, run_id: str) -> DataFrame:
    """Pure: valid records -> the table's columns (cast, lineage, record_hash) plus PASS_THROUGH."""
    enriched = module.enrich(valid, ref).withColumn("etl_run_id", F.lit(run_id))
    extras = [c for c in PASS_THROUGH if c not in table.column_names]
    rows = enriched.select(
        *[F.col(c.name).cast(c.spark_type).alias(c.name) for c in table.columns if c.name != "record_hash"],
        *extras,
    )
    return rows.withColumn("record_hash", dedupe.record_hash(table))


def list_raw(storage: Storage, raw_root: str, table: Table) -> list[RawFile]:
    """The dataset's raw files, by key: under its raw prefix and (streamed datasets) its error prefix."""
    prefixes = [table.raw_prefix or f"{table.name}/"]
    if table.raw_error_prefix:
        prefixes.append(table.raw_error_prefix)
    found = {f.key: f for p in prefixes for f in storage.list_files(raw_root, p)}
    return [found[k] for k in sorted(found)]


def error_keys(table: Table, files: list[RawFile]) -> frozenset[str]:
    """Keys of the delivery error files (under the table's error prefix) among `files`."""
    prefix = table.raw_error_prefix
    return frozenset(f.key for f in files if prefix and f.key.startswith(prefix))


@dataclass(frozen=True)
class Hooks:
    """Test seams: called at points of a run (e.g. raise after the commit to simulate a killed run)."""

    after_commit: Callable[[], None] | None = None


def run_dataset(
    spark: SparkSession,
    config: LakeConfig,
    name: str,
    *,
    reprocess: bool = False,
    contracts: Contracts | None = None,
    hooks: Hooks | None = None,
    gate: str = checks.ENFORCE,
) -> RunReport:
    """Runs one dataset's job; never raises for data or I/O problems: they end in the report. `gate`:
    `enforce` blocks a batch that fails a critical check; `report` measures and reports every check but
    publishes anyway (a first historic load, a backfill)."""
    contracts = contracts or load_contracts()
    table = contracts.datasets[name]
    report = RunReport.start(name, f"{config.database(table.database)}.{name}")
    storage = storage_for(spark, config.raw_root)
    run_lineage = lineage.RunLineage.begin(config, table, report, storage_for(spark, config.reports_root))
    cached: list[DataFrame | Kept] = []
    try:
        module = dataset_module(name)
        table_name = tables.ensure_table(spark, config, table)
        ledger = Ledger.load(storage, config.ledger_path(name))
        q_storage = storage_for(spark, config.quarantine_root)
        settled = quarantine.settle_staging(
            q_storage, config.quarantine_root, name, ledger.has_run, ledger.is_held
        )
        if settled["published"] or settled["dropped"]:
            log.info("%s: quarantine of unfinished runs: %s", name, settled)
        listed = list_raw(storage, config.raw_root, table)
        held = ledger.undone(listed)
        if held and not reprocess:
            log.info(
                "%s: %d raw file(s) of loads undone by a rollback are held (--reprocess reads them again)",
                name,
                len(held),
            )
        todo = listed if reprocess else ledger.new_files(listed)
        report.files = [f.key for f in todo]
        if not todo:
            report.status = NO_NEW_DATA
            report.snapshot_id = tables.current_snapshot_id(spark, table_name)
            return report.finish()
        _process(spark, config, table, table_name, module, contracts, todo, report, cached, hooks, gate)
        readable = [f for f in todo if f.key not in {x["file"] for x in report.failed_files}]
        if report.status == BLOCKED:
            ledger.hold(readable, report.run_id)
            ledger.save(storage)
        else:
            ledger.record(readable, report.run_id)
            ledger.save(storage)
            quarantine.publish(q_storage, config.quarantine_root, name, report.run_id)
        if report.failed_files:
            names = "; ".join(f"{x['file']}: {x['error']}" for x in report.failed_files)
            error = f"{len(report.failed_files)} raw file(s) could not be read: {names}"
            if report.status == BLOCKED:
                report.error = error
            else:
                report.fail(error)
        return report.finish()
    except Exception as e:  # noqa: BLE001 - a failed run is reported, the runner goes on with the next dataset
        log.exception("%s run %s failed", name, report.run_id)
        committed = report.snapshot_id
        if report.status != BLOCKED:
            _drop_audit_branch(spark, config, table, report.run_id)
        report.quality = report.unlisted_values = report.metrics = report.anomalies = None
        report.input_rows = report.output_rows = report.quarantined_rows = report.duplicate_rows = 0
        report.quarantine_reasons = {}
        report.fail(f"{type(e).__name__}: {e}")
        if committed is None:
            try:
                report.snapshot_id = tables.current_snapshot_id(spark, config.table(table.database, name))
            except Exception:  # noqa: BLE001
                report.snapshot_id = None
        return report.finish()
    finally:
        for df in cached:
            df.unpersist()
        run_lineage.end(lineage.raw_inputs(config, report.files))


def _drop_audit_branch(spark: SparkSession, config: LakeConfig, table: Table, run_id: str) -> None:
    try:
        tables.drop_branch(spark, config.table(table.database, table.name), tables.audit_branch(run_id))
    except Exception:  # noqa: BLE001 - the table may not exist; a branch left behind holds no published data
        log.warning("%s: could not drop the audit branch of run %s", table.name, run_id)


def _process(
    spark: SparkSession,
    config: LakeConfig,
    table: Table,
    table_name: str,
    module: DatasetModule,
    contracts: Contracts,
    files: list[RawFile],
    report: RunReport,
    cached: list[DataFrame | Kept],
    hooks: Hooks | None,
    gate: str,
) -> None:
    expected = [c.raw_name or c.name for c in table.columns_by_source("raw")]
    t0 = time.monotonic()

    def phase(what: str) -> None:
        log.info("%s: %s done at %.1fs", table.name, what, time.monotonic() - t0)

    read = read_records(spark, files, table.raw_format or "", expected, error_keys(table, files))
    phase("read")
    cached.append(read.cached)
    records, failures = read.records, read.failures
    report.failed_files = [{"file": f.key, "error": f.error} for f in failures]
    for f in failures:
        log.error("%s: cannot read raw file %s: %s", table.name, f.key, f.error)

    kept = Kept(check(records, module, table))
    cached.append(kept)
    checked = kept.df
    valid, invalid = quality.split(checked)

    rows = prepare(valid, module, table, contracts.reference, report.run_id)
    existing = spark.table(table_name).select(*table.business_key, "record_hash")
    classified = dedupe.classify(dedupe.dedupe_batch(rows, table), existing, table)
    classified = classified.persist(StorageLevel.MEMORY_AND_DISK)
    cached.append(classified)
    # One Spark job counts all three: quarantine reasons of invalid records, outcomes of valid ones, and the
    # unlisted values (warn-severity allowed rules) of the valid ones.
    unlisted = valid.select(F.explode(quality.UNLISTED).alias("u")).select(
        F.concat(F.lit("unlisted:"), F.col("u.column"), F.lit("\u0000"), F.col("u.value")).alias("k")
    )
    counts = (
        invalid.select(F.concat(F.lit("reason:"), F.col(quality.REASON)).alias("k"))
        .unionByName(classified.select(F.concat(F.lit("outcome:"), F.col(dedupe.OUTCOME)).alias("k")))
        .unionByName(unlisted)
        .groupBy("k")
        .count()
        .collect()
    )
    phase("parse, quality, dedupe and counts")
    read.cached.unpersist()  # `checked` and `classified` now hold what the rest of the run needs
    reasons = {r.k[len("reason:") :]: r["count"] for r in counts if r.k.startswith("reason:")}
    outcomes = {r.k[len("outcome:") :]: r["count"] for r in counts if r.k.startswith("outcome:")}
    unlisted_counts = {
        tuple(r.k[len("unlisted:") :].split("\u0000", 1)): r["count"]
        for r in counts
        if r.k.startswith("unlisted:")
    }
    report.unlisted_values = quality.unlisted_summary(unlisted_counts)
    for column, seen in report.unlisted_values.items():
        log.warning(
            "%s: %d kept record(s) with a %s outside the contract's list: %s",
            table.name,
            seen["records"],
            column,
            ", ".join(f"{v} ({n})" for v, n in seen["values"].items()),
        )

    conflicts = outcomes.get(dedupe.CONFLICT, 0)
    if conflicts:
        reasons[dedupe.conflict_reason(table)] = reasons.get(dedupe.conflict_reason(table), 0) + conflicts
    report.input_rows = sum(outcomes.values()) + sum(reasons.values()) - conflicts
    report.quarantined_rows = sum(reasons.values())
    report.quarantine_reasons = dict(sorted(reasons.items()))
    report.duplicate_rows = outcomes.get(dedupe.DUPLICATE, 0)
    updates = outcomes.get(dedupe.UPDATE, 0)
    report.output_rows = outcomes.get(dedupe.INSERT, 0) + updates
    report.check()

    if report.quarantined_rows:
        q = quarantine.from_checks(invalid).unionByName(
            quarantine.from_conflicts(
                classified.where(F.col(dedupe.OUTCOME) == dedupe.CONFLICT), checked, table
            )
        )
        path = quarantine.write(q, config.quarantine_root, table.name, report.run_id)
        log.info("%s: %d record(s) quarantined in %s", table.name, report.quarantined_rows, path)
        phase("quarantine")

    # the gate's own time: the branch, the checks on it, the fast-forward (the MERGE is the run's anyway)
    gate_started = time.monotonic()
    history = tables.input_rows_history(spark, table_name)
    band = anomalies.Band.of(contracts.anomalies[table.name]) if table.name in contracts.anomalies else None
    branch = tables.audit_branch(report.run_id)
    tables.create_branch(spark, table_name, branch)
    changes = classified.where(F.col(dedupe.OUTCOME).isin(dedupe.INSERT, dedupe.UPDATE)).select(
        *table.column_names
    )
    measures = audit.measure_batch(
        spark,
        config,
        contracts,
        table,
        changes,
        report.input_rows,
        report.quarantined_rows,
        kept=classified,
        sums=band.sums if band else (),
    )
    columns = tuple(c.name for c in table.hashed_columns)
    report.metrics = anomalies.run_metrics(measures, columns, band.sums if band else ())
    # the checks measured on the batch are the gate's; the MERGE below is the run's anyway
    gate_seconds = time.monotonic() - gate_started
    if report.output_rows:
        target, view = tables.branch_table(table_name, branch), f"lake_changes_{table.name}"
        properties = {
            tables.RUN_ID_PROPERTY: report.run_id,
            tables.INPUT_ROWS_PROPERTY: str(report.input_rows),
            tables.METRICS_PROPERTY: json.dumps(report.metrics, sort_keys=True),
        }
        if updates:
            tables.merge(spark, target, changes, table.business_key, view, properties)
        else:
            # every key is new to the table (classified against it under the run lock): no join with it
            tables.append(spark, target, changes, view, properties)
        phase("write into the audit branch")
    gate_started = time.monotonic()
    measures = audit.measure_branch(
        measures, contracts, table, spark.table(tables.branch_table(table_name, branch))
    )
    outcomes = checks.evaluate(contracts.checks.get(table.name, ()), measures, history)
    if band:
        past = tables.metrics_history(spark, table_name)
        flagged, judged = anomalies.flags(report.metrics, past, band)
        report.anomalies = flagged
        outcomes.append(anomalies.outcome(flagged, judged, len(past), band))
        for f in flagged:
            log.warning(
                "%s: run %s: %s %g outside its band [%g, %g] (median %g over %d runs)",
                table.name,
                report.run_id,
                f["metric"],
                f["value"],
                f["band"][0],
                f["band"][1],
                f["median"],
                f["runs"],
            )
    outcome = checks.decide(outcomes, gate)
    blocked = outcome == checks.GATE_BLOCKED
    report.quality = {
        "outcome": outcome,
        "mode": gate,
        "branch": branch if blocked else None,
        "checks": [o.to_dict() for o in outcomes],
    }
    phase("dataset checks")
    if blocked:
        report.status = BLOCKED
        failed = "; ".join(f"{o.name} {o.value} (allowed {o.threshold})" for o in checks.blocking(outcomes))
        log.warning("%s: run %s blocked on branch %s: %s", table.name, report.run_id, branch, failed)
    else:
        if outcome == checks.GATE_REPORTED:
            failed = "; ".join(
                f"{o.name} {o.value} (allowed {o.threshold})" for o in checks.blocking(outcomes)
            )
            log.warning("%s: run %s published in report mode despite: %s", table.name, report.run_id, failed)
        if report.output_rows:
            tables.fast_forward(spark, config.catalog, table_name, branch)
        tables.drop_branch(spark, table_name, branch)
    report.quality["duration_ms"] = round((gate_seconds + time.monotonic() - gate_started) * 1000)
    report.snapshot_id = tables.current_snapshot_id(spark, table_name)
    if hooks and hooks.after_commit:
        hooks.after_commit()
