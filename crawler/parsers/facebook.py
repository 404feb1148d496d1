"""Facebook Graph API JSON (page node, page posts, comments) to items. Pure.

Graph ids are global (`{page}_{post}`, `{post}_{comment}`) and kept as they are. The page is
the brand's account; its own comments (`from.id` = the page id) are the brand's answers. A
top-level comment replies to the post; a reply's `parent` names its comment. Where the API
leaves `from` out (people who did not allow apps to see them), the author is recorded as
`unknown:{comment id}`: someone who is not the page. Timestamps look like
`2026-10-05T09:00:00+0000`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.items import Account, Post
from crawler.parsers.common import as_int, parse_timestamp

PLATFORM = "facebook"
# Graph error codes that mean "slow down": app, user, page and custom-level throttling.
THROTTLED = {4, 17, 32, 613}
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-business-use-case-usage")


@dataclass
class Parsed:
    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    after: str | None = None  # the cursor of the next page, when there is one
    # post id -> `updated_time` (written or last commented on), where the page carries it
    updated: dict[str, datetime] = field(default_factory=dict)


def parse_page(data: dict[str, Any], handle: str, fetched_at: datetime, source_url: str,
               brand_id: str) -> Account | None:
    """The page node (`/{page}?fields=id,name,followers_count`) as the brand's account."""
    if not isinstance(data, dict) or not data.get("id"):
        return None
    return Account(platform=PLATFORM, account_id=str(data["id"]), handle=handle,
                   display_name=data.get("name"), followers=as_int(data.get("followers_count")),
                   fetched_at=fetched_at, source_url=source_url,
                   url=f"https://www.facebook.com/{data['id']}", brand_id=brand_id)


def next_cursor(data: dict[str, Any]) -> str | None:
    """`paging.cursors.after`, only when the API says there is a next page (`paging.next`)."""
    paging = data.get("paging") or {}
    if not paging.get("next"):
        return None
    return (paging.get("cursors") or {}).get("after")


def parse_posts(data: dict[str, Any], page_id: str, fetched_at: datetime, source_url: str,
                brand_id: str) -> Parsed:
    """A `/{page}/posts` page: the page's own posts (and their `updated_time`, if asked)."""
    parsed = Parsed(after=next_cursor(data))
    for row in data.get("data") or []:
        created = parse_timestamp(row.get("created_time"))
        if created is None or not row.get("id"):
            continue
        parsed.posts.append(Post(
            platform=PLATFORM, post_id=row["id"], author_id=page_id, created_at=created,
            text=row.get("message") or "", fetched_at=fetched_at, source_url=source_url,
            url=row.get("permalink_url"), root_id=row["id"], brand_id=brand_id))
        updated = parse_timestamp(row.get("updated_time"))
        if updated is not None:
            parsed.updated[row["id"]] = updated
    return parsed


def parse_comments(data: dict[str, Any], post_id: str, fetched_at: datetime, source_url: str,
                   brand_id: str) -> Parsed:
    """A `/{post}/comments?filter=stream` page: every comment and reply below the post."""
    parsed = Parsed(after=next_cursor(data))
    for row in data.get("data") or []:
        created = parse_timestamp(row.get("created_time"))
        if created is None or not row.get("id"):
            continue
        author = row.get("from") or {}
        author_id = str(author.get("id") or f"unknown:{row['id']}")
        parent = (row.get("parent") or {}).get("id")
        parsed.posts.append(Post(
            platform=PLATFORM, post_id=row["id"], author_id=author_id, created_at=created,
            text=row.get("message") or "", fetched_at=fetched_at, source_url=source_url,
            url=row.get("permalink_url"), parent_id=parent or post_id, root_id=post_id,
            reply_count=as_int(row.get("comment_count")), brand_id=brand_id))
        if author.get("id"):
            parsed.accounts.append(Account(
                platform=PLATFORM, account_id=str(author["id"]), handle=None,
                display_name=author.get("name"), followers=None, fetched_at=fetched_at,
                source_url=source_url))
    return parsed


def graph_error(body: bytes) -> tuple[int | None, str]:
    """(code, message) of a Graph error body; (None, '') when it is not one."""
    try:
        error = json.loads(body).get("error") or {}
    except (ValueError, AttributeError):
        return None, ""
    return as_int(error.get("code")), str(error.get("message") or "")


def usage_percent(headers: dict[str, str]) -> tuple[float | None, float | None]:
    """The highest usage share in `x-app-usage`, `x-page-usage` and
    `x-business-use-case-usage` (0-100), and the minutes the last asks to wait, if any."""
    highest: float | None = None
    regain: float | None = None

    def take(entry: Any) -> None:
        nonlocal highest, regain
        if not isinstance(entry, dict):
            return
        for key in ("call_count", "total_cputime", "total_time"):
            value = entry.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                highest = max(highest or 0.0, float(value))
        wait = entry.get("estimated_time_to_regain_access")
        if isinstance(wait, int | float) and wait > 0:
            regain = max(regain or 0.0, float(wait))

    for name in USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        if name == "x-business-use-case-usage" and isinstance(value, dict):
            for entries in value.values():
                for entry in entries if isinstance(entries, list) else []:
                    take(entry)
        else:
            take(value)
    return highest, regain
