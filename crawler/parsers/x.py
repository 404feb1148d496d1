"""X (Twitter) JSON to items, pure: the web app's GraphQL responses and the API v2 shapes.

One parser serves every way of collecting X (docs/platforms.md): `parse_graphql` reads the
responses the web app loads (`UserByScreenName`, `UserTweets`, `UserTweetsAndReplies`,
`TweetDetail`, `SearchTimeline`) whether they come from a saved HAR file or a browser the
crawler drives; `parse_v2` reads the official API v2 pages.

Accounts are keyed by the numeric user id (`rest_id`, v2 `id`), posts by the tweet id. A
tweet's parent is `in_reply_to_status_id_str` (v2: the `replied_to` reference) and its root
is the conversation id. Mentions are the accounts in the tweet's mention entities.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.items import Account, Post
from crawler.parsers.common import as_int, parse_timestamp

PLATFORM = "x"
WEB = "https://x.com"
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"  # 'Wed Oct 10 20:19:24 +0000 2018'
_SNOWFLAKE_EPOCH_MS = 1288834974657  # tweet ids carry milliseconds since this instant
_FLOOR = re.compile(
    r"'start_time' must be on or after (\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z)")


@dataclass
class Parsed:
    """What one response yielded, and what a crawler needs to go on."""

    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)  # cursor type (Bottom, Top, …) -> value
    skipped: dict[str, int] = field(default_factory=dict)  # why entries were left out -> count

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def parse_twitter_time(value: object) -> datetime | None:
    """Twitter's 'Wed Oct 10 20:19:24 +0000 2018' (or ISO 8601) as an aware UTC datetime."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), _TWITTER_TIME).astimezone(UTC)
    except ValueError:
        return parse_timestamp(value)


def exact_time(tweet_id: str, created: datetime) -> datetime:
    """The millisecond a tweet was posted, from its snowflake id, when it agrees with the
    second-precision `created_at`; `created` otherwise. Response times are measured in
    milliseconds on every other platform, so X's are too."""
    if not tweet_id.isdigit():
        return created
    millis = (int(tweet_id) >> 22) + _SNOWFLAKE_EPOCH_MS
    exact = datetime.fromtimestamp(millis / 1000, UTC)
    return exact if created <= exact < created + timedelta(seconds=1) else created


def tweet_url(screen_name: str | None, tweet_id: str) -> str:
    return f"{WEB}/{screen_name or 'i/web'}/status/{tweet_id}"


# GraphQL (web app) --------------------------------------------------------------------------


def parse_graphql_user(result: dict[str, Any], fetched_at: datetime, source_url: str,
                       ) -> Account | None:
    """A GraphQL User. The handle moved from `legacy.screen_name` to `core.screen_name` in
    2025; both are read, as are the follower counts in `relationship_counts` and `legacy`."""
    if result.get("__typename") not in (None, "User") or not result.get("rest_id"):
        return None
    core = result.get("core") or {}
    legacy = result.get("legacy") or {}
    handle = core.get("screen_name") or legacy.get("screen_name")
    followers = (result.get("relationship_counts") or {}).get("followers")
    if followers is None:
        followers = legacy.get("followers_count")
    return Account(
        platform=PLATFORM,
        account_id=str(result["rest_id"]),
        handle=handle,
        display_name=core.get("name") or legacy.get("name") or None,
        followers=as_int(followers),
        fetched_at=fetched_at,
        source_url=source_url,
        url=f"{WEB}/{handle}" if handle else None,
        automated=_automated_label(result),
    )


def _automated_label(result: dict[str, Any]) -> bool:
    """X shows "Automated by @owner" under a bot's name: the user's highlighted label of
    type AutomatedLabel. API v2 has no such field (its accounts stay None)."""
    label = (result.get("affiliates_highlighted_label") or {}).get("label") or {}
    return label.get("userLabelType") == "AutomatedLabel"


