"""Downloader middlewares that make the crawl wait when a platform asks it to.

- RetryAfterMiddleware retries 429 and 5xx answers, waiting as long as `Retry-After` says
  (or an exponential back-off without one), without blocking other platforms.
- GraphUsageMiddleware slows and pauses Facebook's Graph API as its usage headers near 100 %.
- RateLimitHeadersMiddleware reads the rate-limit headers platforms send on every answer
  (Bluesky `RateLimit-*`, Mastodon `X-RateLimit-*`, Reddit `X-Ratelimit-*`,
  X `x-rate-limit-*`) and holds that
  platform's requests until the window resets once the remaining budget is spent.
- SendTimeAuthMiddleware lets a spider sign a request (`meta["send_time_auth"]`) as it goes
  out, so a token renewed while the request waited in the queue is the one it carries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message

from crawler.extensions import DEADLINE_PASSED, announce_wait
from crawler.fetch_errors import network_failure
from crawler.parsers.facebook import USAGE_HEADERS, usage_percent

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class _RobotsUnreachable(logging.Filter):
    """Scrapy logs a robots.txt it could not download with the whole traceback; when the
    network is the cause, its one-line message and the spider's own note say all there is."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and network_failure(error):
            record.exc_info, record.exc_text = None, None
        return True


logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_RobotsUnreachable())


def _platform(request: Request) -> str:
    """The platform a request is for, as progress lines name it."""
    return str(request.meta.get("platform") or request.meta.get("download_slot")
               or request.url.split("/")[2])


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def reset_epoch(value: str | None, now: float | None = None) -> float | None:
    """A rate-limit reset as a Unix time: epoch seconds (Bluesky), ISO 8601 (Mastodon) or
    seconds from now (Reddit's `X-Ratelimit-Reset: 246`)."""
    if not value:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        # No epoch time is this small (1e9 is 2001): a number below it counts from now.
        return number + (now if now is not None else time.time()) if number < 1e9 else number
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


class RetryAfterMiddleware(RetryMiddleware):
    """Retries like Scrapy's RetryMiddleware, but first waits what the server asked for, and
    not at all once the run's deadline has passed (extensions.RunDeadline): a stalled
    server then holds the closing crawl for one download timeout, not for every retry."""

    # Set in from_crawler: the base class's __init__ only takes the settings.
    max_wait: float
    backoff: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        mw = super().from_crawler(crawler)
        mw.max_wait = crawler.settings.getfloat("AUDIT_MAX_WAIT_SECONDS")
        mw.backoff = crawler.settings.getfloat("AUDIT_RETRY_BACKOFF_SECONDS")
        return mw

    def _past_deadline(self) -> bool:
        stats = self.crawler.stats
        return bool(stats is not None and stats.get_value(DEADLINE_PASSED))

    def process_request(self, request: Request) -> None:
        if self._past_deadline():  # e.g. released by robots.txt after the deadline
            raise IgnoreRequest("the run's deadline has passed")

    def process_exception(  # type: ignore[override]
            self, request: Request, exception: Exception) -> Request | Response | None:
        if self._past_deadline():
            return None
        return super().process_exception(request, exception)

    # Scrapy 2.13+ awaits coroutine middleware methods and no longer passes `spider`; the
    # base class still declares the old synchronous signature.
    async def process_response(  # type: ignore[override]
            self, request: Request, response: Response) -> Request | Response:
        if (request.meta.get("dont_retry") or response.status not in self.retry_http_codes
                or self._past_deadline()):
            return response
        stats = self.crawler.stats
        assert stats is not None
        attempt = request.meta.get("retry_times", 0)
        wait = retry_after_seconds((response.headers.get("Retry-After") or b"").decode("latin-1"))
        if wait is None:
            wait = self.backoff * (2**attempt)
        else:
            stats.inc_value("audit/retry_after/honoured")
        if wait > self.max_wait:
            logger.warning("%s asks to wait %.0f s, more than the %.0f s allowed; giving up on %s",
                           request.meta.get("platform", "server"), wait, self.max_wait, request.url)
            stats.inc_value("audit/retry_after/too_long")
            return response
        spider = self.crawler.spider
        assert spider is not None  # responses only arrive while a spider runs
        retry = get_retry_request(
            request,
            reason=response_status_message(response.status),
            spider=spider,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=self.priority_adjust,
        )
        if retry is None:
            return response
        # Scrapy's stats add any number but declare `count: int`; waits are fractional seconds.
        stats.inc_value("audit/retry/waited_seconds", wait)  # type: ignore[arg-type]
        announce_wait(self.crawler, _platform(request), f"HTTP {response.status}, retrying",
                      time.time() + wait)
        await asyncio.sleep(wait)
        return retry


