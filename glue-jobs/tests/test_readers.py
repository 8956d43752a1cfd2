"""Raw readers: splitting bytes into raw records (pure Python) and reading files through Spark."""

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from lake_jobs.delivery_errors import DELIVERY_ERROR, reason_of
from lake_jobs.readers import (
    DELIVERY_ERRORS,
    RawFile,
    UnreadableFileError,
    header_problems,
    read_records,
    split_records,
)

KEY = "transactions/ingest_date=2026-11-28/batch=b7/orders.csv"
HEADER = ["id", "name", "qty"]


def rows(raw_format, data, header=None, key=KEY):
    """(record_no, raw_text, reader_error, error_detail[, csv values in header order]) of each record."""
    return [(r[3], r[4], r[6], r[7], *r[8:]) for r in split_records(raw_format, key, data, header)]


def test_csv_with_bom_crlf_and_a_quoted_multiline_field() -> None:
    data = '\ufeffid,name,qty\r\n1,"Ann ""A"", Jr.",2\r\n2,"two\r\nlines",3\r\n'.encode()
    assert rows("csv", data, HEADER) == [
        (1, '1,"Ann ""A"", Jr.",2', None, None, ["1", 'Ann "A", Jr.', "2"]),
        (2, '2,"two\r\nlines",3', None, None, ["2", "two\r\nlines", "3"]),
    ]


def test_csv_missing_and_extra_fields_and_bad_quoting_are_record_errors() -> None:
    data = b'id,name,qty\n1,a\n2,b,3,4\n3,"c"x,5\n\n4,d,6\n'
    assert rows("csv", data, HEADER) == [
        (1, "1,a", "parse:csv", "record has 2 fields, the header has 3", None),
        (2, "2,b,3,4", "parse:csv", "record has 4 fields, the header has 3", None),
        (3, '3,"c"x,5', "parse:csv", "bad CSV quoting: ',' expected after '\"'", None),
        (4, "4,d,6", None, None, ["4", "d", "6"]),
    ]


def test_csv_header_mismatch_names_the_columns_on_every_record() -> None:
    assert header_problems(["id", "qty", "qty", "extra"], HEADER) == (
        "missing columns: name; unexpected columns: extra; repeated columns: qty"
    )
    assert rows("csv", b"id,qty,extra\n1,2,3\n", HEADER) == [
        (1, "1,2,3", "parse:header", "missing columns: name; unexpected columns: extra", None)
    ]


def test_non_utf8_bytes_are_an_encoding_error_with_the_original_bytes_kept() -> None:
    [record] = split_records("csv", KEY, b"id,name,qty\n1,Jos\xe9,2\n", HEADER)
    assert record[3:] == (
        1,
        "1,Jos\ufffd,2",
        "MSxKb3PpLDI=",
        "parse:encoding",
        "bytes that are not UTF-8",
        None,
    )


def test_empty_and_header_only_files_give_no_records() -> None:
    assert split_records("csv", KEY, b"", HEADER) == []
    assert split_records("csv", KEY, b"id,name,qty\r\n", HEADER) == []
    assert split_records("combined_log", "server_logs/x.log", b"") == []


def test_lineage_fields_of_a_record() -> None:
    [record] = split_records("combined_log", "server_logs/ingest_date=2026-11-28/batch=b9/a.log", b"\nline\n")
    assert record[:4] == (
        "server_logs/ingest_date=2026-11-28/batch=b9/a.log",
        "b9",
        hashlib.sha256(b"\nline\n").hexdigest(),
        2,
    )


def test_json_lines_and_json_array_files() -> None:
    assert rows("json", b'{"a":1}\n\n{"b"\n', key="social_posts/p.json") == [
        (1, '{"a":1}', None, None),
        (3, '{"b"', None, None),
    ]
    assert rows("json", '[{"a": 1}, {"b": "é"}]'.encode(), key="social_posts/p.json") == [
        (1, '{"a": 1}', None, None),
        (2, '{"b": "é"}', None, None),
    ]
    [(no, _, error, detail)] = rows("json", b'[{"a": 1}, {"b": ', key="social_posts/p.json")
    assert (no, error) == (1, "parse:json") and detail.startswith("JSON array file does not parse")


