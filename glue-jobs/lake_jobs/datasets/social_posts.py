"""social_posts: JSON posts (JSON Lines, or JSON array files that the reader splits into elements).

``parse`` flattens each post by the contract's ``rawName`` paths (``user.id`` -> ``user_id``,
``metrics.likes`` -> ``likes``, ...); every value stays a string for the quality step to cast, so a wrong
type is ``type:<col>``. A record that is not one JSON object (a truncated line, for instance) is
``parse:json``. Hashtags are lower-cased without ``#``, mentions lose their ``@``; empty items are dropped.

``enrich`` adds ``engagement`` (likes + shares + comments, a missing count counting 0; null when all three
are missing), ``sentiment_score``/``sentiment_label`` (lake_jobs.text.sentiment: a small lexicon in en, es,
de, fr, it, pt with negation), ``product_ids`` (catalog products whose names the text mentions,
lake_jobs.text.products) and ``post_date`` (UTC day of ``created_at``).
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lake_jobs.contracts import load_contracts
from lake_jobs.reference import Reference
from lake_jobs.text.json_records import flatten, normalize_array
from lake_jobs.text.products import product_mentions
from lake_jobs.text.sentiment import with_sentiment

DATASET = "social_posts"


def _hashtag(tag: Column) -> Column:
    return F.lower(F.regexp_replace(F.trim(tag), "^#+", ""))


def _mention(handle: Column) -> Column:
    return F.regexp_replace(F.trim(handle), "^@+", "")


def parse(records: DataFrame) -> DataFrame:
    flat = flatten(records, load_contracts().table(DATASET).parsed_columns)
    return flat.withColumns(
        {
            "hashtags": normalize_array(flat["hashtags"], _hashtag),
            "mentions": normalize_array(flat["mentions"], _mention),
        }
    )


def enrich(valid: DataFrame, ref: Reference) -> DataFrame:
    counts = [valid["likes"], valid["shares"], valid["comments"]]
    likes, shares, comments = (F.coalesce(c, F.lit(0)) for c in counts)
    engagement = F.when(F.coalesce(*counts).isNotNull(), likes + shares + comments).cast("bigint")
    derived = valid.select(
        "*",
        engagement.alias("engagement"),
        product_mentions(valid["text"], [(p.id, p.name) for p in ref.products]).alias("product_ids"),
        F.to_date(valid["created_at"]).alias("post_date"),
    )
    return with_sentiment(derived, "text", "lang", "sentiment_score", "sentiment_label")
