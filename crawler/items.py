"""What spiders yield. Units are in the names; every item says where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Account:
    """A platform account: a brand's (brand_id set) or a customer's (brand_id None)."""

    platform: str
    account_id: str
    handle: str | None
    display_name: str | None
    followers: int | None
    fetched_at: datetime
    source_url: str
    url: str | None = None
    brand_id: str | None = None
    # The platform flags the account as automated (Mastodon `bot`, Bluesky's `bot`
    # self-label, X's "Automated" label); None where the platform does not say.
    automated: bool | None = None


@dataclass
class Post:
    """One post with its place in the reply tree and the accounts it mentions.

    `post_id`, `parent_id` and `root_id` are globally stable ids (AT-URI, ActivityPub URI),
    never positions on a page. `brand_id` is the brand whose crawl found the post.
    """

    platform: str
    post_id: str
    author_id: str
    created_at: datetime
    text: str
    fetched_at: datetime
    source_url: str
    url: str | None = None
    parent_id: str | None = None
    root_id: str | None = None
    like_count: int | None = None
    reply_count: int | None = None
    repost_count: int | None = None
    language: str | None = None
    rating: int | None = None  # the star rating (1-5) of a review (Trustpilot); None elsewhere
    mentions: list[str] = field(default_factory=list)
    # (brand_id, reason) pairs for posts the platform itself addresses to a brand without a
    # reply or mention: a topic in its community, a review of it (see post_addressees).
    addressed_to: list[tuple[str, str]] = field(default_factory=list)
    brand_id: str | None = None
    crawl_run_id: int | None = None


@dataclass
class FetchFailure:
    """A page the crawl could not get, after retries; stored so coverage can be reported."""

    platform: str
    url: str
    reason: str
    occurred_at: datetime
    status: int | None = None
    brand_id: str | None = None
    # The post whose replies the request was fetching (a thread, a page of comments): the
    # customer posts whose answer could be below it are unverified, never ignored.
    thread_post_id: str | None = None
