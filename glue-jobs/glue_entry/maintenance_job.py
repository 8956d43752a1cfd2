"""Glue 5.1 entry of the maintenance job: one operation on the lake's Iceberg tables, named by the run's
arguments: --operation tag|rollback|publish|discard, --table, --version (snapshot id or tag), --tag,
--retain_days, --all true, --run_id (publish/discard: the blocked run). Thin on purpose: Glue plumbing
only, the work is in lake_jobs.maintenance."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from lake_jobs.glue_runtime import ARGS, MAINTENANCE_ARGS, maintenance_on_glue, optional_args, raise_if_failed

args = getResolvedOptions(sys.argv, ["JOB_NAME", *ARGS, "operation"])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
reports = maintenance_on_glue(
    glue_context.spark_session, args, optional_args(sys.argv, MAINTENANCE_ARGS, getResolvedOptions)
)
job.commit()
raise_if_failed(reports)
