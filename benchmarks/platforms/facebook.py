"""Facebook Pages: a Page's posts and comments through the Graph API (docs/platforms.md,
"Facebook Pages")."""

from __future__ import annotations

import re

from benchmarks.platforms.base import Platform, handle_rule

_PAGE = re.compile(r"^(\d{5,20}|[A-Za-z0-9.]{5,50})$")


def normalize_facebook_page(value: str) -> str | None:
    """A Facebook Page's numeric id or username (what follows facebook.com/)."""
    value = value.strip().removeprefix("https://www.facebook.com/").strip("/")
    return value if _PAGE.match(value) else None


SPEC = Platform(
    id="facebook", label="Facebook Pages",
    defaults={
        "base_url": "https://graph.facebook.com/v23.0",
        # Graph API limits are a share of an hourly budget (x-app-usage, x-page-usage): go
        # slowly, and pause this long once a usage header nears 100 %.
        "usage_pause_seconds": 300,
        "requests_per_second": 1.0,
        "concurrency": 2,
    },
    handle=handle_rule(normalize_facebook_page,
                       "a Facebook Page id like '104958162837' or username"),
    secrets={"access_token": "FACEBOOK_ACCESS_TOKEN"},
    incremental=True,
)
