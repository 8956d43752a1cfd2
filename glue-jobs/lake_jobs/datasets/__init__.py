"""Dataset modules: the registry and the interface every dataset module implements.

A dataset module (``lake_jobs/datasets/<dataset>.py``, named as in contracts.json) holds only PURE functions
(DataFrame in, DataFrame out: no I/O, no actions such as count/collect, no awsglue). The framework
(``lake_jobs.job``) does everything else: listing and reading raw files, quality rules from the contract,
dedupe, record hash, lineage, MERGE INTO Iceberg, quarantine, ledger and run report.

Pipeline per dataset and run::

    raw files --reader--> raw records --parse--> parsed --quality--> valid --enrich--> enriched
                                                            \\--> quarantined (reasons)
    enriched --framework: lineage + record_hash + dedupe--> MERGE INTO processed.<dataset>

Raw records (input of ``parse``): one row per record of a raw file, columns (see ``RAW_RECORD_COLUMNS``):

- ``source_file``  string  raw-zone key of the file, relative to the raw root, e.g.
  ``transactions/ingest_date=2026-11-28/batch=b1/orders.csv``
- ``ingest_batch_id`` string  the ``batch=<id>`` folder of the key; for files without one (stream
  deliveries) the file name without its extensions
- ``file_sha256``  string  hex SHA-256 of the whole file as stored (e.g. for server_logs' ``log_id``)
- ``record_no``    bigint  1-based number of the record within the file: CSV = data record after the header
  (a quoted multi-line record counts once); combined_log / json lines / ndjson = physical line number (blank
  lines are skipped but keep their numbers); JSON array file = element index
- ``raw_text``     string  the record's original text without its line end (UTF-8; when the bytes were not
  valid UTF-8, decoded with U+FFFD replacements); for a JSON array element the element re-serialized as JSON
- ``raw_base64``   string  base64 of the original bytes, only when they were not valid UTF-8, else null
- ``reader_error`` string  null, or a record-level reason found while reading: ``parse:encoding`` (bytes not
  UTF-8), ``parse:csv`` (field count differs from the header's, bad quoting), ``parse:header`` (the file's
  header lacks contract columns or has unknown ones), ``parse:json`` (a JSON array file that does not parse);
  for a record of the error prefix (a delivery error, see ``lake_jobs.delivery_errors``) its reason, always
  set, so such records are quarantined whatever ``parse`` finds
- ``error_detail`` string  human-readable detail of ``reader_error`` (e.g. ``missing columns: status``)
- ``csv``          map<string,string>  CSV only: header name -> field value of this record (null when
  ``reader_error`` is set); other formats do not have this column

Interface of a dataset module:

``parse(records: DataFrame) -> DataFrame``
    One output row per input row (never drop or add rows). Keep every input column, and add:

    - each contract column with ``source == "raw"``, named by the contract ``name`` (``rawName`` says where it
      comes from in the record), plus any business-key column the contract marks ``derived`` (server_logs'
      ``log_id``). A value may be a string (the quality step casts it to the contract type; a non-empty string
      that does not cast gives ``type:<col>``; an empty string counts as null) or already of the contract
      type.
      Timestamps given as strings must be ISO 8601 with ``Z``/offset or ``YYYY-MM-DD HH:MM:SS`` (= UTC); parse
      other formats itself (e.g. the combined-log time) into TimestampType, or leave an unparseable value as
      its original string so that it becomes ``type:<col>``. ``array<string>`` columns: ArrayType(String).
    - ``parse_error`` string: null when the record parsed; ``parse:<what>`` otherwise (``parse:json``,
      ``parse:log_line``, ...). The framework sets ``parse_error = coalesce(reader_error, parse_error)``
      afterwards, so parse may ignore ``reader_error``.

``enrich(valid: DataFrame, ref: lake_jobs.reference.Reference) -> DataFrame``
    Input: the rows that passed quality, with every contract raw column cast to its contract type, plus the
    pass-through columns (``source_file``, ``ingest_batch_id``, ``record_no``, ``raw_text``, ...). Output: the
    same rows with the contract's ``derived`` columns added (types as in the contract; the framework casts
    and selects the contract columns afterwards and adds ``etl_run_id`` and ``record_hash``). Use
    ``ref.fx_rate(col)`` / ``ref.to_reporting(amount, currency, scale)`` for currency conversion and
    ``ref.products`` for the catalog.

Shared helpers for parsers live in ``lake_jobs.parsing`` (e.g. ``csv_column``, ``timestamp_utc``).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Protocol

from pyspark.sql import DataFrame

from lake_jobs.reference import Reference

RAW_RECORD_COLUMNS: tuple[str, ...] = (
    "source_file",
    "ingest_batch_id",
    "file_sha256",
    "record_no",
    "raw_text",
    "raw_base64",
    "reader_error",
    "error_detail",
)
"""Columns every raw-record DataFrame has (CSV adds ``csv``)."""

DATASET_MODULES: dict[str, str] = {
    "transactions": "lake_jobs.datasets.transactions",
    "server_logs": "lake_jobs.datasets.server_logs",
    "social_posts": "lake_jobs.datasets.social_posts",
    "ad_events": "lake_jobs.datasets.ad_events",
}
"""Dataset name (as in contracts.json) -> module implementing :class:`DatasetModule`."""


class DatasetModule(Protocol):
    """What ``lake_jobs.job`` needs from a dataset module (plain module-level functions)."""

    def parse(self, records: DataFrame) -> DataFrame: ...

    def enrich(self, valid: DataFrame, ref: Reference) -> DataFrame: ...


def dataset_module(name: str) -> DatasetModule:
    """The module of dataset `name` (imported lazily, so a missing module only fails its own dataset)."""
    if name not in DATASET_MODULES:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASET_MODULES)}")
    module: ModuleType = importlib.import_module(DATASET_MODULES[name])
    for fn in ("parse", "enrich"):
        if not callable(getattr(module, fn, None)):
            raise TypeError(f"{module.__name__} must define {fn}()")
    return module  # type: ignore[return-value]
