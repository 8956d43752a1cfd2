"""ad_events: campaign events from the stream (gzip NDJSON as Firehose or the local delivery worker writes).

``parse`` flattens each event by the contract's paths (values stay strings for the quality step); a line that
is not one JSON object is ``parse:json``. Everything else is the contract's generic rules: an unknown
``event_type`` is ``allowed:event_type``, a negative cost ``min:cost``, a conversion without ``order_id``
``required:order_id`` (``requiredWhen``), a missing field ``required:<col>``; a repeated ``event_id`` is
deduplicated by the framework (within the batch and, by MERGE, against the table).

``enrich`` converts cost (4 decimals) and revenue (2 decimals) to the reporting currency at the reference
rates and adds ``event_date``, the UTC day of ``event_time``: a late event lands in the day it happened, not
the day it arrived.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lake_jobs.contracts import load_contracts
from lake_jobs.reference import Reference
from lake_jobs.text.json_records import flatten

DATASET = "ad_events"


def parse(records: DataFrame) -> DataFrame:
    return flatten(records, load_contracts().table(DATASET).parsed_columns)


def enrich(valid: DataFrame, ref: Reference) -> DataFrame:
    return valid.select(
        "*",
        ref.to_reporting(valid["cost"], valid["currency"], 4).alias("cost_usd"),
        ref.to_reporting(valid["revenue"], valid["currency"], 2).alias("revenue_usd"),
        F.to_date(valid["event_time"]).alias("event_date"),
    )
