"""Facebook Pages through the Graph API: each page's posts in the window and every comment
and reply below them (`filter=stream`), with cursor paging.

The Graph API needs a token (a page owner's own, or an app's with Page Public Content Access
for competitors' pages); without one the platform is skipped with a note naming the
environment variable. The token travels in the Authorization header only, never in a URL
(URLs are logged and stored with fetch failures), and the next-page URL is built here from
the cursor, never taken from `paging.next`, which embeds the token.

In an incremental benchmark run (benchmarks/incremental.py) the page's posts in the window
are listed again (one call per hundred posts), each with its `updated_time`, which moves
whenever anyone comments on the post; only the comments of posts commented on since the
previous run, and of posts holding a customer comment whose thread could not be read then,
are fetched again (docs/benchmarks.md, "What each platform's API allows").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request

from crawler.parsers import facebook as parse
from crawler.spiders.base import PlatformSpider, json_callback, request_of

if TYPE_CHECKING:
    from datetime import datetime

    from scrapy.http import Response

    from benchmarks.config import Brand
    from crawler.items import Post

PAGE = 100  # the largest page the edges serve
GRAPH_ERRORS = [400, 401, 403, 404]


class FacebookSpider(PlatformSpider):
    name = "facebook"

    def __init__(self, *args: Any, access_token: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token = access_token
        self.base = self.platform_settings.base_url
        self.env = self.platform_settings.options["access_token_env"]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self._token:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("audit/skipped", 1)
            self.note(f"Facebook needs a Graph API token and {self.env} is not set: Facebook "
                      "Pages were not crawled. Set it to a page token (your own page) or an "
                      "app token with Page Public Content Access (competitors' pages).")
            return
        async for request in super().start():
            yield request

    def get(self, path: str, params: dict[str, Any], callback: Any, brand_id: str,
            **kwargs: Any) -> scrapy.Request:
        meta = {"handle_httpstatus_list": GRAPH_ERRORS,
                "usage_pause_seconds": self.platform_settings.options["usage_pause_seconds"]}
        meta.update(kwargs.pop("meta", {}))
        return self.api_request(f"{self.base}/{path}?{urlencode(params)}", callback, brand_id,
                                headers={"Authorization": f"Bearer {self._token}"}, meta=meta,
                                **kwargs)

    def start_account(self, brand: Brand, handle: str) -> Iterable[scrapy.Request]:
        yield self.get(handle, {"fields": "id,name,followers_count"}, self.on_page, brand.id,
                       cb_kwargs={"handle": handle}, meta={"account_handle": handle})

    def refused(self, response: Response) -> Iterator[Any]:
        """A Graph error answer: recorded, and explained once in plain words."""
        code, message = parse.graph_error(response.body)
        if code == 190:
            self.note(f"Facebook refused the token in {self.env} ({message}): renew it.")
        elif code == 10 or (code is not None and 200 <= code < 300):  # permission errors
            self.note("Facebook: no permission to read a page's posts or comments "
                      f"({message}); competitors' pages need Page Public Content Access.")
        elif code in parse.THROTTLED:
            # The usage headers on this answer have paused the platform: try again after it.
            retry = get_retry_request(request_of(response), spider=self, reason="Graph throttled")
            if retry is not None:
                yield retry
                return
            self.note(f"Facebook throttled the crawl ({message}); lower requests_per_second "
                      "or raise usage_pause_seconds.")
        elif response.meta.get("account_handle"):
            self.note(f"Could not look up the Facebook page {response.meta['account_handle']} "
                      f"({message or response.status}): check it in the config.")
        reason = f"Graph error {code}: {message}" if code else f"HTTP {response.status}"
        yield from self.record_failure(request_of(response), reason, response.status)

    @json_callback
    def on_page(self, response: Response, data: Any, handle: str) -> Iterator[Any]:
        if response.status != 200:
            yield from self.refused(response)
            return
        brand_id = response.meta["brand_id"]
        page = parse.parse_page(data, handle, self.now(), response.url, brand_id)
        if page is None:
            yield from self.record_failure(request_of(response), "page without id", response.status)
            return
        yield page
        yield self.posts(page.account_id, brand_id)

    def posts(self, page_id: str, brand_id: str, after: str | None = None,
              page: int = 1) -> scrapy.Request:
        params: dict[str, Any] = {"fields": "created_time,updated_time,message,permalink_url",
                                  "limit": PAGE,
                                  "since": int(self.window_start.timestamp())}
        if self.window_end is not None:
            params["until"] = int(self.window_end.timestamp())
        if after:
            params["after"] = after
        return self.get(f"{page_id}/posts", params, self.on_posts, brand_id,
                        cb_kwargs={"page_id": page_id, "page": page})

    @json_callback
    def on_posts(self, response: Response, data: Any, page_id: str, page: int) -> Iterator[Any]:
        if response.status != 200:
            yield from self.refused(response)
            return
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_posts(data, page_id, self.now(), response.url, brand_id)
        in_window = [p for p in parsed.posts if p.created_at >= self.window_start
                     and (self.window_end is None or p.created_at < self.window_end)]
        for post in in_window:
            yield post
            if self.wants_comments(post, parsed.updated.get(post.post_id)):
                yield self.comments(post.post_id, brand_id)
        oldest = min((p.created_at for p in parsed.posts), default=None)
        if parsed.after and oldest is not None and oldest >= self.window_start:
            if page < self.config.max_pages_per_account:
                yield self.posts(page_id, brand_id, parsed.after, page + 1)
            else:
                self.note(f"Facebook: stopped after {page} pages of posts "
                          "(crawl.max_pages_per_account); older posts in the window are missing.")

    def wants_comments(self, post: Post, updated: datetime | None) -> bool:
        """Every post's comments in a first run. In an incremental run, a post's only if it
        was commented on since the previous run (`updated_time` after it and after the post
        itself), holds a customer comment whose thread could not be read then (unverified),
        or came without an `updated_time`. An answer to a pending comment moves the time."""
        plan = self.incremental
        if plan is None or updated is None:
            return True
        # A comment's id starts with its post's own number: `{post}_{comment}`.
        if post.post_id.split("_")[-1] in {u.split("_")[0] for u in plan.unverified}:
            return True
        return updated > max(plan.since, post.created_at)

    def comments(self, post_id: str, brand_id: str, after: str | None = None) -> scrapy.Request:
        params: dict[str, Any] = {"filter": "stream", "limit": PAGE,
                                  "fields": "id,from,created_time,message,parent,comment_count"}
        if after:
            params["after"] = after
        return self.get(f"{post_id}/comments", params, self.on_comments, brand_id,
                        cb_kwargs={"post_id": post_id}, thread_post_id=post_id)

    @json_callback
    def on_comments(self, response: Response, data: Any, post_id: str) -> Iterator[Any]:
        if response.status != 200:
            yield from self.refused(response)
            return
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_comments(data, post_id, self.now(), response.url, brand_id)
        yield from parsed.accounts
        yield from parsed.posts
        if parsed.after:
            yield self.comments(post_id, brand_id, parsed.after)
