"""Generic validation of parsed records against a contract's rules (pure DataFrame transforms).

Reason codes are `<rule>:<column>` (`type`, `required`, `min`, `max`, `allowed`, `pattern`, `max_length`;
`requiredWhen` reports as `required:<col>`) plus the record-level `parse:<what>` of the reader/parser. A
record that failed to parse gets only its parse reason. Otherwise every failing check is listed in
`reasons`, in contract column order and, per column, in the order above; `reason` is the first of them
(the run report counts records by `reason`, so its counts add up to the quarantined rows).

An `allowed` rule whose `allowedSeverity` is `warn` (the default) does not quarantine: a value outside the
list goes to `unlisted` (array of `{column, value}`, empty when none) and the record stays valid; the run
report counts those values per column (`unlisted_values`, see `unlisted_summary`).
"""

from __future__ import annotations

import functools

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from lake_jobs.contracts import Column, Table
from lake_jobs.parsing import empty_to_null, timestamp_utc

REASONS = "reasons"
REASON = "reason"
UNLISTED = "unlisted"
WARN, CRITICAL = "warn", "critical"

_INTEGER = r"^[+-]?\d+$"
_DECIMAL = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"
_DOUBLE = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_BOOLEAN = r"^(?i)(true|false)$"


def _from_string(value: SparkColumn, target: T.DataType) -> SparkColumn:
    """Strict string -> `target` conversion: null when the string is not a literal of the type."""
    s = F.trim(value)
    if isinstance(target, T.TimestampType):
        return timestamp_utc(s)
    if isinstance(target, T.IntegerType | T.LongType):
        return F.when(s.rlike(_INTEGER), s.cast(target))
    if isinstance(target, T.DecimalType):
        return F.when(s.rlike(_DECIMAL), s.cast(target))
    if isinstance(target, T.DoubleType):
        return F.when(s.rlike(_DOUBLE), s.cast(target))
    if isinstance(target, T.BooleanType):
        return F.when(s.rlike(_BOOLEAN), F.lower(s) == "true")
    if isinstance(target, T.DateType):
        return F.when(s.rlike(_DATE), F.to_date(s, "yyyy-MM-dd"))
    if isinstance(target, T.ArrayType):
        return F.from_json(value, target)
    return value.cast(target)


def typed_value(df: DataFrame, column: Column) -> tuple[SparkColumn, SparkColumn]:
    """(value cast to the contract type, condition "the value did not cast") for one parsed column."""
    source_type = df.schema[column.name].dataType
    target = column.spark_type
    raw = F.col(column.name)
    if isinstance(source_type, T.StringType):
        raw = empty_to_null(raw)
        if isinstance(target, T.StringType):
            return raw, F.lit(False)
        typed = _from_string(raw, target)
    elif source_type == target:
        return raw, F.lit(False)
    else:
        typed = raw.cast(target)
    return typed, raw.isNotNull() & typed.isNull()


def _is_empty(value: SparkColumn, target: T.DataType) -> SparkColumn:
    if isinstance(target, T.StringType):
        return value.isNull() | (value == "")
    if isinstance(target, T.ArrayType):
        return value.isNull() | (F.size(value) == 0)
    return value.isNull()


def _rule_checks(table: Table, column: Column, value: SparkColumn, typed: dict[str, SparkColumn]) -> list:
    """(reason, failing condition) per rule of `column`, on its typed value."""
    rules = column.rules
    target = column.spark_type
    checks: list[tuple[str, SparkColumn]] = []
    name = column.name
    if rules.get("required"):
        checks.append((f"required:{name}", _is_empty(value, target)))
    when = rules.get("requiredWhen")
    if when:
        other = typed[when["column"]].cast("string")
        checks.append((f"required:{name}", (other == F.lit(when["equals"])) & _is_empty(value, target)))
    if "min" in rules:
        checks.append((f"min:{name}", value < F.lit(rules["min"]).cast(target)))
    if "max" in rules:
        checks.append((f"max:{name}", value > F.lit(rules["max"]).cast(target)))
    if "allowed" in rules and allowed_severity(column) == CRITICAL:
        checks.append((f"allowed:{name}", ~value.cast("string").isin(list(rules["allowed"]))))
    if "pattern" in rules:
        checks.append((f"pattern:{name}", ~value.cast("string").rlike(f"^(?:{rules['pattern']})$")))
    if "maxLength" in rules:
        checks.append((f"max_length:{name}", F.length(value.cast("string")) > F.lit(rules["maxLength"])))
    return checks


def allowed_severity(column: Column) -> str:
    return str(column.rules.get("allowedSeverity", WARN))


