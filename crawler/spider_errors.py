"""A spider callback that raises is a failure of the URL it was handling, on every platform.

Scrapy logs such an exception ("Spider error processing …") and goes on: the rest of that
page (its posts, its links to further pages) is lost, yet the run would say `finished` and
the report that every page was read. This spider middleware records the exception as a fetch
failure of the request's URL, with the platform and the brand the request was for, so the
run is `partial`, the report's coverage names the URL and the posts it may have hidden can
be traced to their brand (docs/config.md, "Crawling politely").
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import CloseSpider

from crawler.spiders.base import PlatformSpider, request_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

REASON_CHARS = 300  # enough for the exception class and message, not a whole page


def spider_error_reason(exception: BaseException) -> str:
    """The failure reason stored for a callback's exception: its class, then its message."""
    message = " ".join(str(exception).split())
    reason = f"spider error: {type(exception).__name__}" + (f": {message}" if message else "")
    return reason[:REASON_CHARS]


class SpiderErrorMiddleware:
    """Turns an exception raised in a platform spider's callback or errback into a
    `FetchFailure` of the URL (see the module docstring). Sits next to the engine so that
    Scrapy's own handlers (HttpError) see their exceptions first."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SpiderErrorMiddleware:
        return cls(crawler)

    def process_spider_exception(self, response: Response,
                                 exception: Exception) -> Iterable[Any] | None:
        spider = self.crawler.spider
        if isinstance(exception, CloseSpider) or not isinstance(spider, PlatformSpider):
            return None  # Scrapy's own handling: closing the spider, or logging the error
        request = request_of(response)
        # Keep the traceback Scrapy would have logged: the failure row says what, this where.
        logger.error("Spider error processing %s", request.url, exc_info=exception)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("spider_exceptions/count")
        self.crawler.stats.inc_value(f"spider_exceptions/{type(exception).__name__}")
        return list(spider.record_failure(request, spider_error_reason(exception),
                                          response.status))
