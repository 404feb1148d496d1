"""The YouTube Data API v3 endpoints the spider uses, over the world's brand channels.

Shapes follow the recorded payloads in tests/fixtures/youtube/: `youtube#…ListResponse`
envelopes with `pageInfo` and `nextPageToken`, channels with `contentDetails.relatedPlaylists
.uploads`, playlist items with `contentDetails.videoPublishedAt` (absent for private videos),
comment threads with `totalReplyCount` and at most five inline `replies` (by video or by
channel, `allThreadsRelatedToChannelId`, newest first, or by `id`: the threads named,
comma-separated, without paging), replies through
`comments?parentId=`, and Google's error envelope (`error.errors[].reason`: `forbidden`,
`keyInvalid`, `commentsDisabled`, `quotaExceeded`). Every call costs one quota unit of the
key's daily budget.

The world: each demo brand's channel and its videos; customers' top-level comments, which the
channel answers (or not) with a reply in the thread; customers' replies; threads with more
replies than a thread carries; a video with more threads than a page; a private video; a
video with comments turned off.
"""

from __future__ import annotations

import base64
import random
import string
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import (
    ANNOUNCEMENTS,
    Account,
    Post,
    customer_name,
    day_number,
    each_day,
)

if TYPE_CHECKING:
    from crawler.simulator.world import WorldSettings, _Builder

DAILY_QUOTA = 10_000
INLINE_REPLIES = 5  # the most replies a comment thread carries
CHANNELS = {"acme": "@AcmeAir", "globex": "@GlobexAirways", "initech": "@InitechAirlines"}
PRIVATE, NO_COMMENTS = "Private video", "Crew Q&A (comments are turned off)"
_ALPHABET = string.ascii_letters + string.digits + "-_"


class _YoutubeIds:
    """`UC…` channel ids for accounts; video ids, `Ug…` comment ids and `top.reply` ids."""

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        channel = "UC" + "".join(rng.choice(_ALPHABET) for _ in range(22))
        return channel, channel

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        # The final form depends on the post's place (video, comment, reply): see populate.
        native = "".join(rng.choice(_ALPHABET) for _ in range(22))
        return native, native

    def populate(self, b: _Builder, settings: WorldSettings) -> None:
        _populate(b, settings)


IDS = _YoutubeIds()

# The API key the simulator accepts: see SIM_CREDENTIALS.
CREDENTIALS = {"youtube": ("", "sim-youtube-api-key")}


# The world ---------------------------------------------------------------------------------


def _populate(b: _Builder, settings: WorldSettings) -> None:
    """Channels and customers from the platform's stream, then each day's videos and their
    comments from that day's own (world.each_day): the same seed with a later `now` is the
    same world later. Every 14 days a channel posts a private video and one with comments
    turned off, and Acme a viral one, so any window holds each."""
    rng, world = b.rng, b.world
    channels = {brand_id: b.account(handle, world.brands[brand_id],
                                    rng.randint(50_000, 900_000), brand_id)
                for brand_id, handle in CHANNELS.items()}
    for i in range(settings.customers_per_platform):
        b.account(f"@traveller{i:03d}", customer_name(i), 0, None)
    for day in each_day(b, settings):
        for index, (brand_id, channel) in enumerate(channels.items()):
            _channel_day(b, day, brand_id, channel, 3 * index + 1)
        if day_number(day) % 14 == 5:
            viral = b.post(channels["acme"], day + timedelta(hours=b.rng.uniform(8, 12)),
                           "Our new cabins: a first look")
            for i in range(105):  # more threads than one page holds
                _thread(b, viral, "acme", channels["acme"],
                        viral.created_at + timedelta(minutes=7 * i + 1))
    # A generated panel (world.PanelBrand): a channel each, `@brand001`, its own streams.
    panel = {}
    for brand in world.panel:
        b.panel_stream(brand)
        panel[brand.id] = b.account(f"@{brand.id}", brand.name, b.rng.randint(50_000, 900_000),
                                    brand.id)
    for index, brand in enumerate(world.panel):
        for day in each_day(b, settings, f":{brand.id}"):
            _channel_day(b, day, brand.id, panel[brand.id], index % 14)
    for post in b.posts:
        # YouTube reports whole seconds; ids take the form of the post's place.
        post.created_at = post.created_at.replace(microsecond=0)
        if post.parent is None:
            post.post_id = post.native_id[:11]
        elif post.parent.parent is None:
            post.post_id = f"Ug{post.native_id}4AaABAg"
        else:  # a reply's id starts with its thread's top-level comment id
            top = post.parent if post.parent.parent.parent is None else post.parent.parent
            post.post_id = f"{top.post_id}.{post.native_id}"
        post.native_id = post.post_id


