"""Run reports: one JSON document per job run, at <reports>/<dataset>/<run_id>.json and on stdout (JSON
Lines). Their fields are declared once in lib/contracts/run-report.ts (exported to contracts.json; a test
checks this module against it).

status is 'succeeded' | 'failed' | 'no_new_data' | 'blocked' (a critical dataset check failed: the batch
waits on its audit branch); quality holds the dataset checks, the gate's mode and its outcome;
quarantine_reasons counts each quarantined record by its first reason, so they add up to quarantined_rows;
snapshot_id is the table's current snapshot after the run; curated tables also report deleted_rows.
Dataset runs with new data also report unlisted_values (records kept with a value outside a warn-severity
allowed list, lake_jobs.quality), metrics and the anomalies among them (lake_jobs.anomalies).
input_rows = output_rows + quarantined_rows + duplicate_rows always.
Maintenance runs (lake_jobs.maintenance) also carry operation ('tag' | 'rollback' | 'publish' | 'discard'),
previous_snapshot_id (the current snapshot before) and details.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from lake_jobs.contracts import agreements, load_contracts
from lake_jobs.storage import Storage

SUCCEEDED = "succeeded"
FAILED = "failed"
NO_NEW_DATA = "no_new_data"
BLOCKED = "blocked"


def new_run_id(now: datetime | None = None) -> str:
    """The lake's id format, `YYYYMMDDTHHMMSSZ-<hex>`: sorts by start time, unique across concurrent runs."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(agreements()[1].random_hex_digits // 2)}"


_FLAG_KEYS = {"metric", "value", "median", "mad", "band", "runs", "severity"}
_OUTCOME_KEYS = {"name", "kind", "severity", "status", "value", "threshold", "detail"}

_KIND_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "optionalString": lambda v: v is None or isinstance(v, str),
    "status": lambda v: v in load_contracts().run_statuses,
    "counts": lambda v: isinstance(v, dict) and all(isinstance(n, int) for n in v.values()),
    "strings": lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v),
    "object": lambda v: isinstance(v, dict),
    "qualityGate": lambda v: (
        isinstance(v, dict)
        and v.get("outcome") in ("passed", "warned", "blocked", "reported")
        and v.get("mode", "enforce") in ("enforce", "report")
        and (v.get("branch") is None or isinstance(v.get("branch"), str))
        and isinstance(v.get("checks"), list)
        and all(isinstance(c, dict) and set(c) >= _OUTCOME_KEYS for c in v["checks"])
        and isinstance(v.get("duration_ms", 0), int)
    ),
    "unlistedValues": lambda v: (
        isinstance(v, dict)
        and all(
            isinstance(c, dict)
            and isinstance(c.get("records"), int)
            and isinstance(c.get("values"), dict)
            and all(isinstance(n, int) for n in c["values"].values())
            and isinstance(c.get("omitted_values"), int)
            for c in v.values()
        )
    ),
    "metrics": lambda v: (
        isinstance(v, dict)
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in v.values())
    ),
    "anomalies": lambda v: (
        isinstance(v, list) and all(isinstance(f, dict) and set(f) == _FLAG_KEYS for f in v)
    ),
    "fileErrors": lambda v: (
        isinstance(v, list) and all(isinstance(e, dict) and set(e) == {"file", "error"} for e in v)
    ),
}


def shape_problems(doc: dict) -> list[str]:
    """What differs between a report document and the declared fields (empty when it conforms)."""
    fields = load_contracts().run_report_fields
    problems = [
        f"missing {f.name}" if f.name not in doc else f"{f.name} is not {f.kind}"
        for f in fields
        if (f.name not in doc and not f.optional) or (f.name in doc and not _KIND_CHECKS[f.kind](doc[f.name]))
    ]
    declared = {f.name for f in fields}
    return problems + [f"undeclared field {name}" for name in doc if name not in declared]


class CountsDoNotAddUpError(AssertionError):
    pass


@dataclass
class RunReport:
    dataset: str
    table: str
    run_id: str
    started_at: str
    status: str = SUCCEEDED
    input_rows: int = 0
    output_rows: int = 0
    quarantined_rows: int = 0
    duplicate_rows: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    snapshot_id: str | None = None
    duration_ms: int = 0
    files: list[str] = field(default_factory=list)
    failed_files: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    quality: dict | None = None
    unlisted_values: dict | None = None
    metrics: dict[str, float] | None = None
    anomalies: list[dict] | None = None
    deleted_rows: int | None = None
    operation: str | None = None
    previous_snapshot_id: str | None = None
    details: dict | None = None
    _t0: float = field(default=0.0, repr=False)

    @staticmethod
    def start(dataset: str, table: str) -> RunReport:
        now = datetime.now(UTC)
        return RunReport(
            dataset=dataset,
            table=table,
            run_id=new_run_id(now),
            started_at=now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            _t0=time.monotonic(),
        )

    def check(self) -> None:
        """The accounting rule every report must satisfy."""
        total = self.output_rows + self.quarantined_rows + self.duplicate_rows
        if self.input_rows != total:
            raise CountsDoNotAddUpError(
                f"{self.dataset} run {self.run_id}: input_rows {self.input_rows} != output {self.output_rows}"
                f" + quarantined {self.quarantined_rows} + duplicates {self.duplicate_rows}"
            )
        if sum(self.quarantine_reasons.values()) != self.quarantined_rows:
            raise CountsDoNotAddUpError(f"{self.dataset} run {self.run_id}: quarantine reasons do not add up")

    def fail(self, error: str) -> None:
        """Marks the run failed with its error. Counts are kept as they are: a caller whose work was not
        committed zeroes them first, so that they still add up."""
        self.status = FAILED
        self.error = error

    def finish(self) -> RunReport:
        self.duration_ms = int((time.monotonic() - self._t0) * 1000)
        self.check()
        return self

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("_t0")
        for optional in (
            "quality",
            "unlisted_values",
            "metrics",
            "anomalies",
            "deleted_rows",
            "operation",
            "previous_snapshot_id",
            "details",
        ):
            if d[optional] is None:
                d.pop(optional)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=False)

    def write(self, storage: Storage, reports_root: str) -> str:
        key = agreements()[0].key("runReport", dataset=self.dataset, runId=self.run_id)
        path = f"{reports_root.rstrip('/')}/{key}"
        storage.write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")
        return path
