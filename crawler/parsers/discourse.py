"""Discourse forum JSON (topic lists, topics, post chunks) to items. Pure.

A topic is a conversation in the brand's own space, modelled as a reply tree so the shared
rule (a brand post below a customer post, after it, answers it) says what the Discourse
definitions in docs/methodology.md say:

- the opening post (post_number 1) is the root, addressed to the brand (reason `topic`);
- a post with `reply_to_post_number` is a child of that post; one without (a reply to the
  topic), or replying to a post the forum no longer shows (deleted), is a child of the
  opening post;
- only regular posts (`post_type` 1) are conversation: moderator notices and small actions
  ("closed this topic") are no answers, whispers are not public.

Ids: a post is `<forum>/p/<id>` (Discourse's own permalink), an account `<user_id>@<forum
without scheme>` (user ids are per forum and survive a rename). A forum URL may carry a
path (a subfolder install).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from w3lib.html import remove_tags, replace_entities

from crawler.items import Account, Post
from crawler.parsers.common import as_int, parse_timestamp

PLATFORM = "discourse"
REGULAR_POST = 1
LIKE_ACTION = 2
_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>|</li>\s*<li[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class BrandRules:
    """Who answers for the brand on this forum: staff (admins, moderators) and members
    whose primary group is one of `staff_groups`."""

    brand_id: str
    staff_groups: frozenset[str] = frozenset()

    def is_brand(self, post: dict[str, Any]) -> bool:
        if post.get("staff") or post.get("admin") or post.get("moderator"):
            return True
        group = str(post.get("primary_group_name") or "").lower()
        return bool(group) and group in {g.lower() for g in self.staff_groups}


@dataclass(frozen=True)
class TopicRef:
    """A topic as a list shows it: enough to decide whether to fetch it."""

    topic_id: int
    slug: str
    last_activity: datetime | None  # the later of bumped_at and last_posted_at
    pinned: bool


@dataclass
class TopicList:
    topics: list[TopicRef] = field(default_factory=list)
    next_page: int | None = None  # the `page` of more_topics_url, if the list goes on


@dataclass
class ParsedTopic:
    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)


def account_id(forum: str, user_id: object) -> str:
    return f"{user_id}@{forum.split('://', 1)[-1]}"


def post_id(forum: str, native_id: object) -> str:
    return f"{forum}/p/{native_id}"


def html_to_text(cooked: str) -> str:
    """Cooked post HTML as plain text: paragraphs, list items and breaks become newlines."""
    return replace_entities(remove_tags(_BREAKS.sub("\n", cooked or ""))).strip()


def parse_topic_list(data: dict[str, Any]) -> TopicList:
    """`/latest.json` or `/c/{slug}/{id}.json`: the topics and the next page number."""
    topic_list = data.get("topic_list") or {}
    parsed = TopicList()
    for topic in topic_list.get("topics") or []:
        topic_id = as_int(topic.get("id"))
        if topic_id is None:
            continue
        times = [t for t in (parse_timestamp(topic.get("bumped_at")),
                             parse_timestamp(topic.get("last_posted_at"))) if t is not None]
        parsed.topics.append(TopicRef(topic_id, str(topic.get("slug") or "topic"),
                                      max(times, default=None), bool(topic.get("pinned"))))
    more = topic_list.get("more_topics_url")
    if more:
        page = parse_qs(urlsplit(more).query).get("page", [None])[0]
        parsed.next_page = as_int(page)
    return parsed


def parse_group_members(data: dict[str, Any], forum: str, brand_id: str,
                        fetched_at: datetime, source_url: str,
                        ) -> tuple[list[Account], int | None]:
    """`/groups/{name}/members.json`: the members as brand accounts, and the next offset
    (None on the last page). Members whose primary group is another still answer for the
    brand: post JSON alone would miss them."""
    accounts = [Account(
        platform=PLATFORM, account_id=account_id(forum, member["id"]),
        handle=member.get("username"), display_name=member.get("name") or None,
        followers=None, fetched_at=fetched_at, source_url=source_url,
        url=f"{forum}/u/{member['username']}" if member.get("username") else None,
        brand_id=brand_id)
        for member in [*(data.get("members") or []), *(data.get("owners") or [])]
        if member.get("id") is not None]
    meta = data.get("meta") or {}
    offset, limit, total = (as_int(meta.get(k)) for k in ("offset", "limit", "total"))
    more = None not in (offset, limit, total) and offset + limit < total  # type: ignore[operator]
    return accounts, (offset + limit if more else None)  # type: ignore[operator]


def missing_post_ids(topic: dict[str, Any]) -> list[int]:
    """Ids in the topic's post stream that its first page did not include (long topics)."""
    stream = (topic.get("post_stream") or {}).get("stream") or []
    loaded = {p.get("id") for p in (topic.get("post_stream") or {}).get("posts") or []}
    return [i for i in stream if i not in loaded]