def _channel_day(b: _Builder, day: datetime, brand_id: str, channel: Account,
                 quiet_day: int) -> None:
    """A channel's videos of `day` with their comments; on `quiet_day` (of 14) a private
    video and one with comments turned off."""
    t = day
    while (t := t + timedelta(days=b.rng.expovariate(0.4))) < day + timedelta(days=1):
        video = b.post(channel, t, b.rng.choice(ANNOUNCEMENTS))
        for _ in range(b.rng.randint(0, 7)):
            _thread(b, video, brand_id, channel, video.created_at + b.delay(0.5))
        if b.rng.random() < 0.4:
            _channel_thread(b, video, brand_id, channel)
    if day_number(day) % 14 == quiet_day:
        quiet = day + timedelta(hours=b.rng.uniform(6, 18))
        b.post(channel, quiet, PRIVATE)
        b.post(channel, quiet + timedelta(hours=5), NO_COMMENTS)


def _thread(b: _Builder, video: Post, brand_id: str, channel: Account, at: datetime) -> None:
    """A customer's top-level comment and its flat replies: maybe the channel's answer, maybe
    other customers, sometimes more replies than the thread will carry inline."""
    top = b.post(b.customer(), at, b.complaint(), parent=video)
    rate, speed = b.brand_traits[brand_id]
    chatter = b.rng.randint(6, 9) if b.rng.random() < 0.15 else b.rng.randint(0, 2)
    for _ in range(chatter):
        b.post(b.customer(), top.created_at + b.delay(0.6), "Same here.", parent=top)
    if b.rng.random() < rate:
        answer = b.post(channel, top.created_at + b.delay(speed),
                        "Sorry about that! Please send us your booking reference.", parent=top)
        if answer is not None and b.rng.random() < 0.3:
            b.post(top.author, answer.created_at + b.delay(0.5), "Sent, thanks.", parent=top)


def _channel_thread(b: _Builder, video: Post, brand_id: str, channel: Account) -> None:
    """The channel's own top-level comment: customers reply to it (addressed), and the
    channel answers each with a reply to that reply (`@customer …`). Only when its desk is
    open as the video goes out: a question thread opened days later under a video older
    than the window would hang below no video the crawl reads."""
    at = video.created_at + timedelta(minutes=2)
    if b._office_time(brand_id, at) != at:
        return
    top = b.post(channel, at,
                 "Questions about the new routes? Ask here!", parent=video)
    rate, speed = b.brand_traits[brand_id]
    asked: set[str] = set()  # one reply per customer: "@handle" names one reply
    for _ in range(b.rng.randint(1, 4)):
        customer = b.customer()
        if customer.key in asked:
            continue
        asked.add(customer.key)
        question = b.post(customer, top.created_at + b.delay(0.8), b.complaint(), parent=top)
        if question is not None and b.rng.random() < rate:
            b.post(channel, question.created_at + b.delay(speed),
                   f"{customer.handle} thanks, we have sent you a message.", parent=question)


