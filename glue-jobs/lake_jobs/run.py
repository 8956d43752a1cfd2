"""Local entry: `python -m lake_jobs.run --home <HOME> [--dataset NAME]... [--reprocess]
[--gate enforce|report] [--master M]`,
or one maintenance operation: `--op tag --table T --tag NAME [--version V] [--retain-days N]`,
`--op tag --all --tag NAME`, `--op rollback --table T --version V|TAG`, `--op maintain [--table T]...`
(lake_jobs.maintenance), `--op publish|discard --table T --run-id R` (a blocked run's batch, lake_jobs.gate).

Runs the named datasets (default: all, in contract order) and then the curated tables whose inputs were
among them (a curated run is a no-op when its inputs did not change), in ONE Spark session with the
Iceberg Hadoop catalog `lake` at <HOME>/warehouse. `--dataset` also accepts a curated table name. Prints
one JSON run report per line on stdout (logs go to stderr), writes each to
<HOME>/reports/<dataset>/<run_id>.json, and exits 0 when no run failed, 1 otherwise (2 for bad
arguments).

Everything runs under the lake's run lock (lake_jobs.lock), taken before Spark starts: when another run
holds it for longer than `--wait` seconds (default 0), one JSON line `{"error": ..., "busy": true}` is
printed and the exit code is 75 (EX_TEMPFAIL), with nothing done.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable

from pyspark.sql import SparkSession

from lake_jobs.checks import ENFORCE, GATE_MODES
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Contracts, load_contracts
from lake_jobs.curate import run_curated
from lake_jobs.job import Hooks, run_dataset
from lake_jobs.lock import LakeBusyError, run_lock
from lake_jobs.maintenance import OPERATIONS, run_operation
from lake_jobs.report import FAILED, RunReport
from lake_jobs.spark import local_session
from lake_jobs.storage import storage_for

log = logging.getLogger("lake_jobs")

BUSY_EXIT = 75

# The log line that opens each run; the CLI shows a run as started when it reads it (lib/local/runner.ts).
RUN_STARTED = "run started: "


def plan(contracts: Contracts, selected: Iterable[str] | None) -> tuple[list[str], list[str]]:
    """(datasets, curated tables) to run, in contract order."""
    names = list(selected or [])
    unknown = [n for n in names if n not in contracts.datasets and n not in contracts.curated]
    if unknown:
        known = ", ".join([*contracts.datasets, *contracts.curated])
        raise ValueError(f"unknown dataset(s): {', '.join(unknown)}; known: {known}")
    if not names:
        return list(contracts.datasets), list(contracts.curated)
    datasets = [d for d in contracts.datasets if d in names]
    curated = [c for c, t in contracts.curated.items() if c in names or any(i in datasets for i in t.inputs)]
    return datasets, curated


def run_all(
    spark: SparkSession,
    config: LakeConfig,
    selected: Iterable[str] | None = None,
    *,
    reprocess: bool = False,
    emit=None,
    hooks: Hooks | None = None,
    include_curated: bool = True,
    gate: str = ENFORCE,
) -> list[RunReport]:
    """Runs the plan; each report is written to the reports zone and passed to `emit` as soon as it is done.
    `include_curated=False` runs exactly the named tables (Glue runs curated tables as their own job).
    `gate`: the quality gate's mode for the datasets' batches (lake_jobs.job.run_dataset)."""
    contracts = load_contracts()
    datasets, curated = plan(contracts, selected)
    if not include_curated:
        curated = [c for c in curated if c in (selected or [])]
    storage = storage_for(spark, config.reports_root)
    reports: list[RunReport] = []
    for name in datasets:
        log.info("%s%s", RUN_STARTED, name)
        reports.append(
            run_dataset(spark, config, name, reprocess=reprocess, contracts=contracts, hooks=hooks, gate=gate)
        )
        _publish(reports[-1], storage, config, emit)
    for name in curated:
        log.info("%s%s", RUN_STARTED, name)
        reports.append(run_curated(spark, config, name, contracts=contracts))
        _publish(reports[-1], storage, config, emit)
    return reports


def _publish(report: RunReport, storage, config: LakeConfig, emit) -> None:
    report.write(storage, config.reports_root)
    log.info("%s: %s (%d in, %d out)", report.dataset, report.status, report.input_rows, report.output_rows)
    if emit:
        emit(report)


def driver_memory() -> str:
    """Local mode runs everything in the driver JVM: room for a 1 M-row batch (cached twice)."""
    return os.environ.get("LAKE_SPARK_DRIVER_MEMORY", "3g")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lake_jobs.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--home", default=os.environ.get("LAKE_HOME", ".lake"), help="lake home (default ./.lake)"
    )
    parser.add_argument("--dataset", action="append", dest="datasets", metavar="NAME", help="repeatable")
    parser.add_argument(
        "--reprocess", action="store_true", help="read all raw files again (ignore the ledger)"
    )
    parser.add_argument(
        "--gate",
        choices=GATE_MODES,
        default=ENFORCE,
        help="enforce: a batch failing a critical check waits on its audit branch; "
        "report: checks are reported, never block (a first historic load, a backfill)",
    )
    parser.add_argument("--master", default=os.environ.get("LAKE_SPARK_MASTER", "local[*]"))
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for a busy lake")
    parser.add_argument("--op", choices=OPERATIONS, help="a maintenance operation instead of the jobs")
    parser.add_argument(
        "--table", action="append", dest="tables", help="maintenance: the table (maintain: repeatable)"
    )
    parser.add_argument("--version", help="maintenance: a snapshot id or a tag/branch name")
    parser.add_argument("--tag", dest="tag_name", help="maintenance: the tag name")
    parser.add_argument("--retain-days", type=int, help="maintenance: keep the tag this many days")
    parser.add_argument("--run-id", help="publish/discard: the blocked run")
    parser.add_argument("--all", action="store_true", dest="all_tables", help="maintenance: every table")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")

    contracts = load_contracts()
    try:
        plan(contracts, args.datasets)
    except ValueError as e:
        parser.error(str(e))
    if args.op and args.datasets:
        parser.error("--op runs one maintenance operation; do not combine it with --dataset")
    if args.op != "maintain" and len(args.tables or []) > 1:
        parser.error(f"--op {args.op} works on one --table")
    config = LakeConfig.local(args.home)
    what = f"maintenance {args.op}" if args.op else f"etl {' '.join(args.datasets or ['(all)'])}"
    try:
        with run_lock(config.state_root, what, args.wait):
            return _run_locked(args, config)
    except LakeBusyError as e:
        sys.stdout.write(json.dumps({"error": str(e), "busy": True}) + "\n")
        sys.stdout.flush()
        log.error("%s", e)
        return BUSY_EXIT


def _run_locked(args: argparse.Namespace, config: LakeConfig) -> int:
    spark = local_session(
        master=args.master,
        catalogs={config.catalog: config.warehouse},
        extra={"spark.driver.memory": driver_memory()},
    )

    def emit(report: RunReport) -> None:
        sys.stdout.write(report.to_json() + "\n")
        sys.stdout.flush()

    try:
        if args.op:
            storage = storage_for(spark, config.reports_root)
            reports = run_operation(
                spark,
                config,
                args.op,
                table=(args.tables or [None])[0],
                tables_named=args.tables,
                version=args.version,
                tag_name=args.tag_name,
                retain_days=args.retain_days,
                all_tables=args.all_tables,
                run_id=args.run_id,
            )
            for r in reports:
                _publish(r, storage, config, emit)
        else:
            reports = run_all(
                spark, config, args.datasets, reprocess=args.reprocess, emit=emit, gate=args.gate
            )
    finally:
        spark.stop()
    return 1 if any(r.status == FAILED for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
