"""Bluesky AppView JSON (app.bsky.*) to items. Pure: the caller passes the fetch time.

Ids: accounts by DID, posts by AT-URI (both global). Mentions are the DIDs in the record's
mention facets; a handle typed as plain text is not a mention.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.items import Account, Post
from crawler.parsers.common import as_int, parse_timestamp

PLATFORM = "bluesky"
MENTION = "app.bsky.richtext.facet#mention"
REPOST = "app.bsky.feed.defs#reasonRepost"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"


@dataclass
class Parsed:
    """What one response yielded: posts, their authors, and where to go next."""

    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    cursor: str | None = None
    cut: list[str] = field(default_factory=list)  # uris whose replies the server left out
    dropped: int = 0  # post views that could not be read (no timestamp, no author)

    @property
    def oldest(self) -> datetime | None:
        return min((p.created_at for p in self.posts), default=None)


def parse_profile(profile: dict[str, Any], fetched_at: datetime, source_url: str,
                  brand_id: str | None = None) -> Account:
    """A profileView(Basic|Detailed) as an Account; followers only when the view has them."""
    handle = profile.get("handle")
    return Account(
        platform=PLATFORM,
        account_id=profile.get("did", ""),
        handle=handle,
        display_name=profile.get("displayName") or None,
        followers=as_int(profile.get("followersCount")),
        fetched_at=fetched_at,
        source_url=source_url,
        url=f"https://bsky.app/profile/{handle or profile.get('did')}",
        brand_id=brand_id,
        automated=is_bot(profile),
    )


def is_bot(profile: dict[str, Any]) -> bool | None:
    """The app's "automated account" mark: the `bot` self-label (a label whose source is the
    account itself). None when the view carries no labels at all."""
    labels = profile.get("labels")
    if not isinstance(labels, list):
        return None
    return any(isinstance(label, dict) and label.get("val") == "bot"
               and label.get("src") in (None, profile.get("did")) for label in labels)


def mentioned_dids(record: dict[str, Any]) -> list[str]:
    dids = []
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            if feature.get("$type") == MENTION and feature.get("did"):
                dids.append(feature["did"])
    return dids


def parse_post(view: dict[str, Any], fetched_at: datetime, source_url: str,
               brand_id: str | None = None) -> Post | None:
    """A postView as a Post; None when it has no readable timestamp or author."""
    record = view.get("record") or {}
    author = view.get("author") or {}
    created = parse_timestamp(record.get("createdAt"))
    indexed = parse_timestamp(view.get("indexedAt"))
    if created is None or (indexed is not None and created > indexed):
        created = indexed  # client clocks can run ahead; the AppView's index time cannot
    uri = view.get("uri")
    if created is None or not uri or not author.get("did"):
        return None
    reply = record.get("reply") or {}
    langs = record.get("langs") or []
    rkey = uri.rsplit("/", 1)[-1]
    return Post(
        platform=PLATFORM,
        post_id=uri,
        author_id=author["did"],
        created_at=created,
        text=record.get("text") or "",
        fetched_at=fetched_at,
        source_url=source_url,
        url=f"https://bsky.app/profile/{author.get('handle') or author['did']}/post/{rkey}",
        parent_id=(reply.get("parent") or {}).get("uri"),
        root_id=(reply.get("root") or {}).get("uri") or uri,
        like_count=as_int(view.get("likeCount")),
        reply_count=as_int(view.get("replyCount")),
        repost_count=as_int(view.get("repostCount")),
        language=langs[0] if langs else None,
        mentions=mentioned_dids(record),
        brand_id=brand_id,
    )


def _add(parsed: Parsed, view: dict[str, Any], fetched_at: datetime, source_url: str,
         brand_id: str | None) -> Post | None:
    post = parse_post(view, fetched_at, source_url, brand_id)
    if post is None:
        parsed.dropped += 1
        return None
    parsed.posts.append(post)
    parsed.accounts.append(parse_profile(view["author"], fetched_at, source_url))
    return post


def parse_author_feed(data: dict[str, Any], actor_did: str, fetched_at: datetime,
                      source_url: str, brand_id: str | None) -> Parsed:
    """The actor's own posts on a getAuthorFeed page; reposts and reply context are skipped.

    The `reply.parent` / `reply.root` views are someone else's posts, reached only because
    the brand answered them: storing them would bias the sample (spiders/base.py).
    """
    parsed = Parsed(cursor=data.get("cursor") or None)
    for item in data.get("feed") or []:
        view = item.get("post") or {}
        if (item.get("reason") or {}).get("$type") == REPOST:
            continue
        if (view.get("author") or {}).get("did") != actor_did:
            continue
        _add(parsed, view, fetched_at, source_url, brand_id)
    return parsed


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every threadViewPost at or below `node`; blocked or deleted nodes end their branch."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.get("$type", THREAD_VIEW) != THREAD_VIEW or "post" not in current:
            continue
        yield current
        stack.extend(reversed(current.get("replies") or []))


def parse_thread(data: dict[str, Any], fetched_at: datetime, source_url: str,
                 brand_id: str | None) -> Parsed:
    """The requested post and its whole reply subtree (never its parents).

    A node whose post counts replies but which carries no `replies` key was cut by the
    server's depth limit: its uri goes to `cut`, to be fetched as a thread of its own.
    """
    parsed = Parsed()
    for node in _walk(data.get("thread") or {}):
        post = _add(parsed, node["post"], fetched_at, source_url, brand_id)
        if post is not None and "replies" not in node and (post.reply_count or 0) > 0:
            parsed.cut.append(post.post_id)
    return parsed


def parse_search(data: dict[str, Any], fetched_at: datetime, source_url: str,
                 brand_id: str | None) -> Parsed:
    """A searchPosts page: every post, whatever it mentions (callers filter by facets)."""
    parsed = Parsed(cursor=data.get("cursor") or None)
    for view in data.get("posts") or []:
        _add(parsed, view, fetched_at, source_url, brand_id)
    return parsed


def parse_profiles(data: dict[str, Any], fetched_at: datetime, source_url: str) -> list[Account]:
    """getProfiles: customers' follower counts."""
    return [parse_profile(p, fetched_at, source_url) for p in data.get("profiles") or []
            if p.get("did")]
