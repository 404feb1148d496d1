"""Mastodon: each account's home instance, read anonymously or with a token (docs/platforms.md,
"Bluesky and Mastodon")."""

from __future__ import annotations

import re

from benchmarks.platforms.base import DOMAIN_LABEL, Platform, handle_rule

_USER = re.compile(r"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$")


def normalize_mastodon_handle(value: str) -> str | None:
    """A Mastodon account as 'user@instance.domain' without the leading '@'; None if malformed."""
    value = value.strip().removeprefix("@")
    user, sep, domain = value.partition("@")
    if not sep or not _USER.match(user):
        return None
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL.match(label) for label in labels):
        return None
    return f"{user}@{domain}"


SPEC = Platform(
    id="mastodon", label="Mastodon",
    defaults={
        "base_url": "",
        "token_instance": "",
        # Mastodon's default limit is 300 requests per 5 minutes per IP: 1 per second.
        "requests_per_second": 1.0,
        "concurrency": 2,
    },
    handle=handle_rule(normalize_mastodon_handle,
                       "a Mastodon account like 'acme@mastodon.social'"),
    secrets={"access_token": "MASTODON_ACCESS_TOKEN"},
    incremental=True,
    mentions_by_user_part=True,  # '@user' in text, without the instance
)
