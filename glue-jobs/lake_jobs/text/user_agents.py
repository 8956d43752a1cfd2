"""User-agent classification as Spark Column expressions (built-in regex functions, no Python UDF).

`is_bot` is true for crawlers, uptime monitors, link-preview fetchers, HTTP libraries and command-line
clients, and for a missing user agent (browsers always send one; scripts often send none). `device_type` is
`bot` for those, else `tablet`, `mobile`, `desktop` or `other` from the usual platform tokens.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

# Case-insensitive Java regular expressions, matched anywhere in the user agent.
BOT_PATTERN = "(?i)" + "|".join(
    [
        # search engines and crawlers
        r"bot\b",
        "crawl",
        "spider",
        "slurp",
        "archiver",
        "scrapy",
        "facebookexternalhit",
        "feedfetcher",
        "mediapartners",
        "bingpreview",
        # monitors and auditors
        "pingdom",
        "uptimerobot",
        "statuscake",
        "site24x7",
        "newrelic",
        "datadog",
        "nagios",
        "zabbix",
        "check_http",
        "monitor",
        "lighthouse",
        "headlesschrome",
        "phantomjs",
        # scripts, libraries and command-line clients
        r"^curl/",
        r"^wget/",
        "python-requests",
        "python-urllib",
        "python-httpx",
        "aiohttp",
        "go-http-client",
        r"^java/",
        "okhttp",
        "libwww-perl",
        "apache-httpclient",
        "node-fetch",
        r"^axios/",
        "postmanruntime",
        "insomnia",
        "httpie",
        r"^ruby",
        r"^php/",
    ]
)
TABLET_PATTERN = r"(?i)ipad|tablet|kindle|silk/|playbook|android(?!.*mobile)"
MOBILE_PATTERN = r"(?i)mobi|iphone|ipod|android|windows phone|blackberry|opera mini"
DESKTOP_PATTERN = r"(?i)windows nt|macintosh|mac os x|x11|linux|cros"


def is_bot(user_agent: Column) -> Column:
    """True for automated clients and for a missing user agent."""
    return F.coalesce(user_agent.rlike(BOT_PATTERN), F.lit(True))


def device_type(user_agent: Column, bot: Column | None = None) -> Column:
    """`bot`, `tablet`, `mobile`, `desktop` or `other` (tablet is tested before mobile: iPads and Android
    tablets also carry mobile-looking tokens). `bot`: an already computed `is_bot` column, if there is one."""
    return (
        F.when(is_bot(user_agent) if bot is None else bot, F.lit("bot"))
        .when(user_agent.rlike(TABLET_PATTERN), F.lit("tablet"))
        .when(user_agent.rlike(MOBILE_PATTERN), F.lit("mobile"))
        .when(user_agent.rlike(DESKTOP_PATTERN), F.lit("desktop"))
        .otherwise(F.lit("other"))
    )
