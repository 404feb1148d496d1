"""Discourse forums: each brand's forum URL, its staff groups and categories (docs/platforms.md,
"Discourse")."""

from __future__ import annotations

import re

from benchmarks.platforms.base import Platform, handle_rule, table_entry

_FORUM_URL = re.compile(r"^https?://([a-z0-9.-]+(:\d+)?)(/[A-Za-z0-9._~%/-]*)?$")
_CATEGORY = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*/\d+$")
_GROUP = re.compile(r"^[A-Za-z0-9_.-]+$")


def normalize_forum_url(value: str) -> str | None:
    """A forum's base URL (a subfolder install keeps its path) without a trailing '/' or
    a page path like '/latest'; None when it is not an http(s) URL."""
    value = value.strip().rstrip("/")
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    host, _, path = rest.partition("/")
    value = f"{scheme.lower()}://{host.lower()}" + (f"/{path}" if path else "")
    value = re.sub(r"/(latest|top|categories)(\.json)?$", "", value)
    return value if _FORUM_URL.match(value) else None


SPEC = Platform(
    id="discourse", label="Discourse",
    defaults={
        "base_url": "",  # empty: each forum's own URL; set: requests go to base_url/<forum host>
        # Discourse's default anonymous limits are 200 requests a minute and 50 per 10 seconds
        # per IP; one a second stays far below both on any forum, however it is tuned.
        "requests_per_second": 1.0,
        "concurrency": 1,
    },
    handle=handle_rule(normalize_forum_url, "a forum URL like 'https://community.acme.com'"),
    # `discourse = [urls]` or `{ forums = [...], staff_groups = [...], categories = [...] }`.
    entry=table_entry("forums", {
        "staff_groups": (_GROUP, "a Discourse group name like 'support'"),
        "categories": (_CATEGORY,
                       "a category path with its id, as in the forum's URL: 'support/5'"),
    }),
    incremental=True,
)