# Shapes ------------------------------------------------------------------------------------


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _etag(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()[:27]


def _comment(post: Post) -> dict[str, Any]:
    author = post.author
    video = post.root
    snippet: dict[str, Any] = {
        "channelId": video.author.key, "videoId": video.post_id,
        "textDisplay": post.text, "textOriginal": post.text,
        "authorDisplayName": author.handle,
        "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{author.key[2:12]}=s48-c-k",
        "authorChannelUrl": f"http://www.youtube.com/{author.handle}",
        "authorChannelId": {"value": author.key}, "canRate": True, "viewerRating": "none",
        "likeCount": post.likes, "publishedAt": _iso(post.created_at),
        "updatedAt": _iso(post.created_at),
    }
    if post.parent is not None and post.parent is not video:
        # Threads are flat: a reply to a reply names the thread's top-level comment.
        top = post.parent if post.parent.parent is video else post.parent.parent
        assert top is not None  # a reply's parent hangs below the video
        snippet["parentId"] = top.post_id
    return {"kind": "youtube#comment", "etag": _etag(post.post_id), "id": post.post_id,
            "snippet": snippet}


def _thread_resource(top: Post, with_replies: bool) -> dict[str, Any]:
    replies = _flat_replies(top)
    thread: dict[str, Any] = {
        "kind": "youtube#commentThread", "etag": _etag("t" + top.post_id), "id": top.post_id,
        "snippet": {"channelId": top.root.author.key, "videoId": top.root.post_id,
                    "topLevelComment": _comment(top), "canReply": True,
                    "totalReplyCount": len(replies), "isPublic": True}}
    if with_replies and replies:
        thread["replies"] = {"comments": [_comment(r) for r in replies[-INLINE_REPLIES:][::-1]]}
    return thread


def _flat_replies(top: Post) -> list[Post]:
    """Every reply in a top-level comment's thread, oldest first, as the API lists them."""
    replies, stack = [], list(top.children)
    while stack:
        reply = stack.pop()
        replies.append(reply)
        stack.extend(reply.children)
    return sorted(replies, key=lambda p: (p.created_at, p.post_id))


def _playlist_item(video: Post, position: int) -> dict[str, Any]:
    channel = video.author
    snippet: dict[str, Any] = {
        "publishedAt": _iso(video.created_at), "channelId": channel.key,
        "title": video.text, "description": "", "thumbnails": {},
        "channelTitle": channel.display_name, "playlistId": _uploads(channel),
        "position": position,
        "resourceId": {"kind": "youtube#video", "videoId": video.post_id},
        "videoOwnerChannelTitle": channel.display_name, "videoOwnerChannelId": channel.key,
    }
    details: dict[str, Any] = {"videoId": video.post_id,
                               "videoPublishedAt": _iso(video.created_at)}
    if video.text == PRIVATE:  # what the API shows of a private video
        snippet.update(description="This video is private.", publishedAt=_iso(video.created_at))
        del snippet["videoOwnerChannelTitle"], snippet["videoOwnerChannelId"]
        del details["videoPublishedAt"]
    return {"kind": "youtube#playlistItem", "etag": _etag("p" + video.post_id),
            "id": _etag(f"{_uploads(channel)}.{video.post_id}"), "snippet": snippet,
            "contentDetails": details}


def _uploads(channel: Account) -> str:
    return "UU" + channel.key[2:]


def _list(kind: str, items: list[dict[str, Any]], total: int, per_page: int,
          next_offset: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": f"youtube#{kind}ListResponse", "etag": _etag(kind),
                            "pageInfo": {"totalResults": total, "resultsPerPage": per_page},
                            "items": items}
    if next_offset is not None:
        body["nextPageToken"] = base64.urlsafe_b64encode(f"o:{next_offset}".encode()).decode()
    return body


def _offset(request: SimRequest) -> int:
    token = request.arg("pageToken")
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("o:"))
    except ValueError:
        return -1


def _page(request: SimRequest, kind: str, things: list[Any], render: Any,
          maximum: int) -> SimResponse:
    offset = _offset(request)
    if offset < 0:
        return _error(400, "invalidPageToken", "The request specifies an invalid page token.")
    per_page = request.int_arg("maxResults", 5, maximum)
    chunk = things[offset:offset + per_page]
    more = offset + per_page if offset + per_page < len(things) else None
    return SimResponse(body=_list(kind, [render(t, offset + i) for i, t in enumerate(chunk)],
                                  len(things), per_page, more))


# Routes ------------------------------------------------------------------------------------


def _error(status: int, reason: str, message: str) -> SimResponse:
    return SimResponse(status, {"error": {
        "code": status, "message": message,
        "errors": [{"message": message, "domain": "youtube.api", "reason": reason}]}})


def _index(request: SimRequest) -> dict[str, Any]:
    world = request.server.world
    return request.server.cached(
        "youtube_index", lambda: {"posts": {p.post_id: p for p in world.posts["youtube"]}})


def _channels(request: SimRequest) -> SimResponse:
    wanted_handle = (request.arg("forHandle") or "").lower()
    wanted_id = request.arg("id") or ""
    found = [a for a in request.server.world.accounts["youtube"] if a.brand_id and (
        a.handle.lower() == "@" + wanted_handle.removeprefix("@") or a.key == wanted_id)]
    items = [{
        "kind": "youtube#channel", "etag": _etag(a.key), "id": a.key,
        "snippet": {"title": a.display_name, "description": "", "customUrl": a.handle.lower(),
                    "publishedAt": "2012-03-01T10:00:00Z", "thumbnails": {}, "country": "US",
                    "localized": {"title": a.display_name, "description": ""}},
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": _uploads(a)}},
        "statistics": {"viewCount": "1200000", "subscriberCount": str(a.followers),
                       "hiddenSubscriberCount": False, "videoCount": "140"},
    } for a in found]
    return SimResponse(body=_list("channel", items, len(items), 5, None))


