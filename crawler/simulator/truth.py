"""Ground truth: every customer post in the world judged with the documented definitions.

Written independently of the metric SQL so that the end-to-end tests compare two
implementations. A post is in the audit's sample when the crawl can reach it: it lies in the
reply tree under a brand post published in the window, or (only when mention search works)
it mentions a brand account and was published in the window, or lies under such a post, or
it was made in a brand's own space (a community topic, a review) in the window, or lies under
such a post (crawling the space reaches it); on platforms listed in `World.whole_spaces` the
space's conversations of any age are reached; on platforms listed in
`World.reached_from_roots` only brand posts that open a conversation lead into the sample.
`needs_search` marks the posts that only the second route reaches.

Posts by accounts the platform flags as automated (bot customers) are no customer posts;
`bot_posts` counts them. An automated brand account's reply is a response, but not a
person's (`human_response_seconds`). For a brand whose desk keeps office hours
(`World.open_hours`) the SLA is judged on the time it was open (`business_seconds`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.simulator.world import OpenHours, Post, World, addressed_brands


@dataclass(frozen=True)
class TruthRow:
    platform: str
    post_id: str
    brand_id: str
    status: str
    response_seconds: float | None
    needs_search: bool
    human_response_seconds: float | None = None  # to the first answer a person wrote
    business_response_seconds: float | None = None  # open time only; brands with hours

    def as_dict(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "post_id": self.post_id,
            "brand_id": self.brand_id,
            "status": self.status,
            "response_seconds": self.response_seconds,
            "needs_search": self.needs_search,
            "human_response_seconds": self.human_response_seconds,
            "business_response_seconds": self.business_response_seconds,
        }


def first_response(post: Post, brand_id: str, as_of: datetime,
                   human: bool = False) -> datetime | None:
    """The earliest post by the brand anywhere below `post`, after it, up to `as_of`; with
    `human`, the earliest not by one of its automated accounts."""
    best: datetime | None = None
    stack = list(post.children)
    while stack:
        child = stack.pop()
        stack.extend(child.children)
        if (child.author.brand_id == brand_id and post.created_at < child.created_at <= as_of
                and not (human and child.author.automated)
                and (best is None or child.created_at < best)):
            best = child.created_at
    return best


def is_handoff(post: Post, brand_id: str) -> bool:
    """A confirmation written after the brand redirected this customer: in reply to the
    redirect, or in the thread where the redirect answered this customer."""
    if post.kind != "confirmation":
        return False
    stack = [post.root]
    while stack:
        other = stack.pop()
        stack.extend(other.children)
        if (other.kind == "redirect" and other.author.brand_id == brand_id
                and other.created_at < post.created_at
                and (post.parent is other
                     or (other.parent is not None and other.parent.author is post.author))):
            return True
    return False


def business_seconds(start: datetime, end: datetime, hours: OpenHours) -> float:
    """Seconds from `start` to `end` during which the desk was open, day by local day."""
    zone = ZoneInfo(hours.timezone)
    total = timedelta()
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        if day.isoweekday() in hours.days:
            opens = datetime.combine(day, hours.opens, zone)
            closes = datetime.combine(day, hours.closes, zone)
            total += max(timedelta(), min(end, closes) - max(start, opens))
        day += timedelta(days=1)
    return total.total_seconds()


def _seconds(since: datetime, until: datetime | None) -> float | None:
    return (until - since).total_seconds() if until is not None else None


def judge(world: World, as_of: datetime | None = None, since: datetime | None = None,
          until: datetime | None = None, reached_since: datetime | None = None) -> list[TruthRow]:
    """Every (customer post, brand) in the sample, with status and response seconds.

    `reached_since` (default `since`) is how far back brand posts and mentions lead into the
    sample: a database crawled week after week also holds the threads under brand posts its
    earlier, older windows reached, and counts their customer posts that fall in this window.
    """
    as_of = as_of or world.now
    sla = timedelta(minutes=world.settings.sla_minutes).total_seconds()
    ignore_after = timedelta(hours=world.settings.ignore_after_hours).total_seconds()
    rows = []
    for platform, post, brand_id, needs_search in _sample(world, as_of, since, until,
                                                          reached_since):
        if post.author.automated:
            continue  # a bot's post: bot_posts counts it
        answered_at = first_response(post, brand_id, as_of)
        seconds = _seconds(post.created_at, answered_at)
        hours = world.open_hours.get(brand_id)
        business = (business_seconds(post.created_at, answered_at, hours)
                    if hours and answered_at else None)
        if is_handoff(post, brand_id):
            status = "handoff"
        elif seconds is not None:
            status = "on_time" if (business if business is not None else seconds) <= sla \
                else "late"
        elif (as_of - post.created_at).total_seconds() > ignore_after:
            status = "ignored"
        else:
            status = "pending"
        human = _seconds(post.created_at, first_response(post, brand_id, as_of, human=True))
        rows.append(TruthRow(platform, post.post_id, brand_id, status, seconds, needs_search,
                             human, business))
    return rows


def bot_posts(world: World, as_of: datetime | None = None, since: datetime | None = None,
              until: datetime | None = None) -> Counter[tuple[str, str]]:
    """(platform, brand) -> posts in the sample addressed to the brand by automated
    accounts (brand_metrics.bot_posts)."""
    return Counter((platform, brand_id) for platform, post, brand_id, _ in
                   _sample(world, as_of or world.now, since, until, None)
                   if post.author.automated)


def _sample(world: World, as_of: datetime, since: datetime | None, until: datetime | None,
            reached_since: datetime | None) -> Iterator[tuple[str, Post, str, bool]]:
    """(platform, post, brand it is addressed to, reached only by search) for every post in
    the window that the crawl reaches, by customers and bots alike."""
    since = since or world.window_start
    reach = min(reached_since or since, since)
    for platform, posts in sorted(world.posts.items()):
        whole = platform in world.whole_spaces
        tree_reached = (_under_brand_posts(posts, reach, platform in world.reached_from_roots)
                        | _in_brand_spaces(posts, reach, until, whole))
        search_reached = _under_mentions(posts, reach, until)
        for post in posts:
            if post.created_at > as_of or post.created_at < since:
                continue
            if until is not None and post.created_at >= until:
                continue
            if id(post) not in tree_reached and id(post) not in search_reached:
                continue
            for brand_id in sorted(addressed_brands(post)):
                yield platform, post, brand_id, id(post) not in tree_reached


def _under_brand_posts(posts: list[Post], since: datetime, roots_only: bool = False) -> set[int]:
    roots = [p for p in posts if p.author.brand_id and p.created_at >= since
             and not (roots_only and p.parent is not None)]
    return _subtrees(roots)


def _in_brand_spaces(posts: list[Post], since: datetime, until: datetime | None,
                     whole: bool = False) -> set[int]:
    """Conversations opened in a brand's space in the window; with `whole`, of any age (a
    post in the window is reached through its conversation's recent activity)."""
    roots = [p for p in posts if p.addressed_to and (whole or (
        p.created_at >= since and (until is None or p.created_at < until)))]
    return _subtrees(roots)


def _under_mentions(posts: list[Post], since: datetime, until: datetime | None) -> set[int]:
    roots = [p for p in posts
             if any(m.brand_id for m in p.mentions) and not p.author.brand_id
             and p.created_at >= since and (until is None or p.created_at < until)]
    return _subtrees(roots)


def _subtrees(roots: list[Post]) -> set[int]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        post = stack.pop()
        if id(post) in seen:
            continue
        seen.add(id(post))
        stack.extend(post.children)
    return seen


def truth_document(world: World) -> dict[str, object]:
    """The JSON written by `replyaudit simulate --truth`."""
    return {
        "seed": world.seed,
        "as_of": world.now.isoformat(),
        "sla_minutes": world.settings.sla_minutes,
        "ignore_after_hours": world.settings.ignore_after_hours,
        "window_start": world.window_start.isoformat(),
        "customer_posts": [row.as_dict() for row in judge(world)],
    }
