"""Run metrics from run reports (pure), and their publication in batches PutMetricData accepts."""

from lake_jobs.report import RunReport
from lake_jobs.run_metrics import metric_data, publish


def _report(dataset: str, inp: int, out: int, quarantined: int, dups: int, failed: bool = False) -> RunReport:
    r = RunReport.start(dataset, dataset)
    r.input_rows, r.output_rows, r.quarantined_rows, r.duplicate_rows = inp, out, quarantined, dups
    r.quarantine_reasons = {"not_null:id": quarantined} if quarantined else {}
    if failed:
        r.fail("boom")
    return r.finish()


def test_one_datum_per_count_with_the_quarantine_share_and_the_outcome():
    data = {d["MetricName"]: d for d in metric_data(_report("transactions", 200, 150, 30, 20))}
    assert {k: v["Value"] for k, v in data.items()} == {
        "InputRows": 200.0,
        "OutputRows": 150.0,
        "QuarantinedRows": 30.0,
        "DuplicateRows": 20.0,
        "QuarantineSharePercent": 15.0,
        "RunSucceeded": 1.0,
    }
    assert data["QuarantineSharePercent"]["Unit"] == "Percent"
    assert all(d["Dimensions"] == [{"Name": "Dataset", "Value": "transactions"}] for d in data.values())


def test_an_empty_run_has_no_quarantine_share_and_a_failed_run_reports_zero():
    empty = {d["MetricName"]: d["Value"] for d in metric_data(_report("ad_events", 0, 0, 0, 0))}
    assert empty["QuarantineSharePercent"] == 0.0
    failed = {d["MetricName"]: d["Value"] for d in metric_data(_report("ad_events", 0, 0, 0, 0, failed=True))}
    assert failed["RunSucceeded"] == 0.0


class _CloudWatch:
    """Stands in for the AWS CloudWatch client only: records the calls."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def put_metric_data(self, **kwargs):
        self.calls.append(kwargs)


def test_publish_sends_every_datum_under_the_namespace_in_batches_of_at_most_1000():
    reports = [_report(f"d{i}", 10, 9, 1, 0) for i in range(170)]
    cw = _CloudWatch()
    assert publish(reports, "ShopLake/Jobs", cw) == 170 * 6
    assert [len(c["MetricData"]) for c in cw.calls] == [1000, 20]
    assert {c["Namespace"] for c in cw.calls} == {"ShopLake/Jobs"}
