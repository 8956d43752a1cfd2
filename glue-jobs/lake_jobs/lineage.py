"""OpenLineage run events of the job runs: START when a run begins, COMPLETE or FAIL when it ends.

Each event names the job (`<dataset>` in namespace `shop-lake`), the run (a UUID derived from the run
id), its inputs (the raw files it read, or the processed tables at the snapshot it read) and its output
(the table at the snapshot the run left, with the rows it wrote), and for curated tables the
column-level lineage the contracts declare (`derivedFrom`).

Events are kept beside the run report, one JSON document a line
(`<reports>/<dataset>/<run_id>.openlineage.jsonl`). When an endpoint is configured (`OPENLINEAGE_URL`,
and `OPENLINEAGE_ENDPOINT`, default `api/v1/lineage`, as the OpenLineage clients read them), each event
is also queued in `<state>/lineage/outbox/` and a background thread posts the queue to the receiver;
what it cannot deliver stays queued for the next run (or `python -m lake_jobs.lineage --home H`).
Emitting never raises and never waits for the receiver: lineage must not fail or slow a job.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import threading
import traceback
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lake_jobs import tables
from lake_jobs.config import LakeConfig
from lake_jobs.contracts import Table, agreements
from lake_jobs.report import FAILED, RunReport
from lake_jobs.storage import LocalStorage, Storage

log = logging.getLogger("lake_jobs")

JOB_NAMESPACE = "shop-lake"
PRODUCER = "https://github.com/shop-data-lake/lake/tree/main/glue-jobs"
SPEC = "https://openlineage.io/spec"
RUN_EVENT_SCHEMA = f"{SPEC}/2-0-2/OpenLineage.json#/$defs/RunEvent"
FACET_SCHEMAS = {
    "jobType": f"{SPEC}/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
    "version": f"{SPEC}/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
    "columnLineage": f"{SPEC}/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
    "outputStatistics": (
        f"{SPEC}/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet"
    ),
    "errorMessage": f"{SPEC}/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet",
}
SEND_TIMEOUT_S = 2.0


def run_uuid(run_id: str) -> str:
    """OpenLineage wants a UUID; the same run id always gives the same one."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{JOB_NAMESPACE}/run/{run_id}"))


def _facet(kind: str, **fields) -> dict:
    return {"_producer": PRODUCER, "_schemaURL": FACET_SCHEMAS[kind], **fields}


def _uri(root: str) -> str:
    return root.rstrip("/") if "://" in root else "file://" + os.path.abspath(root)


def table_namespace(config: LakeConfig) -> str:
    """Where the tables live: the warehouse (an S3 or file URI)."""
    return _uri(config.warehouse)


def table_dataset_name(config: LakeConfig, table: Table) -> str:
    return f"{config.database(table.database)}.{table.name}"


def column_lineage(config: LakeConfig, table: Table) -> dict | None:
    """ColumnLineageDatasetFacet of a table whose columns declare `derivedFrom` (None when none do)."""
    fields: dict[str, dict] = {}
    ns = table_namespace(config)
    for c in table.columns:
        d = c.derived_from
        if not d:
            continue
        subtype = {"identity": "IDENTITY", "transformation": "TRANSFORMATION"}.get(d["how"], "AGGREGATION")
        direct = [(ref, {"type": "DIRECT", "subtype": subtype}) for ref in d["from"]]
        indirect = [(ref, {"type": "INDIRECT", "subtype": "FILTER"}) for ref in d.get("filteredBy", [])]
        fields[c.name] = {
            "inputFields": [
                {
                    "namespace": ns,
                    "name": f"{config.database('processed')}.{ref.split('.', 1)[0]}",
                    "field": ref.split(".", 1)[1],
                    "transformations": [how],
                }
                for ref, how in direct + indirect
            ]
        }
    return _facet("columnLineage", fields=fields) if fields else None


@dataclass
class RunLineage:
    """The lineage of one run: `start()` when it begins, `end(report, inputs)` when its report is final."""

    config: LakeConfig
    table: Table
    report: RunReport
    storage: Storage
    events: list[dict] = field(default_factory=list)

    @staticmethod
    def begin(config: LakeConfig, table: Table, report: RunReport, storage: Storage) -> RunLineage:
        lineage = RunLineage(config, table, report, storage)
        lineage._emit(lineage._event("START", report.started_at, [], lineage._output(None)))
        return lineage

    def end(self, inputs: list[dict]) -> None:
        r = self.report
        failed = r.status == FAILED
        facets = {}
        if failed:
            facets["errorMessage"] = _facet(
                "errorMessage", message=r.error or "failed", programmingLanguage="python"
            )
        event = self._event("FAIL" if failed else "COMPLETE", _now(), inputs, self._output(r), facets)
        self._emit(event)

    def _output(self, report: RunReport | None) -> list[dict]:
        facets: dict = {}
        out: dict = {
            "namespace": table_namespace(self.config),
            "name": table_dataset_name(self.config, self.table),
        }
        if report is not None and report.snapshot_id is not None:
            facets["version"] = _facet("version", datasetVersion=str(report.snapshot_id))
        columns = column_lineage(self.config, self.table)
        if columns:
            facets["columnLineage"] = columns
        if facets:
            out["facets"] = facets
        if report is not None and report.status != FAILED:
            stats = _facet("outputStatistics", rowCount=report.output_rows)
            out["outputFacets"] = {"outputStatistics": stats}
        return [out]

    def _event(
        self, kind: str, at: str, inputs: list[dict], outputs: list[dict], run_facets: dict | None = None
    ) -> dict:
        run: dict = {"runId": run_uuid(self.report.run_id)}
        if run_facets:
            run["facets"] = run_facets
        return {
            "eventType": kind,
            "eventTime": at,
            "producer": PRODUCER,
            "schemaURL": RUN_EVENT_SCHEMA,
            "run": run,
            "job": {
                "namespace": JOB_NAMESPACE,
                "name": self.table.name,
                "facets": {
                    "jobType": _facet("jobType", processingType="BATCH", integration="SPARK", jobType="JOB")
                },
            },
            "inputs": inputs,
            "outputs": outputs,
        }

    def _emit(self, event: dict) -> None:
        try:
            self.events.append(event)
            text = "".join(json.dumps(e, sort_keys=True) + "\n" for e in self.events)
            self.storage.write_text(events_path(self.config, self.report.dataset, self.report.run_id), text)
            if endpoint_url():
                n = len(self.events)
                key = f"{self.report.run_id}-{n}-{event['eventType'].lower()}.json"
                self.storage.write_text(f"{outbox_root(self.config)}/{key}", json.dumps(event) + "\n")
                deliver_in_background(self.config, self.storage)
        except Exception:  # noqa: BLE001 - lineage never fails a run
            log.warning("lineage event of %s not kept: %s", self.report.run_id, traceback.format_exc(limit=1))


