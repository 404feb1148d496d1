"""Runs one crawl: records the run, starts a spider per platform in one Scrapy process, and
stores what each platform answered (requests, statuses, failures, coverage notes).

Scrapy's reactor starts once per process, so one process makes one crawl; the CLI and the
tests call this from a fresh process each time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

import duckdb
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoaderProtocol, get_spider_loader
from scrapy.utils.defer import deferred_from_coro

from benchmarks import incremental as incremental_plans
from benchmarks import platforms as registry
from benchmarks import store
from benchmarks.config import AuditConfig
from benchmarks.derived import derive
from benchmarks.errors import CrawlWriteFailed, DatasetNotWritable, MixedXSources
from benchmarks.recorder import RunRecorder, RunWindow
from benchmarks.run_stats import ItemCounts, PlatformStats, RunStats
from crawler.spiders.base import PlatformSpider


@cache
def _spider_loader() -> SpiderLoaderProtocol:
    """Scrapy's loader over the project's SPIDER_MODULES: it knows every spider by name."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return get_spider_loader(settings)


def spider_name(config: AuditConfig, platform: str) -> str:
    """The name of the spider that collects `platform` (the platform id, by convention), or
    its opt-in browser spider when the config says `collect = "browser"`."""
    browser = registry.spec(platform).browser_spider
    if browser and config.platforms[platform].options.get("collect") == "browser":
        return browser
    return platform


def spider_class(config: AuditConfig, platform: str) -> type[PlatformSpider]:
    """The spider that collects `platform`: its opt-in browser spider when the config asks."""
    return cast("type[PlatformSpider]", _spider_loader().load(spider_name(config, platform)))


def follows_incremental_plans(config: AuditConfig, platform: str) -> bool:
    """Whether the spider that collects `platform` brings a dataset up to date by a plan (the
    registry says so for the platform's own spider; a browser spider samples the window)."""
    return registry.spec(platform).incremental and spider_name(config, platform) == platform


@dataclass(frozen=True)
class RunResult:
    run_id: int
    status: str  # finished | partial | failed
    stats: dict[str, Any]  # runs.stats as stored: RunStats.as_dict()


