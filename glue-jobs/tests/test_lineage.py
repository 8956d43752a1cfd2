"""OpenLineage events of real job runs, validated against the official schemas (tests/fixtures/openlineage),
and their delivery to a real HTTP receiver on loopback that is down, then up."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from pyspark.sql import SparkSession
from referencing import Registry, Resource
from test_job import B1, T1, T2, T8, land_csv

from lake_jobs import lineage
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.curate import run_curated
from lake_jobs.job import Hooks, run_dataset
from lake_jobs.report import RunReport
from lake_jobs.storage import LocalStorage

SCHEMAS = Path(__file__).parent / "fixtures" / "openlineage"


def _validators() -> tuple[Draft202012Validator, dict[str, Draft202012Validator]]:
    docs = {p.stem: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in docs.values())
    make = lambda d: Draft202012Validator(d, registry=registry, format_checker=FormatChecker())  # noqa: E731
    facets = {name: make(d) for name, d in docs.items() if name != "OpenLineage"}
    return make(docs["OpenLineage"]), facets


EVENT, FACETS = _validators()
FACET_FILE = {
    "jobType": "JobTypeJobFacet",
    "version": "DatasetVersionDatasetFacet",
    "columnLineage": "ColumnLineageDatasetFacet",
    "outputStatistics": "OutputStatisticsOutputDatasetFacet",
    "errorMessage": "ErrorMessageRunFacet",
}


def assert_valid(event: dict) -> None:
    """The event against OpenLineage.json, and each facet it carries against its own facet schema."""
    EVENT.validate(event)
    holders = [event["run"], event["job"], *event.get("inputs", []), *event.get("outputs", [])]
    facets = [
        (k, v) for h in holders for k, v in {**h.get("facets", {}), **h.get("outputFacets", {})}.items()
    ]
    assert facets, "an event without facets would prove little"
    for key, value in facets:
        FACETS[FACET_FILE[key]].validate({key: value})
        assert value["_schemaURL"].split("#")[0].endswith(f"{FACET_FILE[key]}.json")


def events_of(lake: LakeConfig, report: RunReport) -> list[dict]:
    path = Path(lineage.events_path(lake, report.dataset, report.run_id))
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_bad_event_fails_the_schema() -> None:
    with pytest.raises(Exception, match="runId"):
        EVENT.validate({"eventTime": "2026-01-01T00:00:00Z", "producer": "x:y", "schemaURL": "x:y",
                        "run": {}, "job": {"namespace": "n", "name": "j"}})  # fmt: skip


def test_runs_emit_start_then_complete_with_raw_inputs_table_versions_and_column_lineage(
    spark: SparkSession, lake: LakeConfig
) -> None:
    land_csv(lake, f"{B1}/orders.csv", [T1, T2, T8])
    tx = run_dataset(spark, lake, "transactions")
    sales = run_curated(spark, lake, "daily_sales")
    assert (tx.status, sales.status) == ("succeeded", "succeeded")

    start, done = events_of(lake, tx)
    for e in (start, done):
        assert_valid(e)
    assert [start["eventType"], done["eventType"]] == ["START", "COMPLETE"]
    assert start["run"]["runId"] == done["run"]["runId"] == lineage.run_uuid(tx.run_id)
    assert [i["name"] for i in done["inputs"]] == [f"{B1}/orders.csv"]
    assert done["inputs"][0]["namespace"] == "file://" + lake.raw_root
    (out,) = done["outputs"]
    assert out["name"] == "processed.transactions"
    assert out["facets"]["version"]["datasetVersion"] == tx.snapshot_id
    assert out["outputFacets"]["outputStatistics"]["rowCount"] == tx.output_rows == 3

    s_start, s_done = events_of(lake, sales)
    for e in (s_start, s_done):
        assert_valid(e)
    (upstream,) = s_done["inputs"]
    assert (upstream["name"], upstream["facets"]["version"]["datasetVersion"]) == (
        "processed.transactions",
        tx.snapshot_id,
    )
    (s_out,) = s_done["outputs"]
    assert s_out["facets"]["version"]["datasetVersion"] == sales.snapshot_id
    revenue = s_out["facets"]["columnLineage"]["fields"]["revenue_usd"]["inputFields"]
    direct = [(f["name"], f["field"]) for f in revenue if f["transformations"][0]["type"] == "DIRECT"]
    assert direct == [("processed.transactions", "amount_usd")]
    assert ("processed.transactions", "status") in [(f["name"], f["field"]) for f in revenue]
    declared = {c.name for c in load_contracts().curated["daily_sales"].columns}
    assert set(s_out["facets"]["columnLineage"]["fields"]) == declared


def test_a_failed_run_ends_with_a_fail_event_naming_the_error(spark: SparkSession, lake: LakeConfig) -> None:
    land_csv(lake, f"{B1}/orders.csv", [T1])

    def killed() -> None:
        raise RuntimeError("killed after the commit")

    report = run_dataset(spark, lake, "transactions", hooks=Hooks(after_commit=killed))
    assert report.status == "failed"
    start, fail = events_of(lake, report)
    for e in (start, fail):
        assert_valid(e)
    assert fail["eventType"] == "FAIL"
    assert "killed after the commit" in fail["run"]["facets"]["errorMessage"]["message"]
    assert "outputFacets" not in fail["outputs"][0]


class Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append(json.loads(body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_events_wait_in_the_outbox_while_the_receiver_is_down_and_reach_it_once_it_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _free_port()
    monkeypatch.setenv("OPENLINEAGE_URL", f"http://127.0.0.1:{port}")
    config = LakeConfig.local(str(tmp_path / "home"))
    storage = LocalStorage()
    table = load_contracts().datasets["transactions"]
    report = RunReport.start("transactions", "processed.transactions")

    run = lineage.RunLineage.begin(config, table, report, storage)  # receiver down: nothing raises
    report.snapshot_id = "123"
    run.end(lineage.raw_inputs(config, [f"{B1}/orders.csv"]))
    lineage.wait_for_delivery(5.0)
    assert lineage.deliver(config, storage) == (0, 2)
    local = events_of(config, report)
    assert [e["eventType"] for e in local] == ["START", "COMPLETE"]

    Receiver.received = []
    server = HTTPServer(("127.0.0.1", port), Receiver)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        assert lineage.deliver(config, storage) == (2, 0)
    finally:
        server.shutdown()
        server.server_close()
    assert Receiver.received == local
    assert storage.list_files(lineage.outbox_root(config), "") == []


def test_without_an_endpoint_nothing_is_queued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENLINEAGE_URL", raising=False)
    config = LakeConfig.local(str(tmp_path / "home"))
    report = RunReport.start("ad_events", "processed.ad_events")
    lineage.RunLineage.begin(config, load_contracts().datasets["ad_events"], report, LocalStorage())
    assert len(events_of(config, report)) == 1
    assert not Path(lineage.outbox_root(config)).exists()
