"""Trustpilot: a company's reviews and its replies, from its public review pages.

`/review/<domain>?languages=all&sort=recency&page=N`: every language, newest first, page by
page until the reviews are older than the window. These are HTML pages of a website, so
robots.txt is obeyed. After some page Trustpilot sends anonymous visitors to a login
instead: the crawl stops there and says how far back the sample reached (it is then the
newest reviews, not all of the window).

In an incremental benchmark run (benchmarks/incremental.py) the pages are read back to the
previous run and to the oldest review in the window the company had not answered then: a
reply shows only on its review, and can come at any time (docs/benchmarks.md, "What each
platform's API allows").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest

from crawler.parsers import trustpilot as parse
from crawler.spiders.base import PlatformSpider, failed_request, request_of

if TYPE_CHECKING:
    from datetime import datetime

    from scrapy.http import Response
    from twisted.python.failure import Failure

    from benchmarks.config import Brand

REDIRECTS = [301, 302, 303, 307, 308]


class TrustpilotSpider(PlatformSpider):
    name = "trustpilot"
    # An HTML website, not an API: its robots.txt rules apply.
    custom_settings: dict[str, Any] = {"ROBOTSTXT_OBEY": True}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.oldest_reached: dict[str, datetime] = {}  # per domain, for the coverage note
        self.held: list[scrapy.Request] | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The first page alone, the others once it is answered: Scrapy 2.19's robots.txt
        middleware hands only one waiting request the rules, so requests queued behind the
        robots.txt download would pass unchecked."""
        requests = [r async for r in super().start()]
        if requests:
            self.held = requests[1:]
            yield requests[0]

    def release(self) -> Iterator[scrapy.Request]:
        held, self.held = self.held or [], None
        yield from held

    def on_error(self, failure: Failure) -> Iterator[Any]:
        yield from self.release()
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            request = failed_request(failure)
            self.note(f"Trustpilot's robots.txt forbids {request.url}: those reviews were not "
                      "crawled.")
            yield from self.record_failure(request, "forbidden by robots.txt")
            return
        yield from super().on_error(failure)

    def start_account(self, brand: Brand, domain: str) -> Iterable[scrapy.Request]:
        yield self.page(brand.id, domain, 1)

    def page(self, brand_id: str, domain: str, number: int,
             path: str | None = None) -> scrapy.Request:
        # every language (a visitor otherwise sees only his own), newest first
        query = {"languages": "all", "sort": "recency"} | ({"page": number} if number > 1 else {})
        url = f"{self.platform_settings.base_url}{path or f'/review/{domain}'}?{urlencode(query)}"
        # Redirects are read, not followed: one to a login page ends the sample.
        meta: dict[str, Any] = {"dont_redirect": True, "handle_httpstatus_list": REDIRECTS}
        if number == 1:
            meta["account_handle"] = domain
        return self.api_request(url, self.on_page, brand_id, meta=meta,
                                cb_kwargs={"domain": domain, "number": number})

    def on_page(self, response: Response, domain: str, number: int) -> Iterator[Any]:
        yield from self.release()
        brand_id = response.meta["brand_id"]
        if response.status in REDIRECTS:
            yield from self.redirected(response, brand_id, domain, number)
            return
        try:
            page = parse.parse_review_page(response.text, brand_id, self.now(), response.url)
        except parse.NoPageData as e:
            yield from self.unreadable(response, str(e))
            return
        if page.company is not None:
            yield page.company
        yield from page.accounts
        yield from page.posts
        if page.oldest is not None:
            self.oldest_reached[domain] = page.oldest
        if page.current_page >= page.total_pages or not page.posts:
            return
        if page.oldest is not None and page.oldest < self.floor(brand_id):
            return
        if number < self.config.max_pages_per_account:
            yield self.page(brand_id, domain, number + 1)
        else:
            self.note(f"Trustpilot: stopped after {number} pages of {domain} "
                      "(crawl.max_pages_per_account); older reviews in the window are missing.")

    def floor(self, brand_id: str) -> datetime:
        """How far back a brand's reviews are read: the window start; in an incremental run,
        the previous run or the oldest of its reviews then unanswered, if later."""
        plan = self.incremental
        if plan is None:
            return self.window_start
        unanswered = [a.created_at for a in plan.unanswered.values() if a.brand_id == brand_id]
        return max(self.window_start, min([plan.since, *unanswered]))

    def unreadable(self, response: Response, why: str) -> Iterator[Any]:
        """A page without its data (cut short, a changed layout): retried, then recorded."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("audit/malformed_json")
        request = request_of(response)
        retry = get_retry_request(request, spider=self, reason="unreadable page")
        if retry is not None:
            yield retry
        else:
            yield from self.record_failure(request, f"unreadable page: {why}", response.status)

    def redirected(self, response: Response, brand_id: str, domain: str,
                   number: int) -> Iterator[Any]:
        location = urljoin(response.url,
                           (response.headers.get("Location") or b"").decode("latin-1"))
        path = urlsplit(location).path
        if path.startswith("/review/") and number == 1:  # the company moved to a new domain
            yield self.page(brand_id, domain, number, path=path)
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("audit/trustpilot/login_wall")
        oldest = self.oldest_reached.get(domain)
        if number == 1 or oldest is None:
            self.note(f"Trustpilot asks for a login to show {domain}'s reviews: none were "
                      "counted.")
            return
        self.note(f"Trustpilot asks for a login after page {number - 1} of {domain}: the sample "
                  f"is its newest reviews, back to {oldest:%Y-%m-%d %H:%M} UTC; older reviews "
                  "in the window are not counted.")

