"""Delivery error records: what a stream delivery (Firehose, or the local delivery worker of lib/stream)
writes under a dataset's error prefix (contract ``raw.errorPrefix``) for records it could not deliver.

Each line of such a file is one JSON object wrapping one original stream record::

    {"errorCode": "parse:json", "errorMessage": "...", "rawData": "<base64 of the original bytes>", ...}

Firehose spells the code ``errorCode`` (processing, dynamic partitioning), ``ErrorCode`` (format conversion)
or ``lastErrorCode``; all are read (and the matching message). The job quarantines every such record (it is
never loaded) with reason:

- the ``errorCode`` itself when it is one of the lake's record-level parse codes (:data:`PARSE_CODES`; the
  local delivery worker writes ``parse:json`` and ``parse:encoding``),
- ``parse:delivery`` for any other code (Firehose's own, e.g. ``DataFormatConversion.MalformedData``) or none;
  ``error_detail`` then starts with that code,
- ``parse:delivery`` as well for a line that is not such a wrapper (not a JSON object, no base64 ``rawData``);
  its own text is then the record's text.

Pure Python (no Spark): lake_jobs.readers splits the files into records with :func:`unwrap`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

DELIVERY_ERROR = "parse:delivery"
"""Reason of an error record whose code is not one of ours, or of a line that is not an error record."""
PARSE_CODES = frozenset({"parse:csv", "parse:encoding", "parse:header", "parse:json", "parse:log_line"})
"""The lake's record-level parse reasons: an error record with one of these codes keeps it as its reason."""
_CODE_FIELDS = ("errorCode", "ErrorCode", "lastErrorCode")
_MESSAGE_FIELDS = ("errorMessage", "ErrorMessage", "lastErrorMessage")


class NotAnErrorRecordError(ValueError):
    """A line of an error file that is not a delivery error record (the message says why)."""


@dataclass(frozen=True)
class ErrorRecord:
    data: bytes
    """The original record's bytes (decoded ``rawData``)."""
    reason: str
    detail: str


def _first(doc: dict, fields: tuple[str, ...]) -> str | None:
    for f in fields:
        value = doc.get(f)
        if value is not None and value != "":
            return str(value)
    return None


def reason_of(error_code: str | None) -> str:
    """Quarantine reason of an error record with this code."""
    return error_code if error_code in PARSE_CODES else DELIVERY_ERROR


def unwrap(line: str) -> ErrorRecord:
    """One line of an error file -> the original record, its reason and detail.

    Raises NotAnErrorRecordError for a line that is not a delivery error record."""
    try:
        doc = json.loads(line)
    except ValueError as e:
        raise NotAnErrorRecordError(f"not a delivery error record: not JSON ({e})") from e
    if not isinstance(doc, dict):
        raise NotAnErrorRecordError("not a delivery error record: not a JSON object")
    raw = doc.get("rawData")
    if not isinstance(raw, str):
        raise NotAnErrorRecordError("not a delivery error record: no rawData string")
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as e:
        raise NotAnErrorRecordError(f"not a delivery error record: rawData is not base64 ({e})") from e
    code = _first(doc, _CODE_FIELDS)
    message = _first(doc, _MESSAGE_FIELDS)
    reason = reason_of(code)
    if reason == code:
        detail = message or f"undeliverable record ({code})"
    else:
        detail = ": ".join(x for x in (code or "no errorCode", message) if x)
    return ErrorRecord(data, reason, detail)
