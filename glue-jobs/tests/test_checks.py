"""Dataset checks as the contracts declare them, judged on measured values (pure: no Spark)."""

from datetime import UTC, datetime, timedelta

import pytest

from lake_jobs.checks import Measures, decide, evaluate
from lake_jobs.contracts import load_contracts

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def _by_name(outcomes):
    return {o.name: o for o in outcomes}


def test_every_dataset_blocks_a_batch_with_more_than_a_fifth_quarantined() -> None:
    for name, checks in load_contracts().checks.items():
        share = next(c for c in checks if c.kind == "quarantineShare")
        assert (share.severity, share.params["max"]) == ("critical", 0.2), name
        at_limit = _by_name(evaluate((share,), Measures(100, 20, NOW), []))[share.name]
        over = _by_name(evaluate((share,), Measures(100, 21, NOW), []))[share.name]
        assert (at_limit.status, at_limit.value, at_limit.threshold) == ("passed", 0.2, "<= 0.2")
        assert (over.status, over.value, over.detail) == ("failed", 0.21, "21 of 100 records quarantined")


def test_ad_events_checks_measure_value_against_threshold_and_only_critical_ones_block() -> None:
    checks = load_contracts().checks["ad_events"]
    measures = Measures(
        input_rows=50,
        quarantined_rows=2,
        measured_at=NOW,
        batch_rows=40,
        key_duplicates=0,
        non_null={"campaign_id": 40},
        references={"conversion_order_known": (10, 7)},
        newest_event=NOW - timedelta(minutes=30),
    )
    out = _by_name(evaluate(checks, measures, history=[45, 60, 52, 48]))
    assert out["conversion_order_known"].to_dict() == {
        "name": "conversion_order_known",
        "kind": "referential",
        "severity": "warn",
        "status": "failed",
        "value": 0.7,
        "threshold": ">= 0.95",
        "detail": "7 of 10 order_id value(s) found in transactions.order_id",
    }
    assert (out["row_count"].status, out["row_count"].threshold) == ("passed", "between 5 and 500")
    assert (out["fresh"].status, out["fresh"].value) == ("passed", 0.5)
    assert (out["unique_key"].status, out["campaign_id_complete"].value) == ("passed", 1.0)
    assert decide(list(out.values())) == "warned"

    duplicated = Measures(50, 2, NOW, batch_rows=40, key_duplicates=3, non_null={"campaign_id": 40})
    out = _by_name(evaluate(checks, duplicated, history=[]))
    assert (out["unique_key"].status, out["unique_key"].value) == ("failed", 3.0)
    assert decide(list(out.values())) == "blocked"
    # report mode (a first historic load, a backfill): the same failure is reported, never blocks
    assert decide(list(out.values()), mode="report") == "reported"
    assert decide([out["unique_key"]], mode="report") == "reported"
    with pytest.raises(ValueError, match="unknown gate mode 'lenient' \\(known: enforce, report\\)"):
        decide(list(out.values()), mode="lenient")


def test_a_check_with_nothing_to_measure_is_skipped_and_says_why() -> None:
    checks = load_contracts().checks["ad_events"]
    out = _by_name(evaluate(checks, Measures(0, 0, NOW), history=[10, 12]))
    assert {o.status for o in out.values()} == {"skipped"}
    assert out["row_count"].detail == "2 earlier run(s) known, 3 needed"
    assert out["conversion_order_known"].detail == "no rows the check applies to"
    assert decide(list(out.values())) == "passed"


def test_a_batch_far_below_its_history_fails_the_row_count_band() -> None:
    row_count = next(c for c in load_contracts().checks["transactions"] if c.name == "row_count")
    (out,) = evaluate((row_count,), Measures(3, 0, NOW), history=[100, 120, 90, 110])
    assert (out.status, out.value, out.threshold) == ("failed", 3.0, "between 10.5 and 1050")
    assert out.severity == "warn"