def _by_channel(request: SimRequest) -> tuple[dict[str, list[Post]], dict[str, list[Post]]]:
    """Videos by uploads playlist and top-level comments by channel, oldest first: built
    once, not scanned per call."""
    def build() -> tuple[dict[str, list[Post]], dict[str, list[Post]]]:
        videos: dict[str, list[Post]] = {}
        tops: dict[str, list[Post]] = {}
        for p in request.server.world.posts["youtube"]:
            if p.parent is None:
                videos.setdefault(_uploads(p.author), []).append(p)
            elif p.parent.parent is None:
                tops.setdefault(p.parent.author.key, []).append(p)
        return videos, tops
    return request.server.cached("youtube_channels", build)


def _playlist_items(request: SimRequest) -> SimResponse:
    playlist = request.arg("playlistId") or ""
    videos = list(_by_channel(request)[0].get(playlist, []))
    if not videos:
        return _error(404, "playlistNotFound", "The playlist identified with the request's "
                      "playlistId parameter cannot be found.")
    videos.sort(key=lambda p: p.created_at, reverse=True)
    return _page(request, "playlistItem", videos, _playlist_item, 50)


def _comment_threads(request: SimRequest) -> SimResponse:
    with_replies = "replies" in (request.arg("part") or "").split(",")
    if request.arg("id") is not None:  # threads by id: those that exist, no paging
        posts = _index(request)["posts"]
        tops = [posts[i] for i in (request.arg("id") or "").split(",") if i in posts]
        items = [_thread_resource(top, with_replies) for top in tops
                 if top.parent is not None and top.parent.parent is None]
        return SimResponse(body=_list("commentThread", items, len(items), len(items), None))
    channel = request.arg("allThreadsRelatedToChannelId")
    if channel is not None:  # every thread on the channel's videos, newest first
        tops = list(_by_channel(request)[1].get(channel, []))
        tops.sort(key=lambda p: p.created_at, reverse=True)
        return _page(request, "commentThread", tops,
                     lambda top, _: _thread_resource(top, with_replies), 100)
    video = _index(request)["posts"].get(request.arg("videoId") or "")
    if video is None or video.parent is not None:
        return _error(404, "videoNotFound", "The video identified by the videoId parameter "
                      "could not be found.")
    if video.text == NO_COMMENTS:
        return _error(403, "commentsDisabled", "The video identified by the videoId parameter "
                      "has disabled comments.")
    threads = sorted(video.children, key=lambda p: p.created_at, reverse=True)
    return _page(request, "commentThread", threads,
                 lambda top, _: _thread_resource(top, with_replies), 100)


def _comments(request: SimRequest) -> SimResponse:
    top = _index(request)["posts"].get(request.arg("parentId") or "")
    if top is None or top.parent is None or top.parent.parent is not None:
        return _error(404, "commentNotFound", "One or more of the comments identified by the "
                      "parentId parameter could not be found.")
    return _page(request, "comment", _flat_replies(top), lambda r, _: _comment(r), 100)


def _keyed(handler: Any) -> Any:
    """API key required (header or `key=`); one quota unit per call, 403 once spent."""

    def wrapped(request: SimRequest) -> SimResponse:
        key = request.headers.get("x-goog-api-key") or request.arg("key")
        if not key:
            return _error(403, "forbidden", "The request is missing a valid API key.")
        if key != request.server.credentials["youtube"][1]:
            return _error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")
        state = request.server.state
        state["youtube_units"] = state.get("youtube_units", 0) + 1
        if state["youtube_units"] > state.get("youtube_quota", DAILY_QUOTA):
            return _error(403, "quotaExceeded", "The request cannot be completed because you "
                          "have exceeded your quota.")
        return handler(request)

    return wrapped


def routes() -> list[Route]:
    table = [
        (r"/youtube/v3/channels", _channels),
        (r"/youtube/v3/playlistItems", _playlist_items),
        (r"/youtube/v3/commentThreads", _comment_threads),
        (r"/youtube/v3/comments", _comments),
    ]
    return [Route("GET", pattern, _keyed(handler), "youtube") for pattern, handler in table]


def config_section(base_url: str) -> dict[str, Any]:
    """Every call to the simulator, fast: it is local."""
    return {"base_url": base_url, "requests_per_second": 50.0, "concurrency": 8}


def brand_entry(brand_id: str, base_url: str) -> list[str] | None:
    """The brand's `youtube` entry in the written config: its channel's handle."""
    handle = CHANNELS.get(brand_id)
    return [handle] if handle else None
