"""X (Twitter): the API v2 search, or the opt-in browser with the user's own session
(docs/platforms.md, "X (Twitter)")."""

from __future__ import annotations

import re

from benchmarks.platforms.base import Platform, handle_rule

_SCREEN_NAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")


def normalize_x_handle(value: str) -> str | None:
    """An X screen name without '@' (1-15 letters, digits, '_'); None when malformed.

    Screen names are case-insensitive on X; the case given is kept for display."""
    value = value.strip().removeprefix("@")
    return value if _SCREEN_NAME.match(value) else None


SPEC = Platform(
    id="x", label="X",
    defaults={
        "base_url": "https://api.x.com",
        # Full-archive search (/2/tweets/search/all) needs a Pro plan; recent search reaches
        # back 7 days. The window a plan allows is read from X's error answers, never assumed.
        "search_path": "/2/tweets/search/recent",
        # "browser": the opt-in spider that drives Chromium with the user's own exported
        # session (a Playwright storage-state file named by storage_state_env) instead.
        "collect": "api",
        "web_url": "https://x.com",
        # A slow, human pace between scrolls, and a cap on scrolls per page.
        "scroll_pause_seconds": 2.5,
        "max_scrolls": 40,
        # The Basic plan allows a few requests per 15 minutes on some endpoints; the
        # x-rate-limit-* headers pause the crawl when a budget is spent, so go slowly.
        "requests_per_second": 0.5,
        "concurrency": 1,
    },
    handle=handle_rule(normalize_x_handle,
                       "an X screen name like 'AcmeAir' (1-15 letters, digits or '_')"),
    secrets={"bearer_token": "X_BEARER_TOKEN"},
    choices={"collect": ("api", "browser")},
    incremental=True,
    browser_spider="x_browser",
    browser_secrets={"storage_state": "X_STORAGE_STATE"},
)
