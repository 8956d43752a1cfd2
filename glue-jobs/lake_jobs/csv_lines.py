"""CSV records as Spark expressions on single lines (RFC 4180, as Python's csv module reads them).

A line is *simple* when it is one complete record by itself: fields that are unquoted (no `"`, no NUL) or
wholly quoted (`""` for a quote), separated by commas. For a file whose lines are all simple, every line is
one record and Python's csv reader gives exactly the fields :func:`fields` gives, so such a file needs no
Python per record. A file with any other line (a quoted field spanning lines, broken quoting, a quote inside
an unquoted field, ...) is read by the Python reader (lake_jobs.readers.split_records), whose error recovery
and messages define the behaviour for such input.
"""

from __future__ import annotations

import csv

from pyspark.sql import Column
from pyspark.sql import functions as F

from lake_jobs.line_reader import WHITESPACE

_QUOTED = r'"[^"]*(?:""[^"]*)*"'
_UNQUOTED = r'[^",\r\n\x00]*'
_FIELD = f"(?:{_QUOTED}|{_UNQUOTED})"
SIMPLE = f"^{_FIELD}(?:,{_FIELD})*$"
_EACH_FIELD = f",({_QUOTED}|{_UNQUOTED})"


def is_simple(line: Column) -> Column:
    return line.rlike(SIMPLE)


def is_blank(line: Column) -> Column:
    """A record of one field that is empty or whitespace (quoted or not): the Python reader skips it."""
    return line.rlike(f'^{WHITESPACE}*$|^"{WHITESPACE}*"$')


def _unquote(field: Column) -> Column:
    body = field.substr(F.lit(2), F.length(field) - F.lit(2))
    return F.when(field.startswith('"'), F.regexp_replace(body, '""', '"')).otherwise(field)


def fields(line: Column) -> Column:
    """The fields of a simple line (array<string>): a plain split when the line has no quote."""
    quoted = F.transform(F.regexp_extract_all(F.concat(F.lit(","), line), F.lit(_EACH_FIELD), 1), _unquote)
    return F.when(F.instr(line, '"') == 0, F.split(line, ",", -1)).otherwise(quoted)


def parse_header(line: str) -> list[str]:
    """The header's column names (stripped), read by Python's csv module as the Python reader does."""
    return [f.strip() for f in next(csv.reader([line], strict=True), [])]
