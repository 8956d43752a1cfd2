"""Raw readers: raw files -> the raw-record DataFrame of lake_jobs.datasets (one row per record).

Bytes are split into records by plain Python in the Spark workers (one task reads whole files), so that
every record keeps its file, its number and its original text, whatever the format:

- ``csv``: a header line, RFC 4180 quoting (quoted fields may span lines), UTF-8 with or without BOM, LF
  or CRLF. Each record becomes ``csv`` (header name -> value). A record whose field count differs from
  the header's, or with broken quoting, is ``parse:csv``; a header that lacks contract columns or has
  unknown or repeated ones makes every record of the file ``parse:header`` with the names in
  ``error_detail``. Blank lines are skipped; ``record_no`` counts data records.
- ``combined_log`` and ``ndjson_gzip``: one record per non-blank line, ``record_no`` = line number.
- ``json``: JSON Lines, or a file whose first non-blank character is ``[`` holding one JSON array (then
  one record per element, re-serialized; an array that does not parse is one ``parse:json`` record).
- ``delivery_errors`` (files under a dataset's error prefix, see lake_jobs.delivery_errors): one record per
  non-blank line, each the ORIGINAL stream record a delivery error line wraps: ``raw_text`` its bytes decoded
  (U+FFFD for bytes that are not UTF-8), ``raw_base64`` its bytes (always), ``reader_error`` the error's
  reason (so the record is always quarantined), ``error_detail`` the error message. ``read_records`` reads
  the files named in ``error_keys`` this way, whatever the dataset's format.

Files starting with the gzip magic bytes are decompressed first (any format). A record whose bytes are
not UTF-8 is ``parse:encoding``; its text is decoded with U+FFFD replacements and the bytes kept as
base64. An empty file gives zero records. A file that cannot be read at all (I/O error, corrupt gzip)
gives no records but a :class:`FileFailure` naming the file; the job reports it (see lake_jobs.job).
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from lake_jobs import delivery_errors

csv.field_size_limit(16 * 1024 * 1024)

RECORD_FIELDS: list[T.StructField] = [
    T.StructField("source_file", T.StringType(), False),
    T.StructField("ingest_batch_id", T.StringType(), True),
    T.StructField("file_sha256", T.StringType(), True),
    T.StructField("record_no", T.LongType(), False),
    T.StructField("raw_text", T.StringType(), True),
    T.StructField("raw_base64", T.StringType(), True),
    T.StructField("reader_error", T.StringType(), True),
    T.StructField("error_detail", T.StringType(), True),
]
CSV_FIELD = T.StructField("csv", T.MapType(T.StringType(), T.StringType(), True), True)
_CSV_VALUES = T.StructField("_csv_values", T.ArrayType(T.StringType(), True), True)
"""What the Python side emits for CSV: the values in expected-header order (JVM turns them into `csv`)."""
MAX_ERROR_TEXT = 1_000_000
"""An unparseable JSON array file is kept as one record; its text is cut to this many characters."""
DELIVERY_ERRORS = "delivery_errors"
"""Format of the files under a dataset's error prefix (records a stream delivery could not deliver)."""
_FILE_FAILURE_NO = 0
"""`record_no` of the in-band row that carries a file failure from a worker to the driver."""

_SURROGATES = re.compile("[\udc80-\udcff]")
_BATCH = re.compile(r"(?:^|/)batch=([^/]+)/")


def record_schema(raw_format: str) -> T.StructType:
    """Schema of the raw-record DataFrame of a format."""
    return T.StructType(RECORD_FIELDS + ([CSV_FIELD] if raw_format == "csv" else []))


def tuple_schema(raw_format: str) -> T.StructType:
    """Schema of the tuples split_records returns."""
    return T.StructType(RECORD_FIELDS + ([_CSV_VALUES] if raw_format == "csv" else []))


def to_records(tuples: DataFrame, raw_format: str, expected_header: list[str] | None) -> DataFrame:
    """split_records tuples (as a DataFrame of _tuple_schema) -> the raw-record DataFrame."""
    if raw_format != "csv":
        return tuples
    keys = F.array(*[F.lit(c) for c in expected_header or []])
    csv_map = F.when(F.col("_csv_values").isNotNull(), F.map_from_arrays(keys, F.col("_csv_values")))
    return tuples.withColumn("csv", csv_map).drop("_csv_values")


