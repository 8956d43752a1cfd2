"""Product mentions: which catalog products a text names, as a Spark Column (no Python UDF).

A product is mentioned when its full name occurs in the text, case-insensitive, as whole words, with any
whitespace (or none, as in a hashtag: "#NimbusSmartWatch") between the name's words and an optional plural
"s"/"es" at the end ("Trail Runner Shoes", "two Volt Power Banks").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyspark.sql import Column
from pyspark.sql import functions as F


def name_pattern(name: str) -> str:
    """The Java regular expression that finds `name` in a text."""
    words = [re.escape(w) for w in name.lower().split()]
    return r"(?i)(?<![\p{L}\p{N}])" + r"\s*".join(words) + r"(?:e?s)?(?![\p{L}\p{N}])"


def product_mentions(text: Column, products: Iterable[tuple[str, str]]) -> Column:
    """Ids of the catalog products (`(id, name)` pairs) whose names `text` mentions, in catalog order; an
    empty array when none, null for a null text."""
    hits = [F.when(text.rlike(name_pattern(name)), F.lit(pid)) for pid, name in products]
    found = F.array_compact(F.array(*hits)) if hits else F.array().cast("array<string>")
    return F.when(text.isNull(), F.lit(None).cast("array<string>")).otherwise(found)