class RateLimitHeadersMiddleware:
    """Holds a platform's requests until its rate-limit window resets once it is spent."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("AUDIT_MAX_WAIT_SECONDS")
        self.paused_until: dict[str, float] = {}
        self.slots = crawler.settings.getdict("DOWNLOAD_SLOTS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RateLimitHeadersMiddleware:
        return cls(crawler)

    def _slot(self, request: Request) -> str:
        return str(request.meta.get("download_slot") or request.url.split("/")[2])

    async def process_request(self, request: Request) -> None:
        until = self.paused_until.get(self._slot(request), 0.0)
        wait = until - time.time()
        if wait > 0:
            await asyncio.sleep(min(wait, self.max_wait))

    def process_response(self, request: Request, response: Response) -> Response:
        headers = response.headers
        remaining = (headers.get("RateLimit-Remaining") or headers.get("X-RateLimit-Remaining")
                     or headers.get("x-rate-limit-remaining"))
        if remaining is None:
            return response
        try:
            left = int(float(remaining.decode("latin-1")))
        except ValueError:
            return response
        # Requests already in flight spend the budget too: keep one per concurrent slot.
        reserve = int(self.slots.get(self._slot(request), {}).get("concurrency", 1))
        if left <= reserve:
            reset = reset_epoch(
                (headers.get("RateLimit-Reset") or headers.get("X-RateLimit-Reset")
                 or headers.get("x-rate-limit-reset") or b"")
                .decode("latin-1")
            )
            if reset is not None and reset > time.time():
                self.paused_until[self._slot(request)] = reset
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value("audit/ratelimit/paused")
                logger.info("rate limit spent for %s; pausing until %s", self._slot(request),
                            datetime.fromtimestamp(reset, UTC).isoformat())
                announce_wait(self.crawler, _platform(request), "rate limit reached",
                              min(reset, time.time() + self.max_wait))
        return response


class SendTimeAuthMiddleware:
    """Calls `spider.authorize(request)` just before a request marked `send_time_auth` is
    sent. Credentials set when a request is created go stale while it queues behind a
    rate-limit pause; set here they are the spider's current ones."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SendTimeAuthMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("send_time_auth"):
            self.crawler.spider.authorize(request)  # type: ignore[union-attr]


class GraphUsageMiddleware:
    """Facebook's Graph API reports usage as a share of an hourly budget, not a count: above
    SLOW_PERCENT each request waits (longer as usage grows), and at PAUSE_PERCENT the
    platform pauses for `usage_pause_seconds` (or the wait the API estimates), so the budget
    is never spent and the API never starts refusing."""

    SLOW_PERCENT, PAUSE_PERCENT = 75.0, 95.0

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("AUDIT_MAX_WAIT_SECONDS")
        self.usage: dict[str, float] = {}
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GraphUsageMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        pause = request.meta.get("usage_pause_seconds")
        if pause is None:
            return
        slot = str(request.meta.get("download_slot"))
        wait = self.paused_until.get(slot, 0.0) - time.time()
        usage = self.usage.get(slot, 0.0)
        if wait <= 0 and usage >= self.SLOW_PERCENT:
            # Up to a tenth of the pause per request, growing with usage.
            share = (usage - self.SLOW_PERCENT) / (self.PAUSE_PERCENT - self.SLOW_PERCENT)
            wait = float(pause) / 10 * min(1.0, share)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("audit/ratelimit/slowed")
        if wait > 0:
            await asyncio.sleep(min(wait, self.max_wait))

    def process_response(self, request: Request, response: Response) -> Response:
        pause = request.meta.get("usage_pause_seconds")
        if pause is None:
            return response
        usage, regain_minutes = usage_percent(
            {name: (response.headers.get(name) or b"").decode("latin-1")
             for name in USAGE_HEADERS})
        if usage is None:
            return response
        slot = str(request.meta.get("download_slot"))
        self.usage[slot] = usage
        if usage >= self.PAUSE_PERCENT and self.paused_until.get(slot, 0.0) <= time.time():
            seconds = regain_minutes * 60 if regain_minutes else float(pause)
            self.paused_until[slot] = time.time() + seconds
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("audit/ratelimit/paused")
            logger.info("Graph API usage at %.0f %% for %s; pausing %.0f s", usage, slot, seconds)
            announce_wait(self.crawler, _platform(request), f"API usage at {usage:.0f} %",
                          time.time() + min(seconds, self.max_wait))
        return response
