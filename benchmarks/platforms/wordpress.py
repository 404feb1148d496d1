"""WordPress blogs: comments on a brand's own posts (docs/platforms.md, "WordPress blogs")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from benchmarks.platforms.base import Entry, Platform, handle_rule

if TYPE_CHECKING:
    from benchmarks.validation import Validator

_SITE_URL = re.compile(r"^https?://[a-z0-9.-]+(:\d+)?(/[^\s?#]*)?$")


def normalize_site_url(value: str) -> str | None:
    """A site URL (scheme, lower-case host, optional path) without a trailing '/'."""
    value = value.strip().rstrip("/")
    scheme, sep, rest = value.partition("://")
    value = f"{scheme.lower()}{sep}{rest.split('/', 1)[0].lower()}" + (
        f"/{rest.split('/', 1)[1]}" if "/" in rest else "")
    return value if _SITE_URL.match(value) else None


def read_wordpress_entry(v: Validator, value: Any, key: str, platform: str) -> Entry:
    """`wordpress = [sites]`, or `wordpress = { sites = [...], staff = ["Acme Team"] }`:
    staff are the names the brand comments under without a site login."""
    if not isinstance(value, dict):
        return Entry(v.handle_list(value, key, platform), {"staff": ()},
                     value if isinstance(value, list) else None)
    v.only_keys(value, f"{key}.", {"sites", "staff"})
    staff = value.get("staff", [])
    if not isinstance(staff, list) or not all(isinstance(s, str) and s.strip() for s in staff):
        raise v.fail(f"{key}.staff", "a list of comment author names like ['Acme Team']", staff)
    sites = value.get("sites", [])
    return Entry(v.handle_list(sites, key, platform), {"staff": tuple(s.strip() for s in staff)},
                 sites if isinstance(sites, list) else None)


SPEC = Platform(
    id="wordpress", label="WordPress blogs",
    defaults={
        # No base_url: each brand's blog URL is in its [[brands]] entry.
        # Brand blogs are small servers, often shared hosting: one request per second, one
        # at a time, is what a careful reader would do.
        "requests_per_second": 1.0,
        "concurrency": 1,
    },
    handle=handle_rule(normalize_site_url, "a WordPress site URL like 'https://blog.acme.com'"),
    entry=read_wordpress_entry,
    incremental=True,
)
