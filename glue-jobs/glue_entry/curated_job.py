"""Glue 5.1 entry of the curated job (the curated tables its --tables names). Thin on purpose: Glue
plumbing only, the work is in lake_jobs."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from lake_jobs.glue_runtime import ARGS, TABLES_ARG, job_tables, publish_metrics, raise_if_failed, run_on_glue

args = getResolvedOptions(sys.argv, ["JOB_NAME", *ARGS, TABLES_ARG])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
reports = run_on_glue(glue_context.spark_session, args, job_tables(args))
job.commit()
publish_metrics(glue_context.spark_session, args, reports)
raise_if_failed(reports)
