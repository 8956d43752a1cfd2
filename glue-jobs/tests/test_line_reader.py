"""Spark's own reading of plain files (lake_jobs.line_reader, lake_jobs.csv_lines) gives exactly the records
of the Python reader (split_records), and spreads a big file over several tasks."""

import gzip
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lake_jobs.readers import RawFile, native_records, read_records, split_records

HEADER = ["id", "name", "qty"]
_SURROGATE = re.compile("[\udc80-\udcff]")

CSV_FILES = {
    "bom_crlf.csv": b'\xef\xbb\xbfid,name,qty\r\n1,"Ann ""A"", Jr.",2\r\n2,b,3\r\n',
    "blank_lines.csv": b'\n  \nid,name,qty\n\n1,a,2\n""\n" "\n\xc2\xa0\n\x1c\n2,"",\n3,a,4',
    "counts.csv": b"id,name,qty\n1,a\n2,b,3,4\n,,\n4,d,6\n",
    "reordered.csv": b"qty,id,name\n2,1,a\n",
    "header.csv": b"id,qty,qty,extra\n1,2,3,4\n",
    "encoding.csv": b"id,name,qty\n1,Jos\xe9,2\n2,\xe9,3,4\n3,caf\xc3\xa9,1\n",
    "lone_cr.csv": b"id,name,qty\r1,a,2\r2,b,3\r",
    "empty.csv": b"",
    "header_only.csv": b"id,name,qty\r\n",
    # these need the Python reader: their lines are not each one record
    "multiline.csv": b'id,name,qty\r\n1,"two\r\nlines",3\r\n2,b,3\r\n',
    "bad_quoting.csv": b'id,name,qty\n1,a,2\n3,"c"x,5\n4,d,6\n',
    "quote_in_field.csv": b'id,name,qty\n1,a"b,2\n',
    "bad_header.csv": b"id,n\xe9,qty\n1,a,2\n",
    "nul.csv": b"id,name,qty\n1,a\x00,2\n",
    "gzip_named_plain.csv": gzip.compress(b"id,name,qty\n1,a,2\n"),
}

LINE_FILES = {
    "lines.log": b"\xef\xbb\xbfa\r\n\r\nb caf\xe9\rc\n  \n\td\n\xed\xa0\x80x\ne",
    "empty.log": b"",
    "blank.log": b"\n\n \n",
    "gzip.log": gzip.compress(b"one\ntwo\n"),
}

JSON_FILES = {
    "lines.json": b'\n{"a":1}\r\n\n{"b"\n{"c": "\xe9"}\n',
    "array.json": b'\n  [{"a": 1}, {"b": 2}]\n',
    "broken_array.json": b'[{"a": 1}, {"b": ',
}


def _land(tmp_path: Path, dataset: str, files: dict[str, bytes]) -> list[RawFile]:
    folder = tmp_path / dataset / "ingest_date=2026-11-28" / "batch=b1"
    folder.mkdir(parents=True)
    raw = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        key = f"{dataset}/ingest_date=2026-11-28/batch=b1/{name}"
        raw.append(RawFile(key, str(folder / name), len(data), 0))
    return raw


def _python_rows(raw_format: str, files: list[RawFile], header: list[str] | None) -> list[tuple]:
    out = []
    for f in files:
        for r in split_records(raw_format, f.key, Path(f.path).read_bytes(), header):
            values = r[8:]
            if header:
                values = (dict(zip(header, r[8], strict=True)) if r[8] is not None else None,)
            out.append((*r[:8], *values))
    return sorted(out, key=lambda r: (r[0], r[3]))


def _spark_rows(spark: SparkSession, raw_format: str, files: list[RawFile], header=None) -> list[tuple]:
    result = read_records(spark, files, raw_format, header)
    try:
        assert result.failures == []
        return sorted((tuple(r) for r in result.records.collect()), key=lambda r: (r[0], r[3]))
    finally:
        result.cached.unpersist()


