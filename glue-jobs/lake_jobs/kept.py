"""A DataFrame computed once and kept for the actions that follow, behind a plan that is just its rows."""

from __future__ import annotations

from pyspark.sql import DataFrame


class Kept:
    """`df`'s rows, computed on first use and kept (memory and disk, like persist) by a local checkpoint.

    Unlike persist, the kept DataFrame's plan is the stored rows, so a plan above it no longer contains what
    made them (such as the row ids that number raw lines, which are non-deterministic expressions to Spark
    and are refused in the source of a MERGE)."""

    def __init__(self, df: DataFrame) -> None:
        self.df = df.localCheckpoint(eager=False)

    def unpersist(self) -> None:
        self.df._jdf.queryExecution().analyzed().rdd().unpersist(False)
