"""YouTube Data API v3 JSON (channels, playlistItems, commentThreads, comments) to items. Pure.

The conversation is a tree: a video (a post by the brand's channel), its top-level comments
(children of the video), and their replies (children of the top-level comment). So a
top-level comment by anyone else replies directly to a brand post (addressed), and a reply
by the channel in that thread is below it (answered). The API's threads are flat (every
reply's `parentId` is the top-level comment); a reply to a reply is told apart the way
YouTube writes it, by the `@handle` of the replied-to author that starts its text
(`thread_tree`), so that a customer's reply in a thread the channel started is answered by
the channel's `@customer …` reply below it.

Ids are YouTube's own: video ids, comment ids, and `UC…` channel ids for accounts (a
comment's `authorChannelId.value`; handles and names can change, channel ids cannot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.items import Account, Post
from crawler.parsers.common import as_int, parse_timestamp

PLATFORM = "youtube"
WEB = "https://www.youtube.com"


@dataclass
class Channel:
    account: Account
    uploads: str | None  # the playlist of its uploads, newest first


@dataclass
class Thread:
    """A top-level comment with the replies the thread carried; `complete` when those are
    all of them (the API inlines at most a few: the rest come from comments.list)."""

    top: Post
    author: Account
    replies: list[tuple[Post, Account]]
    complete: bool


@dataclass
class Page:
    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    next_page: str | None = None

    @property
    def oldest(self) -> datetime | None:
        return min((p.created_at for p in self.posts), default=None)


def parse_channel(data: Any, fetched_at: datetime, source_url: str,
                  brand_id: str) -> Channel | None:
    """The first channel of a channels.list answer; None when there is none."""
    items = (data or {}).get("items") or []
    if not items or not items[0].get("id"):
        return None
    item = items[0]
    snippet = item.get("snippet") or {}
    statistics = item.get("statistics") or {}
    hidden = statistics.get("hiddenSubscriberCount")
    handle = snippet.get("customUrl")
    account = Account(
        platform=PLATFORM, account_id=item["id"], handle=handle,
        display_name=snippet.get("title") or None,
        followers=None if hidden else as_int(statistics.get("subscriberCount")),
        fetched_at=fetched_at, source_url=source_url,
        url=f"{WEB}/{handle}" if handle else f"{WEB}/channel/{item['id']}", brand_id=brand_id)
    uploads = ((item.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
    return Channel(account, uploads)


def parse_playlist(data: Any, fetched_at: datetime, source_url: str,
                   brand_id: str | None) -> Page:
    """A playlistItems.list page: one post per video (private and deleted videos have no
    publication time and are left out)."""
    page = Page(next_page=(data or {}).get("nextPageToken"))
    for item in (data or {}).get("items") or []:
        snippet = item.get("snippet") or {}
        details = item.get("contentDetails") or {}
        video = details.get("videoId") or (snippet.get("resourceId") or {}).get("videoId")
        # With contentDetails, a video without videoPublishedAt is private or deleted; the
        # snippet's publishedAt is when it joined the playlist (for uploads: its upload).
        published = parse_timestamp(details["videoPublishedAt"] if "videoPublishedAt" in details
                                    else None if details else snippet.get("publishedAt"))
        owner = snippet.get("videoOwnerChannelId") or snippet.get("channelId")
        if not video or published is None or not owner:
            continue
        page.posts.append(Post(
            platform=PLATFORM, post_id=video, author_id=owner, created_at=published,
            text=snippet.get("title") or "", fetched_at=fetched_at, source_url=source_url,
            url=f"{WEB}/watch?v={video}", root_id=video, brand_id=brand_id))
    return page


def parse_comment(comment: dict[str, Any], video: str, parent: str, fetched_at: datetime,
                  source_url: str, brand_id: str | None) -> tuple[Post, Account] | None:
    """A `youtube#comment` under `parent` (the video or the top-level comment)."""
    snippet = comment.get("snippet") or {}
    author = (snippet.get("authorChannelId") or {}).get("value")
    created = parse_timestamp(snippet.get("publishedAt"))
    if not comment.get("id") or not author or created is None:
        return None
    post = Post(
        platform=PLATFORM, post_id=comment["id"], author_id=author, created_at=created,
        text=snippet.get("textOriginal") or snippet.get("textDisplay") or "",
        fetched_at=fetched_at, source_url=source_url,
        url=f"{WEB}/watch?v={video}&lc={comment['id']}",
        parent_id=parent, root_id=video, like_count=as_int(snippet.get("likeCount")),
        brand_id=brand_id)
    name = snippet.get("authorDisplayName") or None
    account = Account(
        platform=PLATFORM, account_id=author, handle=name, display_name=name, followers=None,
        fetched_at=fetched_at, source_url=source_url,
        url=snippet.get("authorChannelUrl") or f"{WEB}/channel/{author}")
    return post, account


def parse_threads(data: Any, video: str, fetched_at: datetime, source_url: str,
                  brand_id: str | None) -> Page:
    """A commentThreads.list page (part=snippet,replies)."""
    page = Page(next_page=(data or {}).get("nextPageToken"))
    for item in (data or {}).get("items") or []:
        snippet = item.get("snippet") or {}
        found = parse_comment(snippet.get("topLevelComment") or {}, video, video, fetched_at,
                              source_url, brand_id)
        if found is None:
            continue
        top, author = found
        replies = [r for r in (parse_comment(c, video, top.post_id, fetched_at, source_url,
                                             brand_id)
                               for c in (item.get("replies") or {}).get("comments") or [])
                   if r is not None]
        total = as_int(snippet.get("totalReplyCount")) or 0
        top.reply_count = total
        page.threads.append(Thread(top, author, replies, complete=len(replies) >= total))
    return page


def parse_replies(data: Any, video: str, top: str, fetched_at: datetime, source_url: str,
                  brand_id: str | None) -> Page:
    """A comments.list?parentId= page: replies of one top-level comment."""
    page = Page(next_page=(data or {}).get("nextPageToken"))
    for comment in (data or {}).get("items") or []:
        found = parse_comment(comment, video, top, fetched_at, source_url, brand_id)
        if found is not None:
            page.posts.append(found[0])
            page.accounts.append(found[1])
    return page


def thread_tree(replies: list[tuple[Post, Account]]) -> list[tuple[Post, Account]]:
    """The replies in time order, each re-parented to the latest earlier reply of the author
    whose `@handle` starts its text (YouTube's reply-to-a-reply); others stay children of
    the top-level comment."""
    ordered = sorted(replies, key=lambda r: (r[0].created_at, r[0].post_id))
    latest: dict[str, str] = {}  # lower-case @handle -> its latest reply so far
    for post, account in ordered:
        first_word = post.text.split(maxsplit=1)[0].lower() if post.text.strip() else ""
        if first_word.startswith("@") and first_word in latest:
            post.parent_id = latest[first_word]
        if account.handle and account.handle.startswith("@"):
            latest[account.handle.lower()] = post.post_id
    return ordered


def error_reason(data: Any) -> str | None:
    """The first `reason` of an API error answer (`commentsDisabled`, `quotaExceeded`, …)."""
    errors = ((data or {}).get("error") or {}).get("errors") or [{}]
    return errors[0].get("reason")