def _comparable(rows: list[tuple]) -> list[tuple]:
    """The JVM decodes an encoded surrogate to one U+FFFD where Python gives three; the quarantine writes
    Python's decoding of `raw_base64` (see test_quarantine), so raw_text is compared only for UTF-8 records
    here. A lone surrogate in a Python string (a header name with a byte that is not UTF-8) reaches Spark as
    U+FFFD."""
    out = []
    for r in rows:
        values = (*r[:4], r[4] if r[5] is None else None, *r[5:])
        out.append(tuple(_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for v in values))
    return out


@pytest.mark.parametrize(
    ("raw_format", "files", "header"),
    [("csv", CSV_FILES, HEADER), ("combined_log", LINE_FILES, None), ("json", JSON_FILES, None)],
    ids=["csv", "lines", "json"],
)
def test_spark_reading_gives_the_python_readers_records(spark, tmp_path, raw_format, files, header) -> None:
    raw = _land(tmp_path, "d", files)
    got = _spark_rows(spark, raw_format, raw, header)
    assert _comparable(got) == _comparable(_python_rows(raw_format, raw, header))
    assert got  # the comparison is over real records


def test_only_files_whose_lines_are_records_are_read_by_spark(spark: SparkSession, tmp_path: Path) -> None:
    raw = _land(tmp_path, "transactions", CSV_FILES)
    native, fallback = native_records(spark, raw, "csv", HEADER)
    assert native is not None
    assert sorted(f.key.rsplit("/", 1)[1] for f in fallback) == [
        "bad_header.csv",
        "bad_quoting.csv",
        "gzip_named_plain.csv",
        "multiline.csv",
        "nul.csv",
        "quote_in_field.csv",
    ]
    by_spark = {r.source_file.rsplit("/", 1)[1] for r in native.select("source_file").distinct().collect()}
    assert "bom_crlf.csv" in by_spark and "multiline.csv" not in by_spark


@contextmanager
def _small_splits(spark: SparkSession, size: int) -> Iterator[None]:
    keys = ("spark.sql.files.maxPartitionBytes", "spark.sql.files.openCostInBytes")
    before = {k: spark.conf.get(k) for k in keys}
    for k in keys:
        spark.conf.set(k, str(size))
    try:
        yield
    finally:
        for k, v in before.items():
            spark.conf.set(k, v)


def _log_line(i: int) -> str:
    return f'10.0.{i % 250}.{i % 7} - - [10/Oct/2026:13:55:36 +0000] "GET /p/{i} HTTP/1.1" 200 {i} "-" "ua"'


@pytest.mark.parametrize("raw_format", ["combined_log", "json", "csv"])
def test_a_big_file_is_read_by_several_tasks_and_gives_each_record_once(spark, tmp_path, raw_format) -> None:
    n = 3000
    if raw_format == "csv":
        body = "id,name,qty\r\n" + "".join(f'{i},"n, {i}",{i % 9}\r\n' for i in range(n))
        header = HEADER
    elif raw_format == "json":
        body = "".join(f'{{"post_id": "p{i}"}}\n' + ("\n" if i % 10 == 0 else "") for i in range(n))
        header = None
    else:
        body = "".join(_log_line(i) + ("\r\n" if i % 2 else "\n") for i in range(n))
        header = None
    raw = _land(tmp_path, "d", {"big.txt": body.encode(), "small.txt": body[:300].encode()})
    with _small_splits(spark, 16 * 1024):
        result = read_records(spark, raw, raw_format, header)
        records = result.records
        tasks = records.select(F.spark_partition_id()).distinct().count()
        got = sorted((tuple(r) for r in records.collect()), key=lambda r: (r[0], r[3]))
    assert tasks >= 4
    assert got == _python_rows(raw_format, raw, header)
    assert len({(r[0], r[3]) for r in got}) == len(got)
