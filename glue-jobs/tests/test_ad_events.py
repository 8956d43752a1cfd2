"""ad_events: gzip NDJSON from the stream, contract rules, fx, late events, duplicates end to end."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs import quality
from lake_jobs.checks import REPORT
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.datasets import ad_events
from lake_jobs.job import check, run_dataset

KEY = "ad_events/2026/10/11/08/delivery-1.ndjson.gz"


def _event(event_id: str, event_type: str = "impression", **extra: object) -> dict:
    event = {
        "event_id": event_id,
        "event_type": event_type,
        "campaign_id": "cmp-1",
        "ad_id": "ad-1",
        "channel": "search",
        "customer_id": None,
        "order_id": None,
        "cost": 0.0005,
        "currency": "USD",
        "revenue": None,
        "event_time": "2026-10-11T08:15:00.250Z",
        "device": "mobile",
        "country": "US",
    }
    event.update(extra)
    return event


EVENTS = [
    _event("e1"),  # cost 0.0005: Spark reads it as "5.0E-4"
    _event("e2", "click", cost=1.25, currency="EUR", customer_id="c-9"),
    _event("e3", "conversion", order_id="o-1", cost=2, revenue=49.99, currency="GBP", customer_id="c-9"),
    _event("e4", "view"),
    _event("e5", "click", cost=-0.5),
    _event("e6", "conversion", order_id=None, revenue=10),
    # late: happened two days before the delivery that carried it
    _event("e7", "click", cost=0.3, event_time="2026-10-09T23:59:59+00:00"),
    _event("e8", campaign_id=None),
]
LINES = [json.dumps(e) for e in EVENTS[:4]] + ["this is not json", '{"event_id": "e9", "event_ty']
LINES += [json.dumps(e) for e in EVENTS[4:]]
# lenient JSON that Spark would accept by default: single quotes, NaN
LINES += [json.dumps(_event("e10")).replace('"', "'"), json.dumps(_event("e11")).replace("0.0005", "NaN")]
DELIVERY = gzip.compress(("\n".join(LINES) + "\n").encode())


@pytest.fixture()
def records(records_of) -> DataFrame:
    return records_of("ndjson_gzip", {KEY: DELIVERY})


@pytest.fixture()
def checked(records: DataFrame) -> DataFrame:
    return check(records, ad_events, load_contracts().table("ad_events"))


def test_parse_flattens_every_line(spark: SparkSession, records: DataFrame) -> None:
    parsed = ad_events.parse(records)
    cols = ["record_no", "event_id", "event_type", "order_id", "cost", "revenue", "event_time", "parse_error"]
    expected = [
        (1, "e1", "impression", None, "0.0005", None, "2026-10-11T08:15:00.250Z", None),
        (2, "e2", "click", None, "1.25", None, "2026-10-11T08:15:00.250Z", None),
        (3, "e3", "conversion", "o-1", "2", "49.99", "2026-10-11T08:15:00.250Z", None),
        (4, "e4", "view", None, "0.0005", None, "2026-10-11T08:15:00.250Z", None),
        (5, None, None, None, None, None, None, "parse:json"),
        (6, None, None, None, None, None, None, "parse:json"),
        (7, "e5", "click", None, "-0.5", None, "2026-10-11T08:15:00.250Z", None),
        (8, "e6", "conversion", None, "0.0005", "10", "2026-10-11T08:15:00.250Z", None),
        (9, "e7", "click", None, "0.3", None, "2026-10-09T23:59:59+00:00", None),
        (10, "e8", "impression", None, "0.0005", None, "2026-10-11T08:15:00.250Z", None),
        (11, None, None, None, None, None, None, "parse:json"),
        (12, None, None, None, None, None, None, "parse:json"),
    ]
    actual = parsed.select(*cols)
    assertDataFrameEqual(actual, spark.createDataFrame(expected, actual.schema))


def test_contract_rules_quarantine_bad_events(checked: DataFrame) -> None:
    _, quarantined = quality.split(checked)
    assertDataFrameEqual(
        quarantined.select("record_no", "reason"),
        [
            (4, "allowed:event_type"),
            (5, "parse:json"),
            (6, "parse:json"),
            (7, "min:cost"),
            (8, "required:order_id"),
            (10, "required:campaign_id"),
            (11, "parse:json"),
            (12, "parse:json"),
        ],
    )


def test_enrich_converts_to_usd_and_keeps_late_events_in_their_day(
    spark: SparkSession, checked: DataFrame
) -> None:
    valid, _ = quality.split(checked)
    enriched = ad_events.enrich(valid, load_contracts().reference)
    cols = ["event_id", "event_time", "cost", "cost_usd", "revenue_usd", "event_date"]
    expected = [
        ("e1", datetime(2026, 10, 11, 8, 15, 0, 250000), Decimal("0.0005"), Decimal("0.0005"), None,
         date(2026, 10, 11)),
        # 1.25 EUR x 1.08
        ("e2", datetime(2026, 10, 11, 8, 15, 0, 250000), Decimal("1.2500"), Decimal("1.3500"), None,
         date(2026, 10, 11)),
        # 2 GBP x 1.27; 49.99 GBP x 1.27 = 63.4873
        ("e3", datetime(2026, 10, 11, 8, 15, 0, 250000), Decimal("2.0000"), Decimal("2.5400"),
         Decimal("63.49"), date(2026, 10, 11)),
        ("e7", datetime(2026, 10, 9, 23, 59, 59), Decimal("0.3000"), Decimal("0.3000"), None,
         date(2026, 10, 9)),
    ]  # fmt: skip
    actual = enriched.select(*cols)
    assertDataFrameEqual(actual, spark.createDataFrame(expected, actual.schema))


def _land(config: LakeConfig, key: str, lines: list[str]) -> None:
    path = Path(config.raw_root) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))


def test_job_dedupes_event_ids_and_partitions_by_event_day(spark: SparkSession, lake: LakeConfig) -> None:
    first = [json.dumps(e) for e in (_event("d1"), _event("d2", "click", cost=0.1), _event("d1"))]
    late = _event("d3", "click", cost=0.2, event_time="2026-10-10T12:00:00Z")
    # the stream redelivers d2 in the next file, with a late event and a conflicting d1
    second = [json.dumps(_event("d2", "click", cost=0.1)), json.dumps(late), json.dumps(_event("d1", cost=9))]
    _land(lake, "ad_events/2026/10/11/08/delivery-1.ndjson.gz", first)
    _land(lake, "ad_events/2026/10/11/09/delivery-2.ndjson.gz", second)

    report = run_dataset(spark, lake, "ad_events")

    assert (report.status, report.input_rows, report.output_rows) == ("succeeded", 6, 3)
    assert (report.duplicate_rows, report.quarantined_rows) == (2, 1)
    assert report.quarantine_reasons == {"duplicate:event_id": 1}
    rows = spark.table(lake.table("processed", "ad_events")).select("event_id", "cost_usd", "event_date")
    assertDataFrameEqual(
        rows,
        [
            ("d1", Decimal("0.0005"), date(2026, 10, 11)),
            ("d2", Decimal("0.1000"), date(2026, 10, 11)),
            ("d3", Decimal("0.2000"), date(2026, 10, 10)),
        ],  # fmt: skip
    )
    again = run_dataset(spark, lake, "ad_events")
    assert again.status == "no_new_data"


def _delivery_error(data: bytes, code: str, message: str) -> str:
    """A line of an error file as the local delivery worker (lib/stream/raw-files.ts) writes it."""
    return json.dumps(
        {
            "attemptsMade": 1,
            "arrivalTimestamp": 1791720000000,
            "errorCode": code,
            "errorMessage": message,
            "streamName": "ad-events",
            "shardId": "shardId-000000000000",
            "sequenceNumber": "4960",
            "rawData": base64.b64encode(data).decode(),
        }
    )


def _quarantined(config: LakeConfig, run_id: str) -> list[dict]:
    folder = Path(config.quarantine_root) / "ad_events" / f"run_id={run_id}"
    return [
        json.loads(line) for f in sorted(folder.glob("part-*.json")) for line in f.read_text().splitlines()
    ]


def test_error_prefix_records_are_quarantined_once_with_their_reasons(
    spark: SparkSession, lake: LakeConfig
) -> None:
    records = "ad_events/2026/10/11/08/ad_events-shardId-000000000000-4960.ndjson.gz"
    errors = "ad_events_errors/2026/10/11/08/ad_events-shardId-000000000000-4960.ndjson.gz"
    firehose = (
        "ad_events_errors/format-conversion-failed/2026/10/11/09/ad-events-1-2026-10-11-09-00-00-abc.gz"
    )
    _land(lake, records, [json.dumps(_event("g1")), json.dumps(_event("g2", "click", cost=0.1))])
    _land(
        lake,
        errors,
        [
            _delivery_error(b"not json {", "parse:json", "Unexpected token"),
            _delivery_error(b"caf\xe9", "parse:encoding", "record is not valid UTF-8"),
        ],
    )
    # Firehose's own error record around a valid event: quarantined, never loaded
    valid = json.dumps(_event("g3")).encode()
    fh = {"ErrorCode": "DataFormatConversion.MalformedData", "rawData": base64.b64encode(valid).decode()}
    _land(lake, firehose, [json.dumps(fh)])

    # every record of the error prefix is quarantined: the quarantine is under test, not the gate
    first = run_dataset(spark, lake, "ad_events", gate=REPORT)

    assert (first.status, first.files) == ("succeeded", [records, errors, firehose])
    counts = (first.input_rows, first.output_rows, first.quarantined_rows, first.duplicate_rows)
    assert counts == (5, 2, 3, 0)
    assert first.quarantine_reasons == {"parse:delivery": 1, "parse:encoding": 1, "parse:json": 1}
    q = sorted(_quarantined(lake, first.run_id), key=lambda r: (r["source_file"], r["record_no"]))
    assert [(r["source_file"], r["record_no"], r["reason"], r["raw_text"], r["raw_base64"]) for r in q] == [
        (errors, 1, "parse:json", "not json {", base64.b64encode(b"not json {").decode()),
        (errors, 2, "parse:encoding", "caf\ufffd", base64.b64encode(b"caf\xe9").decode()),
        (firehose, 1, "parse:delivery", valid.decode(), base64.b64encode(valid).decode()),
    ]
    assert [r["error_detail"] for r in q] == [
        "Unexpected token",
        "record is not valid UTF-8",
        "DataFormatConversion.MalformedData",
    ]
    table = spark.table(lake.table("processed", "ad_events"))
    assert sorted(r.event_id for r in table.select("event_id").collect()) == ["g1", "g2"]

    again = run_dataset(spark, lake, "ad_events")
    assert (again.status, again.files, again.input_rows, again.quarantined_rows) == ("no_new_data", [], 0, 0)

    redo = run_dataset(spark, lake, "ad_events", reprocess=True, gate=REPORT)
    counts = (redo.input_rows, redo.output_rows, redo.quarantined_rows, redo.duplicate_rows)
    assert (redo.files, counts) == (first.files, (5, 0, 3, 2))
    assert redo.quarantine_reasons == first.quarantine_reasons
