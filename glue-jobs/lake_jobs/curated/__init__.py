"""Curated table modules: the registry and the interface every curated module implements.

A curated module (``lake_jobs/curated/<table>.py``, named as in contracts.json ``curated``) holds PURE
functions; the framework (``lake_jobs.curate``) reads the inputs, decides when to run (an input table changed
in this run, or the curated table does not exist yet) and replaces exactly the affected days of the table.

``affected_days(changes: dict[str, DataFrame], inputs: dict[str, DataFrame]) -> DataFrame``
    One column ``day`` (DateType), the values of the table's ``timeColumn`` to recompute. ``changes`` holds,
    for each input dataset that changed in this run only, the changed rows: the new versions of inserted and
    updated records AND the previous versions of updated records (so a record that moved to another day
    recomputes both days); contract columns of the processed table. ``inputs`` holds every input's current
    processed table (after this run's commits). Duplicates in the result are fine.

``compute(inputs: dict[str, DataFrame], days: DataFrame | None, ref: Reference) -> DataFrame``
    The table's rows (contract columns) for the given days (``None`` = all days, used when the table is
    built for the first time). A day with no rows simply yields no rows: the framework deletes the old rows
    of every affected day and writes these (one atomic Iceberg commit).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Protocol

from pyspark.sql import DataFrame

from lake_jobs.reference import Reference

CURATED_MODULES: dict[str, str] = {
    "daily_sales": "lake_jobs.curated.daily_sales",
    "campaign_performance": "lake_jobs.curated.campaign_performance",
}


class CuratedModule(Protocol):
    def affected_days(self, changes: dict[str, DataFrame], inputs: dict[str, DataFrame]) -> DataFrame: ...

    def compute(self, inputs: dict[str, DataFrame], days: DataFrame | None, ref: Reference) -> DataFrame: ...


def curated_module(name: str) -> CuratedModule:
    if name not in CURATED_MODULES:
        raise KeyError(f"unknown curated table {name!r}; known: {', '.join(CURATED_MODULES)}")
    module: ModuleType = importlib.import_module(CURATED_MODULES[name])
    for fn in ("affected_days", "compute"):
        if not callable(getattr(module, fn, None)):
            raise TypeError(f"{module.__name__} must define {fn}()")
    return module  # type: ignore[return-value]