def chunk_posts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The posts of a `/t/{id}/posts.json?post_ids[]=…` answer."""
    return list((data.get("post_stream") or {}).get("posts") or [])


def parse_topic(topic: dict[str, Any], more_posts: list[dict[str, Any]], forum: str,
                rules: BrandRules, fetched_at: datetime, source_url: str) -> ParsedTopic:
    """Every regular post of a topic (its first page plus `more_posts` fetched by id)."""
    raw = [*((topic.get("post_stream") or {}).get("posts") or []), *more_posts]
    by_number: dict[int, dict[str, Any]] = {}
    for post in raw:
        number = as_int(post.get("post_number"))
        if number is not None and post.get("id") is not None and not post.get("deleted_at"):
            by_number[number] = post
    opener = by_number.get(1)
    root = post_id(forum, opener["id"]) if opener else None
    slug = str(topic.get("slug") or (opener or {}).get("topic_slug") or "topic")
    topic_id = topic.get("id")
    parsed = ParsedTopic()
    seen_users: set[object] = set()
    for number, post in sorted(by_number.items()):
        if post.get("post_type", REGULAR_POST) != REGULAR_POST:
            continue
        created = parse_timestamp(post.get("created_at"))
        if created is None or post.get("user_id") is None:
            continue
        this = post_id(forum, post["id"])
        if number == 1:
            parent = None
        else:
            target = by_number.get(as_int(post.get("reply_to_post_number")) or 1)
            regular = target is not None and target.get("post_type", REGULAR_POST) == REGULAR_POST
            parent = post_id(forum, target["id"]) if target and regular else root
        parsed.posts.append(Post(
            platform=PLATFORM,
            post_id=this,
            author_id=account_id(forum, post["user_id"]),
            created_at=created,
            text=html_to_text(post.get("cooked") or ""),
            fetched_at=fetched_at,
            source_url=source_url,
            url=f"{forum}/t/{slug}/{topic_id}/{number}",
            parent_id=parent,
            root_id=root or this,
            like_count=_likes(post),
            reply_count=as_int(post.get("reply_count")),
            addressed_to=[(rules.brand_id, "topic")] if number == 1 else [],
            brand_id=rules.brand_id,
        ))
        if post["user_id"] not in seen_users:
            seen_users.add(post["user_id"])
            parsed.accounts.append(_account(post, forum, rules, fetched_at, source_url))
    return parsed


def _account(post: dict[str, Any], forum: str, rules: BrandRules, fetched_at: datetime,
             source_url: str) -> Account:
    username = post.get("username")
    return Account(
        platform=PLATFORM,
        account_id=account_id(forum, post["user_id"]),
        handle=username,
        display_name=post.get("name") or post.get("display_username") or None,
        followers=None,  # forums have no followers
        fetched_at=fetched_at,
        source_url=source_url,
        url=f"{forum}/u/{username}" if username else None,
        brand_id=rules.brand_id if rules.is_brand(post) else None,
    )


def _likes(post: dict[str, Any]) -> int | None:
    for action in post.get("actions_summary") or []:
        if action.get("id") == LIKE_ACTION:
            return as_int(action.get("count"))
    return None
