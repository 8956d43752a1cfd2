"""A warm local Spark: `python -m lake_jobs.resident --home <HOME> --state <FILE> [--fingerprint F]`.

Starting a JVM and a Spark session costs most of a small incremental run, so repeated `lake etl` and the
stream's job runs send their requests to one long-lived session instead. It listens on 127.0.0.1 only,
answers only requests that carry the token it wrote into the state file (mode 0600), and runs one request
at a time: a second client waits in the listen backlog, as runs on one lake must be serialized anyway.

Protocol: one JSON request per connection, answered by JSON Lines:
    {"token": T, "op": "run", "datasets": [...], "reprocess": false, "gate": "enforce", "wait": SECONDS}
        -> {"log": "..."}* {"report": {...}}* {"exit": 0|1}, or {"error": ..., "busy": true} {"exit": 75}
           when another run holds the lake's run lock longer than `wait`
    {"token": T, "op": "ping"}  -> {"pong": true, "pid": P, "fingerprint": F, "runs": N}
    {"token": T, "op": "stop"}  -> {"stopping": true}
A run is the same code path as `python -m lake_jobs.run` (run_all), so a report is the same either way.
The session ends on `stop`, on SIGTERM, or after `--idle-minutes` without a request; a crash in the
middle of a run is a run killed at that point (commits are atomic, the ledger is written after them) and
the next command starts a new session.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import secrets
import signal
import socket
import sys
import tempfile
import time
import traceback
from pathlib import Path

from lake_jobs.checks import ENFORCE, GATE_MODES
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import load_contracts
from lake_jobs.lock import LakeBusyError, run_lock
from lake_jobs.report import FAILED
from lake_jobs.run import BUSY_EXIT, driver_memory, plan, run_all
from lake_jobs.spark import local_session

log = logging.getLogger("lake_jobs")

MAX_REQUEST_BYTES = 64 * 1024


class _SocketLogHandler(logging.Handler):
    """Sends the job's log records to the client while its request runs."""

    def __init__(self, send) -> None:
        super().__init__()
        self._send = send
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        # the client may have gone away: the run goes on and its report is still written
        with contextlib.suppress(OSError):
            self._send({"log": self.format(record)})


def write_state(path: Path, state: dict) -> None:
    """Atomically, readable by this user only (the token authorizes runs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".resident-")
    with os.fdopen(fd, "w") as f:
        json.dump(state, f)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def read_request(conn: socket.socket) -> dict:
    buf = b""
    while b"\n" not in buf:
        chunk = conn.recv(4096)
        if not chunk:
            break
        buf += chunk
        if len(buf) > MAX_REQUEST_BYTES:
            raise ValueError("request too large")
    request = json.loads(buf.split(b"\n", 1)[0] or b"{}")
    if not isinstance(request, dict):
        raise ValueError("request must be a JSON object")
    return request


class Resident:
    def __init__(self, spark, config: LakeConfig, token: str, fingerprint: str) -> None:
        self.spark = spark
        self.config = config
        self.token = token
        self.fingerprint = fingerprint
        self.runs = 0
        self.stopping = False

    def handle(self, conn: socket.socket) -> None:
        def send(obj: dict) -> None:
            conn.sendall((json.dumps(obj) + "\n").encode("utf-8"))

        try:
            request = read_request(conn)
        except (ValueError, OSError) as e:
            send({"error": f"bad request: {e}"})
            return
        if not secrets.compare_digest(str(request.get("token", "")), self.token):
            send({"error": "unauthorized"})
            return
        op = request.get("op")
        if op == "ping":
            send({"pong": True, "pid": os.getpid(), "fingerprint": self.fingerprint, "runs": self.runs})
        elif op == "stop":
            self.stopping = True
            send({"stopping": True})
        elif op == "run":
            self._run(request, send)
        else:
            send({"error": f"unknown op {op!r} (run, ping, stop)"})

    def _run(self, request: dict, send) -> None:
        datasets = request.get("datasets") or None
        try:
            plan(load_contracts(), datasets)
        except ValueError as e:
            send({"log": str(e)})
            send({"exit": 2})
            return
        gate = str(request.get("gate") or ENFORCE)
        if gate not in GATE_MODES:
            send({"log": f"unknown gate mode '{gate}' (known: {', '.join(GATE_MODES)})"})
            send({"exit": 2})
            return
        handler = _SocketLogHandler(send)
        log.addHandler(handler)
        what = f"etl {' '.join(datasets or ['(all)'])} (resident Spark)"
        try:
            # the same lake-wide lock as a one-shot run or maintenance: one writer per lake home
            with run_lock(self.config.state_root, what, float(request.get("wait") or 0)):
                reports = run_all(
                    self.spark,
                    self.config,
                    datasets,
                    reprocess=bool(request.get("reprocess")),
                    gate=gate,
                    emit=lambda r: send({"report": json.loads(r.to_json())}),
                )
            code = 1 if any(r.status == FAILED for r in reports) else 0
        except LakeBusyError as e:
            send({"error": str(e), "busy": True})
            code = BUSY_EXIT
        except Exception:  # a bug, not bad data: the client gets the trace, the session stays up
            send({"log": traceback.format_exc()})
            code = 1
        finally:
            log.removeHandler(handler)
            self.runs += 1
            # Nothing cached by one run may hold memory (or stale data) into the next.
            self.spark.catalog.clearCache()
        send({"exit": code})


def serve(resident: Resident, server: socket.socket, state_path: Path, idle_seconds: float) -> None:
    last = time.monotonic()
    server.settimeout(1.0)
    while not resident.stopping:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            if time.monotonic() - last > idle_seconds:
                log.info("resident Spark idle for %.0f s: stopping", idle_seconds)
                break
            if not state_path.exists():
                break  # the lake home was removed: nobody can reach us any more
            continue
        with conn:
            conn.settimeout(None)
            resident.handle(conn)
        last = time.monotonic()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lake_jobs.resident", description=__doc__.split("\n")[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--state", required=True, help="state file to write (pid, port, token)")
    parser.add_argument("--fingerprint", default="", help="the job code's hash, echoed by ping")
    idle = float(os.environ.get("LAKE_SPARK_IDLE_MINUTES", "30"))
    parser.add_argument("--idle-minutes", type=float, default=idle)
    parser.add_argument("--master", default=os.environ.get("LAKE_SPARK_MASTER", "local[*]"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")

    config = LakeConfig.local(args.home)
    spark = local_session(
        master=args.master,
        catalogs={config.catalog: config.warehouse},
        extra={
            "spark.driver.memory": driver_memory(),
            # Other processes (a cold run, maintenance) commit too: always read a table's newest metadata.
            f"spark.sql.catalog.{config.catalog}.cache-enabled": "false",
        },
    )
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    resident = Resident(spark, config, secrets.token_hex(16), args.fingerprint)
    state_path = Path(args.state)

    def on_term(_signum, _frame):
        resident.stopping = True

    signal.signal(signal.SIGTERM, on_term)
    write_state(
        state_path,
        {
            "pid": os.getpid(),
            "port": server.getsockname()[1],
            "token": resident.token,
            "home": str(Path(args.home).resolve()),
            "fingerprint": args.fingerprint,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    log.info("resident Spark ready on 127.0.0.1:%d", server.getsockname()[1])
    try:
        serve(resident, server, state_path, args.idle_minutes * 60)
    finally:
        server.close()
        try:
            if json.loads(state_path.read_text()).get("pid") == os.getpid():
                state_path.unlink()
        except (OSError, ValueError):
            pass
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
