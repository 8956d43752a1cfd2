"""One combined-log grammar: the raw Glue table's RegexSerDe (what analysts see in Athena) and the job's
parser (what is loaded) give the same fields for the same lines, the hard ones included.

The SerDe side is Hive's own RegexSerDe, run in the session's JVM with the regex string of the exported
document (the one the synthesized Glue table carries: test/infra/table-definitions.test.ts checks that)."""

from __future__ import annotations

import re

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lake_jobs.contracts import combined_log_grammar
from lake_jobs.datasets import server_logs

KEY = "server_logs/ingest_date=2026-10-11/batch=b1/hard.log"
T = "[10/Oct/2026:13:55:36 +0200]"
HARD_LINES: list[bytes] = [
    # 1 a plain line
    f'203.0.113.7 - alice {T} "GET /p/42?x=1 HTTP/1.1" 200 5120 "https://r.example/" "Mozilla/5.0"'.encode(),
    # 2 escaped quotes in the request, the referrer and the user agent (the old SerDe rejected these)
    rf'192.0.2.2 - - {T} "GET /s?q=\"shoes\" HTTP/1.1" 200 9 "https://r/?q=\"a\"" "UA \"x\" \\ y"'.encode(),
    # 3 `-` everywhere it may stand
    f'198.51.100.9 - - {T} "-" 408 - "-" "-"'.encode(),
    # 4 IPv6 client, HTTP/1.0
    f'2001:db8::1 - - {T} "HEAD /health HTTP/1.0" 304 - "-" "curl/8.4.0"'.encode(),
    # 5 empty referrer and user agent
    f'203.0.113.8 - - {T} "GET / HTTP/2.0" 200 10 "" ""'.encode(),
    # 6 extra spaces between fields: not the format
    f'203.0.113.8  - - {T} "GET / HTTP/1.1" 200 10 "-" "-"'.encode(),
    # 7 trailing spaces and tab: allowed
    f'203.0.113.8 - - {T} "GET / HTTP/1.1" 200 10 "-" "-"  \t'.encode(),
    # 8 HTTP/0.9: no protocol
    f'203.0.113.8 - - {T} "GET /old" 200 10 "-" "-"'.encode(),
    # 9 a TLS handshake, as nginx escapes it: a line without a request
    rf'198.51.100.9 - - {T} "\x16\x03\x01\x00\xA5" 400 157 "-" "-"'.encode(),
    # 10 a request line with a space in the target
    f'203.0.113.8 - - {T} "GET /a b HTTP/1.1" 400 0 "-" "-"'.encode(),
    # 11 a backslash right before the space that ends the target
    rf'203.0.113.8 - - {T} "GET /a\ HTTP/1.1" 404 0 "-" "-"'.encode(),
    # 12 a control character in the host field
    f'203.0.113.8\x01x - - {T} "GET / HTTP/1.1" 200 1 "-" "-"'.encode(),
    # 13 a line separator after the last field
    f'203.0.113.8 - - {T} "GET / HTTP/1.1" 200 1 "-" "-"\u2028'.encode(),
    # 14 garbage: control characters, and bytes that are not UTF-8
    b"\x00\x01\x02 junk \x7f",
    b"\x16\x03\xff\xfe\x00\x01 garbage \xc3(",
    # 16 a stray Latin-1 byte in a well-formed line
    f'192.0.2.3 - - {T} "GET / HTTP/1.1" 200 1 "-" "Caf'.encode() + b'\xe9"',
    # 17 a truncated line
    f'192.0.2.3 - - {T} "GET / HTTP/1.1" 200'.encode(),
    # 18 an unknown method: the grammar accepts it (the contract's rule decides)
    f'192.0.2.1 - - {T} "PROPFIND /dav HTTP/1.1" 503 12 "-" "-"'.encode(),
    # 19 a quote that is not escaped inside the user agent
    f'192.0.2.1 - - {T} "GET / HTTP/1.1" 200 12 "-" "a"b"'.encode(),
]