def _unlisted(columns: list[Column], typed: dict[str, SparkColumn], type_errors: dict[str, SparkColumn]):
    """`{column, value}` per warn-severity allowed rule whose (typed, non-null) value is not in the list."""
    entries = [
        F.when(
            ~type_errors[c.name]
            & typed[c.name].isNotNull()
            & ~typed[c.name].cast("string").isin(list(c.rules["allowed"])),
            F.struct(F.lit(c.name).alias("column"), typed[c.name].cast("string").alias("value")),
        )
        for c in columns
        if "allowed" in c.rules and allowed_severity(c) == WARN
    ]
    empty = F.array().cast("array<struct<column:string,value:string>>")
    return _non_null(entries, empty)


def _non_null(entries: list[SparkColumn], empty: SparkColumn) -> SparkColumn:
    """The non-null entries, in order (`empty` when all are null). A higher-order function such as `filter` is
    interpreted, with every expression below it: it only runs for the rows where some entry is not null, and
    the test that finds those rows (most rows are clean) is compiled with the rest of the projection."""
    if not entries:
        return empty
    any_set = functools.reduce(lambda a, b: a | b, [e.isNotNull() for e in entries])
    return F.when(any_set, F.filter(F.array(*entries), lambda e: e.isNotNull())).otherwise(empty)


def annotate(parsed: DataFrame, table: Table) -> DataFrame:
    """Casts the parsed columns to their contract types and adds `reasons` (array, empty when valid),
    `reason` (the first one, null when valid) and `unlisted` (warn-severity values outside their list).
    Expects `parse_error` (null when the record parsed)."""
    columns = table.parsed_columns
    # Step 1 computes each typed value once, into a temporary column; step 2 only reads those columns (Spark
    # keeps the two projections apart instead of re-evaluating a cast in every rule that uses it).
    step1: dict[str, SparkColumn] = {}
    for c in columns:
        typed_expr, type_error = typed_value(parsed, c)
        step1[f"__typed_{c.name}"] = typed_expr
        step1[f"__type_error_{c.name}"] = type_error
    staged = parsed.withColumns(step1)
    typed = {c.name: F.col(f"__typed_{c.name}") for c in columns}
    checks: list[SparkColumn] = []
    for c in columns:
        type_error = F.col(f"__type_error_{c.name}")
        checks.append(F.when(type_error, F.lit(f"type:{c.name}")))
        for reason, failing in _rule_checks(table, c, typed[c.name], typed):
            # A value that did not cast is reported once, as `type:`; null comparisons are "not failing".
            checks.append(F.when(~type_error & F.coalesce(failing, F.lit(False)), F.lit(reason)))
    rule_reasons = _non_null(checks, F.array().cast("array<string>"))
    reasons = F.when(F.col("parse_error").isNotNull(), F.array(F.col("parse_error"))).otherwise(rule_reasons)
    type_errors = {c.name: F.col(f"__type_error_{c.name}") for c in columns}
    out = staged.withColumns({REASONS: reasons, UNLISTED: _unlisted(columns, typed, type_errors)})
    out = out.withColumns({c.name: typed[c.name] for c in columns})
    out = out.drop(*step1)
    return out.withColumn(REASON, F.element_at(F.col(REASONS), 1))


def split(annotated: DataFrame) -> tuple[DataFrame, DataFrame]:
    """(valid, quarantined) of an annotated DataFrame."""
    failed = F.size(F.col(REASONS)) > 0
    return annotated.where(~failed), annotated.where(failed)


def validate(parsed: DataFrame, table: Table) -> tuple[DataFrame, DataFrame]:
    """Pure: parsed records -> (valid with contract-typed columns, quarantined with `reasons`/`reason`)."""
    return split(annotate(parsed, table))


UNLISTED_VALUES_KEPT = 20
"""Values named per column in a report; the rest are counted in `omitted_values`."""


def unlisted_summary(counts: dict[tuple[str, str], int], kept: int = UNLISTED_VALUES_KEPT) -> dict[str, dict]:
    """Pure: (column, value) -> records, to the report's `unlisted_values`: per column the records with an
    unlisted value, the `kept` most frequent values (ties by value) and how many other values there were."""
    by_column: dict[str, dict[str, int]] = {}
    for (column, value), n in counts.items():
        by_column.setdefault(column, {})[value] = n
    out: dict[str, dict] = {}
    for column in sorted(by_column):
        values = sorted(by_column[column].items(), key=lambda kv: (-kv[1], kv[0]))
        out[column] = {
            "records": sum(by_column[column].values()),
            "values": dict(values[:kept]),
            "omitted_values": max(0, len(values) - kept),
        }
    return out