def crawl_settings(config: AuditConfig, run_id: int,
                   overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings, with the config's politeness per platform as download slots."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    slots = {
        name: {"concurrency": p.concurrency, "delay": 1.0 / p.requests_per_second}
        for name, p in config.platforms.items()
    }
    settings.set("DOWNLOAD_SLOTS", slots, priority="project")
    settings.set("AUDIT_DB_PATH", str(config.db), priority="project")
    settings.set("AUDIT_RUN_ID", run_id, priority="project")
    if config.deadline_minutes:
        settings.set("AUDIT_DEADLINE_SECONDS", config.deadline_minutes * 60, priority="project")
    if config.user_agent:
        settings.set("USER_AGENT", config.user_agent, priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def prepare_run(config: AuditConfig, incremental: bool = False) -> tuple[
        int, RunWindow, dict[str, incremental_plans.IncrementalPlan]]:
    """Start recording a crawl of `config`: (run id, window, incremental plan per platform).

    Shared by the one-process crawl and a run spread over workers (crawler/scaleout/).
    Raises MixedXSources before anything is written (see run_crawl)."""
    started = datetime.now(UTC)
    window = RunWindow.from_config(config, config.as_of, now=started)
    con = store.connect(config.db)
    if "x" in config.platforms_in_use():
        try:
            store.check_x_source(con, "x")
        except MixedXSources:
            con.close()
            raise
    previous = incremental_plans.previous_run(con) if incremental else None
    plans = {
        platform: incremental_plans.plan(con, platform, previous, window.ignore_after_seconds)
        for platform in config.platforms_in_use()
        if previous and follows_incremental_plans(config, platform)
        and incremental_plans.knows_accounts(
            con, platform, [h for b in config.brands for h in b.handles(platform)])
    }
    run_id = RunRecorder.start(con, window, [(b.id, b.name) for b in config.brands],
                               started, config.business_hours()).run_id
    con.close()
    return run_id, window, plans


def run_crawl(config: AuditConfig, spider_kwargs: dict[str, dict[str, Any]] | None = None,
              settings_overrides: dict[str, Any] | None = None,
              incremental: bool = False) -> RunResult:
    """Crawl every platform the config uses into its database; returns the recorded run.

    `spider_kwargs` carries per-platform secrets read by the CLI (Bluesky `credentials`,
    Mastodon and Facebook `access_token`, Reddit `credentials`, YouTube `api_key`); they go
    to the spiders only, never into the dataset. With `incremental`, a database that already
    holds a completed run is only brought up to date (benchmarks/incremental.py); each
    platform's stats say which `mode` it ran in. Raises MixedXSources, before anything is
    written, when X is to be crawled into a dataset holding TWCS data; CrawlWriteFailed when
    a batch could not be written (the crawl stops there and the run is marked failed). A
    config's `deadline_minutes` stops platforms still crawling then (recorded as failed).
    """
    run_id, window, plans = prepare_run(config, incremental)

    crawlers: dict[str, Crawler] = {}
    settings = crawl_settings(config, run_id, settings_overrides)
    settings.set("AUDIT_HALT", _halt(crawlers), priority="cmdline")
    process = CrawlerProcess(settings)
    for platform in config.platforms_in_use():
        crawler = process.create_crawler(spider_class(config, platform))
        crawlers[platform] = crawler
        process.crawl(crawler, config=config, window_start=window.window_start,
                      window_end=window.window_end, incremental=plans.get(platform),
                      **(spider_kwargs or {}).get(platform, {}))
    try:
        process.start()
    except BaseException:
        finish_run(config, run_id, RunStats(), failed=True)  # never left `running`
        raise

    stats = RunStats({platform: summarize(crawler, "incremental" if platform in plans else "full")
                      for platform, crawler in crawlers.items()})
    write_error = next(((c.stats.get_value("audit/db/write_error"),
                         c.stats.get_value("audit/db/write_errno"))
                        for c in crawlers.values()
                        if c.stats is not None and c.stats.get_value("audit/db/write_error")),
                       None)
    if write_error is not None:
        reason, errno = write_error
        try:
            finish_run(config, run_id, stats, failed=True)
        except (DatasetNotWritable, duckdb.Error):
            raise CrawlWriteFailed(config.db, reason, errno, run_id, recorded=False) from None
        raise CrawlWriteFailed(config.db, reason, errno, run_id, recorded=True)
    status = finish_run(config, run_id, stats)
    return RunResult(run_id, status, stats.as_dict())


def _halt(crawlers: dict[str, Crawler]) -> Callable[[str], bool]:
    """What the writer calls on a failed write: close every platform's crawl with `reason`;
    True the first time. A plain function (settings are copied per crawler; a function is
    copied as itself)."""
    tripped: list[str] = []

    def halt(reason: str) -> bool:
        first = not tripped
        tripped.append(reason)
        for crawler in crawlers.values():
            engine = crawler.engine
            if crawler.crawling and engine is not None and engine.spider is not None:
                closing = deferred_from_coro(engine.close_spider_async(reason=reason))
                closing.addErrback(lambda _failure: None)  # already closed: nothing to do
        return first
    return halt


def finish_run(config: AuditConfig, run_id: int, stats: RunStats, failed: bool = False) -> str:
    """Store the run's stats and status (derived tables too unless `failed`)."""
    con = store.connect(config.db)
    try:
        status = RunRecorder(con, run_id).finish(stats, failed=failed)
        if not failed:
            derive(con)  # post classes, reply kinds, hand-offs: what the metric SQL reads
    finally:
        con.close()
    return status


def summarize(crawler: Crawler, mode: str) -> PlatformStats:
    """What a platform's crawl (`mode` full or incremental) did, for runs.stats."""
    assert crawler.stats is not None
    raw = crawler.stats.get_stats()
    prefix = "downloader/response_status_count/"
    mentions = "not applicable"
    if raw.get("audit/mentions/searched"):
        mentions = "searched"
    elif raw.get("audit/mentions/skipped"):
        mentions = "skipped"
    return PlatformStats(
        requests=raw.get("downloader/request_count", 0),
        responses={k[len(prefix):]: v for k, v in sorted(raw.items()) if k.startswith(prefix)},
        items=ItemCounts(posts=raw.get("audit/items/posts", 0),
                         accounts=raw.get("audit/items/accounts", 0)),
        retries=raw.get("retry/count", 0),
        rate_limit_pauses=raw.get("audit/ratelimit/paused", 0),
        failures=raw.get(f"audit/failures/{getattr(crawler.spider, 'name', '')}", 0),
        malformed_json=raw.get("audit/malformed_json", 0),
        dropped_items=raw.get("item_dropped_count", 0),
        mentions=mentions,
        skipped=bool(raw.get("audit/skipped")),
        notes=list(getattr(crawler.spider, "notes", [])),
        finish_reason=raw.get("finish_reason", "unknown"),
        mode=mode,
        quota_units=raw.get("audit/quota_units"),  # platforms that count API quota (YouTube)
    )
