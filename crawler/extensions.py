"""Crawl extensions: a throttle that respects per-platform floors, and visible progress."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class PlatformAutoThrottle(AutoThrottle):
    """AutoThrottle that never goes below a platform's configured request interval.

    Scrapy's AutoThrottle lowers a slot's delay towards the server's latency; against a fast
    server that would exceed the rate the platform allows. DOWNLOAD_SLOTS delays are floors.
    """

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = self.crawler.settings.getdict("DOWNLOAD_SLOTS").get(key or "", {}).get("delay")
        if slot is not None and floor:
            slot.delay = max(slot.delay, float(floor))


class ProgressExtension:
    """Prints one line of progress per platform every AUDIT_PROGRESS_INTERVAL seconds.

    Writes to stderr so that `replyaudit crawl … > file` keeps its output clean.
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler, self.interval = crawler, interval
        self.last = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        interval = crawler.settings.getfloat("AUDIT_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        stats = self.crawler.stats
        assert stats is not None
        print(f"  {spider.name} so far: {stats.get_value('downloader/request_count', 0)} requests, "
              f"{stats.get_value('item_scraped_count', 0)} items, "
              f"{stats.get_value(f'audit/failures/{spider.name}', 0)} failures",
              file=sys.stderr, flush=True)
