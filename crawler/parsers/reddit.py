"""Reddit API JSON (Listings of `t3` submissions and `t1` comments, `more` stubs) to items. Pure.

Posts are keyed by their fullname (`t3_…` for a submission, `t1_…` for a comment), which is
what Reddit's own `parent_id` and `link_id` hold, so a comment's parent and root need no
lookup. Accounts are keyed by the lower-cased username: Reddit names are unique regardless
of case, never change, and are what a `u/name` mention writes. A deleted or removed comment
keeps its place in the tree, with author `[deleted]`: the brand's answers below it still
belong to the conversation above it.

Which authors answer for a brand is the brand's config (`BrandRules`): its listed accounts,
plus, inside its own subreddits, authors whose flair matches one of its flairs, or whose
comment is distinguished as a moderator's when the brand counts its moderators.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawler.items import Account, Post
from crawler.parsers.common import as_int

PLATFORM = "reddit"
WEB = "https://www.reddit.com"
DELETED = "[deleted]"
# `u/name` or `/u/name` as Reddit links it; not inside a word or a longer path.
_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")


@dataclass(frozen=True)
class BrandRules:
    """How one brand is recognised on Reddit (the brand's `reddit` config entry)."""

    brand_id: str
    accounts: frozenset[str]  # lower-case usernames
    subreddits: frozenset[str] = frozenset()  # lower-case names
    flairs: frozenset[str] = frozenset()  # lower-case flair texts
    moderators: bool = False

    def claims(self, author: str, subreddit: str, flair: str | None,
               distinguished: str | None) -> bool:
        """Whether `author` writes for this brand, judging by one thing they posted."""
        if author in self.accounts:
            return True
        if subreddit not in self.subreddits:
            return False
        if flair and flair.strip().lower() in self.flairs:
            return True
        return self.moderators and distinguished == "moderator"


@dataclass
class MoreStub:
    """A cut in a comment tree: `children` to load with /api/morechildren, or (no children,
    id '_') a "continue this thread" link: the subtree of `parent_id` to fetch on its own."""

    link_id: str
    parent_id: str
    children: list[str]

    @property
    def continues_thread(self) -> bool:
        return not self.children


@dataclass
class Parsed:
    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    more: list[MoreStub] = field(default_factory=list)
    after: str | None = None  # a listing's cursor to the next (older) page
    # A user's listing: each comment's submission's comment count then (`num_comments`).
    link_comments: dict[str, int] = field(default_factory=dict)

    @property
    def oldest(self) -> datetime | None:
        return min((p.created_at for p in self.posts), default=None)


def account_key(name: str) -> str:
    return name.lower()


def mentions(text: str) -> list[str]:
    """Lower-case usernames a text mentions as `u/name`, in order, once each."""
    return list(dict.fromkeys(m.lower() for m in _MENTION.findall(text or "")))


def created(data: dict[str, Any]) -> datetime | None:
    """`created_utc` (epoch seconds, a float in the JSON) as an aware datetime."""
    value = data.get("created_utc")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC)


def parse_thing(kind: str, data: dict[str, Any], rules: list[BrandRules], fetched_at: datetime,
                source_url: str, brand_id: str | None) -> tuple[Post, Account] | None:
    """A `t3` or `t1` as a Post and its author; None when it lacks a name or a time.

    A submission in a brand's subreddit is addressed to that brand (reason `submission`).
    The author comes back with `brand_id` set when one of the brands claims them.
    """
    name, when = data.get("name"), created(data)
    if kind not in ("t1", "t3") or not name or when is None:
        return None
    author = str(data.get("author") or DELETED)
    subreddit = str(data.get("subreddit") or "").lower()
    if kind == "t3":
        title, body = data.get("title") or "", data.get("selftext") or ""
        text = f"{title}\n\n{body}".strip()
        parent, root = None, name
        addressed = [(r.brand_id, "submission") for r in rules if subreddit in r.subreddits]
        replies = as_int(data.get("num_comments"))
    else:
        text = data.get("body") or ""
        parent, root = data.get("parent_id"), data.get("link_id")
        addressed, replies = [], None
    permalink = data.get("permalink")
    post = Post(
        platform=PLATFORM,
        post_id=name,
        author_id=account_key(author),
        created_at=when,
        text=text,
        fetched_at=fetched_at,
        source_url=source_url,
        url=f"{WEB}{permalink}" if permalink else None,
        parent_id=parent,
        root_id=root,
        like_count=as_int(data.get("score")),
        reply_count=replies,
        mentions=[] if author == DELETED else mentions(text),
        addressed_to=addressed,
        brand_id=brand_id,
    )
    owner = None
    if author != DELETED:
        owner = next((r.brand_id for r in rules if r.claims(
            author.lower(), subreddit, data.get("author_flair_text"),
            data.get("distinguished"))), None)
    account = Account(
        platform=PLATFORM, account_id=account_key(author), handle=author, display_name=None,
        followers=None, fetched_at=fetched_at, source_url=source_url,
        url=None if author == DELETED else f"{WEB}/user/{author}", brand_id=owner)
    return post, account


