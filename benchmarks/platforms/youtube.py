"""YouTube: comment threads on a channel's videos through the Data API (docs/platforms.md,
"YouTube")."""

from __future__ import annotations

import re

from benchmarks.platforms.base import Platform, handle_rule

_HANDLE = re.compile(r"^@[A-Za-z0-9._-]{3,30}$")
_CHANNEL = re.compile(r"^UC[A-Za-z0-9_-]{22}$")


def normalize_youtube_handle(value: str) -> str | None:
    """A YouTube channel as '@handle' (lower-cased) or its 'UC…' channel id; None if malformed."""
    value = value.strip()
    if _CHANNEL.match(value):
        return value
    value = "@" + value.removeprefix("@")
    return value.lower() if _HANDLE.match(value) else None


SPEC = Platform(
    id="youtube", label="YouTube",
    defaults={
        "base_url": "https://www.googleapis.com",
        # The Data API grants 10,000 quota units a day per project; one run never spends more
        # than this (every list call used here costs 1 unit).
        "quota_units": 10000,
        # The API limits units, not rate; 2 requests per second keeps a crawl gentle.
        "requests_per_second": 2.0,
        "concurrency": 2,
    },
    handle=handle_rule(normalize_youtube_handle,
                       "a YouTube channel handle like '@AcmeAir' or a channel id like 'UC…'"),
    secrets={"api_key": "YOUTUBE_API_KEY"},
    incremental=True,
)
