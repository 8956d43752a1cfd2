"""Lexicon sentiment of short multilingual texts, as Spark Column expressions (no Python UDF).

Method (a small VADER-like scorer): the text is lower-cased and split into word tokens; each token found in
the lexicon of the post's language (`en`, `es`, `de`, `fr`, `it`, `pt`; any other or missing language uses
all lexicons merged) adds its valence; a negator among the two tokens before it ("not good", "nicht gut",
"no es bueno", "pas bon") flips and damps it (x -0.75); positive and negative emoji add +/-1.5 each. The sum
`s` is squashed into [-1, 1] with `s / sqrt(s^2 + 15)` and rounded to 4 decimals. The label is `positive`
from 0.05, `negative` up to -0.05, else `neutral`.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

NEGATION_FACTOR = -0.75
NORMALIZATION_ALPHA = 15.0
LABEL_THRESHOLD = 0.05
EMOJI_VALENCE = 1.5

# Valence per word, -3 (very negative) .. 3 (very positive). Inflected forms are listed where a language
# inflects adjectives, because the scorer does no stemming.
LEXICONS: dict[str, dict[str, float]] = {
    "en": {
        "good": 2, "great": 3, "excellent": 3, "amazing": 3, "awesome": 3, "love": 3, "loved": 3, "loving": 3,
        "like": 1, "liked": 1, "nice": 2, "perfect": 3, "best": 3, "happy": 2, "fantastic": 3, "wonderful": 3,
        "recommend": 2, "recommended": 2, "beautiful": 2, "comfortable": 2, "fast": 1, "worth": 2, "glad": 2,
        "brilliant": 3, "thank": 2, "thanks": 2, "superb": 3, "favorite": 2, "favourite": 2,
        "bad": -2, "terrible": -3, "awful": -3, "horrible": -3, "hate": -3, "hated": -3, "worst": -3,
        "poor": -2, "broken": -2, "broke": -2, "disappointed": -2, "disappointing": -2, "useless": -3,
        "slow": -1, "refund": -1, "waste": -2, "problem": -1,
        "fail": -2, "failed": -2, "ugly": -2, "sad": -2, "annoying": -2, "scam": -3, "late": -1,
        "damaged": -2, "overpriced": -2, "forever": -1, "defective": -2,
    },
    "es": {
        "bueno": 2, "buena": 2, "buenos": 2, "buenas": 2, "excelente": 3, "genial": 3, "increíble": 3,
        "encanta": 3, "encantó": 3, "amo": 3, "gusta": 1, "gustó": 1, "perfecto": 3, "perfecta": 3,
        "mejor": 2, "feliz": 2, "recomiendo": 2, "bonito": 2, "bonita": 2, "cómodo": 2, "cómoda": 2,
        "rápido": 1, "maravilloso": 3, "maravillosa": 3, "recomendable": 2,
        "malo": -2, "mala": -2, "malos": -2, "malas": -2, "terrible": -3, "horrible": -3, "odio": -3,
        "peor": -3, "pésimo": -3, "pésima": -3, "roto": -2, "rota": -2, "decepcionado": -2,
        "decepcionada": -2, "decepción": -2, "inútil": -3, "lento": -1, "lenta": -1, "devolución": -1,
        "estafa": -3, "problema": -1, "feo": -2, "fea": -2, "triste": -2, "caro": -1, "cara": -1,
    },
    "de": {
        "gut": 2, "gute": 2, "guter": 2, "gutes": 2, "guten": 2, "super": 3, "toll": 3, "tolle": 3,
        "toller": 3, "tolles": 3, "großartig": 3, "ausgezeichnet": 3, "liebe": 3, "perfekt": 3,
        "empfehlen": 2, "empfehlenswert": 2, "schön": 2, "schöne": 2, "schönes": 2, "bequem": 2,
        "zufrieden": 2, "glücklich": 2, "schnell": 1, "klasse": 3, "prima": 2, "wunderbar": 3,
        "schlecht": -2, "schlechte": -2, "schlechter": -2, "schlechtes": -2, "schrecklich": -3,
        "furchtbar": -3, "hasse": -3, "kaputt": -2, "enttäuscht": -2, "enttäuschend": -2, "nutzlos": -3,
        "langsam": -1, "mist": -2, "schlimm": -2, "ärgerlich": -2, "betrug": -3, "problem": -1,
        "rückgabe": -1, "hässlich": -2, "traurig": -2, "teuer": -1,
    },
    "fr": {
        "bon": 2, "bonne": 2, "bons": 2, "bonnes": 2, "excellent": 3, "excellente": 3, "génial": 3,
        "géniale": 3, "super": 3, "adore": 3, "aime": 2, "parfait": 3, "parfaite": 3, "meilleur": 3,
        "meilleure": 3, "heureux": 2, "heureuse": 2, "recommande": 2, "beau": 2, "belle": 2, "top": 2,
        "confortable": 2, "rapide": 1, "magnifique": 3, "terrible": 2, "content": 2, "contente": 2,
        "mauvais": -2, "mauvaise": -2, "horrible": -3, "affreux": -3, "déteste": -3, "pire": -3,
        "nul": -3, "nulle": -3, "cassé": -2, "cassée": -2, "déçu": -2, "déçue": -2, "décevant": -2,
        "inutile": -3, "lent": -1, "lente": -1, "arnaque": -3, "problème": -1, "remboursement": -1,
        "moche": -2, "triste": -2, "cher": -1, "chère": -1,
    },
    "it": {
        "buono": 2, "buona": 2, "ottimo": 3, "ottima": 3, "bello": 2, "bella": 2, "perfetto": 3,
        "perfetta": 3, "adoro": 3, "fantastico": 3, "consiglio": 2, "felice": 2,
        "cattivo": -2, "pessimo": -3, "pessima": -3, "terribile": -3, "orribile": -3, "rotto": -2,
        "deluso": -2, "delusa": -2, "inutile": -3, "lento": -1, "truffa": -3, "brutto": -2, "brutta": -2,
    },
    "pt": {
        "bom": 2, "boa": 2, "amei": 3, "ótimo": 3, "ótima": 3, "excelente": 3, "adorei": 3, "amo": 3,
        "perfeito": 3, "perfeita": 3, "lindo": 2, "linda": 2, "recomendo": 2, "feliz": 2,
        "ruim": -2, "quebrou": -2, "péssimo": -3, "péssima": -3, "horrível": -3, "odeio": -3, "quebrado": -2,
        "decepcionado": -2, "decepcionada": -2, "inútil": -3, "lento": -1, "golpe": -3, "feio": -2,
    },
}  # fmt: skip

# Tokens that negate the next two tokens, in any language (a token ending in "n't" negates too).
NEGATORS = frozenset(
    {
        "not", "no", "never", "none", "nothing", "hardly", "without", "cannot", "neither", "nor",
        "nunca", "jamás", "nada", "ni", "sin", "tampoco",
        "nicht", "kein", "keine", "keiner", "keinen", "nie", "niemals", "ohne",
        "pas", "jamais", "rien", "aucun", "aucune", "sans",
        "non", "mai", "senza",
        "não", "nem",
    }
)  # fmt: skip

POSITIVE_EMOJI = "😀😃😄😁😊😍🥰😘👍👏🙌💯🔥❤💕💖⭐🤩😎"
NEGATIVE_EMOJI = "😞😠😡🤬😢😭👎💔😤🙄🤮😒😫"

ANY_LANGUAGE = "*"


def _merged_lexicon() -> dict[str, float]:
    """All lexicons together for posts of another or unknown language; a word whose valence differs in sign
    between languages (French "terrible") is left out."""
    merged: dict[str, float] = {}
    conflicting: set[str] = set()
    for lexicon in LEXICONS.values():
        for word, value in lexicon.items():
            if word in merged and (merged[word] > 0) != (value > 0):
                conflicting.add(word)
            merged.setdefault(word, value)
    return {w: v for w, v in merged.items() if w not in conflicting}


def _lexicon_map() -> Column:
    """One map literal keyed `<lang>:<word>` (and `*:<word>` for the merged lexicon)."""
    entries: list[Column] = []
    tables = {**LEXICONS, ANY_LANGUAGE: _merged_lexicon()}
    for lang, lexicon in tables.items():
        for word, value in lexicon.items():
            entries += [F.lit(f"{lang}:{word}"), F.lit(float(value))]
    return F.create_map(*entries)


ELISION = r"^(?:qu|[cdjlmnst])'"
"""French/Italian elided articles and pronouns (j'adore, l'ottimo, c'est), removed from the token's start."""


def tokens(text: Column) -> Column:
    """Lower-cased word tokens (letters, digits, apostrophes) of `text`, without a leading elision; empty
    tokens removed. English contractions stay whole ("don't", "isn't"), so that they can negate."""
    normalized = F.regexp_replace(F.lower(text), "[’`´]", "'")
    words = F.transform(F.split(normalized, r"[^\p{L}\p{N}']+"), lambda t: F.regexp_replace(t, ELISION, ""))
    return F.filter(words, lambda t: t != "")


def _is_negator(token: Column) -> Column:
    return token.isin(*sorted(NEGATORS)) | token.endswith("n't")


def _score(toks: Column, text: Column, lang: Column) -> Column:
    """Sentiment of `text` whose tokens are the array column `toks` (a column, not an expression: each token
    looks back at the two before it)."""
    lexicon = _lexicon_map()
    prefix = F.when(lang.isin(*LEXICONS.keys()), lang).otherwise(F.lit(ANY_LANGUAGE))
    # a hash-set test first (Spark's InSet): most tokens are in no lexicon, and the map literal is searched
    # key by key
    known = sorted({w for lexicon_words in LEXICONS.values() for w in lexicon_words})

    def valence(token: Column, i: Column) -> Column:
        found = F.element_at(lexicon, F.concat(prefix, F.lit(":"), token))
        value = F.when(token.isin(*known), F.coalesce(found, F.lit(0.0))).otherwise(F.lit(0.0))
        negated = (F.when(i >= 1, _is_negator(toks[i - 1])).otherwise(False)) | (
            F.when(i >= 2, _is_negator(toks[i - 2])).otherwise(False)
        )
        return F.when(negated, value * NEGATION_FACTOR).otherwise(value)

    words = F.aggregate(F.transform(toks, valence), F.lit(0.0), lambda acc, v: acc + v)
    positive = F.regexp_count(text, F.lit(f"[{POSITIVE_EMOJI}]"))
    negative = F.regexp_count(text, F.lit(f"[{NEGATIVE_EMOJI}]"))
    total = words + (positive - negative) * EMOJI_VALENCE
    score = F.round(total / F.sqrt(total * total + NORMALIZATION_ALPHA), 4)
    return F.when(text.isNull(), F.lit(None).cast("double")).otherwise(score)


_TOKENS = "_sentiment_tokens"


def with_sentiment(df: DataFrame, text: str, lang: str, score: str, label: str) -> DataFrame:
    """`df` plus the columns `score` (sentiment in [-1, 1], see the module doc; 0.0 without sentiment words,
    null for a null text) and `label`. Tokens are materialized in their own projection first, so that Spark
    does not re-tokenize the text for every token it looks back from."""
    staged = df.select("*", tokens(F.col(text)).alias(_TOKENS))
    scored = staged.select("*", _score(F.col(_TOKENS), F.col(text), F.col(lang)).alias(score)).drop(_TOKENS)
    return scored.select("*", sentiment_label(F.col(score)).alias(label))


def sentiment_label(score: Column) -> Column:
    return (
        F.when(score >= LABEL_THRESHOLD, F.lit("positive"))
        .when(score <= -LABEL_THRESHOLD, F.lit("negative"))
        .when(score.isNotNull(), F.lit("neutral"))
    )
