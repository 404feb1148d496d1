"""Bluesky: profiles, author feeds, reply threads and (with a login) mention search.

Reads the public AppView anonymously. Post search has refused anonymous requests since
2025: with an app password (identifier and password from the environment, via the CLI) the
spider opens a session on `auth_url`, refreshes it when it expires, and searches there.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawler.parsers import bluesky as parse
from crawler.spiders.base import PlatformSpider, json_callback, request_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from benchmarks.config import Brand

PROFILE_BATCH = 25  # app.bsky.actor.getProfiles takes at most 25 actors


class BlueskySpider(PlatformSpider):
    name = "bluesky"
    finds_pending_by_paging: ClassVar[bool] = False  # getPostThread takes the stored AT-URI

    def __init__(self, *args: Any, credentials: tuple[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._credentials = credentials
        self.api = self.platform_settings.base_url
        self.auth_api = self.platform_settings.options["auth_url"].rstrip("/")
        self.session: dict[str, str] | None = None
        self.login = "wanted" if credentials else "none"  # wanted|pending|ready|refreshing|failed
        self.waiting_for_session: list[scrapy.Request] = []
        self.threads_requested: set[str] = set()
        self.customers_seen: set[str] = set()
        self.customers_pending: list[str] = []
        self.brand_dids: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BlueskySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in super().start():
            yield request
        # Incremental: threads with posts still pending are fetched again directly.
        for anchor in (self.incremental.pending.values() if self.incremental else ()):
            for request in self.thread(anchor.post_id, anchor.brand_id):
                yield request

    def xrpc(self, method: str, base: str | None = None, **params: Any) -> str:
        return f"{base or self.api}/xrpc/{method}?{urlencode(params, doseq=True)}"

    def start_account(self, brand: Brand, handle: str) -> Iterable[scrapy.Request]:
        if self.login == "wanted" and self._credentials:
            self.login = "pending"
            identifier, password = self._credentials
            yield self.api_request(
                f"{self.auth_api}/xrpc/com.atproto.server.createSession", self.on_session,
                None, method="POST", body=json.dumps({"identifier": identifier,
                                                      "password": password}),
                headers={"Content-Type": "application/json"}, priority=10,
                meta={"handle_httpstatus_list": [400, 401]})
        yield self.api_request(self.xrpc("app.bsky.actor.getProfile", actor=handle),
                               self.on_profile, brand.id, cb_kwargs={"handle": handle},
                               meta={"account_handle": handle})

    @json_callback
    def on_profile(self, response: Response, data: Any, handle: str) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        account = parse.parse_profile(data, self.now(), response.url, brand_id)
        self.brand_dids.add(account.account_id)
        yield account
        yield self.api_request(
            self.xrpc("app.bsky.feed.getAuthorFeed", actor=account.account_id,
                      filter="posts_with_replies", limit=100),
            self.on_feed, brand_id, cb_kwargs={"did": account.account_id, "page": 1})
        yield from self.search(brand_id, handle, account.account_id)

    @json_callback
    def on_feed(self, response: Response, data: Any, did: str, page: int) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_author_feed(data, did, self.now(), response.url, brand_id)
        in_window = [p for p in parsed.posts if p.created_at >= self.window_start]
        yield from self.emit(parsed.accounts, in_window, brand_id)
        oldest = parsed.oldest
        if parsed.cursor and oldest is not None and oldest >= self.paging_floor(did):
            if page < self.config.max_pages_per_account:
                yield self.api_request(
                    self.xrpc("app.bsky.feed.getAuthorFeed", actor=did,
                              filter="posts_with_replies", limit=100, cursor=parsed.cursor),
                    self.on_feed, brand_id, cb_kwargs={"did": did, "page": page + 1})
            else:
                self.note(f"Bluesky: stopped after {page} pages of {did}'s posts "
                          "(crawl.max_pages_per_account); older posts in the window are missing.")

    @json_callback
    def on_thread(self, response: Response, data: Any) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_thread(data, self.now(), response.url, brand_id)
        yield from self.emit(parsed.accounts, parsed.posts, brand_id, follow_threads=False)
        for uri in parsed.cut:
            yield from self.thread(uri, brand_id)

    def thread(self, uri: str, brand_id: str | None) -> Iterator[scrapy.Request]:
        """The reply tree below `uri`, once per run."""
        if uri not in self.threads_requested:
            self.threads_requested.add(uri)
            yield self.api_request(self.xrpc("app.bsky.feed.getPostThread", uri=uri,
                                             depth=1000, parentHeight=0),
                                   self.on_thread, brand_id, thread_post_id=uri)

    def emit(self, accounts: list[Any], posts: list[Any], brand_id: str | None,
             follow_threads: bool = True) -> Iterator[Any]:
        """Items, threads below posts with replies, and customer profiles in batches."""
        for account in accounts:
            if account.account_id not in self.brand_dids | self.customers_seen:
                self.customers_seen.add(account.account_id)
                self.customers_pending.append(account.account_id)
            yield account
        for post in posts:
            yield post
            if follow_threads and self.wants_thread(post):
                yield from self.thread(post.post_id, brand_id)
        while len(self.customers_pending) >= PROFILE_BATCH:
            yield self.profiles_request()

    def profiles_request(self) -> scrapy.Request:
        batch = self.customers_pending[:PROFILE_BATCH]
        del self.customers_pending[:PROFILE_BATCH]
        return self.api_request(self.xrpc("app.bsky.actor.getProfiles", actors=batch),
                                self.on_profiles, None)

    @json_callback
    def on_profiles(self, response: Response, data: Any) -> Iterator[Any]:
        yield from parse.parse_profiles(data, self.now(), response.url)

    def on_idle(self) -> None:
        """Fetch the last, partial batch of customer profiles before closing."""
        if self.customers_pending:
            self.crawler.engine.crawl(self.profiles_request())
            raise DontCloseSpider

    # Mentions ------------------------------------------------------------------------------

    def search(self, brand_id: str, handle: str, did: str, cursor: str | None = None,
               page: int = 1) -> Iterator[scrapy.Request]:
        since = self.paging_floor(None)  # incremental: only mentions since the last run
        params: dict[str, Any] = {"q": handle, "mentions": handle, "sort": "latest", "limit": 100,
                                  "since": since.isoformat().replace("+00:00", "Z")}
        if self.window_end is not None:
            params["until"] = self.window_end.isoformat().replace("+00:00", "Z")
        if cursor:
            params["cursor"] = cursor
        authenticated = self.login != "none"
        request = self.api_request(
            self.xrpc("app.bsky.feed.searchPosts", self.auth_api if authenticated else None,
                      **params),
            self.on_search, brand_id, cb_kwargs={"handle": handle, "did": did, "page": page},
            meta={"handle_httpstatus_list": [400, 401, 403]})
        if self.login == "none":
            yield request
        elif self.login == "ready":
            yield self.with_token(request)
        elif self.login in ("pending", "refreshing"):
            self.waiting_for_session.append(request)
        # "failed": on_session has already said why mentions are skipped

    def with_token(self, request: scrapy.Request) -> scrapy.Request:
        assert self.session is not None
        headers = {"Authorization": f"Bearer {self.session['accessJwt']}"}
        return request.replace(headers=headers, dont_filter=True)

    def on_session(self, response: Response) -> Iterator[Any]:
        """A new or refreshed session: send what waited for it. Tokens are never logged."""
        waiting, self.waiting_for_session = self.waiting_for_session, []
        try:
            data = json.loads(response.body)
        except ValueError:
            data = {}
        if response.status != 200 or "accessJwt" not in data:
            self.login, self.session = "failed", None
            self.skip_mentions(f"Bluesky login refused (HTTP {response.status})")
            return
        self.login = "ready"
        self.session = {"accessJwt": data["accessJwt"], "refreshJwt": data["refreshJwt"]}
        for request in waiting:
            yield self.with_token(request)

    @json_callback
    def on_search(self, response: Response, data: Any, handle: str, did: str,
                  page: int) -> Iterator[Any]:
        if response.status == 400 and data.get("error") == "ExpiredToken":
            yield from self.refresh(request_of(response))
            return
        if response.status in (400, 401, 403):
            self.skip_mentions(f"Bluesky mention search refused (HTTP {response.status})")
            return
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("audit/mentions/searched", 1)
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_search(data, self.now(), response.url, brand_id)
        mentions = [p for p in parsed.posts if did in p.mentions]
        self.crawler.stats.inc_value("audit/mentions/not_a_mention",
                                     len(parsed.posts) - len(mentions))
        authors = {p.author_id for p in mentions}
        yield from self.emit([a for a in parsed.accounts if a.account_id in authors], mentions,
                             brand_id)
        if parsed.cursor and page < self.config.max_pages_per_account:
            yield from self.search(brand_id, handle, did, parsed.cursor, page + 1)

    def refresh(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """Renew the session once, then repeat every request that found it expired."""
        self.waiting_for_session.append(request)
        if self.login != "ready" or self.session is None:
            return  # a refresh is already under way
        self.login = "refreshing"
        yield self.api_request(
            f"{self.auth_api}/xrpc/com.atproto.server.refreshSession", self.on_session, None,
            method="POST", headers={"Authorization": f"Bearer {self.session['refreshJwt']}"},
            priority=10, dont_filter=True, meta={"handle_httpstatus_list": [400, 401]})

    def skip_mentions(self, why: str) -> None:
        assert self.crawler.stats is not None
        if self.crawler.stats.get_value("audit/mentions/searched"):
            return
        self.crawler.stats.set_value("audit/mentions/skipped", 1)
        options = self.platform_settings.options
        self.note(f"{why}: customer posts that only mention a brand are not counted on "
                  f"Bluesky. Set {options['identifier_env']} and {options['password_env']} "
                  "(an app password) to include them.")
