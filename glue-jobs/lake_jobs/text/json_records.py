"""JSON-object records -> the contract's raw columns, flattened by their `rawName` paths (no Python UDF).

Every leaf is read as a string (Spark's JSON reader renders numbers, booleans, arrays and objects as their
JSON text), so that a value of the wrong type reaches the quality step as a string that does not cast
(`type:<col>`) instead of silently becoming null. A record that is not one JSON object (truncated, not JSON,
an array or a scalar, trailing garbage) is `parse:json`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from lake_jobs.contracts import Column

JSON_ERROR = "parse:json"
STRICT = {"allowSingleQuotes": "false", "allowNonNumericNumbers": "false"}
"""Spark JSON options that turn off the extensions it accepts by default."""
_NUMERIC_TYPES = ("int", "bigint", "double", "decimal(")
_SCIENTIFIC = r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$"


def raw_path(column: Column) -> list[str]:
    return (column.raw_name or column.name).split(".")


def string_schema(columns: Sequence[Column]) -> T.StructType:
    """A schema with a string leaf at each column's path (nested structs for dotted paths)."""
    tree: dict = {}
    for c in columns:
        node = tree
        *parents, leaf = raw_path(c)
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = None

    def struct(node: dict) -> T.StructType:
        return T.StructType(
            [T.StructField(k, T.StringType() if v is None else struct(v), True) for k, v in node.items()]
        )

    return struct(tree)


def plain_number(value: SparkColumn) -> SparkColumn:
    """Spark renders JSON numbers read as strings the way Java prints a double: 0.0005 becomes `5.0E-4` and
    123456789.5 becomes `1.234567895E8`. Such a value is rewritten in plain notation (18 decimals at most,
    trailing zeros removed) so that the quality step's strict decimal and integer casts accept it; any other
    value is returned unchanged."""
    exact = value.cast("decimal(38,18)")
    plain = F.regexp_replace(F.regexp_replace(F.format_number(exact, 18), ",", ""), r"\.?0+$", "")
    return F.when(value.rlike(_SCIENTIFIC) & exact.isNotNull(), plain).otherwise(value)


def is_json_object(text: SparkColumn) -> SparkColumn:
    """True when `text` is one complete, strict JSON object: Spark's lenient extensions (single quotes, NaN,
    leading zeros, raw control characters in strings) and anything after the closing brace make it false."""
    as_map = F.from_json(text, T.MapType(T.StringType(), T.StringType()), STRICT)
    strict = F.json_object_keys(text).isNotNull() & as_map.isNotNull() & text.rlike(r"\}\s*$")
    return F.coalesce(strict, F.lit(False))


def flatten(records: DataFrame, columns: Sequence[Column], text_column: str = "raw_text") -> DataFrame:
    """`records` plus one string column per contract column (named by `name`, read from `rawName`) and
    `parse_error` (null, or `parse:json`)."""
    text = records[text_column]
    parsed = F.from_json(text, string_schema(columns), STRICT)
    values = {}
    for c in columns:
        value = parsed
        for part in raw_path(c):
            value = value.getField(part)
        values[c.name] = plain_number(value) if c.type.startswith(_NUMERIC_TYPES) else value
    ok = is_json_object(text)
    return records.select(
        "*",
        *[v.alias(name) for name, v in values.items()],
        F.when(~ok, F.lit(JSON_ERROR)).alias("parse_error"),
    )


def normalize_array(json_text: SparkColumn, element: Callable[[SparkColumn], SparkColumn]) -> SparkColumn:
    """A JSON array of strings (as text) with `element` applied to each item and empty items dropped, as
    JSON text again; a value that is not a JSON array is returned unchanged (it becomes `type:<col>`)."""
    items = F.from_json(json_text, T.ArrayType(T.StringType()))
    cleaned = F.filter(F.transform(items, element), lambda x: x.isNotNull() & (x != ""))
    return F.when(items.isNotNull(), F.to_json(cleaned)).otherwise(json_text)
