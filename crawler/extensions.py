"""Crawl extensions: a throttle that respects per-platform floors, visible progress, a word
when a platform stops answering, and the run's optional deadline."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, cast

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import CallLaterOnce
from twisted.internet.task import LoopingCall

from benchmarks.run_stats import DEADLINE

if TYPE_CHECKING:
    from collections.abc import Sized

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


class StallWatch:
    """Says on the terminal when a platform has stopped answering, and for how long.

    After AUDIT_STALL_SECONDS without a response while requests are waiting, prints
    "mastodon: no answer for 60 s (3 requests waiting)" to stderr (where the progress lines
    go), again at twice, four times … that silence, and "mastodon: answering again after
    75 s" when answers resume. A server that holds
    connections open says nothing otherwise until the download timeouts and retries run out.
    """

    def __init__(self, crawler: Crawler, seconds: float) -> None:
        self.crawler, self.seconds = crawler, seconds
        self.last_answer = time.monotonic()
        self.reported = 0.0  # how long the silence was when last reported
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StallWatch:
        seconds = crawler.settings.getfloat("AUDIT_STALL_SECONDS")
        if seconds <= 0:
            raise NotConfigured
        ext = cls(crawler, seconds)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.last_answer = time.monotonic()
        self.task = LoopingCall(self.check)
        self.task.start(min(self.seconds, 5.0), now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        silent = time.monotonic() - self.last_answer
        if self.reported:
            self.say(f"answering again after {silent:.0f} s")
        self.last_answer, self.reported = time.monotonic(), 0.0

    def waiting(self) -> int:
        """Requests sent and not answered, plus those queued behind them."""
        engine = self.crawler.engine
        if engine is None:
            return 0
        queued = engine._slot.scheduler if engine._slot is not None else None
        return len(engine.downloader.active) + (len(cast("Sized", queued)) if queued else 0)

    def check(self) -> None:
        silent = time.monotonic() - self.last_answer
        waiting = self.waiting()
        # Said at 1, 2, 4, 8 … times the threshold: a long stall stays visible, not noisy.
        if not waiting or silent < max(self.seconds, 2 * self.reported):
            return
        self.reported = silent
        self.say(f"no answer for {silent:.0f} s ({waiting} request"
                 f"{'s' if waiting != 1 else ''} waiting)")

    def say(self, text: str) -> None:
        name = getattr(self.crawler.spider, "name", "crawl")
        logger.warning("%s: %s", name, text)
        print(f"  {name}: {text}", file=sys.stderr, flush=True)


DEADLINE_PASSED = "audit/deadline/passed"  # stats key: no more retries (middlewares.py)


class RunDeadline:
    """Stops a platform still crawling AUDIT_DEADLINE_SECONDS after it started.

    Its finish reason is "deadline": the platform is recorded as failed, with a note, and
    what it and the other platforms wrote is kept (benchmarks/run_stats.py).
    """

    def __init__(self, crawler: Crawler, seconds: float) -> None:
        self.crawler, self.seconds = crawler, seconds
        self.call: CallLaterOnce[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunDeadline:
        seconds = crawler.settings.getfloat("AUDIT_DEADLINE_SECONDS")
        if seconds <= 0:
            raise NotConfigured
        ext = cls(crawler, seconds)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.call = CallLaterOnce(self.expire, spider)
        self.call.schedule(self.seconds)

    def spider_closed(self, spider: Spider) -> None:
        if self.call is not None:
            self.call.cancel()

    def expire(self, spider: Spider) -> None:
        minutes = self.seconds / 60
        text = (f"stopped at the run's deadline ({minutes:g} min) before it had finished; "
                "what it collected until then is kept")
        notes = getattr(spider, "notes", None)
        if isinstance(notes, list):
            notes.append(text)
        print(f"  {spider.name}: {text}", file=sys.stderr, flush=True)
        assert self.crawler.engine is not None and self.crawler.stats is not None
        self.crawler.stats.set_value(DEADLINE_PASSED, True)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=DEADLINE))