@dataclass(frozen=True)
class RawFile:
    key: str
    """Key relative to the raw root, e.g. `transactions/ingest_date=2026-11-28/batch=b1/orders.csv`."""
    path: str
    """Absolute path or URI Spark can read."""
    size: int
    mtime_ms: int


@dataclass(frozen=True)
class FileFailure:
    key: str
    error: str


def ingest_batch_id(key: str) -> str:
    m = _BATCH.search(key)
    if m:
        return m.group(1)
    name = key.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def _text_of(raw: str) -> tuple[str, str | None, bool]:
    """(clean text, base64 of the original bytes or None, had invalid bytes) of a surrogateescape'd str."""
    if not _SURROGATES.search(raw):
        return raw, None, False
    original = raw.encode("utf-8", "surrogateescape")
    return original.decode("utf-8", "replace"), base64.b64encode(original).decode("ascii"), True


def _decompress(data: bytes) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise UnreadableFileError(f"corrupt gzip: {e}") from e


class UnreadableFileError(Exception):
    pass


def _strip_line_end(s: str) -> str:
    return s.rstrip("\r\n")


def _record(
    meta: tuple[str, str, str], no: int, raw: str, error: str | None = None, detail: str | None = None
):
    text, b64, bad = _text_of(raw)
    if bad and error is None:
        error, detail = "parse:encoding", "bytes that are not UTF-8"
    return (*meta[:1], meta[1], meta[2], no, text, b64, error, detail)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line without its end) of each non-blank line."""
    for no, line in enumerate(io.StringIO(text, newline=""), start=1):
        body = _strip_line_end(line)
        if body.strip():
            yield no, body


def _line_records(meta: tuple[str, str, str], text: str) -> Iterator[tuple]:
    for no, body in _lines(text):
        yield _record(meta, no, body)


def _delivery_error_records(meta: tuple[str, str, str], text: str) -> Iterator[tuple]:
    for no, body in _lines(text):
        try:
            e = delivery_errors.unwrap(body)
        except delivery_errors.NotAnErrorRecordError as x:
            yield _record(meta, no, body, delivery_errors.DELIVERY_ERROR, str(x))
            continue
        original = base64.b64encode(e.data).decode("ascii")
        detail = _text_of(e.detail)[0]  # the wrapper line itself may hold bytes that are not UTF-8
        yield (*meta, no, e.data.decode("utf-8", "replace"), original, e.reason, detail)


def _json_records(meta: tuple[str, str, str], text: str) -> Iterator[tuple]:
    if not text.lstrip().startswith("["):
        yield from _line_records(meta, text)
        return
    try:
        elements = json.loads(text)
    except ValueError as e:
        yield _record(meta, 1, text[:MAX_ERROR_TEXT], "parse:json", f"JSON array file does not parse: {e}")
        return
    for no, element in enumerate(elements, start=1):
        yield _record(meta, no, json.dumps(element, ensure_ascii=False))


def header_problems(header: list[str], expected: Iterable[str]) -> str | None:
    """Names what is wrong with a CSV header, or None when it has exactly the expected columns."""
    expected = list(expected)
    problems = []
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing:
        problems.append("missing columns: " + ", ".join(missing))
    if unknown:
        problems.append("unexpected columns: " + ", ".join(unknown))
    if repeated:
        problems.append("repeated columns: " + ", ".join(repeated))
    return "; ".join(problems) or None


def _csv_records(meta: tuple[str, str, str], text: str, expected: list[str]) -> Iterator[tuple]:
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    source = lines()
    header: list[str] | None = None
    header_error: str | None = None
    no = 0
    while True:
        reader = csv.reader(source, strict=True)
        try:
            for fields in reader:
                raw = _strip_line_end("".join(consumed))
                consumed.clear()
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                if header is None:
                    header = [f.strip() for f in fields]
                    header_error = header_problems(header, expected)
                    continue
                no += 1
                if header_error:
                    yield (*_record(meta, no, raw, "parse:header", header_error), None)
                elif len(fields) != len(header):
                    detail = f"record has {len(fields)} fields, the header has {len(header)}"
                    yield (*_record(meta, no, raw, "parse:csv", detail), None)
                else:
                    rec = _record(meta, no, raw)
                    values = None
                    if rec[6] is None:
                        by_name = dict(zip(header, fields, strict=True))
                        values = [by_name[c] for c in expected]
                    yield (*rec, values)
            return
        except csv.Error as e:
            raw = _strip_line_end("".join(consumed))
            consumed.clear()
            no += 1
            yield (*_record(meta, no, raw, "parse:csv", f"bad CSV quoting: {e}"), None)


def split_records(
    raw_format: str, key: str, data: bytes, expected_header: list[str] | None = None
) -> list[tuple]:
    """Pure: the bytes of one raw file -> raw-record tuples (in ``record_schema(raw_format)`` order).

    Raises UnreadableFileError for a file that cannot be decoded at all (corrupt gzip)."""
    meta = (key, ingest_batch_id(key), hashlib.sha256(data).hexdigest())
    text = _decompress(data).decode("utf-8", "surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    if raw_format == "csv":
        return list(_csv_records(meta, text, list(expected_header or [])))
    if raw_format in ("combined_log", "ndjson_gzip"):
        return list(_line_records(meta, text))
    if raw_format == "json":
        return list(_json_records(meta, text))
    if raw_format == DELIVERY_ERRORS:
        return list(_delivery_error_records(meta, text))
    raise ValueError(f"unknown raw format {raw_format!r}")


def _normalize(path: str) -> str:
    path = unquote(path)
    if path.startswith("file:"):
        return "/" + path[len("file:") :].lstrip("/")
    return path


@dataclass(frozen=True)
class ReadResult:
    records: DataFrame
    """The raw-record DataFrame (backed by `cached`)."""
    failures: list[FileFailure]
    cached: DataFrame
    """What read_records persisted; unpersist it when done."""


def read_records(
    spark: SparkSession,
    files: list[RawFile],
    raw_format: str,
    expected_header: list[str] | None = None,
    error_keys: Collection[str] = (),
) -> ReadResult:
    """Raw files -> raw records and the files that could not be read. Reads each file once (the records are
    persisted, memory and disk); call `result.cached.unpersist()` when done. The files whose keys are in
    `error_keys` are delivery error files (format ``delivery_errors``, whatever `raw_format` is)."""
    schema = tuple_schema(raw_format)
    if not files:
        empty = to_records(spark.createDataFrame([], schema), raw_format, expected_header)
        return ReadResult(empty, [], empty)
    keys = {_normalize(f.path): f.key for f in files}
    width = len(schema.fields)
    errors = frozenset(error_keys)
    # delivery error records have no format-specific columns (CSV's values): null
    error_padding = (None,) * (width - len(RECORD_FIELDS))

    def file_rows(row) -> list[tuple]:
        key = keys.get(_normalize(row.path), _normalize(row.path))
        try:
            if key in errors:
                return [(*r, *error_padding) for r in split_records(DELIVERY_ERRORS, key, bytes(row.content))]
            return split_records(raw_format, key, bytes(row.content), expected_header)
        except Exception as e:  # noqa: BLE001 - any failure of one file is reported, the others go on
            failure = [None] * width
            failure[0], failure[3], failure[7] = key, _FILE_FAILURE_NO, f"{type(e).__name__}: {e}"
            return [tuple(failure)]

    binary = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load([f.path for f in files])
        .select("path", "content")
    )
    tuples = spark.createDataFrame(binary.rdd.flatMap(file_rows), schema)
    # Spread one big file's records over the cores for the transforms that follow.
    parallelism = spark.sparkContext.defaultParallelism
    if parallelism > 1:
        tuples = tuples.repartition(parallelism)
    full = to_records(tuples, raw_format, expected_header).persist(StorageLevel.MEMORY_AND_DISK)
    failed = full.where(full.record_no == _FILE_FAILURE_NO).select("source_file", "error_detail").collect()
    failures = [FileFailure(r.source_file, r.error_detail) for r in failed]
    return ReadResult(full.where(full.record_no != _FILE_FAILURE_NO), failures, full)
