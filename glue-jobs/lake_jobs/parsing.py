"""Column helpers shared by the dataset parsers and the quality step (pure Spark expressions)."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

ISO_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$"
"""ISO 8601 date-time with `Z` or a numeric offset (`T` or space between date and time)."""
NAIVE_UTC = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
"""`YYYY-MM-DD HH:MM:SS`, meaning UTC."""


def csv_column(name: str) -> Column:
    """The field `name` of a CSV raw record (null when the record has no such field)."""
    return F.col("csv").getItem(name)


def empty_to_null(c: Column) -> Column:
    """An empty string becomes null (other values unchanged)."""
    return F.when(c == "", F.lit(None)).otherwise(c)


def timestamp_utc(c: Column) -> Column:
    """A string in one of the lake's accepted timestamp formats -> TimestampType (UTC instant); anything else,
    including impossible dates such as month 13, -> null. Independent of the session time zone."""
    s = F.trim(c)
    # `+hhmm` -> `+hh:mm`, so that the cast reads every offset form.
    iso = F.regexp_replace(s, r"([+-]\d{2})(\d{2})$", "$1:$2")
    return (
        F.when(s.rlike(ISO_WITH_OFFSET), iso.cast("timestamp"))
        .when(s.rlike(NAIVE_UTC), F.concat(s, F.lit("Z")).cast("timestamp"))
        .otherwise(F.lit(None).cast("timestamp"))
    )