def unwrap_tweet(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The Tweet inside a result: `TweetWithVisibilityResults` wraps it in `tweet`;
    tombstones and unavailable tweets have none."""
    if not result:
        return None
    if result.get("__typename") == "TweetWithVisibilityResults":
        result = result.get("tweet") or {}
    if result.get("__typename") not in (None, "Tweet") or not result.get("legacy"):
        return None
    return result


def parse_graphql_tweet(result: dict[str, Any], fetched_at: datetime, source_url: str,
                        ) -> tuple[Post, Account | None] | None:
    """A GraphQL Tweet (unwrapped) and its author; None for a retweet or a tweet without id,
    author or timestamp. A retweet is the retweeter's share, not a post of theirs."""
    legacy = result["legacy"]
    tweet_id = str(result.get("rest_id") or legacy.get("id_str") or "")
    created = parse_twitter_time(legacy.get("created_at"))
    user = ((result.get("core") or {}).get("user_results") or {}).get("result") or {}
    author = parse_graphql_user(user, fetched_at, source_url) if user else None
    author_id = str(legacy.get("user_id_str") or (author.account_id if author else ""))
    if legacy.get("retweeted_status_result") or not tweet_id or not author_id or created is None:
        return None
    created = exact_time(tweet_id, created)
    note = ((result.get("note_tweet") or {}).get("note_tweet_results") or {}).get("result") or {}
    text = note.get("text") or legacy.get("full_text") or legacy.get("text") or ""
    mentions = (legacy.get("entities") or {}).get("user_mentions") or []
    post = Post(
        platform=PLATFORM,
        post_id=tweet_id,
        author_id=author_id,
        created_at=created,
        text=html.unescape(text),
        fetched_at=fetched_at,
        source_url=source_url,
        url=tweet_url(author.handle if author else None, tweet_id),
        parent_id=legacy.get("in_reply_to_status_id_str") or None,
        root_id=legacy.get("conversation_id_str") or tweet_id,
        like_count=as_int(legacy.get("favorite_count")),
        reply_count=as_int(legacy.get("reply_count")),
        repost_count=as_int(legacy.get("retweet_count")),
        language=legacy.get("lang") or None,
        mentions=[str(m["id_str"]) for m in mentions if m.get("id_str")],
    )
    return post, author


def _instructions(data: Any) -> list[dict[str, Any]]:
    """Every timeline instruction list in a response, wherever the operation keeps it
    (`data.user.result.timeline.timeline`, `data.threaded_conversation_with_injections_v2`,
    `data.search_by_raw_query.search_timeline.timeline`, …)."""
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            instructions = node.get("instructions")
            if isinstance(instructions, list):
                found.extend(i for i in instructions if isinstance(i, dict))
                continue
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _entries(instruction: dict[str, Any]) -> Iterator[dict[str, Any]]:
    kind = instruction.get("type")
    if kind == "TimelineAddEntries":
        yield from instruction.get("entries") or []
    elif kind in ("TimelinePinEntry", "TimelineReplaceEntry"):
        if instruction.get("entry"):
            yield instruction["entry"]
    elif kind == "TimelineAddToModule":
        for item in instruction.get("moduleItems") or []:
            yield {"entryId": item.get("entryId"), "content": {
                "entryType": "TimelineTimelineItem", **(item.get("item") or {})}}


def _item_contents(entry: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The itemContent of a single item, or of each item of a module (a conversation)."""
    content = entry.get("content") or {}
    kind = content.get("entryType") or content.get("__typename")
    if kind == "TimelineTimelineItem":
        yield content.get("itemContent") or {}
    elif kind == "TimelineTimelineModule":
        for item in content.get("items") or []:
            yield (item.get("item") or {}).get("itemContent") or {}
    elif kind == "TimelineTimelineCursor":
        yield {"__typename": "TimelineTimelineCursor", **content}


def parse_graphql(data: Any, fetched_at: datetime, source_url: str) -> Parsed:
    """Every tweet and user in one GraphQL response, with its cursors.

    Left out, and counted in `skipped`: promoted tweets (ads), tombstones and unavailable
    tweets, retweets. A `UserByScreenName` response yields its user.
    """
    parsed = Parsed()
    seen: set[str] = set()
    user = (((data or {}).get("data") or {}).get("user") or {}).get("result") or {}
    if user.get("__typename") == "User":
        account = parse_graphql_user(user, fetched_at, source_url)
        if account is not None:
            parsed.accounts.append(account)
    for instruction in _instructions(data):
        for entry in _entries(instruction):
            for content in _item_contents(entry):
                kind = content.get("__typename") or content.get("itemType")
                if kind == "TimelineTimelineCursor":
                    if content.get("cursorType") and content.get("value"):
                        parsed.cursors[content["cursorType"]] = content["value"]
                    continue
                if kind != "TimelineTweet":
                    continue
                if content.get("promotedMetadata"):
                    parsed.skip("promoted")
                    continue
                tweet = unwrap_tweet((content.get("tweet_results") or {}).get("result"))
                if tweet is None:
                    parsed.skip("unavailable")
                    continue
                found = parse_graphql_tweet(tweet, fetched_at, source_url)
                if found is None:
                    parsed.skip("retweet")
                    continue
                post, author = found
                if post.post_id in seen:
                    continue
                seen.add(post.post_id)
                parsed.posts.append(post)
                if author is not None:
                    parsed.accounts.append(author)
                mentions = (tweet["legacy"].get("entities") or {}).get("user_mentions") or []
                parsed.accounts.extend(_mentioned(
                    [(m.get("id_str"), m.get("screen_name"), m.get("name")) for m in mentions],
                    fetched_at, source_url))
    return _distinct(parsed)


def _mentioned(entities: list[tuple[Any, Any, Any]], fetched_at: datetime, source_url: str,
               ) -> list[Account]:
    """Accounts known only from mention entities (id and handle, no follower count): how a
    brand that is mentioned but never opened is still recognised."""
    return [Account(platform=PLATFORM, account_id=str(i), handle=h, display_name=n or None,
                    followers=None, fetched_at=fetched_at, source_url=source_url,
                    url=f"{WEB}/{h}" if h else None)
            for i, h, n in entities if i]


def _distinct(parsed: Parsed) -> Parsed:
    """One account per id, preferring the full user object over a mention entity."""
    accounts: dict[str, Account] = {}
    for account in parsed.accounts:
        known = accounts.get(account.account_id)
        if known is None or (known.followers is None and account.followers is not None):
            accounts[account.account_id] = account
    parsed.accounts = list(accounts.values())
    return parsed


# API v2 -------------------------------------------------------------------------------------


def parse_v2_user(user: dict[str, Any], fetched_at: datetime, source_url: str,
                  brand_id: str | None = None) -> Account:
    """A v2 User object (`id`, `username`, `name`, `public_metrics.followers_count`)."""
    handle = user.get("username")
    return Account(
        platform=PLATFORM,
        account_id=str(user["id"]),
        handle=handle,
        display_name=user.get("name") or None,
        followers=as_int((user.get("public_metrics") or {}).get("followers_count")),
        fetched_at=fetched_at,
        source_url=source_url,
        url=f"{WEB}/{handle}" if handle else None,
        brand_id=brand_id,
    )


def parse_v2_tweet(tweet: dict[str, Any], handles: dict[str, str], fetched_at: datetime,
                   source_url: str, brand_id: str | None = None) -> Post | None:
    """A v2 Tweet object; `handles` maps author ids to usernames (from `includes.users`).
    None for a retweet or a tweet without id, author or timestamp."""
    created = parse_timestamp(tweet.get("created_at"))
    refs = {r.get("type"): str(r.get("id")) for r in tweet.get("referenced_tweets") or []}
    if "retweeted" in refs or not tweet.get("id") or not tweet.get("author_id") or not created:
        return None
    tweet_id, author_id = str(tweet["id"]), str(tweet["author_id"])
    created = exact_time(tweet_id, created)
    metrics = tweet.get("public_metrics") or {}
    mentions = (tweet.get("entities") or {}).get("mentions") or []
    return Post(
        platform=PLATFORM,
        post_id=tweet_id,
        author_id=author_id,
        created_at=created,
        text=html.unescape(tweet.get("text") or ""),
        fetched_at=fetched_at,
        source_url=source_url,
        url=tweet_url(handles.get(author_id), tweet_id),
        parent_id=refs.get("replied_to"),
        root_id=str(tweet.get("conversation_id") or tweet_id),
        like_count=as_int(metrics.get("like_count")),
        reply_count=as_int(metrics.get("reply_count")),
        repost_count=as_int(metrics.get("retweet_count")),
        language=tweet.get("lang") or None,
        mentions=[str(m["id"]) for m in mentions if m.get("id")],
        brand_id=brand_id,
    )


def parse_v2(data: dict[str, Any], fetched_at: datetime, source_url: str,
             brand_id: str | None = None) -> Parsed:
    """A page of v2 tweets (`data`, `includes.users`, `meta.next_token`)."""
    parsed = Parsed()
    users = ((data.get("includes") or {}).get("users")) or []
    handles = {str(u["id"]): u.get("username") for u in users if u.get("id")}
    for tweet in data.get("data") or []:
        post = parse_v2_tweet(tweet, handles, fetched_at, source_url, brand_id)
        if post is None:
            parsed.skip("retweet")
        else:
            parsed.posts.append(post)
    parsed.accounts = [parse_v2_user(u, fetched_at, source_url) for u in users if u.get("id")]
    for tweet in data.get("data") or []:
        mentions = (tweet.get("entities") or {}).get("mentions") or []
        parsed.accounts.extend(_mentioned([(m.get("id"), m.get("username"), None)
                                           for m in mentions], fetched_at, source_url))
    _distinct(parsed)
    next_token = (data.get("meta") or {}).get("next_token")
    if next_token:
        parsed.cursors["next_token"] = next_token
    return parsed


def is_anchor(post: Post, brand_ids: Container[str], start: datetime,
              end: datetime | None) -> bool:
    """Whether the sample starts from this post: in the window, and written by a brand
    account or mentioning one (docs/methodology.md, "What is crawled")."""
    if post.created_at < start or (end is not None and post.created_at >= end):
        return False
    return post.author_id in brand_ids or any(m in brand_ids for m in post.mentions)


def in_anchored_subtrees(posts: list[Post], is_anchor: Callable[[Post], bool],
                         anchor_ids: set[str]) -> list[Post]:
    """The posts that are an anchor or lie below one, walking up `parent_id` links.

    A conversation search returns the whole conversation, ancestors and side branches
    included; only the reply trees below the sample's anchors (brand posts and mentions in
    the window) are kept, as the sample frame says. `anchor_ids` names anchors the
    response may not hold (a root older than what the search reaches)."""
    by_id = {p.post_id: p for p in posts}
    verdict: dict[str, bool] = {}

    def anchored(post_id: str) -> bool:
        chain: list[str] = []
        result = False
        current: str | None = post_id
        while current is not None:
            if current in verdict:
                result = verdict[current]
                break
            post = by_id.get(current)
            if current in anchor_ids or (post is not None and is_anchor(post)):
                result = True
                break
            chain.append(current)
            current = post.parent_id if post is not None else None
        verdict.update((c, result) for c in chain)
        return result

    return [p for p in posts if anchored(p.post_id)]


def search_floor(error_body: dict[str, Any]) -> datetime | None:
    """The earliest `start_time` a search allows, from X's 400 answer
    ("'start_time' must be on or after 2026-11-16T20:41Z"); None for any other error."""
    for error in error_body.get("errors") or []:
        match = _FLOOR.search(str(error.get("message") or ""))
        if match:
            return parse_timestamp(match.group(1))
    return None
