"""Politeness shared by every worker of a run: one request budget per platform in Redis.

Each platform's `requests_per_second` is a sliding window in Redis (`pace:<platform>`: the
instants of its requests in the last second, on Redis's clock). Just before a request is
sent, one Lua call counts it in or says how long to wait, so N workers together never send
more than the platform's budget in any second. A rate-limit pause any worker meets (a 429's
Retry-After, a spent rate-limit window, Facebook's usage) is written to `pause:<platform>`
and holds that platform's requests in every worker. See docs/scale.md.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from typing import TYPE_CHECKING, Any

import redis.asyncio
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from crawler.extensions import waiting

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# May a request to the platform go now? Yes (and it is counted) when fewer than ARGV[1]
# requests went in the last ARGV[2] seconds, the last went at least ARGV[2]/ARGV[1] seconds
# ago (even pacing, not bursts) and no shared pause holds the platform; else the seconds to
# wait before asking again. Times are Redis's (one clock for every machine), sent
# back as text (Lua numbers would come back truncated to integers).
_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return string.format('%.6f', paused - now) end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local spacing = window / tonumber(ARGV[1])
if newest[2] and now < tonumber(newest[2]) + spacing then
  return string.format('%.6f', tonumber(newest[2]) + spacing - now)
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('EXPIRE', KEYS[1], 3600)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return string.format('%.6f', tonumber(oldest[2]) + window - now)
"""

# The window is this much longer than the budget's second: a request counted here reaches
# the platform a little later (a worker's event loop busy parsing, a new connection), and
# must still fall in the second it was counted for. Measured on 2 busy cores: delays up to
# ~0.2 s. It costs a fifth of the budget; docs/scale.md.
WINDOW_MARGIN_S = 0.25


def budget(requests_per_second: float) -> tuple[int, float]:
    """(requests, seconds) of the sliding window that keeps `requests_per_second`: that many
    per second (at least one request per 1/rate seconds), with WINDOW_MARGIN_S to spare."""
    limit = max(1, math.floor(requests_per_second))
    return limit, limit / requests_per_second + WINDOW_MARGIN_S


# Hold the platform until ARGV[1] seconds from now (Redis's clock) unless it already waits
# longer.
_PAUSE = """
local t = redis.call('TIME')
local resume = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
if resume > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.6f', resume), 'EX', 3600)
end
return 1
"""


def shared_pause(reason: str) -> bool:
    """Whether a wait announced for `reason` holds the whole platform (rate limits, a 429,
    API usage) rather than one request (a back-off after a 5xx)."""
    return "429" in reason or not reason.startswith("HTTP")


class BudgetedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP(S) download handler, which first waits until the request's platform's
    shared budget admits it: the last step before the request goes on the wire, after the
    download slot's queue (so a request admitted never waits behind others in it).

    It also writes every platform-wide pause another middleware announces (a 429's
    Retry-After, a spent rate-limit window, Graph API usage) to Redis, where it holds the
    platform for every worker. Settings: AUDIT_REDIS_URL, AUDIT_PACE_PREFIX (the run's key
    prefix) and AUDIT_PLATFORM_RATES ({platform: requests per second}); without them it is
    Scrapy's handler.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        url, self.prefix = settings.get("AUDIT_REDIS_URL"), settings.get("AUDIT_PACE_PREFIX")
        self.rates = {str(k): float(v)
                      for k, v in settings.getdict("AUDIT_PLATFORM_RATES").items()}
        self.client: Any = redis.asyncio.Redis.from_url(url) if url and self.prefix else None
        if self.client is not None:
            self.admit = self.client.register_script(_ADMIT)
            self.pause = self.client.register_script(_PAUSE)
            crawler.signals.connect(self.wait_announced, signal=waiting)
        self.pending: set[asyncio.Future[Any]] = set()

    async def download_request(self, request: Request) -> Response:
        platform = str(request.meta.get("platform") or request.meta.get("download_slot") or "")
        rate = self.rates.get(platform)
        if self.client is not None and rate:
            await self._admitted(platform, rate, request)
        return await super().download_request(request)

    async def _admitted(self, platform: str, rate: float, request: Request) -> None:
        limit, window = budget(rate)
        keys = [f"{self.prefix}pace:{platform}", f"{self.prefix}pause:{platform}"]
        ticket = f"{id(request)}:{time.time()}:{random.random()}"
        while True:
            wait = float(await self.admit(keys=keys, args=[limit, f"{window:.6f}", ticket]))
            if wait <= 0:
                return
            # a little spread, so requests waiting together do not all ask at once
            await asyncio.sleep(wait + random.uniform(0, 0.01))

    def wait_announced(self, platform: str, reason: str, until: float) -> None:
        """Another middleware holds `platform` until `until`: hold it in every worker."""
        seconds = until - time.time()
        if not shared_pause(reason) or seconds <= 0:
            return
        task = asyncio.ensure_future(self.pause(keys=[f"{self.prefix}pause:{platform}"],
                                                args=[f"{seconds:.6f}"]))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def close(self) -> None:
        await super().close()
        if self.client is not None:
            await self.client.aclose()
