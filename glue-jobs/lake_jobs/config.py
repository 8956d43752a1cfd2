"""Where a run reads and writes: catalog, databases and zone roots. The same job code runs locally (Hadoop
catalog `lake` under the lake home) and on Glue (catalog `glue_catalog`, S3 roots, databases named by the
deploy); only this object differs."""

from __future__ import annotations

import os
from dataclasses import dataclass

from lake_jobs.contracts import agreements


@dataclass(frozen=True)
class LakeConfig:
    catalog: str
    processed_db: str
    curated_db: str
    raw_root: str
    warehouse: str
    quarantine_root: str
    reports_root: str
    state_root: str

    @staticmethod
    def local(home: str, catalog: str = "lake") -> LakeConfig:
        """A lake home: the zone folders of the contracts' lake layout under `home`."""
        h = os.path.abspath(home)
        zones = agreements()[0].zones
        return LakeConfig(
            catalog=catalog,
            processed_db="processed",
            curated_db="curated",
            raw_root=os.path.join(h, zones["raw"]),
            warehouse=os.path.join(h, zones["warehouse"]),
            quarantine_root=os.path.join(h, zones["quarantine"]),
            reports_root=os.path.join(h, zones["reports"]),
            state_root=os.path.join(h, zones["state"]),
        )

    def database(self, database: str) -> str:
        """Contract database (`processed` | `curated`) -> the deployed database name."""
        return {"processed": self.processed_db, "curated": self.curated_db}[database]

    def ledger_path(self, dataset: str) -> str:
        """The ledger of raw files a dataset's job has processed."""
        return f"{self.state_root.rstrip('/')}/{agreements()[0].key('ledger', dataset=dataset)}"

    def table(self, database: str, name: str) -> str:
        """Fully qualified Spark name of a contract table, e.g. `lake.processed.transactions`."""
        return f"{self.catalog}.{self.database(database)}.{name}"
