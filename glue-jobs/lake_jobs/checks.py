"""Dataset checks (lib/contracts/checks.ts) judged on a batch: pure, from the values the job measured on its
audit branch and the table's recent history to one outcome per check (measured value against threshold), and
from those to the gate's decision: `blocked` when a critical check failed, `warned` when only warn checks did,
else `passed`. In report mode (a first historic load, a backfill) the gate never blocks: a failed critical
check makes the outcome `reported` and the batch publishes.

A check with nothing to measure (no rows, no conversions, too little history for a row-count band) is
`skipped`: it neither passes nor blocks, and says why.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime

from lake_jobs.contracts import DatasetCheck

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
GATE_PASSED, GATE_WARNED, GATE_BLOCKED, GATE_REPORTED = "passed", "warned", "blocked", "reported"
ENFORCE, REPORT = "enforce", "report"
GATE_MODES = (ENFORCE, REPORT)


@dataclass(frozen=True)
class Measures:
    """What a run measured on its batch (and on the table as the batch would publish it)."""

    input_rows: int
    quarantined_rows: int
    measured_at: datetime
    batch_rows: int = 0
    """Rows the batch inserts or changes."""
    key_duplicates: int | None = None
    """Rows of the audited table minus its distinct business keys (None: not measured)."""
    non_null: dict[str, int] = field(default_factory=dict)
    """Column -> rows of the batch where it is not null."""
    sums: dict[str, float] = field(default_factory=dict)
    """Amount column -> its sum over the batch's rows (0 when all are null)."""
    distinct_keys: int | None = None
    """Distinct business keys among the batch's kept records (duplicates included; None: not measured)."""
    references: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Referential check name -> (rows it applies to, of which found in the referenced table)."""
    newest_event: datetime | None = None


@dataclass(frozen=True)
class Outcome:
    name: str
    kind: str
    severity: str
    status: str
    value: float | None
    threshold: str
    detail: str

    def to_dict(self) -> dict:
        return asdict(self)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4)


def _judge(check: DatasetCheck, ok: bool, value: float, threshold: str, detail: str) -> Outcome:
    status = PASSED if ok else FAILED
    return Outcome(check.name, check.kind, check.severity, status, value, threshold, detail)


def _skip(check: DatasetCheck, threshold: str, why: str) -> Outcome:
    return Outcome(check.name, check.kind, check.severity, SKIPPED, None, threshold, why)


def _quarantine_share(c: DatasetCheck, m: Measures, _h: list[int]) -> Outcome:
    limit = float(c.params["max"])
    threshold = f"<= {limit:g}"
    if m.input_rows == 0:
        return _skip(c, threshold, "no records in the batch")
    share = _share(m.quarantined_rows, m.input_rows)
    detail = f"{m.quarantined_rows} of {m.input_rows} records quarantined"
    return _judge(c, m.quarantined_rows / m.input_rows <= limit, share, threshold, detail)


def _row_count(c: DatasetCheck, m: Measures, history: list[int]) -> Outcome:
    recent = history[: int(c.params["lastRuns"])]
    if len(recent) < int(c.params["minHistory"]):
        need = int(c.params["minHistory"])
        why = f"{len(recent)} earlier run(s) known, {need} needed"
        return _skip(c, "a band around the recent median", why)
    median = statistics.median(recent)
    low, high = median * float(c.params["minRatio"]), median * float(c.params["maxRatio"])
    threshold = f"between {low:g} and {high:g}"
    detail = f"{m.input_rows} records; median of the last {len(recent)} runs {median:g}"
    return _judge(c, low <= m.input_rows <= high, float(m.input_rows), threshold, detail)


def _unique_key(c: DatasetCheck, m: Measures, _h: list[int]) -> Outcome:
    if m.key_duplicates is None:
        return _skip(c, "= 0", "the table was not measured")
    detail = f"{m.key_duplicates} row(s) share a business key with another row"
    return _judge(c, m.key_duplicates == 0, float(m.key_duplicates), "= 0", detail)


def _completeness(c: DatasetCheck, m: Measures, _h: list[int]) -> Outcome:
    column, limit = c.params["column"], float(c.params["min"])
    threshold = f">= {limit:g}"
    if m.batch_rows == 0:
        return _skip(c, threshold, "no rows in the batch")
    filled = m.non_null.get(column, 0)
    detail = f"{column} set in {filled} of {m.batch_rows} rows"
    return _judge(c, filled / m.batch_rows >= limit, _share(filled, m.batch_rows), threshold, detail)


def _referential(c: DatasetCheck, m: Measures, _h: list[int]) -> Outcome:
    limit = float(c.params["min"])
    threshold = f">= {limit:g}"
    total, found = m.references.get(c.name, (0, 0))
    if total == 0:
        return _skip(c, threshold, "no rows the check applies to")
    detail = f"{found} of {total} {c.params['column']} value(s) found in {c.params['references']}"
    return _judge(c, found / total >= limit, _share(found, total), threshold, detail)


def _freshness(c: DatasetCheck, m: Measures, _h: list[int]) -> Outcome:
    limit = float(c.params["maxAgeHours"])
    threshold = f"<= {limit:g} h"
    if m.newest_event is None:
        return _skip(c, threshold, "no event time in the batch")
    age = round((m.measured_at - m.newest_event).total_seconds() / 3600, 2)
    detail = f"newest event at {m.newest_event.isoformat()}"
    return _judge(c, age <= limit, age, threshold, detail)


_KINDS = {
    "quarantineShare": _quarantine_share,
    "rowCount": _row_count,
    "uniqueKey": _unique_key,
    "completeness": _completeness,
    "referential": _referential,
    "freshness": _freshness,
}


def evaluate(checks: tuple[DatasetCheck, ...], measures: Measures, history: list[int]) -> list[Outcome]:
    """One outcome per check, in declaration order. `history`: records per earlier published run, newest
    first."""
    unknown = [c.kind for c in checks if c.kind not in _KINDS]
    if unknown:
        raise ValueError(f"unknown dataset check kind(s) {', '.join(unknown)}; known: {', '.join(_KINDS)}")
    return [_KINDS[c.kind](c, measures, history) for c in checks]


def decide(outcomes: list[Outcome], mode: str = ENFORCE) -> str:
    if mode not in GATE_MODES:
        raise ValueError(f"unknown gate mode '{mode}' (known: {', '.join(GATE_MODES)})")
    failed = [o for o in outcomes if o.status == FAILED]
    if any(o.severity == "critical" for o in failed):
        return GATE_BLOCKED if mode == ENFORCE else GATE_REPORTED
    return GATE_WARNED if failed else GATE_PASSED


def blocking(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status == FAILED and o.severity == "critical"]
