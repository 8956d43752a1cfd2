"""Raw text files read as lines by Spark's own text reader (no Python per record), numbered within their file.

Spark splits a big file into several splits (tasks). A line's number within its file is its position in its
split plus the lines of the file's earlier splits: the first pass (:func:`split_stats`) counts the lines of
each split (one small row per split, collected by the driver), the second adds each split's offset to
``monotonically_increasing_id()`` (consecutive within a partition, and the same in both passes because the
scan plan is the same). Line ends are those of Python's universal newlines (LF, CRLF, lone CR) and a UTF-8 BOM
at the start of a file is dropped, as the Python reader (lake_jobs.readers.split_records) does.

Bytes that are not UTF-8 are kept: the line's bytes are the original ones, so ``bad_utf8`` compares them
with their decode/encode round trip, and ``raw_base64`` holds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

LINE, PATH, START, LINE_ID = "_line", "_path", "_split_start", "_line_id"
"""Columns of :func:`scan`: the line (original bytes), file URI, byte offset of its split, row id."""
WHITESPACE = r"[\s\p{Z}\x1c-\x1f\x85]"
"""What Python's `str.strip()` removes (Java's `\\s` alone is ASCII only)."""
ENCODING_ERROR, ENCODING_DETAIL = "parse:encoding", "bytes that are not UTF-8"
_GZIP_MAGIC = "1F8B"


def scan(spark: SparkSession, paths: Sequence[str], keep: Column | None = None) -> DataFrame:
    """The lines of `paths` (only those where `keep` holds, when given), with PATH, START and LINE_ID."""
    lines = (
        spark.read.format("text")
        .option("recursiveFileLookup", "true")  # also: no partition columns inferred from key=value folders
        .load(list(paths))
        .select(
            F.col("value").alias(LINE),
            F.col("_metadata.file_path").alias(PATH),
            F.col("_metadata.file_block_start").alias(START),
        )
    )
    if keep is not None:
        lines = lines.where(keep)
    return lines.withColumn(LINE_ID, F.monotonically_increasing_id())


def is_blank(line: Column) -> Column:
    return line.rlike(f"^{WHITESPACE}*$")


def bad_utf8(line: Column) -> Column:
    return F.encode(line, "UTF-8") != line.cast("binary")


@dataclass(frozen=True)
class SplitStat:
    path: str
    start: int
    lines: int
    first_id: int
    first_line: str | None
    """The split's first line (or first non-blank one, see split_stats), as text."""
    first_bad: bool
    gzip: bool
    """The split's first line starts with the gzip magic bytes."""
    complex: bool
    """Some line matched `complex` (see split_stats): the file needs the Python reader."""


def split_stats(
    lines: DataFrame, first_of: Column | None = None, complex: Column | None = None
) -> list[SplitStat]:
    """One pass over `lines` (from :func:`scan`): per split its line count, first row id, first line (the
    first where `first_of` holds, when given) and whether any line matched `complex`."""
    order = F.col(LINE_ID) if first_of is None else F.when(first_of, F.col(LINE_ID))
    first = F.min_by(F.col(LINE), order)
    magic = F.hex(F.substring(F.col(LINE).cast("binary"), 1, 2))
    rows = (
        lines.groupBy(PATH, START)
        .agg(
            F.count("*").alias("n"),
            F.min(LINE_ID).alias("first_id"),
            first.alias("first_line"),
            F.min_by(bad_utf8(F.col(LINE)), order).alias("first_bad"),
            (F.min_by(magic, F.col(LINE_ID)) == _GZIP_MAGIC).alias("gzip"),
            F.max(complex if complex is not None else F.lit(False)).alias("complex"),
        )
        .collect()
    )
    return [
        SplitStat(
            path=r[PATH],
            start=r[START],
            lines=r["n"],
            first_id=r["first_id"],
            first_line=r["first_line"],
            first_bad=bool(r["first_bad"]),
            gzip=bool(r["gzip"]),
            complex=bool(r["complex"]),
        )
        for r in rows
    ]


def by_file(stats: list[SplitStat]) -> dict[str, list[SplitStat]]:
    """Splits grouped by file, in file order."""
    files: dict[str, list[SplitStat]] = {}
    for s in stats:
        files.setdefault(s.path, []).append(s)
    return {p: sorted(ss, key=lambda s: s.start) for p, ss in files.items()}


def line_offsets(splits: list[SplitStat]) -> list[tuple[int, int]]:
    """(split start, number to add to LINE_ID to get the line's 1-based number in its file) per split."""
    out, before = [], 0
    for s in splits:
        out.append((s.start, before - s.first_id + 1))
        before += s.lines
    return out


def text_columns(line: Column) -> dict[str, Column]:
    """`raw_text` (U+FFFD for bytes that are not UTF-8) and `raw_base64` (the bytes, only when not UTF-8)."""
    bad = bad_utf8(line)
    return {
        "raw_text": F.when(bad, F.decode(F.encode(line, "UTF-8"), "UTF-8")).otherwise(line),
        "raw_base64": F.when(bad, F.base64(line.cast("binary"))),
    }