@pytest.fixture(scope="module")
def serde_rows(spark: SparkSession) -> list[dict[str, str | None] | None]:
    """Each line through Hive's RegexSerDe, configured as the raw table is: None when it does not match."""
    grammar = combined_log_grammar()
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    props = jvm.java.util.Properties()
    props.setProperty("columns", ",".join(grammar.columns))
    props.setProperty("columns.types", ":".join("string" for _ in grammar.columns))
    props.setProperty("columns.comments", "\0".join("" for _ in grammar.columns))
    props.setProperty("input.regex", grammar.regex)
    serde = jvm.org.apache.hadoop.hive.serde2.RegexSerDe()
    serde.initialize(spark.sparkContext._jsc.hadoopConfiguration(), props)  # type: ignore[attr-defined]
    rows: list[dict[str, str | None] | None] = []
    for line in HARD_LINES:
        row = serde.deserialize(jvm.org.apache.hadoop.io.Text(line))
        rows.append(None if row is None else dict(zip(grammar.columns, list(row), strict=True)))
    return rows


@pytest.fixture()
def job_rows(records_of) -> list[dict]:
    parsed = server_logs.parse(records_of("combined_log", {KEY: b"\n".join(HARD_LINES)}))
    rows = sorted(parsed.collect(), key=lambda r: r.record_no)
    assert [r.record_no for r in rows] == list(range(1, len(HARD_LINES) + 1)), "every line is a record"
    return [r.asDict() for r in rows]


def _dash(v: str | None) -> str | None:
    return None if v in ("-", "", None) else v


def _unescape(v: str) -> str:
    return re.sub(r'\\(["\\])', r"\1", v)


def _iso(spark: SparkSession, clf_time: str) -> str:
    return spark.range(1).select(server_logs.iso_time(F.lit(clf_time)).alias("t")).first().t


def test_the_serde_and_the_job_accept_the_same_lines(serde_rows, job_rows) -> None:
    serde_ok = [i for i, r in enumerate(serde_rows, 1) if r is not None]
    job_ok = [r["record_no"] for r in job_rows if r["client_ip"] is not None]
    assert serde_ok == job_ok == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 16, 18]
    with_request = [i for i, r in enumerate(serde_rows, 1) if r is not None and r["method"] is not None]
    loaded = [r["record_no"] for r in job_rows if r["parse_error"] is None]
    assert with_request == loaded == [1, 2, 4, 5, 7, 8, 11, 16, 18]


def test_every_field_is_the_same_on_both_sides(spark: SparkSession, serde_rows, job_rows) -> None:
    for serde, job in zip(serde_rows, job_rows, strict=True):
        if serde is None:
            continue
        n = job["record_no"]
        target = None if serde["request_target"] is None else _unescape(serde["request_target"])
        path, _, query = (target or "").partition("?")
        assert {
            "client_ip": job["client_ip"],
            "remote_user": job["remote_user"],
            "request_time": job["request_time"],
            "method": job["method"],
            "path": job["path"],
            "query_string": job["query_string"],
            "protocol": job["protocol"],
            "status": job["status"],
            "bytes_sent": job["bytes_sent"],
            "referrer": job["referrer"],
            "user_agent": job["user_agent"],
        } == {
            "client_ip": serde["client_ip"],
            "remote_user": _dash(serde["remote_user"]),
            "request_time": _iso(spark, serde["time_local"]),
            "method": serde["method"],
            "path": None if target is None else path,
            "query_string": query or None,
            "protocol": serde["protocol"],
            "status": serde["status"],
            "bytes_sent": _dash(serde["bytes_sent"]),
            "referrer": _dash(_unescape(serde["referrer"])),
            "user_agent": _dash(_unescape(serde["user_agent"])),
        }, f"line {n}"


def test_the_hard_lines_read_as_a_reader_expects(serde_rows, job_rows) -> None:
    by_no = {r["record_no"]: r for r in job_rows}
    assert serde_rows[1] is not None and serde_rows[1]["request_target"] == r"/s?q=\"shoes\""
    assert (by_no[2]["query_string"], by_no[2]["user_agent"]) == ('q="shoes"', 'UA "x" \\ y')
    assert by_no[4]["client_ip"] == "2001:db8::1"
    assert (by_no[8]["path"], by_no[8]["protocol"]) == ("/old", None)
    assert (by_no[11]["path"], by_no[11]["protocol"]) == ("/a\\", "HTTP/1.1")
    assert by_no[16]["user_agent"] == "Caf\ufffd"
    assert by_no[16]["reader_error"] == "parse:encoding", "a stray byte in a log line is an encoding problem"
    assert by_no[15]["reader_error"] is None, "garbage is a bad log line, not an encoding problem"
    assert [n for n, r in by_no.items() if r["parse_error"]] == [3, 6, 9, 10, 12, 13, 14, 15, 17, 19]
