"""server_logs: nginx/Apache "combined" log lines -> one row per request.

Format: ``%h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-agent}i"``. ``parse`` splits a line with the
lake's combined-log grammar, the one regular expression the raw Glue table's SerDe applies too
(lib/contracts/combined-log.ts, exported to contracts.json): a line that does not match it, e.g. binary
garbage or a control character, is ``parse:log_line``; so is a line whose request ``"%r"`` is not
``METHOD target [HTTP/x.y]`` (e.g. ``"-"`` or an escaped TLS handshake such as ``"\\x16\\x03\\x01..."``).
The target splits into path and query string. ``-`` means unknown: remote user, size, referrer and
user agent become null. ``%t`` (``10/Oct/2026:13:55:36 +0200``) is rewritten to ISO 8601 with its offset, so
that the quality step casts it to a UTC instant (an impossible date becomes ``type:request_time``).

Binary garbage (TLS handshakes and random bytes sent to the HTTP port) is not UTF-8, so the reader marks it
``parse:encoding``; a log line, though, is never legitimately non-ASCII (servers escape such bytes as
``\\xHH``), so a non-UTF-8 line that is not a log line at all is reported as ``parse:log_line`` (``parse``
clears its ``reader_error``), while a well-formed line with a stray non-UTF-8 byte keeps ``parse:encoding``.

``log_id`` = SHA-256 of ``<file_sha256>:<record_no>``: landing the same file again (same bytes) gives the same
keys, so MERGE makes it a no-op, while two identical requests on two lines stay two rows.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lake_jobs.contracts import combined_log_grammar
from lake_jobs.reference import Reference
from lake_jobs.text.user_agents import device_type, is_bot

LINE_PATTERN = combined_log_grammar().regex
"""One combined-log line (a Java regex); its groups are the grammar's columns: client_ip, ident, remote_user,
time_local, method, request_target, protocol, status, bytes_sent, referrer, user_agent. Method, target and
protocol are empty when the quoted request is not a request line."""

TIME_PATTERN = r"^(\d{2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{2}):?(\d{2})$"
"""`%t`: day/month-name/year:hour:minute:second offset."""

ENCODING_ERROR = "parse:encoding"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SEP = "\u0001"  # cannot occur in a matching line (no field of the grammar holds a control character)
_FIELDS = combined_log_grammar().columns


def _dash_to_null(c: Column) -> Column:
    return F.when((c == "-") | (c == ""), F.lit(None).cast("string")).otherwise(c)


def _unescape(c: Column) -> Column:
    """Apache's `\\"` and `\\\\` escapes -> the characters (nginx's `\\xHH` escapes are kept as written)."""
    return F.regexp_replace(c, r'\\(["\\])', "$1")


def iso_time(clf_time: Column) -> Column:
    """`10/Oct/2026:13:55:36 +0200` -> `2026-10-10T13:55:36+02:00`; a value of another shape is returned
    unchanged (the quality step then reports `type:request_time`)."""
    month_numbers: list[Column] = []
    for i, name in enumerate(_MONTHS, start=1):
        month_numbers += [F.lit(name.lower()), F.lit(f"{i:02d}")]
    month = F.element_at(F.create_map(*month_numbers), F.lower(F.regexp_extract(clf_time, TIME_PATTERN, 2)))
    iso = F.concat(
        F.regexp_extract(clf_time, TIME_PATTERN, 3),
        F.lit("-"),
        month,
        F.lit("-"),
        F.regexp_replace(clf_time, TIME_PATTERN, "$1T$4:$5:$6$7:$8"),
    )
    return F.when(clf_time.rlike(TIME_PATTERN) & month.isNotNull(), iso).otherwise(clf_time)


def log_id(file_sha256: Column, record_no: Column) -> Column:
    """SHA-256 (hex) of `<file checksum>:<line number>`."""
    return F.sha2(F.concat_ws(":", file_sha256, record_no.cast("string")), 256)


def _groups(text: Column, pattern: str, count: int) -> Column:
    """The `count` groups of `pattern` in `text` as an array (ONE regex evaluation), null when no match."""
    joined = F.regexp_replace(text, pattern, _SEP.join(f"${i}" for i in range(1, count + 1)))
    return F.when(F.coalesce(text.rlike(pattern), F.lit(False)), F.split(joined, _SEP))


_LINE = "_log_fields"


def parse(records: DataFrame) -> DataFrame:
    # A staged projection: the regex result is a column that later expressions reference, so Spark evaluates
    # the regex once per line instead of once per derived column.
    lines = records.select("*", _groups(records["raw_text"], LINE_PATTERN, len(_FIELDS)).alias(_LINE))
    line = {name: F.col(_LINE)[i] for i, name in enumerate(_FIELDS)}
    line_ok = F.col(_LINE).isNotNull()
    request_ok = line["method"] != ""
    method, target, protocol = (
        F.when(request_ok, c) for c in (line["method"], _unescape(line["request_target"]), line["protocol"])
    )
    query = F.regexp_extract(target, r"\?(.*)$", 1)
    reader_error = F.col("reader_error")
    garbage = (reader_error == ENCODING_ERROR) & ~line_ok
    parsed = lines.withColumn("reader_error", F.when(garbage, F.lit(None)).otherwise(reader_error)).select(
        "*",
        log_id(F.col("file_sha256"), F.col("record_no")).alias("log_id"),
        line["client_ip"].alias("client_ip"),
        _dash_to_null(line["remote_user"]).alias("remote_user"),
        iso_time(line["time_local"]).alias("request_time"),
        method.alias("method"),
        F.regexp_extract(target, r"^([^?]*)", 1).alias("path"),
        F.when(query != "", query).alias("query_string"),
        _dash_to_null(protocol).alias("protocol"),
        line["status"].alias("status"),
        _dash_to_null(line["bytes_sent"]).alias("bytes_sent"),
        _dash_to_null(_unescape(line["referrer"])).alias("referrer"),
        _dash_to_null(_unescape(line["user_agent"])).alias("user_agent"),
        F.when(~F.coalesce(line_ok & request_ok, F.lit(False)), F.lit("parse:log_line")).alias("parse_error"),
    )
    return parsed.drop(_LINE)


def enrich(valid: DataFrame, ref: Reference) -> DataFrame:
    status = valid["status"]
    staged = valid.select(
        "*",
        F.concat((status / 100).cast("int").cast("string"), F.lit("xx")).alias("status_class"),
        (status >= 400).alias("is_error"),
        is_bot(valid["user_agent"]).alias("is_bot"),
        F.to_date(valid["request_time"]).alias("request_date"),
    )
    return staged.select("*", device_type(F.col("user_agent"), F.col("is_bot")).alias("device_type"))
