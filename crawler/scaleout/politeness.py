"""Politeness shared by every worker of a run: one request budget per platform in Redis.

Each platform's `requests_per_second` is a schedule in Redis (`pace:<platform>`: the
earliest instant the next request may go, on Redis's clock). A request reserves its instant
in one Lua call and waits for it, so N workers together keep each platform's spacing of
1/requests_per_second, as one process does. A rate-limit pause any worker meets (a 429's
Retry-After, a spent rate-limit window, Facebook's usage) is written to `pause:<platform>`
and holds that platform's requests in every worker. See docs/scale.md.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import redis.asyncio
from scrapy.exceptions import NotConfigured

from crawler.extensions import waiting

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

# Reserve the platform's next instant: max(now, the schedule, a shared pause); the schedule
# moves one interval past it. Times are Redis's (one clock for every machine), returned as
# text (Lua numbers would come back truncated to integers).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'),
                    tonumber(redis.call('GET', KEYS[2]) or '0'))
redis.call('SET', KEYS[1], string.format('%.6f', at + tonumber(ARGV[1])), 'EX', 3600)
return string.format('%.6f', at - now)
"""

# Hold the platform until ARGV[1] seconds from now (Redis's clock) unless it already waits
# longer.
_PAUSE = """
local t = redis.call('TIME')
local until = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
if until > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.6f', until), 'EX', 3600)
end
return 1
"""


def shared_pause(reason: str) -> bool:
    """Whether a wait announced for `reason` holds the whole platform (rate limits, a 429,
    API usage) rather than one request (a back-off after a 5xx)."""
    return "429" in reason or not reason.startswith("HTTP")


class SharedPoliteness:
    """Downloader middleware (just before a request is signed and sent): waits for the
    request's reserved instant in its platform's shared schedule.

    Settings: AUDIT_REDIS_URL, AUDIT_PACE_PREFIX (the run's key prefix) and
    AUDIT_PLATFORM_RATES ({platform: requests per second}); without them it is off.
    """

    def __init__(self, crawler: Crawler, url: str, prefix: str, rates: dict[str, float]) -> None:
        self.crawler, self.prefix, self.rates = crawler, prefix, rates
        self.client: Any = redis.asyncio.Redis.from_url(url)
        self.reserve = self.client.register_script(_RESERVE)
        self.pause = self.client.register_script(_PAUSE)
        self.pending: set[asyncio.Task[Any]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPoliteness:
        settings = crawler.settings
        url, prefix = settings.get("AUDIT_REDIS_URL"), settings.get("AUDIT_PACE_PREFIX")
        if not url or not prefix:
            raise NotConfigured("shared politeness is for scale-out workers")
        rates = {str(k): float(v) for k, v in settings.getdict("AUDIT_PLATFORM_RATES").items()}
        mw = cls(crawler, url, prefix, rates)
        crawler.signals.connect(mw.wait_announced, signal=waiting)
        return mw

    def _platform(self, request: Request) -> str:
        return str(request.meta.get("platform") or request.meta.get("download_slot") or "")

    async def process_request(self, request: Request) -> None:
        rate = self.rates.get(self._platform(request))
        if not rate:
            return
        platform = self._platform(request)
        wait = float(await self.reserve(keys=[f"{self.prefix}pace:{platform}",
                                              f"{self.prefix}pause:{platform}"],
                                        args=[f"{1.0 / rate:.6f}"]))
        if wait > 0:
            await asyncio.sleep(wait)

    def wait_announced(self, platform: str, reason: str, until: float) -> None:
        """Another middleware will hold `platform` until `until`: hold it in every worker."""
        if not shared_pause(reason):
            return
        seconds = until - time.time()
        if seconds <= 0:
            return
        task = asyncio.ensure_future(self.pause(keys=[f"{self.prefix}pause:{platform}"],
                                                args=[f"{seconds:.6f}"]))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
