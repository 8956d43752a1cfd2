"""social_posts: JSON Lines and array files, flattening, malformed records, sentiment, product mentions."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.testing import assertDataFrameEqual

from lake_jobs import quality
from lake_jobs.contracts import load_contracts
from lake_jobs.datasets import social_posts
from lake_jobs.job import check


def _post(post_id: str, text: str, lang: str | None, **extra: object) -> dict:
    post = {
        "post_id": post_id,
        "platform": "twitter",
        "created_at": "2026-10-10T22:30:00-02:00",
        "text": text,
        "lang": lang,
        "user": {"id": f"u-{post_id}", "handle": f"fan_{post_id}", "followers": 1200, "verified": True},
        "hashtags": [],
        "mentions": [],
        "metrics": {"likes": 10, "shares": 2, "comments": 1},
        "url": f"https://twitter.example/p/{post_id}",
    }
    post.update(extra)
    return post


LINES = [
    _post("p1", "Love my new Aurora Wireless Earbuds! 😍", "en", hashtags=["#Sale", "#AuroraEarbuds", ""],
          mentions=["@shop", "@Friend"]),
    _post("p2", "El Nimbus Smart Watch no es bueno, muy decepcionado", "es", metrics={"likes": 3}),
    _post("p3", "Die Trail Runner Shoes sind nicht gut", "de"),
    _post("p4", "Ce n'est pas terrible, la Lumen Desk Lamp", "fr"),
    _post("p6", "Just arrived", None, metrics={}),
    _post("p7", "great", "en", user={"id": "u7", "followers": "many"}),
    _post("p8", "ok", "en", hashtags="sale"),
    _post("p9", "ok", "en", platform="myspace"),
    _post("p10", "ok", "en", metrics={"likes": -5, "shares": 0, "comments": 0}),
]  # fmt: skip
JSONL = (
    "\n".join(json.dumps(p, ensure_ascii=False) for p in LINES[:4])
    + (
        '\n{"post_id": "p5", "platform": "twitter", "text": "trunc\n'  # line 5: a truncated JSON line
        + "\n".join(json.dumps(p, ensure_ascii=False) for p in LINES[4:])
        + "\n"
    )
)
ARRAY_FILE = json.dumps(
    [_post("a1", "I hate the Summit Yoga Mat", "en"), _post("a2", "Harbor Denim Jacket 👍", None)], indent=2
)
BAD_BYTES = json.dumps(_post("e1", "caf\u00e9", "fr")).encode().replace(b"caf\\u00e9", b"caf\xe9")


FILES = {
    "social_posts/ingest_date=2026-10-11/batch=b1/posts.jsonl": JSONL.encode(),
    "social_posts/ingest_date=2026-10-11/batch=b1/posts.json": ARRAY_FILE.encode(),
    "social_posts/ingest_date=2026-10-11/batch=b2/latin1.jsonl": BAD_BYTES,
}


@pytest.fixture()
def records(records_of) -> DataFrame:
    return records_of("json", FILES)


@pytest.fixture()
def parsed(records: DataFrame) -> DataFrame:
    return social_posts.parse(records)


@pytest.fixture()
def validated(records: DataFrame) -> tuple[DataFrame, DataFrame]:
    return quality.split(check(records, social_posts, load_contracts().table("social_posts")))


def test_parse_flattens_by_raw_name_and_normalizes_tags(spark: SparkSession, parsed: DataFrame) -> None:
    cols = ["post_id", "created_at", "user_id", "user_handle", "user_followers", "user_verified", "hashtags",
            "mentions", "likes", "shares", "comments", "parse_error"]  # fmt: skip
    actual = parsed.where("post_id in ('p1', 'p2', 'a2')").select(*cols)
    expected = [
        ("p1", "2026-10-10T22:30:00-02:00", "u-p1", "fan_p1", "1200", "true", '["sale","auroraearbuds"]',
         '["shop","Friend"]', "10", "2", "1", None),
        ("p2", "2026-10-10T22:30:00-02:00", "u-p2", "fan_p2", "1200", "true", "[]", "[]", "3", None, None,
         None),
        ("a2", "2026-10-10T22:30:00-02:00", "u-a2", "fan_a2", "1200", "true", "[]", "[]", "10", "2", "1",
         None),
    ]  # fmt: skip
    assertDataFrameEqual(actual, spark.createDataFrame(expected, actual.schema))


def test_every_record_is_kept_one_row_each(parsed: DataFrame) -> None:
    counts = {
        r.source_file.rsplit("/", 1)[-1]: r["count"] for r in parsed.groupBy("source_file").count().collect()
    }
    assert counts == {"posts.jsonl": 10, "posts.json": 2, "latin1.jsonl": 1}
    non_utf8 = parsed.where("source_file like '%latin1.jsonl'").first()
    assert (non_utf8.reader_error, non_utf8.raw_base64 is not None) == ("parse:encoding", True)


def test_malformed_posts_are_quarantined_with_their_reason(validated: tuple[DataFrame, DataFrame]) -> None:
    _, quarantined = validated
    assertDataFrameEqual(
        quarantined.select("record_no", "post_id", "reason"),
        [
            (1, "e1", "parse:encoding"),
            (5, None, "parse:json"),
            (7, "p7", "type:user_followers"),
            (8, "p8", "type:hashtags"),
            (10, "p10", "min:likes"),
        ],  # fmt: skip
    )


def test_a_post_from_an_unlisted_platform_is_kept_and_names_it(
    validated: tuple[DataFrame, DataFrame],
) -> None:
    valid, _ = validated
    assertDataFrameEqual(
        valid.where("size(unlisted) > 0").select("post_id", "platform", "unlisted"),
        [("p9", "myspace", [("platform", "myspace")])],
    )


def test_enrich_scores_sentiment_and_finds_products(
    spark: SparkSession, validated: tuple[DataFrame, DataFrame]
) -> None:
    valid, _ = validated
    enriched = social_posts.enrich(valid, load_contracts().reference)
    cols = ["post_id", "created_at", "hashtags", "engagement", "sentiment_score", "sentiment_label",
            "product_ids", "post_date"]  # fmt: skip
    created = datetime(2026, 10, 11, 0, 30)
    day = date(2026, 10, 11)
    expected = [
        # love +3, 😍 +1.5 = 4.5 -> 4.5 / sqrt(4.5^2 + 15)
        ("p1", created, ["sale", "auroraearbuds"], 13, 0.7579, "positive", ["P-1001"], day),
        # "no es bueno": +2 x -0.75; decepcionado -2: -3.5
        ("p2", created, [], 3, -0.6705, "negative", ["P-1002"], day),
        # "nicht gut": -1.5
        ("p3", created, [], 13, -0.3612, "negative", ["P-2001"], day),
        # French "terrible" is positive slang (+2), negated by "pas": -1.5
        ("p4", created, [], 13, -0.3612, "negative", ["P-4003"], day),
        ("p6", created, [], None, 0.0, "neutral", [], day),
        # an unlisted platform is kept; "ok" is in no lexicon
        ("p9", created, [], 13, 0.0, "neutral", [], day),
        ("a1", created, [], 13, -0.6124, "negative", ["P-2002"], day),
        # no language: the merged lexicons; 👍 +1.5
        ("a2", created, [], 13, 0.3612, "positive", ["P-3002"], day),
    ]
    actual = enriched.select(*cols)
    assertDataFrameEqual(actual, spark.createDataFrame(expected, actual.schema))


@pytest.mark.parametrize(
    ("text", "lang", "products"),
    [
        ("two #VoltPowerBank and the Cedar cutting boards", "en", ["P-1003", "P-4002"]),
        ("VOLT POWER BANKS!!", "en", ["P-1003"]),
        ("revolt power bank", "en", []),
        ("Atlas Travel Backpack + Drift Packing Cubes", "en", ["P-5001", "P-5002"]),
    ],
)
def test_product_mentions(spark: SparkSession, text: str, lang: str, products: list[str]) -> None:
    from lake_jobs.text.products import product_mentions

    ref = load_contracts().reference
    df = spark.createDataFrame([(text,)], "t string")
    assert df.select(product_mentions(df["t"], [(p.id, p.name) for p in ref.products])).first()[0] == products


def test_sentiment_labels_across_languages(spark: SparkSession) -> None:
    from lake_jobs.text.sentiment import with_sentiment

    cases = [
        ("J'adore mon nouveau sac ! Excellente qualité", "fr", "positive"),
        ("Le sac est nul et trop cher", "fr", "negative"),
        ("Die Lampe ist nicht schlecht", "de", "positive"),
        ("Sehr enttäuscht, kaputt nach zwei Wochen", "de", "negative"),
        ("No me gusta nada", "es", "negative"),
        ("Muy recomendable 👍", "es", "positive"),
        ("I don't love it", "en", "negative"),
        ("Not bad at all", "en", "positive"),
        ("Shipping took forever. Not ordering again", "en", "negative"),
        ("Has anyone tried it? Thinking about it", "en", "neutral"),
        ("Il mio zaino si è rotto. Deluso", "it", "negative"),
        ("Amei meu novo relógio! Ótima qualidade", "pt", "positive"),
        ("terrible", None, "neutral"),  # negative in English, positive slang in French: left out when unknown
    ]
    df = spark.createDataFrame(cases, "text string, lang string, expected string")
    actual = with_sentiment(df.drop("expected"), "text", "lang", "score", "expected").drop("score")
    assertDataFrameEqual(actual, df)
