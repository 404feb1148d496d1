"""X (Twitter) through the official API v2, with a bearer token the user's plan provides.

One lookup of each brand's screen names (`/2/users/by`), then per brand account its tweets
and its mentions in the window (`/2/users/:id/tweets`, `/2/users/:id/mentions`), and for every
conversation holding a brand tweet or a mention with replies, a conversation search
(`query=conversation_id:<id>`) of which only the reply trees below those posts are kept.
The search window a plan allows (recent search: 7 days) is read from X's 400 answer and
recorded in the run's notes, never assumed. Without a token the platform is skipped. In an
incremental benchmark run, timelines start where the plan says and only the conversations
it wants are searched (benchmarks/incremental.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import scrapy

from crawler.parsers import x as parse
from crawler.spiders.base import (
    THREAD_POST,
    PlatformSpider,
    failed_request,
    json_callback,
    request_of,
)

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.items import Post

TWEET_FIELDS = ("created_at,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,"
                "public_metrics,entities,lang")  # entities: mentions; lang: the post's language
LOOKUP_BATCH = 100  # the most usernames one /2/users/by request takes


class XSpider(PlatformSpider):
    name = "x"
    # Timelines take start_time, so an incremental run pages back to what its plan needs;
    # pending threads are found again that way (a conversation search needs the root's id).

    def __init__(self, *args: Any, bearer_token: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token = bearer_token
        self.base = self.platform_settings.base_url
        self.brand_of: dict[str, str] = {}  # brand account id -> brand id
        self.anchor_ids: set[str] = set()
        self.searched: set[str] = set()  # conversation ids
        self.floor: datetime | None = None  # the earliest start_time search accepts
        self.searched_from: dict[str, datetime] = {}  # conversation id -> how far back searched
        self.held: dict[str, list[Post]] = {}  # conversation id -> mentions awaiting its search
        self.unreadable: set[str] = set()  # conversation ids whose search failed
        # conversation id -> its searched posts, and those already emitted
        self.done: dict[str, tuple[parse.Parsed, set[str]]] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        env = self.platform_settings.options["bearer_token_env"]
        if not self._token:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("audit/mentions/skipped", 1)
            self.note(f"X needs an API bearer token: set {env}. X was skipped (or import what "
                      "your browser saved: replyaudit import har).")
            return
        brands = [b for b in self.starting_brands() if b.handles(self.name)]
        self.lookups_pending = len(brands)
        for brand in brands:  # one lookup per brand: a failure costs that brand only
            params = {"usernames": ",".join(brand.handles(self.name)[:LOOKUP_BATCH]),
                      "user.fields": "public_metrics"}
            yield self.get(f"{self.base}/2/users/by?{urlencode(params)}", self.on_users,
                           brand.id, meta={"lookup": True})

    def get(self, url: str, callback: Any, brand_id: str | None, **kwargs: Any) -> scrapy.Request:
        kwargs["headers"] = {"Authorization": f"Bearer {self._token}"}
        return self.api_request(url, callback, brand_id, **kwargs)

    @json_callback
    def on_users(self, response: Response, data: Any) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        for error in data.get("errors") or []:
            self.note(f"Could not look up the X account {error.get('value')} "
                      f"({error.get('title')}): check the screen name in the config. The other "
                      "accounts were crawled.")
        for user in data.get("data") or []:
            self.brand_of[str(user["id"])] = brand_id
            yield parse.parse_v2_user(user, self.now(), response.url, brand_id)
        yield from self.lookup_done()

    def on_error(self, failure: Failure) -> Iterator[Any]:
        yield from super().on_error(failure)
        if failed_request(failure).meta.get("lookup"):
            yield from self.lookup_done()

    def malformed(self, response: Response) -> Iterator[Any]:
        outcome = list(super().malformed(response))
        yield from outcome
        if response.meta.get("lookup") and not any(isinstance(o, scrapy.Request) for o in outcome):
            yield from self.lookup_done()  # retries spent: recorded, the other brands go on

    def record_failure(self, request: scrapy.Request, reason: str,
                       status: int | None = None) -> Iterator[Any]:
        yield from super().record_failure(request, reason, status)
        conversation = request.meta.get(THREAD_POST)
        if conversation is not None:
            # The mentions held for this conversation are stored after all: the failure names
            # their thread, so they are unverified rather than ignored (docs/methodology.md).
            self.unreadable.add(conversation)
            yield from self.release(conversation)

    def lookup_done(self) -> Iterator[scrapy.Request]:
        """Once every brand's lookup is answered, every brand account id is known: only then
        are timelines read, so no thread is judged without knowing whose posts are whose."""
        self.lookups_pending -= 1
        if self.lookups_pending == 0:
            for user_id, brand_id in self.brand_of.items():
                yield self.timeline(user_id, brand_id, "tweets")
                yield self.timeline(user_id, brand_id, "mentions")

    def window_params(self) -> dict[str, str]:
        params = {"start_time": _iso(self.window_start), "tweet.fields": TWEET_FIELDS,
                  "expansions": "author_id", "user.fields": "public_metrics"}
        if self.window_end is not None:
            params["end_time"] = _iso(self.window_end)
        return params

    def timeline(self, user_id: str, brand_id: str, kind: str, token: str | None = None,
                 page: int = 1) -> scrapy.Request:
        params = {"max_results": "100", **self.window_params()}
        # An incremental run reads the timelines back only as far as its plan needs.
        params["start_time"] = _iso(self.paging_floor(user_id if kind == "tweets" else None))
        if token:
            params["pagination_token"] = token
        return self.get(f"{self.base}/2/users/{user_id}/{kind}?{urlencode(params)}",
                        self.on_timeline, brand_id,
                        cb_kwargs={"user_id": user_id, "kind": kind, "page": page})

    @json_callback
    def on_timeline(self, response: Response, data: Any, user_id: str, kind: str,
                    page: int) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_v2(data, self.now(), response.url, brand_id)
        if kind == "tweets":
            kept = [p for p in parsed.posts if p.author_id == user_id]
        else:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("audit/mentions/searched", 1)
            kept = [p for p in parsed.posts
                    if p.author_id not in self.brand_of and user_id in p.mentions]
        # A mention with replies waits for its conversation: it is stored only if the search
        # reached back to it, since a mention whose replies cannot be read would look ignored.
        held = [p for p in kept if kind == "mentions" and self.wants_thread(p)]
        yield from self.emit(parsed, [p for p in kept if p not in held])
        for post in kept:
            self.anchor_ids.add(post.post_id)
            if self.wants_thread(post):
                conversation = post.root_id or post.post_id
                if conversation in self.done:
                    yield from self.judge(conversation)
                if post in held:
                    self.held.setdefault(conversation, []).append(post)
                yield from self.conversation(conversation, brand_id)
        for post in held:
            yield from self.release(post.root_id or post.post_id)
        token = parsed.cursors.get("next_token")
        if token and page < self.config.max_pages_per_account:
            yield self.timeline(user_id, brand_id, kind, token, page + 1)
        elif token:
            self.note(f"X: stopped after {page} pages of {kind} (crawl.max_pages_per_account); "
                      "older posts in the window are missing.")

    def emit(self, parsed: parse.Parsed, posts: list[Post]) -> Iterator[Any]:
        authors = {p.author_id for p in posts}
        yield from (a for a in parsed.accounts if a.account_id in authors
                    and a.account_id not in self.brand_of)
        yield from posts

    # Conversations -------------------------------------------------------------------------

    def release(self, conversation_id: str) -> Iterator[Any]:
        """The held mentions of a conversation whose search is done: those the search reached."""
        if conversation_id in self.unreadable:
            yield from self.held.pop(conversation_id, [])
            return
        start = self.searched_from.get(conversation_id)
        if start is None:
            return
        for post in self.held.pop(conversation_id, []):
            if post.created_at >= start:
                yield post
            else:
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value("audit/x/mentions_beyond_search")
                self.note("Some X mentions with replies are older than the API plan's search "
                          "reaches; they were left out, as their answers cannot be read.")

    def conversation(self, conversation_id: str, brand_id: str | None) -> Iterator[scrapy.Request]:
        if conversation_id not in self.searched:
            self.searched.add(conversation_id)
            yield self.search(conversation_id, brand_id, [], [])

    def search(self, conversation_id: str, brand_id: str | None, tweets: list[Any],
               users: list[Any], token: str | None = None) -> scrapy.Request:
        params = {"query": f"conversation_id:{conversation_id}", "max_results": "100",
                  **self.window_params()}
        if self.floor is not None and self.floor > self.window_start:
            params["start_time"] = _iso(self.floor)
        if token:
            params["next_token"] = token
        start = (self.floor if self.floor is not None and self.floor > self.window_start
                 else self.window_start)
        return self.get(f"{self.base}{self.platform_settings.options['search_path']}?"
                        f"{urlencode(params)}", self.on_search, brand_id,
                        cb_kwargs={"conversation_id": conversation_id, "tweets": tweets,
                                   "users": users},
                        meta={"handle_httpstatus_list": [400], "next_token": token,
                              "searched_from": start},
                        dont_filter=True, thread_post_id=conversation_id)

    @json_callback
    def on_search(self, response: Response, data: Any, conversation_id: str, tweets: list[Any],
                  users: list[Any]) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        if response.status == 400:
            floor = parse.search_floor(data)
            attempt = response.meta.get("floor_attempt", 0)
            if floor is None or attempt >= 2:
                yield from self.record_failure(request_of(response), "HTTP 400", 400)
                return
            # The message names the floor to the minute, and it moves on: one minute later.
            later = floor + timedelta(minutes=1)
            self.floor = later if self.floor is None else max(self.floor, later)
            self.note(f"X search on this API plan reaches back only to {floor:%Y-%m-%d %H:%M} "
                      "UTC (found from X's answer): replies posted before then are missing. "
                      "A plan with full-archive search (search_path = \"/2/tweets/search/all\") "
                      "reaches the whole window.")
            retry = self.search(conversation_id, brand_id, tweets, users,
                                response.meta.get("next_token"))
            retry.meta["floor_attempt"] = attempt + 1
            yield retry
            return
        tweets = tweets + list(data.get("data") or [])
        users = users + list((data.get("includes") or {}).get("users") or [])
        token = (data.get("meta") or {}).get("next_token")
        if token:
            yield self.search(conversation_id, brand_id, tweets, users, token)
            return
        parsed = parse.parse_v2({"data": tweets, "includes": {"users": users}}, self.now(),
                                response.url, brand_id)
        self.done[conversation_id] = (parsed, set())
        yield from self.judge(conversation_id)
        self.searched_from[conversation_id] = response.meta["searched_from"]
        yield from self.release(conversation_id)

    def judge(self, conversation_id: str) -> Iterator[Any]:
        """The searched conversation's posts below the anchors known so far, each once.

        Search never returns a conversation's root, so a root that is an anchor is known
        only from a timeline page, which may come after the search: the conversation is
        judged again whenever one of its anchors arrives."""
        parsed, emitted = self.done[conversation_id]
        kept = [p for p in parse.in_anchored_subtrees(parsed.posts, self.is_anchor,
                                                      self.anchor_ids)
                if p.post_id not in emitted]
        emitted.update(p.post_id for p in kept)
        yield from self.emit(parsed, kept)

    def is_anchor(self, post: Post) -> bool:
        return parse.is_anchor(post, self.brand_of, self.window_start, self.window_end)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