def parse_listing(data: Any, rules: list[BrandRules], fetched_at: datetime, source_url: str,
                  brand_id: str | None) -> Parsed:
    """A Listing page (a subreddit's or a user's, newest first): its things and cursor.

    Replies nested in the things are not walked: listings carry none.
    """
    parsed = Parsed(after=((data or {}).get("data") or {}).get("after"))
    for kind, thing in _children(data):
        _add(parsed, parse_thing(kind, thing, rules, fetched_at, source_url, brand_id))
        count = as_int(thing.get("num_comments"))
        if kind == "t1" and thing.get("name") and count is not None:
            parsed.link_comments[str(thing["name"])] = count
    return parsed


def parse_comments(data: Any, rules: list[BrandRules], fetched_at: datetime, source_url: str,
                   brand_id: str | None, with_submission: bool) -> Parsed:
    """A `/comments/{id}` answer: `[Listing(t3), Listing(t1 trees)]`.

    Every comment in the trees, depth first, with the cuts Reddit made (`more`). The
    submission is included only when asked: for a subtree under a brand comment elsewhere
    (`/comments/{id}/_/{comment}`) it is an ancestor, which the sample never stores.
    """
    parsed = Parsed()
    if not isinstance(data, list) or len(data) != 2:
        return parsed
    submission = next(iter(_children(data[0])), None)
    link_id = submission[1].get("name") if submission else None
    if submission and with_submission:
        _add(parsed, parse_thing(*submission, rules, fetched_at, source_url, brand_id))
    for kind, thing in _walk(data[1]):
        if kind == "more":
            stub = _stub(thing, link_id)
            if stub is not None:
                parsed.more.append(stub)
        else:
            _add(parsed, parse_thing(kind, thing, rules, fetched_at, source_url, brand_id))
    return parsed


def parse_more_children(data: Any, link_id: str, rules: list[BrandRules], fetched_at: datetime,
                        source_url: str, brand_id: str | None) -> Parsed:
    """An `/api/morechildren?api_type=json` answer: `{"json": {"data": {"things": [...]}}}`,
    a flat list of comments (each with its `parent_id`) and further `more` stubs."""
    parsed = Parsed()
    things = (((data or {}).get("json") or {}).get("data") or {}).get("things") or []
    for thing in things:
        kind, body = thing.get("kind"), thing.get("data") or {}
        if kind == "more":
            stub = _stub(body, link_id)
            if stub is not None:
                parsed.more.append(stub)
        else:
            _add(parsed, parse_thing(kind, body, rules, fetched_at, source_url, brand_id))
    return parsed


def parse_about(data: Any, fetched_at: datetime, source_url: str, brand_id: str) -> Account | None:
    """`/user/{name}/about`: the account, with its profile's followers when shown."""
    about = (data or {}).get("data") or {}
    name = about.get("name")
    if not name:
        return None
    profile = about.get("subreddit") or {}
    return Account(
        platform=PLATFORM, account_id=account_key(name), handle=name,
        display_name=profile.get("title") or None, followers=as_int(profile.get("subscribers")),
        fetched_at=fetched_at, source_url=source_url, url=f"{WEB}/user/{name}",
        brand_id=brand_id)


def _add(parsed: Parsed, found: tuple[Post, Account] | None) -> None:
    if found is not None:
        parsed.posts.append(found[0])
        parsed.accounts.append(found[1])


def _children(listing: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(listing, dict):
        return
    for child in (listing.get("data") or {}).get("children") or []:
        if isinstance(child, dict) and isinstance(child.get("data"), dict):
            yield str(child.get("kind")), child["data"]


def _walk(listing: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every thing in a comment forest, parents before their replies."""
    stack = list(reversed(list(_children(listing))))
    while stack:
        kind, thing = stack.pop()
        yield kind, thing
        if kind == "t1":
            stack.extend(reversed(list(_children(thing.get("replies")))))


def _stub(data: dict[str, Any], link_id: str | None) -> MoreStub | None:
    parent = data.get("parent_id")
    if not parent or not link_id:
        return None
    children = [str(c) for c in data.get("children") or []]
    if not children and data.get("id") != "_":
        return None  # an empty stub that continues nothing
    return MoreStub(link_id=link_id, parent_id=str(parent), children=children)
