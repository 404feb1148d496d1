"""What every platform spider shares: requests tagged by platform, failures recorded, JSON
checked, and the sample frame every platform follows.

The sample frame (docs/methodology.md): for each brand account, every post it published
in the window (its timeline, paged back to the window start), the whole reply tree below
every one of those posts that has replies, and, where the platform allows, the posts in the
window that mention the account together with the reply trees below them. Ancestors of those
posts are never stored: a customer post reached only because a brand answered it would bias
the response rate upwards.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.fetch_errors import account_lookup_advice, network_failure
from crawler.items import FetchFailure

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from benchmarks.config import AuditConfig, Brand, PlatformSettings
    from benchmarks.incremental import IncrementalPlan
    from crawler.items import Post


# Request meta key: the post whose replies a request fetches (api_request's thread_post_id).
THREAD_POST = "thread_post_id"


def request_of(response: Response) -> scrapy.Request:
    """The request `response` answers. Scrapy types `Response.request` as optional because a
    response can be built by hand; every response a callback receives has one."""
    assert response.request is not None, "Scrapy hands callbacks responses with their request"
    return response.request


def failed_request(failure: Failure) -> scrapy.Request:
    """The request whose download or callback failed. Scrapy attaches it to every failure an
    errback receives; Twisted's `Failure` does not declare the attribute."""
    request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
    return request


def json_callback(method: Callable[..., Iterable[Any]]) -> Callable[..., Iterator[Any]]:
    """Decode the response body before `method(self, response, data, **kwargs)` runs.

    A body that is not JSON is retried (servers under load send truncated bodies) and,
    once retries are spent, recorded as a fetch failure; the crawl goes on.
    """

    @functools.wraps(method)
    def wrapper(self: PlatformSpider, response: Response, **kwargs: Any) -> Iterator[Any]:
        try:
            data = json.loads(response.body)
        except ValueError:
            yield from self.malformed(response)
            return
        yield from method(self, response, data, **kwargs)

    return wrapper


class PlatformSpider(scrapy.Spider):
    """Base class: subclasses set `name` (= platform id) and implement `start_account`."""

    # The platforms' documented public APIs are not HTML pages for robots.txt; their own rate
    # limits (honoured by the middlewares) are the rules that apply.
    custom_settings: dict[str, Any] = {"ROBOTSTXT_OBEY": False}
    # Whether a platform's spider follows an incremental plan (paging_floor, wants_thread) is
    # its registry entry's `incremental`; the others sample the whole window on every run,
    # and their stats say `mode: full`.
    # In an incremental run, whether pending threads are found again by paging (Mastodon
    # needs a status's local id from a page) or fetched directly by post id (Bluesky).
    finds_pending_by_paging: ClassVar[bool] = True

    def __init__(self, config: AuditConfig, window_start: datetime,
                 window_end: datetime | None = None,
                 incremental: IncrementalPlan | None = None,
                 start_brands: Collection[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = config
        self.window_start = window_start
        self.window_end = window_end
        self.incremental = incremental  # None: sample the whole window (a first run)
        self.platform_settings: PlatformSettings = config.platforms[self.name]
        self.notes: list[str] = []  # coverage notes for the report, in plain words
        # A scale-out worker's spider crawls from some brands only (crawler/scaleout/); it
        # still knows every brand of the config, so a post is attributed as in one process.
        self.start_brands = None if start_brands is None else frozenset(start_brands)

    def starting_brands(self) -> list[Brand]:
        """The brands whose accounts this spider starts from: every brand of the config,
        or those a scale-out worker was given."""
        return [b for b in self.config.brands
                if self.start_brands is None or b.id in self.start_brands]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for brand in self.starting_brands():
            for handle in brand.handles(self.name):
                for request in self.start_account(brand, handle):
                    yield request

    def start_account(self, brand: Brand, handle: str) -> Iterable[scrapy.Request]:
        """The first request(s) for one brand account (usually its profile)."""
        raise NotImplementedError

    # Requests ------------------------------------------------------------------------------

    def api_request(self, url: str, callback: Callable[..., Any], brand_id: str | None, *,
                    cb_kwargs: dict[str, Any] | None = None, thread_post_id: str | None = None,
                    **kwargs: Any) -> scrapy.Request:
        """A request in this platform's download slot, whose failure is recorded.

        `thread_post_id`: the post whose replies the request fetches (every page of them), so
        a failure names the thread whose customer posts could not be checked."""
        meta = {"download_slot": self.name, "platform": self.name, "brand_id": brand_id}
        if thread_post_id is not None:
            meta[THREAD_POST] = thread_post_id
        meta.update(kwargs.pop("meta", {}))
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta,
                              cb_kwargs=cb_kwargs or {}, **kwargs)

    def wants_thread(self, post: Post) -> bool:
        """Whether to fetch the replies below `post`: any post with replies in a first run;
        in an incremental run, only what the plan says can have changed."""
        if self.incremental is None:
            return (post.reply_count or 0) > 0
        return self.incremental.wants_thread(post.post_id, post.created_at, post.reply_count)

    def paging_floor(self, author_id: str | None) -> datetime:
        """Page back while a page's oldest post is at or after this: the window start, or in
        an incremental run, just far enough for what is new and what the plan looks at again.
        `author_id` for an account's own posts, None for mention search."""
        if self.incremental is None:
            return self.window_start
        return max(self.window_start, self.incremental.pages_back_to(
            author_id, self.finds_pending_by_paging))

    def now(self) -> datetime:
        """When a response was fetched (parsers take it as an argument, never read a clock)."""
        return datetime.now(UTC)

    def note(self, text: str) -> None:
        """A coverage note the report shows (once), e.g. why mentions were not searched."""
        if text not in self.notes:
            self.notes.append(text)
            self.logger.warning(text)

    # Failures ------------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[FetchFailure]:
        """Record a request that got no usable answer, with a note that names the cause:
        the network (connection refused, DNS, timeout) or the platform's HTTP status."""
        request = failed_request(failure)
        status = None
        network = network_failure(failure.value) if failure.value is not None else None
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        elif network:
            detail = failure.getErrorMessage()
            reason = f"{network}: {detail}" if detail else network
        else:
            reason = failure.getErrorMessage() or type(failure.value).__name__
        host = urlsplit(request.url).netloc
        if network:
            self.note(f"Could not reach {self.name} at {host}: {network}; check the network "
                      "and the platform's base_url (the handles were not checked).")
        elif request.meta.get("account_handle"):
            self.note(f"Could not look up the {self.name} account "
                      f"{request.meta['account_handle']} ({reason}): "
                      f"{account_lookup_advice(status)}. The other accounts were crawled.")
        yield from self.record_failure(request, reason, status)

    def record_failure(self, request: scrapy.Request, reason: str,
                       status: int | None = None) -> Iterator[FetchFailure]:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"audit/failures/{self.name}")
        self.logger.warning("could not fetch %s: %s", request.url, reason)
        yield FetchFailure(platform=self.name, url=request.url, reason=reason, status=status,
                           occurred_at=self.now(), brand_id=request.meta.get("brand_id"),
                           thread_post_id=request.meta.get(THREAD_POST))

    def malformed(self, response: Response) -> Iterator[Any]:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("audit/malformed_json")
        request = request_of(response)
        retry = get_retry_request(request, spider=self, reason="malformed JSON")
        if retry is not None:
            yield retry
        else:
            yield from self.record_failure(request, "malformed JSON", response.status)
