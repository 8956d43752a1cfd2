"""Quarantined records: one JSON line each, with reason(s), where the record came from and its original text,
under <quarantine>/<dataset>/run_id=<id>/ (Spark JSON part files).

A record whose bytes are not UTF-8 keeps them in `raw_base64`; its `raw_text` is those bytes decoded by Python
with U+FFFD replacements (one per maximal invalid subpart, as lake_jobs.readers.split_records decodes them),
whichever reader produced the record: the JVM's decoder replaces some sequences differently (an encoded
surrogate, for instance, becomes one U+FFFD instead of three).

A run writes its quarantine into <quarantine>/<dataset>/_staging/run_id=<id>/ first and publishes it (a folder
move) only after its commit and ledger: a run killed before that leaves its records only in staging, and the
next run (under the lake's run lock) publishes the staging of a run that did record its files and drops the
rest, whose files it reads again. So a record is in quarantine once, never twice, never lost."""

from __future__ import annotations

import base64

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from lake_jobs.contracts import Table, agreements
from lake_jobs.dedupe import conflict_reason
from lake_jobs.quality import REASON, REASONS
from lake_jobs.storage import Storage

STAGING = "_staging"

QUARANTINE_COLUMNS = (
    REASON,
    REASONS,
    "source_file",
    "ingest_batch_id",
    "record_no",
    "error_detail",
    "raw_text",
    "raw_base64",
)


@F.pandas_udf(T.StringType())  # type: ignore[call-overload]
def _python_decoded(b64: pd.Series) -> pd.Series:
    return b64.map(lambda v: None if v is None else base64.b64decode(v).decode("utf-8", "replace"))


def original_text(raw_text: Column, raw_base64: Column) -> Column:
    """`raw_text`, or for bytes that are not UTF-8 their Python decoding (Arrow batches; only the quarantined
    rows pass through Python)."""
    return F.coalesce(_python_decoded(raw_base64), raw_text)


def from_checks(invalid: DataFrame) -> DataFrame:
    """Records that failed parsing or quality rules, as quarantine rows."""
    return invalid.select(
        *[
            original_text(F.col("raw_text"), F.col("raw_base64")).alias(c) if c == "raw_text" else c
            for c in QUARANTINE_COLUMNS
        ]
    )


def from_conflicts(conflicts: DataFrame, records: DataFrame, table: Table) -> DataFrame:
    """Later records of a batch with the key of an earlier one but other content, as quarantine rows, with
    their original text from `records` (the batch's records, by `source_file` and `record_no`)."""
    reason = conflict_reason(table)
    key = ", ".join(table.business_key)
    place = ["source_file", "record_no"]
    originals = records.select(*place, "raw_text", "raw_base64")
    detail = f"an earlier record of this batch has the same {key} but other content"
    found = conflicts.select(*place, "ingest_batch_id").join(originals, place)
    return found.select(
        F.lit(reason).alias(REASON),
        F.array(F.lit(reason)).alias(REASONS),
        "source_file",
        "ingest_batch_id",
        "record_no",
        F.lit(detail).alias("error_detail"),
        "raw_text",
        "raw_base64",
    )


def quarantine_path(root: str, dataset: str, run_id: str) -> str:
    return f"{root.rstrip('/')}/{agreements()[0].key('quarantineRun', dataset=dataset, runId=run_id)}"


def staging_path(root: str, dataset: str, run_id: str) -> str:
    return f"{root.rstrip('/')}/{dataset}/{STAGING}/run_id={run_id}"


def write(rows: DataFrame, root: str, dataset: str, run_id: str) -> str:
    """Writes the quarantine rows of one run as JSON Lines into its staging folder; returns the folder."""
    path = staging_path(root, dataset, run_id)
    rows.withColumn("run_id", F.lit(run_id)).coalesce(1).write.mode("overwrite").option(
        "ignoreNullFields", "false"
    ).json(path)
    return path


def publish(storage: Storage, root: str, dataset: str, run_id: str) -> str | None:
    """Moves a run's staged quarantine to its place; returns the folder (None when nothing was staged)."""
    staged = staging_path(root, dataset, run_id)
    if f"run_id={run_id}" not in storage.list_dirs(f"{root.rstrip('/')}/{dataset}/{STAGING}"):
        return None
    final = quarantine_path(root, dataset, run_id)
    storage.move_dir(staged, final)
    return final


def drop(storage: Storage, root: str, dataset: str, run_id: str) -> None:
    """Removes a run's staged quarantine (its files will be read again)."""
    storage.remove_dir(staging_path(root, dataset, run_id))


def settle_staging(
    storage: Storage, root: str, dataset: str, committed, held=lambda _run_id: False
) -> dict[str, list[str]]:
    """Staged quarantines of runs that never finished: published when `committed(run_id)` (the run recorded
    its files), left in staging when `held(run_id)` (a blocked batch awaiting publish or discard), dropped
    otherwise (their files are read again). Call under the run lock only."""
    base = f"{root.rstrip('/')}/{dataset}/{STAGING}"
    done: dict[str, list[str]] = {"published": [], "dropped": []}
    for name in storage.list_dirs(base):
        run_id = name.removeprefix("run_id=")
        if held(run_id):
            continue
        if committed(run_id):
            publish(storage, root, dataset, run_id)
            done["published"].append(run_id)
        else:
            storage.remove_dir(f"{base}/{name}")
            done["dropped"].append(run_id)
    return done
