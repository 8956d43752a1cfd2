"""Raw readers: raw files -> the raw-record DataFrame of lake_jobs.datasets (one row per record).

Plain (not gzip) files of the line-based formats are read by Spark's own text reader as numbered lines and
made records by Spark expressions (lake_jobs.line_reader, lake_jobs.csv_lines): a big file is read by several
tasks and no Python runs per record. The other files, and the files in which a line is not one record by
itself (a CSV field spanning lines, broken quoting, a JSON array file), are split into records by
:func:`split_records`, plain Python in the Spark workers (one task reads a whole file). Both give the same
records, so that every record keeps its file, its number and its original text, whatever the format:

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

from lake_jobs import csv_lines, delivery_errors
from lake_jobs import line_reader as lines

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
    """The raw-record DataFrame."""
    failures: list[FileFailure]
    cached: DataFrame
    """What read_records persisted (the records of the files read in Python); unpersist it when done."""


NATIVE_FORMATS = ("csv", "combined_log", "json", "ndjson_gzip")
"""Formats whose plain (not gzip) files are read by Spark's text reader (see lake_jobs.line_reader)."""


def read_records(
    spark: SparkSession,
    files: list[RawFile],
    raw_format: str,
    expected_header: list[str] | None = None,
    error_keys: Collection[str] = (),
) -> ReadResult:
    """Raw files -> raw records and the files that could not be read; call `result.cached.unpersist()` when
    done. The files whose keys are in `error_keys` are delivery error files (format ``delivery_errors``,
    whatever `raw_format` is).

    Plain files of the NATIVE_FORMATS are read as lines by Spark (several tasks for a big file, no Python per
    record); the others (gzip, JSON array files, CSV files with a line that is not one record by itself,
    delivery error files) by :func:`split_records` in Python, one task per file. Both give the same
    records."""
    errors = frozenset(error_keys)
    candidates = [
        f for f in files if raw_format in NATIVE_FORMATS and f.key not in errors and not f.key.endswith(".gz")
    ]
    native, fallback = native_records(spark, candidates, raw_format, list(expected_header or []))
    chosen = {f.key for f in candidates} - {f.key for f in fallback}
    in_python = [f for f in files if f.key not in chosen]
    python = _python_records(spark, in_python, raw_format, expected_header, errors)
    if native is None:
        return python
    records = native if not in_python else native.unionByName(python.records)
    return ReadResult(records, python.failures, python.cached)


def file_sha256(spark: SparkSession, path: str) -> str:
    """Hex SHA-256 of a file, streamed by the JVM through Hadoop's FileSystem (local files and S3 alike)."""
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    p = jvm.org.apache.hadoop.fs.Path(path)
    stream = p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).open(p)  # type: ignore[attr-defined]
    try:
        return str(jvm.org.apache.commons.codec.digest.DigestUtils.sha256Hex(stream))
    finally:
        stream.close()


_SPLIT_SCHEMA = T.StructType(
    [
        T.StructField(lines.PATH, T.StringType(), False),
        T.StructField(lines.START, T.LongType(), False),
        T.StructField("_offset", T.LongType(), False),
        *RECORD_FIELDS[:3],  # source_file, ingest_batch_id, file_sha256
        T.StructField("_header_error", T.StringType(), True),
        T.StructField("_header_width", T.IntegerType(), True),
        T.StructField("_header", T.ArrayType(T.StringType(), False), True),
    ]
)


