"""Mastodon REST JSON (Status, Account, context, search) to items. Pure.

Numeric ids are per instance, so the dataset keys accounts by `user@domain` and statuses by
their ActivityPub `uri`. A parent is found through the local ids the same instance returned
(`known` maps them to uris); an `acct` without '@' belongs to the instance that served it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from w3lib.html import remove_tags, replace_entities

from crawler.items import Account, Post
from crawler.parsers.common import as_int, parse_timestamp

PLATFORM = "mastodon"
ANONYMOUS_DESCENDANTS = 60  # what a server returns to a client without a token
_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


@dataclass
class Parsed:
    """What one response yielded, and what the spider needs to go on."""

    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # local id -> uri, for parent lookups
    cut: list[str] = field(default_factory=list)  # local ids whose replies are missing
    root_truncated: bool = False  # the requested status itself lacks some direct replies

    @property
    def oldest(self) -> datetime | None:
        return min((p.created_at for p in self.posts), default=None)


def canonical_acct(acct: str, instance: str) -> str:
    """`user@domain` for an account as `instance` names it (bare `user` is local)."""
    acct = acct.strip().removeprefix("@")
    user, _, domain = acct.partition("@")
    return f"{user}@{(domain or instance).lower()}"


def html_to_text(content: str) -> str:
    """Status HTML as plain text: paragraphs and line breaks become newlines."""
    return replace_entities(remove_tags(_BREAKS.sub("\n", content or ""))).strip()


def next_page(link_header: str | None) -> str | None:
    """The rel="next" URL of a Link header, if any."""
    match = _NEXT.search(link_header or "")
    return match.group(1) if match else None


def parse_account(data: dict[str, Any], instance: str, fetched_at: datetime, source_url: str,
                  brand_id: str | None = None) -> Account:
    key = canonical_acct(data.get("acct") or data.get("username") or "", instance)
    return Account(
        platform=PLATFORM,
        account_id=key,
        handle=key,
        display_name=data.get("display_name") or None,
        followers=as_int(data.get("followers_count")),
        fetched_at=fetched_at,
        source_url=source_url,
        url=data.get("url"),
        brand_id=brand_id,
        automated=data["bot"] if isinstance(data.get("bot"), bool) else None,
    )


def parse_status(status: dict[str, Any], instance: str, known: dict[str, str],
                 fetched_at: datetime, source_url: str, brand_id: str | None = None,
                 root_id: str | None = None) -> Post | None:
    """A Status as a Post; None for a boost or a status without timestamp, uri or author."""
    created = parse_timestamp(status.get("created_at"))
    account = status.get("account") or {}
    uri = status.get("uri")
    if status.get("reblog") or created is None or not uri or not account.get("acct"):
        return None
    parent = status.get("in_reply_to_id")
    return Post(
        platform=PLATFORM,
        post_id=uri,
        author_id=canonical_acct(account["acct"], instance),
        created_at=created,
        text=html_to_text(status.get("content") or ""),
        fetched_at=fetched_at,
        source_url=source_url,
        url=status.get("url"),
        parent_id=known.get(parent) if parent else None,
        root_id=root_id if parent else uri,
        like_count=as_int(status.get("favourites_count")),
        reply_count=as_int(status.get("replies_count")),
        repost_count=as_int(status.get("reblogs_count")),
        language=status.get("language"),
        mentions=[canonical_acct(m["acct"], instance) for m in status.get("mentions") or []
                  if m.get("acct")],
        brand_id=brand_id,
    )


def parse_statuses(statuses: list[dict[str, Any]], instance: str, known: dict[str, str],
                   fetched_at: datetime, source_url: str, brand_id: str | None,
                   root_id: str | None = None) -> Parsed:
    """A list of statuses (a timeline page, search results) with their authors."""
    parsed = Parsed(ids={s["id"]: s["uri"] for s in statuses if s.get("id") and s.get("uri")})
    lookup = known | parsed.ids
    for status in statuses:
        post = parse_status(status, instance, lookup, fetched_at, source_url, brand_id, root_id)
        if post is not None:
            parsed.posts.append(post)
            parsed.accounts.append(parse_account(status["account"], instance, fetched_at,
                                                 source_url))
    return parsed


def parse_context(data: dict[str, Any], requested: dict[str, Any], instance: str,
                  known: dict[str, str], fetched_at: datetime, source_url: str,
                  brand_id: str | None) -> Parsed:
    """The descendants of `requested` (never its ancestors, which only supply ids).

    Anonymous contexts stop at 60 descendants and depth 20: any status with more replies
    than the response holds goes to `cut`, to be fetched as a context of its own; missing
    direct replies of `requested` itself set `root_truncated`.
    """
    ancestors = data.get("ancestors") or []
    descendants = data.get("descendants") or []
    root_id = ancestors[0].get("uri") if ancestors else requested.get("uri")
    context_ids = {s["id"]: s["uri"] for s in [*ancestors, requested, *descendants]
                   if s.get("id") and s.get("uri")}
    parsed = parse_statuses(descendants, instance, known | context_ids, fetched_at, source_url,
                            brand_id, root_id)
    parsed.ids = context_ids
    children: dict[Any, int] = {}  # keyed by status id as the JSON gives it
    for status in descendants:
        parent = status.get("in_reply_to_id")
        if parent:
            children[parent] = children.get(parent, 0) + 1
    for status in descendants:
        if (as_int(status.get("replies_count")) or 0) > children.get(status.get("id"), 0):
            parsed.cut.append(status["id"])
    # Fewer direct replies than counted can also mean private or deleted ones: only a
    # response that reached the cap was cut.
    expected = as_int(requested.get("replies_count")) or 0
    parsed.root_truncated = (len(descendants) >= ANONYMOUS_DESCENDANTS
                             and expected > children.get(requested.get("id"), 0))
    return parsed
