"""YouTube: the comments on each brand channel's videos, through the Data API v3.

Per channel: `channels.list` (by handle or id) for its uploads playlist, `playlistItems.list`
newest first back to the window start, then every video's `commentThreads.list` (with the
replies a thread carries inline) and, for threads with more replies than that,
`comments.list?parentId=`. The key travels in the `X-Goog-Api-Key` header, never in a URL
(URLs are logged and stored with failures).

The API's daily quota is counted in units (1 per list call here, retries included, counted
as they are sent); the spider never spends more than `quota_units` in a run, and stops
cleanly before: a thread is stored only with all its replies, so what was stored is judged
correctly and what was not is said in a note.
Without a key nothing is crawled: the public watch pages only give relative times
("2 days ago"), which cannot measure a response time.

In an incremental benchmark run (benchmarks/incremental.py) the window's uploads are listed
again, then the threads started since the previous run on any of them, newest first, for
the whole channel at once (`commentThreads.list?allThreadsRelatedToChannelId=`); the threads
of comments no brand had answered then, and of the brand's own young top-level comments,
are fetched again by id, fifty a unit (`commentThreads.list?id=`), and their replies only
when the thread's reply count has moved (docs/benchmarks.md, "What each platform's API
allows").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import IgnoreRequest

from crawler.parsers import youtube as parse
from crawler.spiders.base import PlatformSpider, failed_request, json_callback, request_of

if TYPE_CHECKING:

    from scrapy.http import Response
    from twisted.python.failure import Failure

    from benchmarks.config import Brand

PAGE = 50  # playlistItems.list maximum
COMMENTS_PAGE = 100  # commentThreads.list and comments.list maximum
COMMENTS_BATCH = 50  # the most ids one commentThreads.list?id= call takes
UNIT_COST = 1  # channels, playlistItems, commentThreads and comments list calls
VIDEO_ID_LENGTH = 11  # a video's id; a comment's is longer, a reply's is `{thread}.{reply}`


class YoutubeSpider(PlatformSpider):
    name = "youtube"

    def __init__(self, *args: Any, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._api_key = api_key
        self.budget = int(self.platform_settings.options["quota_units"])
        self.units = 0
        self.stopped = False  # the budget (or the API's own quota) ended the crawl
        self.stored_replies: dict[str, int | None] = {}  # incremental: thread -> its count
        self.window_videos: dict[str, set[str]] = {}  # channel -> its videos in the window
        self.recheck_brand: dict[str, str | None] = {}  # incremental: thread -> its brand

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self._api_key:
            env = self.platform_settings.options["api_key_env"]
            self.note(f"YouTube was not crawled: the Data API needs a key (set {env}). Without "
                      "it only the watch pages' relative times (\"2 days ago\") are public, "
                      "and those cannot measure a response time.")
            return
        async for request in super().start():
            yield request
        for request in self.recheck():
            yield request

    # Requests and quota --------------------------------------------------------------------

    def call(self, resource: str, params: dict[str, Any], callback: Callable[..., Any],
             brand_id: str | None, **kwargs: Any) -> scrapy.Request | None:
        """A Data API list call (signed and paid for as it is sent: `authorize`); None once
        the crawl has stopped."""
        if self.stopped:
            return None
        meta = {"handle_httpstatus_list": [400, 403], "send_time_auth": True,
                **kwargs.pop("meta", {})}
        url = f"{self.platform_settings.base_url}/youtube/v3/{resource}?{urlencode(params)}"
        return self.api_request(url, callback, brand_id, meta=meta, **kwargs)

    def authorize(self, request: scrapy.Request) -> None:
        """Spend a quota unit as `request` goes out (crawler.middlewares.SendTimeAuthMiddleware),
        retries included, since the API counts every call; never past the budget."""
        if not self.stopped and self.units + UNIT_COST > self.budget:
            self.stop(f"YouTube: stopped at the quota budget of {self.budget} units "
                      "(platforms.youtube.quota_units); comments not fetched by then are "
                      "missing.")
        if self.stopped:
            raise IgnoreRequest("YouTube crawl stopped (quota)")
        self.units += UNIT_COST
        assert self.crawler.stats is not None and self._api_key is not None
        self.crawler.stats.set_value("audit/quota_units", self.units)
        request.headers["X-Goog-Api-Key"] = self._api_key

    def on_error(self, failure: Failure) -> Iterator[Any]:
        if failure.check(IgnoreRequest) and self.stopped:
            return  # not sent on purpose: the note says why
        yield from super().on_error(failure)
        yield from self.keep_thread(failed_request(failure))

    def stop(self, why: str) -> None:
        self.stopped = True
        self.note(why)

    def refused(self, response: Response, data: Any) -> Iterator[Any]:
        """A 400 or 403: the API's own quota spent or the key refused (stop), or another
        refusal of this one request (recorded)."""
        reason = parse.error_reason(data)
        if reason in ("quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"):
            self.stop(f"YouTube refused further requests ({reason}): the project's daily "
                      "quota is spent; comments not fetched by then are missing.")
        elif reason in ("keyInvalid", "forbidden", "accessNotConfigured"):
            self.stop(f"YouTube refused the API key ({reason}): YouTube was not crawled. "
                      "Check the key and that the YouTube Data API v3 is enabled for it.")
        status = response.status
        yield from self.record_failure(request_of(response),
                                       f"HTTP {status} {reason or ''}".strip(), status)

    # Channels and videos -------------------------------------------------------------------

    def start_account(self, brand: Brand, handle: str) -> Iterable[scrapy.Request]:
        by = {"forHandle": handle} if handle.startswith("@") else {"id": handle}
        request = self.call("channels", {"part": "snippet,statistics,contentDetails", **by},
                            self.on_channel, brand.id, cb_kwargs={"handle": handle},
                            meta={"account_handle": handle})
        if request is not None:
            yield request

    @json_callback
    def on_channel(self, response: Response, data: Any, handle: str) -> Iterator[Any]:
        if response.status in (400, 403):
            yield from self.refused(response, data)
            return
        channel = parse.parse_channel(data, self.now(), response.url, response.meta["brand_id"])
        if channel is None or not channel.uploads:
            self.note(f"Could not find the YouTube channel {handle}: check it in the config. "
                      "The other channels were crawled.")
            yield from self.record_failure(request_of(response), "channel not found",
                                           response.status)
            return
        yield channel.account
        yield from self.playlist(channel.uploads, channel.account.account_id,
                                 response.meta["brand_id"], None, 1)

    def playlist(self, playlist: str, channel: str, brand_id: str, token: str | None,
                 page: int) -> Iterator[scrapy.Request]:
        params = {"part": "snippet,contentDetails", "playlistId": playlist, "maxResults": PAGE}
        if token:
            params["pageToken"] = token
        request = self.call("playlistItems", params, self.on_playlist, brand_id,
                            cb_kwargs={"playlist": playlist, "channel": channel, "page": page})
        if request is not None:
            yield request

    @json_callback
    def on_playlist(self, response: Response, data: Any, playlist: str, channel: str,
                    page: int) -> Iterator[Any]:
        """The channel's videos in the window, each with its comment threads."""
        if response.status in (400, 403):
            yield from self.refused(response, data)
            return
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_playlist(data, self.now(), response.url, brand_id)
        for video in parsed.posts:
            if video.author_id != channel or video.created_at < self.window_start or (
                    self.window_end is not None and video.created_at >= self.window_end):
                continue
            yield video
            if self.incremental is None:
                yield from self.threads(video.post_id, brand_id, None)
            self.window_videos.setdefault(channel, set()).add(video.post_id)
        oldest = parsed.oldest
        if parsed.next_page and oldest is not None and oldest >= self.window_start:
            if page < self.config.max_pages_per_account:
                yield from self.playlist(playlist, channel, brand_id, parsed.next_page, page + 1)
                return
            self.note(f"YouTube: stopped after {page} pages of uploads "
                      "(crawl.max_pages_per_account); older videos in the window are missing.")
        if self.incremental is not None:  # every video of the window is known: new threads
            yield from self.channel_threads(channel, brand_id, None)

    # Comments ------------------------------------------------------------------------------

    def channel_threads(self, channel: str, brand_id: str,
                        token: str | None) -> Iterator[scrapy.Request]:
        """Incremental: the threads started since the previous run on any of the channel's
        videos, newest first, a hundred a unit (older threads that can still change a measure
        are fetched again by `recheck`)."""
        params = {"part": "snippet,replies", "allThreadsRelatedToChannelId": channel,
                  "maxResults": COMMENTS_PAGE, "order": "time", "textFormat": "plainText"}
        if token:
            params["pageToken"] = token
        request = self.call("commentThreads", params, self.on_channel_threads, brand_id,
                            cb_kwargs={"channel": channel})
        if request is not None:
            yield request

    @json_callback
    def on_channel_threads(self, response: Response, data: Any, channel: str) -> Iterator[Any]:
        """New threads on the window's videos, stored whole; no further page once a thread
        older than the previous run appears."""
        if response.status in (400, 403):
            yield from self.refused(response, data)
            return
        assert self.incremental is not None
        brand_id = response.meta["brand_id"]
        since, videos = self.incremental.since, self.window_videos.get(channel, set())
        older = False
        for item in data.get("items") or []:
            video = (item.get("snippet") or {}).get("videoId") or ""
            for thread in parse.parse_threads({"items": [item]}, video, self.now(),
                                              response.url, brand_id).threads:
                older = older or thread.top.created_at <= since
                if thread.top.created_at > since and video in videos:
                    yield from self.whole(video, thread, brand_id)
        if data.get("nextPageToken") and not older:
            yield from self.channel_threads(channel, brand_id, data["nextPageToken"])

    def threads(self, video: str, brand_id: str | None,
                token: str | None) -> Iterator[scrapy.Request]:
        params = {"part": "snippet,replies", "videoId": video, "maxResults": COMMENTS_PAGE,
                  "order": "time", "textFormat": "plainText"}
        if token:
            params["pageToken"] = token
        # No thread_post_id: a page of threads that fails loses other top-level comments,
        # never the replies of the threads already stored (each is stored whole, or kept
        # as unverified by keep_thread).
        request = self.call("commentThreads", params, self.on_threads, brand_id,
                            cb_kwargs={"video": video})
        if request is not None:
            yield request

    @json_callback
    def on_threads(self, response: Response, data: Any, video: str) -> Iterator[Any]:
        if response.status in (400, 403):
            if parse.error_reason(data) == "commentsDisabled":
                self.note("YouTube: some videos have comments turned off; they hold no "
                          "customer posts.")
                return
            yield from self.refused(response, data)
            return
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_threads(data, video, self.now(), response.url, brand_id)
        for thread in parsed.threads:
            yield from self.whole(video, thread, brand_id)
        if parsed.next_page:
            yield from self.threads(video, brand_id, parsed.next_page)

    def whole(self, video: str, thread: parse.Thread,
              brand_id: str | None) -> Iterator[Any]:
        """A thread with all its replies: as it came, or with comments.list for the rest."""
        if thread.complete:
            yield from self.emit(thread.top, thread.author, thread.replies)
        else:
            yield from self.replies(video, thread, [], brand_id, None)

    def recheck(self) -> Iterator[scrapy.Request]:
        """Incremental: the threads of customer comments no brand had answered at the
        previous run and of the brand's young comments, by id, fifty a call."""
        plan = self.incremental
        if plan is None:
            return
        # The brand's young comments that head a thread (its own top-level comments); its
        # young replies are not looked at again (docs/benchmarks.md says what that misses).
        anchors = [*plan.unanswered.values(),
                   *(a for a in plan.young.values() if "." not in a.post_id)]
        self.stored_replies = {a.post_id: a.reply_count for a in anchors}
        for anchor in anchors:
            if len(anchor.post_id) > VIDEO_ID_LENGTH:  # a comment, not a video
                self.recheck_brand.setdefault(anchor.post_id.split(".")[0], anchor.brand_id)
        ordered = sorted(self.recheck_brand)
        for i in range(0, len(ordered), COMMENTS_BATCH):
            # maxResults is refused with `id`: the answer holds every thread named.
            params = {"part": "snippet,replies", "textFormat": "plainText",
                      "id": ",".join(ordered[i:i + COMMENTS_BATCH])}
            request = self.call("commentThreads", params, self.on_recheck, None)
            if request is not None:
                yield request

    @json_callback
    def on_recheck(self, response: Response, data: Any) -> Iterator[Any]:
        """Threads fetched again: stored again whole when their reply count has moved."""
        if response.status in (400, 403):
            yield from self.refused(response, data)
            return
        for item in data.get("items") or []:
            video = (item.get("snippet") or {}).get("videoId") or ""
            brand_id = self.recheck_brand.get(str(item.get("id")))
            parsed = parse.parse_threads({"items": [item]}, video, self.now(), response.url,
                                         brand_id)
            for thread in parsed.threads:
                if self.stored_replies.get(thread.top.post_id) != thread.top.reply_count:
                    yield from self.whole(video, thread, brand_id)

    def replies(self, video: str, thread: parse.Thread, found: list[tuple[Any, Any]],
                brand_id: str | None, token: str | None) -> Iterator[scrapy.Request]:
        params = {"part": "snippet", "parentId": thread.top.post_id,
                  "maxResults": COMMENTS_PAGE, "textFormat": "plainText"}
        if token:
            params["pageToken"] = token
        request = self.call("comments", params, self.on_replies, brand_id,
                            cb_kwargs={"video": video, "thread": thread, "found": found},
                            thread_post_id=thread.top.post_id)
        if request is not None:
            yield request

    @json_callback
    def on_replies(self, response: Response, data: Any, video: str, thread: parse.Thread,
                   found: list[tuple[Any, Any]]) -> Iterator[Any]:
        """All replies of one thread, page by page; the thread is stored once whole."""
        if response.status in (400, 403):
            yield from self.refused(response, data)
            yield from self.keep_thread(request_of(response))
            return
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_replies(data, video, thread.top.post_id, self.now(), response.url,
                                     brand_id)
        found = found + list(zip(parsed.posts, parsed.accounts, strict=True))
        if parsed.next_page:
            yield from self.replies(video, thread, found, brand_id, parsed.next_page)
        else:
            yield from self.emit(thread.top, thread.author, found)

    def keep_thread(self, request: scrapy.Request) -> Iterator[Any]:
        """After a page of replies failed: store the thread's top comment and the replies
        read so far, so an unanswered top comment is counted as unverified (its failure
        names it), not lost from the sample."""
        thread = request.cb_kwargs.get("thread")
        if isinstance(thread, parse.Thread):
            yield from self.emit(thread.top, thread.author, request.cb_kwargs.get("found", []))

    def emit(self, top: Any, author: Any, replies: list[tuple[Any, Any]]) -> Iterator[Any]:
        """A whole thread: the top-level comment, then its replies as a tree."""
        yield author
        yield top
        for post, account in parse.thread_tree(replies):
            yield account
            yield post
