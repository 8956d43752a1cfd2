"""The lake-wide run lock: one writer at a time per lake home (`lake etl`, stream job runs, maintenance).

Two runs MERGEing one Iceberg table at once make the loser fail its commit with a raw ValidationException;
serializing runs per lake turns that into a wait or a clear refusal. The lock is an flock on
<state>/run.lock: the kernel releases it when the holder dies, so a killed run never leaves a stale lock.
The file names the holder (pid, what, since) for the refusal message. On Glue (S3 zones) each job has a
concurrency of one and the catalog's commit check stands guard, so no lock is taken there.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

LOCK_NAME = "run.lock"


class LakeBusyError(RuntimeError):
    """Another run holds the lake."""


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        doc = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
        return f"{doc.get('what', 'a run')} (pid {doc.get('pid', '?')}, since {doc.get('since', '?')})"
    except (OSError, ValueError):
        return "another run"


@contextmanager
def run_lock(state_root: str, what: str, wait_seconds: float = 0.0) -> Iterator[None]:
    """Holds the lake's run lock for the block; waits up to `wait_seconds` for a holder to finish, then
    raises LakeBusyError naming it. S3 zones (`://`): no lock."""
    if "://" in state_root:
        yield
        return
    os.makedirs(state_root, exist_ok=True)
    path = os.path.join(state_root, LOCK_NAME)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait_seconds)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {wait_seconds:g} s" if wait_seconds > 0 else ""
                    raise LakeBusyError(
                        f"the lake at {os.path.dirname(os.path.abspath(state_root))} is busy{waited}: "
                        f"{_holder(fd)} is running; try again when it has finished (or wait: --wait SECONDS)"
                    ) from None
                time.sleep(0.2)
        since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps({"pid": os.getpid(), "what": what, "since": since}).encode("utf-8"))
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
