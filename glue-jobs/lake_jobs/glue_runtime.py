"""What the Glue entry scripts (glue_entry/*.py) share, without importing awsglue: job arguments -> config,
then the same runner as locally.

Glue job arguments (all required; CDK sets them): --catalog (e.g. glue_catalog, configured by the job's
--conf/--datalake-formats iceberg), --processed_database, --curated_database, --raw_root, --warehouse,
--quarantine_root, --reports_root, --state_root (S3 URIs), plus --reprocess (true|false) and
--metrics_namespace (the CloudWatch namespace of the run metrics, lake_jobs.run_metrics). Raw files
already processed are tracked by the ledger under --state_root (the reader reads raw bytes, not
DynamicFrames, so Glue job bookmarks do not apply); the entry scripts still init/commit the Job so that
runs show in Glue as usual.
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession

from lake_jobs.config import LakeConfig
from lake_jobs.report import FAILED, RunReport
from lake_jobs.run import run_all
from lake_jobs.run_metrics import publish

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


def run_on_glue(spark: SparkSession, args: dict[str, str], names: list[str]) -> list[RunReport]:
    """Runs `names` (datasets or curated tables) and prints their reports (JSON Lines, in the job's log)."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return run_all(
        spark,
        config_from_args(args),
        names,
        reprocess=args.get("reprocess", "false").lower() == "true",
        emit=lambda r: print(r.to_json(), file=sys.stdout, flush=True),
        include_curated=False,
    )


def publish_metrics(args: dict[str, str], reports: list[RunReport]) -> None:
    """Publishes the runs' CloudWatch metrics (boto3 ships with Glue); a metrics outage never fails a job."""
    import boto3  # only on Glue

    try:
        publish(reports, args["metrics_namespace"], boto3.client("cloudwatch"))
    except Exception as e:  # noqa: BLE001 - the data is committed; losing metrics must not fail the run
        print(f"run metrics not published: {e}", file=sys.stderr, flush=True)


def raise_if_failed(reports: list[RunReport]) -> None:
    """Fails the Glue job run (after job.commit()) when any run failed, so alarms fire."""
    failed = [f"{r.dataset}: {r.error}" for r in reports if r.status == FAILED]
    if failed:
        raise RuntimeError("; ".join(failed))
