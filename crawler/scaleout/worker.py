"""A scale-out worker: leases units of a run from Redis and crawls each with its spider.

One process, one Twisted reactor, up to `capacity` unit crawls at a time (each an ordinary
Scrapy crawl of one platform from a few brands). A unit's scheduler and dupefilter are
scrapy-redis's, under keys of that unit's attempt; its items go to Redis for the writer
(pipelines/redis_sink.py); its requests keep the platform's shared schedule
(politeness.py). A thread refreshes the worker's heartbeat; when it stops (kill -9), the
coordinator gives the worker's units to the others. See docs/scale.md.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from secrets import token_hex
from typing import TYPE_CHECKING, Any

import redis
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import install_reactor
from twisted.python.failure import Failure

from benchmarks.run_stats import PlatformStats
from crawler import runner
from crawler.scaleout.board import HEARTBEAT_EVERY_S, Board, Unit

if TYPE_CHECKING:
    from datetime import datetime

    from scrapy.settings import Settings

    from benchmarks.config import AuditConfig
    from benchmarks.incremental import IncrementalPlan


# Seconds a worker that lost its Redis gives its crawls to close before it exits.
LOST_REDIS_GRACE_S = 5.0


@dataclass(frozen=True)
class RunSpec:
    """What every worker needs to crawl a unit of the run (pickled on the board). Secrets
    are not in it: a worker reads them from its own environment, or, started by the
    coordinator, from its stdin."""

    run_id: int
    config: AuditConfig
    window_start: datetime
    window_end: datetime | None
    plans: dict[str, IncrementalPlan] = field(default_factory=dict)
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    deadline_at: float | None = None  # Unix time the run stops, from deadline_minutes


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{token_hex(3)}"


def unit_settings(spec: RunSpec, unit: Unit, board: Board, url: str,
                  sink: Any) -> Settings:
    """The settings of one unit's crawl: the run's, with a Redis scheduler and dupefilter of
    this attempt, the items handed to `sink`, and the platforms' shared schedules as the
    politeness (the process-local delays and AutoThrottle off: they would add to it)."""
    config = spec.config
    settings = runner.crawl_settings(config, spec.run_id, spec.settings_overrides)
    settings.set("DOWNLOAD_SLOTS", {
        name: {"concurrency": p.concurrency, "delay": 0.0}
        for name, p in config.platforms.items()}, priority="cmdline")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.extensions.PlatformAutoThrottle"] = None
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    settings.set("ITEM_PIPELINES", {
        "crawler.pipelines.validate.ValidatePipeline": 100,
        "crawler.pipelines.redis_sink.RedisSinkPipeline": 800}, priority="cmdline")
    handler = "crawler.scaleout.politeness.BudgetedDownloadHandler"
    settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="cmdline")
    for key, value in {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": board.key(f"requests:{unit.tag}:%(spider)s"),
        "SCHEDULER_DUPEFILTER_KEY": board.key(f"seen:{unit.tag}:%(spider)s"),
        "SCHEDULER_PERSIST": False,
        "SCHEDULER_FLUSH_ON_START": True,
        "REDIS_URL": url,
        "AUDIT_REDIS_URL": url,
        "AUDIT_PACE_PREFIX": board.key(""),
        "AUDIT_PLATFORM_RATES": {name: p.requests_per_second
                                 for name, p in config.platforms.items()},
        "AUDIT_ITEM_SINK": sink,
        "AUDIT_PROGRESS_INTERVAL": 0.0,  # the coordinator reports progress
        "AUDIT_DB_PATH": None,
    }.items():
        settings.set(key, value, priority="cmdline")
    if spec.deadline_at is not None:
        settings.set("AUDIT_DEADLINE_SECONDS", max(spec.deadline_at - time.time(), 0.01),
                     priority="cmdline")
    return settings


class Worker:
    """Leases and crawls units until the run says stop; `run()` returns the exit code."""

    def __init__(self, url: str, run_key: str, secrets: dict[str, dict[str, Any]] | None,
                 capacity: int = 0) -> None:
        self.url = url
        self.board = Board(redis.Redis.from_url(url), run_key)
        spec = self.board.spec()
        if spec is None:
            raise LookupError(f"no run {run_key} in the Redis at {url}")
        self.spec: RunSpec = spec
        if secrets is None:
            from crawler.secrets import spider_secrets

            secrets = spider_secrets(self.spec.config, os.environ)
        self.secrets = secrets
        self.capacity = capacity or max(1, len(self.spec.config.platforms_in_use()))
        self.name = worker_name()
        self.running: dict[str, Crawler] = {}
        self.failed: str | None = None
        self.closing = False
        self._beating = threading.Event()

    def _heartbeat(self) -> None:
        board = Board(redis.Redis.from_url(self.url), self.board.run_key)
        while not self._beating.is_set():
            # the coordinator decides; a lost Redis ends the run anyway
            with contextlib.suppress(redis.RedisError):
                board.heartbeat(self.name)
            self._beating.wait(HEARTBEAT_EVERY_S)

    def run(self) -> int:
        # scrapy-redis 0.9.1 still passes `spider=` to the stats collector; said once, not
        # per request
        warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning,
                                module="scrapy_redis")
        install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
        from twisted.internet import reactor, task

        self.board.heartbeat(self.name)
        beat = threading.Thread(target=self._heartbeat, daemon=True)
        beat.start()
        settings = runner.crawl_settings(self.spec.config, self.spec.run_id,
                                         self.spec.settings_overrides)
        self.process = CrawlerProcess(settings)
        loop = task.LoopingCall(self.tick)
        reactor.callWhenRunning(loop.start, 0.2)
        try:
            self.process.start(stop_after_crawl=False)
        finally:
            self._beating.set()
            with contextlib.suppress(redis.RedisError):
                self.board.leave(self.name)
        if self.failed:
            print(f"replyaudit worker: {self.failed}", file=sys.stderr)
            return 1
        return 0

    def tick(self) -> None:
        from twisted.internet import reactor as installed

        reactor: Any = installed

        try:
            stopping = self.board.stopped() or self.board.spec() is None
            if stopping and self.running and not self.closing:
                # the run ended without these units (the coordinator stopped or failed):
                # close them rather than crawl for nobody
                self.closing = True
                self._stop_crawls()
            while not stopping and len(self.running) < self.capacity:
                unit = self.board.lease(self.name)
                if unit is None:
                    break
                self.launch(unit)
        except redis.RedisError as e:
            stopping = True
            if self.failed is None:
                self.failed = f"lost the Redis at {self.url}: {e}"
                self._stop_crawls()
                # what its crawls collect can no longer reach the writer: do not wait long
                reactor.callLater(LOST_REDIS_GRACE_S, self._abandon)
        if stopping and not self.running and reactor.running:
            reactor.stop()

    def _stop_crawls(self) -> None:
        for crawler in list(self.running.values()):
            if crawler.engine is not None:
                stopping = deferred_from_coro(crawler.stop_async())
                stopping.addErrback(lambda _failure: None)  # already closing

    def _abandon(self) -> None:
        from twisted.internet import reactor as installed

        reactor: Any = installed
        self.running.clear()
        if reactor.running:
            reactor.stop()

    def launch(self, unit: Unit) -> None:
        spec = self.spec
        settings = unit_settings(spec, unit, self.board, self.url,
                                 lambda items: self.board.push_items(unit, items))
        spider = runner.spider_class(spec.config, unit.platform)
        crawler = Crawler(spider, settings, init_reactor=False)
        self.running[unit.tag] = crawler
        done = self.process.crawl(
            crawler, config=spec.config, window_start=spec.window_start,
            window_end=spec.window_end, incremental=spec.plans.get(unit.platform),
            start_brands=unit.brands, **self.secrets.get(unit.platform, {}))
        done.addBoth(lambda result: self.finish(unit, crawler, result))

    def finish(self, unit: Unit, crawler: Crawler, result: Failure | None) -> None:
        self.running.pop(unit.tag, None)
        mode = "incremental" if unit.platform in self.spec.plans else "full"
        if crawler.stats is not None and not isinstance(result, Failure):
            stats = runner.summarize(crawler, mode)
        else:
            why = result.getErrorMessage() if isinstance(result, Failure) else "error"
            stats = (runner.summarize(crawler, mode) if crawler.stats is not None
                     else PlatformStats(mode=mode))
            stats.finish_reason = "error"
            stats.notes.append(f"a worker could not crawl {unit.platform} for "
                               f"{', '.join(unit.brands)}: {why}")
        try:
            self.board.complete(unit, self.name, stats)
        except redis.RedisError as e:
            self.failed = f"lost the Redis at {self.url}: {e}"