def test_gzip_is_decompressed_and_a_corrupt_gzip_is_unreadable() -> None:
    key = "ad_events/2026/11/28/10/delivery-1.ndjson.gz"
    [record] = split_records("ndjson_gzip", key, gzip.compress(b'{"event_id": "e1"}\n'))
    assert record[1] == "delivery-1" and record[3:5] == (1, '{"event_id": "e1"}')
    with pytest.raises(UnreadableFileError, match="corrupt gzip"):
        split_records("ndjson_gzip", key, gzip.compress(b'{"event_id": "e1"}\n')[:12])


def test_read_records_reads_files_and_reports_unreadable_ones(spark: SparkSession, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    folder = raw / "transactions" / "batch=b1"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_bytes(b"id,name,qty\n1,a,2\n")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "broken.csv.gz").write_bytes(gzip.compress(b"id,name,qty\n1,a,2\n")[:15])
    files = [
        RawFile(f"transactions/batch=b1/{p.name}", str(p), p.stat().st_size, 0)
        for p in sorted(folder.iterdir())
    ]
    result = read_records(spark, files, "csv", HEADER)
    try:
        got = [(r.source_file, r.record_no, r.raw_text) for r in result.records.collect()]
        assert got == [("transactions/batch=b1/a.csv", 1, "1,a,2")]
        assert [(f.key, f.error.split(":")[0]) for f in result.failures] == [
            ("transactions/batch=b1/broken.csv.gz", "UnreadableFileError")
        ]
    finally:
        result.cached.unpersist()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_delivery_error_files_give_the_original_records_with_their_reasons() -> None:
    def wrapped(data: bytes, **fields: object) -> str:
        return json.dumps({"attemptsMade": 1, **fields, "rawData": b64(data)})

    event = b'{"event_id": "e1"}'
    lines = [
        wrapped(b"not json {", errorCode="parse:json", errorMessage="Unexpected token"),
        wrapped(b"caf\xe9", errorCode="parse:encoding", errorMessage="record is not valid UTF-8"),
        "",
        # Firehose's own codes (format conversion spells them ErrorCode/ErrorMessage)
        wrapped(event, ErrorCode="DataFormatConversion.MalformedData", ErrorMessage="bad"),
        wrapped(b"x", lastErrorCode="parse:json"),
        wrapped(b"y"),
        "not a wrapper",
        json.dumps({"errorCode": "parse:json", "rawData": "%%%"}),
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    key = "ad_events_errors/2026/11/28/10/delivery-1.ndjson.gz"
    got = [r[3:] for r in split_records(DELIVERY_ERRORS, key, data)]
    assert got[:5] == [
        (1, "not json {", b64(b"not json {"), "parse:json", "Unexpected token"),
        (2, "caf\ufffd", b64(b"caf\xe9"), "parse:encoding", "record is not valid UTF-8"),
        (4, event.decode(), b64(event), "parse:delivery", "DataFormatConversion.MalformedData: bad"),
        (5, "x", b64(b"x"), "parse:json", "undeliverable record (parse:json)"),
        (6, "y", b64(b"y"), "parse:delivery", "no errorCode"),
    ]
    # a line that is no error record is quarantined as it is
    assert [r[:4] for r in got[5:]] == [
        (7, "not a wrapper", None, "parse:delivery"),
        (8, lines[7], None, "parse:delivery"),
    ]
    assert got[5][4].startswith("not a delivery error record: not JSON")
    assert got[6][4].startswith("not a delivery error record: rawData is not base64")
    assert split_records(DELIVERY_ERRORS, key, b"") == []
    assert (reason_of("parse:log_line"), reason_of("S3.AccessDenied")) == ("parse:log_line", DELIVERY_ERROR)
