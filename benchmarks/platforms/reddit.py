"""Reddit: a brand's accounts, its own subreddits and the flairs it answers under
(docs/platforms.md, "Reddit")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from benchmarks.platforms.base import Entry, Platform, handle_rule

if TYPE_CHECKING:
    from benchmarks.validation import Validator

_USER = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_USER_EXPECTED = "a Reddit username like 'AcmeHelp'"


def _clean(name: str, prefix: str) -> str:
    return name.strip().removeprefix("/").removeprefix(prefix)


def normalize_reddit_user(value: str) -> str | None:
    """A Reddit username, lower-cased, without 'u/'; None when malformed."""
    clean = _clean(value, "u/")
    return clean.lower() if _USER.match(clean) else None


def read_reddit_entry(v: Validator, value: Any, key: str, platform: str) -> Entry:
    """`{ accounts = [...], subreddits = [...], flairs = [...], moderators = false }`.

    Accounts and subreddits are lower-cased (Reddit matches both case-insensitively); a
    subreddit belongs to one brand only, since its submissions are addressed to it.
    """
    if not isinstance(value, dict):
        raise v.fail(key, "a table like { accounts = [\"AcmeHelp\"], subreddits = "
                          "[\"acme\"], flairs = [\"Official\"] }", value)
    v.only_keys(value, f"{key}.", {"accounts", "subreddits", "flairs", "moderators"})
    accounts = _names(v, value, f"{key}.accounts", _USER, "u/", _USER_EXPECTED, required=True)
    subreddits = _names(v, value, f"{key}.subreddits", _SUBREDDIT, "r/",
                        "a subreddit name like 'acmeair'")
    for j, sub in enumerate(subreddits):
        v.claim((f"{platform}/r", sub), f"{key}.subreddits[{j}]", "a subreddit", sub)
    flairs = value.get("flairs", [])
    if not isinstance(flairs, list) or not all(isinstance(f, str) and f.strip()
                                               for f in flairs):
        raise v.fail(f"{key}.flairs", "a list of flair texts like ['Official']", flairs)
    moderators = value.get("moderators", False)
    if not isinstance(moderators, bool):
        raise v.fail(f"{key}.moderators", "true or false", moderators)
    if moderators and not subreddits:
        raise v.fail(f"{key}.moderators", "subreddits to be moderators of", "no subreddits")
    options = {"subreddits": subreddits, "flairs": tuple(f.strip() for f in flairs),
               "moderators": moderators}
    return Entry(accounts, options)


def _names(v: Validator, table: dict[str, Any], key: str, pattern: re.Pattern[str],
           prefix: str, expected: str, required: bool = False) -> tuple[str, ...]:
    """A list of Reddit names, lower-cased, without their `u/` or `r/` prefix."""
    value = table.get(key.rsplit(".", 1)[-1], [])
    if not isinstance(value, list) or (required and not value):
        raise v.fail(key, f"a non-empty list, each {expected}" if required
                     else f"a list, each {expected}", value if value != [] else "missing")
    names = []
    for j, name in enumerate(value):
        clean = _clean(name, prefix) if isinstance(name, str) else ""
        if not pattern.match(clean):
            raise v.fail(f"{key}[{j}]", expected, name)
        names.append(clean.lower())
    return tuple(names)


SPEC = Platform(
    id="reddit", label="Reddit",
    defaults={
        "base_url": "https://oauth.reddit.com",
        "auth_url": "https://www.reddit.com",
        "username": "",  # the Reddit account that registered the app, for the User-Agent
        "comment_limit": 500,  # comments per /comments request: the API's maximum
        # Reddit allows 100 requests per minute per OAuth client: 1 per second leaves room.
        "requests_per_second": 1.0,
        "concurrency": 2,
    },
    handle=handle_rule(normalize_reddit_user, _USER_EXPECTED),
    secrets={"client_id": "REDDIT_CLIENT_ID", "client_secret": "REDDIT_CLIENT_SECRET"},
    entry=read_reddit_entry,
    incremental=True,
)