def raw_inputs(config: LakeConfig, keys: list[str]) -> list[dict]:
    """The raw files a run read, as input datasets of the raw zone."""
    ns = _uri(config.raw_root)
    return [{"namespace": ns, "name": k} for k in keys]


def table_inputs(config: LakeConfig, versions: dict[str, str | None]) -> list[dict]:
    """Processed tables a curated run read, each at the snapshot it read."""
    ns = table_namespace(config)
    return [
        {
            "namespace": ns,
            "name": f"{config.database('processed')}.{name}",
            **({"facets": {"version": _facet("version", datasetVersion=str(v))}} if v is not None else {}),
        }
        for name, v in versions.items()
    ]


def input_versions(spark, config: LakeConfig, table: Table) -> dict[str, str | None]:
    """Current snapshot of each processed input of a curated table (None when it cannot be read)."""
    versions: dict[str, str | None] = {}
    for name in table.inputs:
        try:
            versions[name] = tables.current_snapshot_id(spark, config.table("processed", name))
        except Exception:  # noqa: BLE001 - a missing input is simply unversioned
            versions[name] = None
    return versions


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def events_path(config: LakeConfig, dataset: str, run_id: str) -> str:
    key = agreements()[0].key("lineageEvents", dataset=dataset, runId=run_id)
    return f"{config.reports_root.rstrip('/')}/{key}"


def outbox_root(config: LakeConfig) -> str:
    return f"{config.state_root.rstrip('/')}/{agreements()[0].key('lineageOutbox')}"


def endpoint_url() -> str | None:
    base = os.environ.get("OPENLINEAGE_URL", "").strip()
    if not base:
        return None
    path = os.environ.get("OPENLINEAGE_ENDPOINT", "api/v1/lineage").strip("/")
    return f"{base.rstrip('/')}/{path}"


def deliver(config: LakeConfig, storage: Storage, timeout_s: float = SEND_TIMEOUT_S) -> tuple[int, int]:
    """Posts the queued events in order, stopping at the first the receiver does not take.
    Returns (sent, still queued)."""
    url = endpoint_url()
    root = outbox_root(config)
    queued = storage.list_files(root, "")
    if not url:
        return 0, len(queued)
    sent = 0
    for f in queued:
        body = (storage.read_text(f.path) or "").encode("utf-8")
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - configured URL
                response.read()
        except (urllib.error.URLError, OSError, ValueError) as e:
            log.info("lineage receiver %s not reached (%s); %d event(s) kept", url, e, len(queued) - sent)
            break
        storage.delete(f.path)
        sent += 1
    return sent, len(queued) - sent


_sending = threading.Lock()


def deliver_in_background(config: LakeConfig, storage: Storage) -> threading.Thread | None:
    """Starts one delivery thread unless one is already running (it will also see the new event)."""
    if not _sending.acquire(blocking=False):
        return None

    def work() -> None:
        try:
            while True:
                sent, left = deliver(config, storage)
                if sent == 0 or left == 0:
                    return
        except Exception:  # noqa: BLE001 - a delivery problem never reaches the run
            log.warning("lineage delivery failed: %s", traceback.format_exc(limit=1))
        finally:
            _sending.release()

    thread = threading.Thread(target=work, name="openlineage-delivery", daemon=True)
    thread.start()
    return thread


def wait_for_delivery(timeout_s: float) -> bool:
    """Waits (at most `timeout_s`) until no delivery thread is running; True when none is."""
    if _sending.acquire(timeout=timeout_s):
        _sending.release()
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    """Sends the queued events of a local lake home: exit 0 when the queue is empty afterwards."""
    parser = argparse.ArgumentParser(prog="python -m lake_jobs.lineage", description=main.__doc__)
    parser.add_argument("--home", default=os.environ.get("LAKE_HOME", ".lake"))
    args = parser.parse_args(argv)
    sent, left = deliver(LakeConfig.local(args.home), LocalStorage())
    print(json.dumps({"sent": sent, "queued": left, "endpoint": endpoint_url()}))
    return 0 if left == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
