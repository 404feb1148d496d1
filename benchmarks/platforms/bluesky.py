"""Bluesky: the public AppView API, optionally logged in (docs/platforms.md, "Bluesky and
Mastodon")."""

from __future__ import annotations

import re

from benchmarks.platforms.base import DOMAIN_LABEL, Platform, handle_rule

_DID = re.compile(r"^did:(plc|web):[A-Za-z0-9._:%-]+$")


def normalize_bluesky_handle(value: str) -> str | None:
    """A Bluesky handle (domain) or DID, lower-cased without '@'; None when malformed."""
    value = value.strip().removeprefix("@")
    if _DID.match(value):
        return value
    value = value.lower()
    labels = value.split(".")
    if len(labels) < 2 or len(value) > 253 or labels[-1].isdigit():
        return None
    return value if all(DOMAIN_LABEL.match(label) for label in labels) else None


SPEC = Platform(
    id="bluesky", label="Bluesky",
    defaults={
        "base_url": "https://public.api.bsky.app",
        "auth_url": "https://bsky.social",
        # Bluesky allows 3000 requests per 5 minutes per IP; stay well below it.
        "requests_per_second": 5.0,
        "concurrency": 4,
    },
    handle=handle_rule(normalize_bluesky_handle,
                       "a Bluesky handle like 'acme.bsky.social' or a DID"),
    secrets={"identifier": "BLUESKY_IDENTIFIER", "password": "BLUESKY_APP_PASSWORD"},
    incremental=True,
)
