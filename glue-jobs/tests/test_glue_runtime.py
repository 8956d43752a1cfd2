"""The Glue entry scripts' choice of tables (--tables), as CDK sets it per job."""

import pytest

from lake_jobs.glue_runtime import job_tables


def test_the_tables_named_in_run_order():
    assert job_tables({"tables": "ad_events,campaign_performance"}) == ["ad_events", "campaign_performance"]
    assert job_tables({"tables": " daily_sales "}) == ["daily_sales"]


def test_no_table_runs_nothing():
    assert job_tables({"tables": ""}) == []


def test_an_unknown_table_fails_before_any_read_and_names_what_exists():
    with pytest.raises(ValueError, match=r"unknown table\(s\) ad_event; known: .*ad_events"):
        job_tables({"tables": "ad_event,campaign_performance"})


def test_a_table_named_twice_fails():
    with pytest.raises(ValueError, match="named twice"):
        job_tables({"tables": "ad_events,ad_events"})