def native_records(
    spark: SparkSession, files: list[RawFile], raw_format: str, expected_header: list[str]
) -> tuple[DataFrame | None, list[RawFile]]:
    """(the raw records of `files` read as lines by Spark, or None when none is, the files among them that
    need the Python reader). Two passes over the lines: one counts the lines of each split (and finds what
    makes a file need Python), the other builds the records."""
    if not files:
        return None, []
    is_csv = raw_format == "csv"
    paths = [f.path for f in files]
    keep = ~csv_lines.is_blank(F.col(lines.LINE)) if is_csv else None
    complex_line = ~csv_lines.is_simple(F.col(lines.LINE)) if is_csv else None
    first_of = None if is_csv else ~lines.is_blank(F.col(lines.LINE))
    stats = lines.split_stats(lines.scan(spark, paths, keep), first_of, complex_line)
    by_key = {_normalize(f.path): f for f in files}
    fallback: list[RawFile] = []
    splits: list[tuple] = []
    for path, file_splits in lines.by_file(stats).items():
        raw = by_key[_normalize(path)]
        head = file_splits[0]
        needs_python = (head.start == 0 and head.gzip) or any(s.complex for s in file_splits)
        header_error, width, names = None, None, None
        if is_csv:
            needs_python = needs_python or head.first_bad
            if not needs_python:
                header = csv_lines.parse_header(head.first_line or "")
                header_error = header_problems(header, expected_header)
                width = len(header)
                names = None if header_error else header
        elif raw_format == "json":
            needs_python = needs_python or (head.first_line or "").lstrip().startswith("[")
        if needs_python:
            fallback.append(raw)
            continue
        meta = (raw.key, ingest_batch_id(raw.key), file_sha256(spark, raw.path))
        # CSV numbers the records after the header (the first kept line), the others every physical line
        shift = -1 if is_csv else 0
        for start, offset in lines.line_offsets(file_splits):
            splits.append((path, start, offset + shift, *meta, header_error, width, names))
    if not splits:
        return None, fallback
    table = F.broadcast(spark.createDataFrame(splits, _SPLIT_SCHEMA))
    numbered = lines.scan(spark, paths, keep).join(table, [lines.PATH, lines.START])
    numbered = numbered.withColumn("record_no", F.col(lines.LINE_ID) + F.col("_offset"))
    if is_csv:
        records = _csv_records_native(numbered.where(F.col("record_no") >= 1))
    else:
        line = F.col(lines.LINE)
        bad = lines.bad_utf8(line)
        records = numbered.where(~lines.is_blank(line)).select(
            "*",
            F.when(bad, F.lit(lines.ENCODING_ERROR)).alias("reader_error"),
            F.when(bad, F.lit(lines.ENCODING_DETAIL)).alias("error_detail"),
        )
    records = records.withColumns(lines.text_columns(F.col(lines.LINE)))
    return records.select(*record_schema(raw_format).fieldNames()), fallback


def _csv_records_native(numbered: DataFrame) -> DataFrame:
    """Numbered simple CSV lines -> CSV raw records (reader_error, error_detail, csv) as the Python reader
    gives them: a header problem first, then a field count that differs from the header's, then bad bytes."""
    staged = numbered.withColumn("_fields", csv_lines.fields(F.col(lines.LINE)))
    count, width, header_error = F.size("_fields"), F.col("_header_width"), F.col("_header_error")
    bad = lines.bad_utf8(F.col(lines.LINE))
    wrong_count = count != width
    reader_error = (
        F.when(header_error.isNotNull(), F.lit("parse:header"))
        .when(wrong_count, F.lit("parse:csv"))
        .when(bad, F.lit(lines.ENCODING_ERROR))
    )
    detail = (
        F.when(header_error.isNotNull(), header_error)
        .when(wrong_count, F.format_string("record has %d fields, the header has %d", count, width))
        .when(bad, F.lit(lines.ENCODING_DETAIL))
    )
    # a header without problems has exactly the expected names: the file's own header is the map's keys (no
    # higher-order function: those are interpreted, and re-evaluate `_fields` per element)
    return staged.select(
        "*",
        reader_error.alias("reader_error"),
        detail.alias("error_detail"),
        F.when(reader_error.isNull(), F.map_from_arrays(F.col("_header"), F.col("_fields"))).alias("csv"),
    )


def _python_records(
    spark: SparkSession,
    files: list[RawFile],
    raw_format: str,
    expected_header: list[str] | None,
    errors: frozenset[str],
) -> ReadResult:
    """The raw records of `files` split by :func:`split_records` in Python workers (one task per file),
    persisted (memory and disk) so that the failures can be collected without reading twice."""
    schema = tuple_schema(raw_format)
    if not files:
        empty = to_records(spark.createDataFrame([], schema), raw_format, expected_header)
        return ReadResult(empty, [], empty)
    keys = {_normalize(f.path): f.key for f in files}
    width = len(schema.fields)
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
