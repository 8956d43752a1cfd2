"""What the Glue entry scripts (glue_entry/*.py) share, without importing awsglue: job arguments -> config,
then the same runner as locally.

Glue job arguments (all required; CDK sets them): --catalog (e.g. glue_catalog, configured by the job's
--conf/--datalake-formats iceberg), --processed_database, --curated_database, --raw_root, --warehouse,
--quarantine_root, --reports_root, --state_root (S3 URIs), plus --reprocess (true|false), --gate
(enforce|report: the quality gate's mode, lake_jobs.checks; a run can pass report for a backfill) and
--metrics_namespace (the CloudWatch namespace of the run metrics, lake_jobs.run_metrics); the table jobs
also take --tables, the tables they write in order (job_tables: CDK decides them per job, so that a curated
table of the stream is rebuilt on the stream's schedule and every table has one writer). Raw files
already processed are tracked by the ledger under --state_root (the reader reads raw bytes, not
DynamicFrames, so Glue job bookmarks do not apply); the entry scripts still init/commit the Job so that
runs show in Glue as usual.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from pyspark.sql import SparkSession

from lake_jobs.checks import ENFORCE
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.maintenance import run_operation
from lake_jobs.report import FAILED, RunReport
from lake_jobs.run import run_all
from lake_jobs.run_metrics import newest_events, publish
from lake_jobs.storage import storage_for

ARGS = (
    "catalog",
    "processed_database",
    "curated_database",
    "raw_root",
    "warehouse",
    "quarantine_root",
    "reports_root",
    "state_root",
    "reprocess",
    "gate",
    "metrics_namespace",
)


def config_from_args(args: dict[str, str]) -> LakeConfig:
    return LakeConfig(
        catalog=args["catalog"],
        processed_db=args["processed_database"],
        curated_db=args["curated_database"],
        raw_root=args["raw_root"],
        warehouse=args["warehouse"],
        quarantine_root=args["quarantine_root"],
        reports_root=args["reports_root"],
        state_root=args["state_root"],
    )


TABLES_ARG = "tables"
"""The argument of the table jobs (not of the maintenance job) naming the tables a run writes."""


def job_tables(args: dict[str, str], known: set[str] | None = None) -> list[str]:
    """The tables of `--tables` (comma-separated, in run order), each a dataset or curated table of the
    contracts; an unknown or repeated name fails the job before it reads anything."""
    if known is None:
        c = load_contracts()
        known = {*c.datasets, *c.curated}
    names = [n.strip() for n in args[TABLES_ARG].split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"--tables: unknown table(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"--tables: a table is named twice in {args[TABLES_ARG]!r}")
    return names


MAINTENANCE_ARGS = ("table", "version", "tag", "retain_days", "all", "run_id")
"""Optional arguments of the maintenance job (a Glue run passes those its operation needs)."""


def optional_args(argv: list[str], names: tuple[str, ...], resolve) -> dict[str, str]:
    """The `names` present in `argv`, resolved by `resolve` (awsglue's getResolvedOptions, which only knows
    required arguments)."""
    present = [n for n in names if f"--{n}" in argv]
    return resolve(argv, present) if present else {}


def maintenance_on_glue(spark: SparkSession, args: dict[str, str], extra: dict[str, str]) -> list[RunReport]:
    """One maintenance operation (lake_jobs.maintenance) with the job's arguments; reports are printed and
    kept in the reports zone like the jobs' ones."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    config = config_from_args(args)
    retain = extra.get("retain_days")
    reports = run_operation(
        spark,
        config,
        args["operation"],
        table=extra.get("table") or None,
        version=extra.get("version") or None,
        tag_name=extra.get("tag") or None,
        retain_days=int(retain) if retain else None,
        all_tables=extra.get("all", "false").lower() == "true",
        run_id=extra.get("run_id") or None,
    )
    storage = storage_for(spark, config.reports_root)
    for r in reports:
        r.write(storage, config.reports_root)
        print(r.to_json(), file=sys.stdout, flush=True)
    return reports


def run_on_glue(spark: SparkSession, args: dict[str, str], names: list[str]) -> list[RunReport]:
    """Runs `names` (datasets or curated tables) and prints their reports (JSON Lines, in the job's log)."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return run_all(
        spark,
        config_from_args(args),
        names,
        reprocess=args.get("reprocess", "false").lower() == "true",
        gate=args.get("gate") or ENFORCE,
        emit=lambda r: print(r.to_json(), file=sys.stdout, flush=True),
        include_curated=False,
    )


def publish_metrics(spark: SparkSession, args: dict[str, str], reports: list[RunReport], client=None) -> int:
    """Publishes the runs' CloudWatch metrics (lake_jobs.run_metrics) after the job committed; returns how
    many data were sent. A metrics outage never fails a job: the data is committed, the error is logged, 0
    is returned. `client` defaults to boto3's CloudWatch client (boto3 ships with Glue)."""
    try:
        if client is None:
            import boto3  # only on Glue

            client = boto3.client("cloudwatch")
        newest = newest_events(spark, config_from_args(args), [r.dataset for r in reports])
        return publish(reports, args["metrics_namespace"], client, newest, datetime.now(UTC))
    except Exception as e:  # noqa: BLE001 - the data is committed; losing metrics must not fail the run
        print(f"run metrics not published: {e}", file=sys.stderr, flush=True)
        return 0


def raise_if_failed(reports: list[RunReport]) -> None:
    """Fails the Glue job run (after job.commit()) when any run failed, so alarms fire."""
    failed = [f"{r.dataset}: {r.error}" for r in reports if r.status == FAILED]
    if failed:
        raise RuntimeError("; ".join(failed))
