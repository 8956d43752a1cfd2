"""The resident Spark's request handling, on the test session: auth, ping, a run, bad requests."""

import json
import logging
import socket

import pytest
from pyspark.sql import SparkSession

from lake_jobs.config import LakeConfig
from lake_jobs.resident import Resident


def ask(resident: Resident, request: dict | bytes) -> list[dict]:
    server, client = socket.socketpair()
    with server, client:
        client.sendall(request if isinstance(request, bytes) else (json.dumps(request) + "\n").encode())
        resident.handle(server)
        server.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := client.recv(65536):
            data += chunk
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


def test_requests_without_the_token_are_refused(spark: SparkSession, lake: LakeConfig) -> None:
    resident = Resident(spark, lake, "t0ken", "abc")
    assert ask(resident, {"op": "ping"}) == [{"error": "unauthorized"}]
    assert ask(resident, {"op": "run", "token": "wrong"}) == [{"error": "unauthorized"}]
    assert resident.runs == 0


def test_ping_stop_and_unknown_ops(spark: SparkSession, lake: LakeConfig) -> None:
    resident = Resident(spark, lake, "t0ken", "abc")
    [pong] = ask(resident, {"op": "ping", "token": "t0ken"})
    assert pong["pong"] is True and pong["fingerprint"] == "abc" and pong["runs"] == 0
    assert ask(resident, {"op": "reboot", "token": "t0ken"}) == [
        {"error": "unknown op 'reboot' (run, ping, stop)"}
    ]
    assert ask(resident, b"not json\n")[0]["error"].startswith("bad request:")
    assert not resident.stopping
    assert ask(resident, {"op": "stop", "token": "t0ken"}) == [{"stopping": True}]
    assert resident.stopping


def test_a_run_answers_logs_reports_and_the_exit_code(
    spark: SparkSession, lake: LakeConfig, caplog: pytest.LogCaptureFixture
) -> None:
    # the resident's own entry point logs at INFO; the test session does not configure logging (setLevel, not
    # an attribute: the logger caches what is enabled)
    caplog.set_level(logging.INFO, logger="lake_jobs")
    resident = Resident(spark, lake, "t0ken", "abc")
    answer = ask(resident, {"op": "run", "token": "t0ken", "datasets": ["server_logs"]})
    reports = [m["report"] for m in answer if "report" in m]
    assert [(r["dataset"], r["status"]) for r in reports] == [("server_logs", "no_new_data")]
    assert any("log" in m for m in answer)
    assert answer[-1] == {"exit": 0}
    assert resident.runs == 1


def test_a_run_of_an_unknown_dataset_is_a_usage_error(spark: SparkSession, lake: LakeConfig) -> None:
    resident = Resident(spark, lake, "t0ken", "abc")
    answer = ask(resident, {"op": "run", "token": "t0ken", "datasets": ["orders"]})
    assert answer[-1] == {"exit": 2}
    assert "unknown dataset(s): orders" in answer[0]["log"]
