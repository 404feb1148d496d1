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

# Sent (with platform, reason, until: a Unix time) when a platform's requests will wait;
# ProgressExtension says on the terminal what the crawl waits for and until when.
waiting = object()
# Shorter waits are part of normal pacing and not worth a line.
ANNOUNCE_WAITS_FROM_SECONDS = 20.0


def announce_wait(crawler: Crawler, platform: str, reason: str, until: float) -> None:
    """Tell the progress output that `platform` waits until `until` (Unix time) for `reason`."""
    crawler.signals.send_catch_log(signal=waiting, platform=platform, reason=reason, until=until)


def wait_line(platform: str, reason: str, until: float, now: float) -> str:
    """'mastodon: rate limit reached, resuming at 14:05 (4 min)', in the local time zone."""
    seconds = max(until - now, 0.0)
    left = (f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min" if seconds < 5400
            else f"{seconds / 3600:.1f} h")
    resume = time.strftime("%H:%M", time.localtime(until))
    return f"{platform}: {reason}, resuming at {resume} ({left})"


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
        crawler.signals.connect(ext.wait_announced, signal=waiting)
        return ext

    def wait_announced(self, platform: str, reason: str, until: float) -> None:
        now = time.time()
        if until - now >= ANNOUNCE_WAITS_FROM_SECONDS:
            print(f"  {wait_line(platform, reason, until, now)}", file=sys.stderr, flush=True)

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
