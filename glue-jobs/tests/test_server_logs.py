"""server_logs: combined-log parsing, quarantine of malformed lines, log_id, enrichment."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs import quality
from lake_jobs.contracts import load_contracts
from lake_jobs.datasets import RAW_RECORD_COLUMNS, server_logs
from lake_jobs.job import check

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
)
IPAD = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

LINES = [
    # 1 IPv4, user, query string, referrer
    f'203.0.113.7 - alice [10/Oct/2026:13:55:36 +0200] "GET /products/P-1001?ref=ad&utm=x HTTP/1.1" 200 5120 '
    f'"https://www.google.com/" "{CHROME}"',
    # 2 IPv6, `-` size, negative offset crossing midnight, curl
    '2001:db8::1 - - [10/Oct/2026:23:59:59 -0500] "HEAD /health HTTP/1.0" 304 - "-" "curl/8.4.0"',
    # 3 a TLS handshake sent to the HTTP port, as nginx escapes it
    r'198.51.100.9 - - [10/Oct/2026:13:55:37 +0000] "\x16\x03\x01\x00\xA5\x01\x00\x00" 400 157 "-" "-"',
    # 4 request line "-" (client closed the connection)
    '198.51.100.9 - - [10/Oct/2026:13:55:38 +0000] "-" 408 0 "-" "-"',
    # 5 binary garbage: bytes that are not UTF-8 (see DATA)
    "@BINARY@",
    # 6 an impossible date
    f'203.0.113.8 - - [31/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 10 "-" "{IPHONE}"',
    # 7 and 8: the same real request twice
    f'2a02:c7f:1234:5600::42 - - [11/Oct/2026:08:00:00 +0000] "POST /cart?x= HTTP/2.0" 201 0 "-" "{IPAD}"',
    f'2a02:c7f:1234:5600::42 - - [11/Oct/2026:08:00:00 +0000] "POST /cart?x= HTTP/2.0" 201 0 "-" "{IPAD}"',
    # 9 a method outside the contract's list (a warn rule: kept, the value reported), 5xx, Googlebot
    f'192.0.2.1 - - [11/Oct/2026:08:00:01 +0000] "PROPFIND /dav HTTP/1.1" 503 12 "-" "{GOOGLEBOT}"',
    # 10 Apache-escaped quote in the user agent, Android tablet, 404
    f'192.0.2.2 - - [11/Oct/2026:08:00:02 +0000] "GET /a%20b HTTP/1.1" 404 9 "-" "{ANDROID_TABLET} \\"x\\""',
    # 11 control characters (valid UTF-8, but no log line)
    "\x00\x01\x02 junk \x7f",
    # 12 a well-formed line with a stray Latin-1 byte (see DATA)
    '192.0.2.3 - - [11/Oct/2026:08:00:03 +0000] "GET / HTTP/1.1" 200 1 "-" "Caf@LATIN1@"',
]
DATA = (
    "\n".join(LINES)
    .encode()
    .replace(b"@BINARY@", b"\x16\x03\xff\xfe\x00\x01 garbage \xc3(")
    .replace(b"@LATIN1@", b"\xe9")
)
KEY = "server_logs/ingest_date=2026-10-11/batch=b1/access.log"
FILE_SHA = hashlib.sha256(DATA).hexdigest()


def _log_id(line_no: int) -> str:
    return hashlib.sha256(f"{FILE_SHA}:{line_no}".encode()).hexdigest()


@pytest.fixture()
def records(records_of) -> DataFrame:
    return records_of("combined_log", {KEY: DATA})


@pytest.fixture()
def parsed(records: DataFrame) -> DataFrame:
    return server_logs.parse(records)


def test_parse_splits_each_line_and_keeps_every_record(spark: SparkSession, parsed: DataFrame) -> None:
    cols = ["record_no", "client_ip", "remote_user", "request_time", "method", "path", "query_string",
            "protocol", "status", "bytes_sent", "referrer", "parse_error"]  # fmt: skip
    expected = [
        (1, "203.0.113.7", "alice", "2026-10-10T13:55:36+02:00", "GET", "/products/P-1001", "ref=ad&utm=x",
         "HTTP/1.1", "200", "5120", "https://www.google.com/", None),
        (2, "2001:db8::1", None, "2026-10-10T23:59:59-05:00", "HEAD", "/health", None, "HTTP/1.0", "304",
         None, None, None),
        (3, "198.51.100.9", None, "2026-10-10T13:55:37+00:00", None, None, None, None, "400", "157", None,
         "parse:log_line"),
        (4, "198.51.100.9", None, "2026-10-10T13:55:38+00:00", None, None, None, None, "408", "0", None,
         "parse:log_line"),
        (5, None, None, None, None, None, None, None, None, None, None, "parse:log_line"),
        (6, "203.0.113.8", None, "2026-02-31T10:00:00+00:00", "GET", "/", None, "HTTP/1.1", "200", "10", None,
         None),
        (7, "2a02:c7f:1234:5600::42", None, "2026-10-11T08:00:00+00:00", "POST", "/cart", "x=", "HTTP/2.0",
         "201", "0", None, None),
        (8, "2a02:c7f:1234:5600::42", None, "2026-10-11T08:00:00+00:00", "POST", "/cart", "x=", "HTTP/2.0",
         "201", "0", None, None),
        (9, "192.0.2.1", None, "2026-10-11T08:00:01+00:00", "PROPFIND", "/dav", None, "HTTP/1.1", "503", "12",
         None, None),
        (10, "192.0.2.2", None, "2026-10-11T08:00:02+00:00", "GET", "/a%20b", None, "HTTP/1.1", "404", "9",
         None, None),
        (11, None, None, None, None, None, None, None, None, None, None, "parse:log_line"),
        (12, "192.0.2.3", None, "2026-10-11T08:00:03+00:00", "GET", "/", None, "HTTP/1.1", "200", "1", None,
         None),
    ]  # fmt: skip
    assertDataFrameEqual(parsed.select(*cols), spark.createDataFrame(expected, parsed.select(*cols).schema))
    assert parsed.columns[: len(RAW_RECORD_COLUMNS)] == list(RAW_RECORD_COLUMNS), "input columns are kept"
    errors = {r.record_no: r.reader_error for r in parsed.where("reader_error is not null").collect()}
    assert errors == {12: "parse:encoding"}, "binary garbage is a bad log line, not an encoding problem"


def test_user_agent_dash_is_null_and_escapes_are_resolved(parsed: DataFrame) -> None:
    agents = {r.record_no: r.user_agent for r in parsed.select("record_no", "user_agent").collect()}
    assert agents[2] == "curl/8.4.0"
    assert agents[3] is None
    assert agents[10] == f'{ANDROID_TABLET} "x"'
    assert agents[12] == "Caf\ufffd"


def test_log_id_is_file_checksum_and_line_number(parsed: DataFrame) -> None:
    ids = {r.record_no: r.log_id for r in parsed.select("record_no", "log_id").collect()}
    assert ids == {n: _log_id(n) for n in range(1, len(LINES) + 1)}
    assert ids[7] != ids[8], "two identical requests stay two rows"


def test_landing_the_same_file_again_gives_the_same_keys(records_of, parsed: DataFrame) -> None:
    again = records_of("combined_log", {KEY.replace("batch=b1", "batch=b2"): DATA})
    assertDataFrameEqual(server_logs.parse(again).select("log_id"), parsed.select("log_id"))


@pytest.fixture()
def validated(records: DataFrame) -> tuple[DataFrame, DataFrame]:
    return quality.split(check(records, server_logs, load_contracts().table("server_logs")))


def test_malformed_lines_are_quarantined_with_their_reason(validated: tuple[DataFrame, DataFrame]) -> None:
    _, quarantined = validated
    assertDataFrameEqual(
        quarantined.select("record_no", "reason"),
        [
            (3, "parse:log_line"),
            (4, "parse:log_line"),
            (5, "parse:log_line"),
            (6, "type:request_time"),
            (11, "parse:log_line"),
            (12, "parse:encoding"),
        ],  # fmt: skip
    )


def test_a_method_outside_the_list_is_kept_and_named(validated: tuple[DataFrame, DataFrame]) -> None:
    valid, _ = validated
    assertDataFrameEqual(
        valid.where("size(unlisted) > 0").select("record_no", "method", "unlisted"),
        [(9, "PROPFIND", [("method", "PROPFIND")])],
    )


def test_enrich_derives_status_bot_device_and_day(
    spark: SparkSession, validated: tuple[DataFrame, DataFrame]
) -> None:
    valid, _ = validated
    enriched = server_logs.enrich(valid.where("record_no <> 6"), load_contracts().reference)
    cols = ["record_no", "request_time", "status", "bytes_sent", "status_class", "is_error", "is_bot",
            "device_type", "request_date"]  # fmt: skip
    expected = [
        (1, datetime(2026, 10, 10, 11, 55, 36), 200, 5120, "2xx", False, False, "desktop",
         date(2026, 10, 10)),
        (2, datetime(2026, 10, 11, 4, 59, 59), 304, None, "3xx", False, True, "bot", date(2026, 10, 11)),
        (7, datetime(2026, 10, 11, 8, 0, 0), 201, 0, "2xx", False, False, "tablet", date(2026, 10, 11)),
        (8, datetime(2026, 10, 11, 8, 0, 0), 201, 0, "2xx", False, False, "tablet", date(2026, 10, 11)),
        (9, datetime(2026, 10, 11, 8, 0, 1), 503, 12, "5xx", True, True, "bot", date(2026, 10, 11)),
        (10, datetime(2026, 10, 11, 8, 0, 2), 404, 9, "4xx", True, False, "tablet", date(2026, 10, 11)),
    ]  # fmt: skip
    actual = enriched.select(*cols)
    assertDataFrameEqual(actual, spark.createDataFrame(expected, actual.schema))


@pytest.mark.parametrize(
    ("agent", "bot", "device"),
    [
        (CHROME, False, "desktop"),
        (IPHONE, False, "mobile"),
        (IPAD, False, "tablet"),
        (ANDROID_PHONE, False, "mobile"),
        (GOOGLEBOT, True, "bot"),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True, "bot"),
        ("python-requests/2.31.0", True, "bot"),
        ("Go-http-client/1.1", True, "bot"),
        ("Wget/1.21.4", True, "bot"),
        ("UptimeRobot/2.0 (http://www.uptimerobot.com/)", True, "bot"),
        ("facebookexternalhit/1.1", True, "bot"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", False, "desktop"),
        ("SmartTV-Client", False, "other"),
        (None, True, "bot"),
    ],
)  # fmt: skip
def test_user_agent_classes(spark: SparkSession, agent: str | None, bot: bool, device: str) -> None:
    from lake_jobs.text.user_agents import device_type, is_bot

    df = spark.createDataFrame([(agent,)], "ua string")
    row = df.select(is_bot(df["ua"]).alias("b"), device_type(df["ua"]).alias("d")).first()
    assert (row.b, row.d) == (bot, device)
