"""After review, a blocked run's batch is published or discarded (`lake publish|discard <table> <run_id>`).

- publish: fast-forwards main to the run's audit branch (main must not have moved since: Iceberg refuses,
  and so does this, naming the way out), drops the branch, turns the held raw files into an ordinary load,
  publishes the staged quarantine and recomputes the curated tables built from the table.
- discard: drops the branch (main never saw the batch), forgets the held raw files so that the next run reads
  them again, and drops the staged quarantine (the re-run quarantines those records afresh, once).

A run that was not blocked, or that is unknown, is refused with the runs that are waiting.
"""

from __future__ import annotations

import json

from pyspark.sql import SparkSession

from lake_jobs import quarantine, tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, agreements, load_contracts
from lake_jobs.curate import run_curated
from lake_jobs.ledger import Ledger
from lake_jobs.maintenance import MaintenanceError
from lake_jobs.report import RunReport
from lake_jobs.storage import storage_for


def _blocked(spark: SparkSession, config: LakeConfig, contracts: Contracts, dataset: str, run_id: str):
    if dataset not in contracts.datasets:
        raise MaintenanceError(f"unknown dataset '{dataset}' (datasets: {', '.join(contracts.datasets)})")
    table = contracts.datasets[dataset]
    name = config.table(table.database, table.name)
    state = storage_for(spark, config.state_root)
    ledger = Ledger.load(state, config.ledger_path(dataset))
    branch = tables.audit_branch(run_id)
    waiting = ", ".join(ledger.held_runs()) or "none"
    if ledger.is_held(run_id) and branch in tables.refs(spark, name):
        return table, name, ledger, state, branch
    key = agreements()[0].key("runReport", dataset=dataset, runId=run_id)
    text = storage_for(spark, config.reports_root).read_text(f"{config.reports_root.rstrip('/')}/{key}")
    if text is None:
        raise MaintenanceError(f"{dataset} has no run {run_id}; blocked runs waiting: {waiting}")
    status = json.loads(text).get("status")
    if status == "blocked":
        raise MaintenanceError(
            f"run {run_id} of {dataset} was blocked and is no longer waiting "
            "(published or discarded already); "
            f"blocked runs waiting: {waiting}"
        )
    raise MaintenanceError(
        f"run {run_id} of {dataset} was not blocked (status {status}): nothing to publish or discard; "
        f"blocked runs waiting: {waiting}"
    )


def _report(config: LakeConfig, table, operation: str, name: str, run_id: str, branch: str) -> RunReport:
    report = RunReport.start(table.name, f"{config.database(table.database)}.{table.name}")
    report.operation = operation
    report.details = {"run_id": run_id, "branch": branch}
    return report


def publish(
    spark: SparkSession, config: LakeConfig, dataset: str, run_id: str, contracts: Contracts | None = None
) -> list[RunReport]:
    contracts = contracts or load_contracts()
    table, name, ledger, state, branch = _blocked(spark, config, contracts, dataset, run_id)
    report = _report(config, table, "publish", name, run_id, branch)
    report.previous_snapshot_id = tables.current_snapshot_id(spark, name)
    try:
        tables.fast_forward(spark, config.catalog, name, branch)
    except Exception as e:  # noqa: BLE001 - Iceberg's refusal, said plainly
        raise MaintenanceError(
            f"cannot publish run {run_id}: main of {dataset} moved since it was blocked "
            f"({type(e).__name__}); "
            f"discard it (lake discard {dataset} {run_id}) and run the job again"
        ) from e
    tables.drop_branch(spark, name, branch)
    report.files = ledger.publish_held(run_id)
    ledger.save(state)
    quarantine.publish(storage_for(spark, config.quarantine_root), config.quarantine_root, dataset, run_id)
    report.snapshot_id = tables.current_snapshot_id(spark, name)
    reports = [report.finish()]
    for curated, spec in contracts.curated.items():
        if dataset in spec.inputs:
            reports.append(run_curated(spark, config, curated, contracts=contracts))
    return reports


def discard(
    spark: SparkSession, config: LakeConfig, dataset: str, run_id: str, contracts: Contracts | None = None
) -> list[RunReport]:
    contracts = contracts or load_contracts()
    table, name, ledger, state, branch = _blocked(spark, config, contracts, dataset, run_id)
    report = _report(config, table, "discard", name, run_id, branch)
    report.previous_snapshot_id = report.snapshot_id = tables.current_snapshot_id(spark, name)
    tables.drop_branch(spark, name, branch)
    report.files = ledger.release(run_id)
    ledger.save(state)
    quarantine.drop(storage_for(spark, config.quarantine_root), config.quarantine_root, dataset, run_id)
    return [report.finish()]
