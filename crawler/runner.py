"""Runs one crawl: records the run, starts a spider per platform in one Scrapy process, and
stores what each platform answered (requests, statuses, failures, coverage notes).

Scrapy's reactor starts once per process, so one process makes one crawl; the CLI and the
tests call this from a fresh process each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from benchmarks import store
from benchmarks.config import AuditConfig
from crawler.spiders.bluesky import BlueskySpider
from crawler.spiders.mastodon import MastodonSpider
from crawler.spiders.x import XSpider
from crawler.spiders.x_browser import XBrowserSpider

SPIDERS = {"bluesky": BlueskySpider, "mastodon": MastodonSpider, "x": XSpider}
# Platforms a config may switch to an opt-in browser (`collect = "browser"`).
BROWSER_SPIDERS = {"x": XBrowserSpider}


@dataclass(frozen=True)
class RunResult:
    run_id: int
    status: str  # finished | partial | failed
    stats: dict[str, Any]


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
    if config.user_agent:
        settings.set("USER_AGENT", config.user_agent, priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(config: AuditConfig, spider_kwargs: dict[str, dict[str, Any]] | None = None,
              settings_overrides: dict[str, Any] | None = None) -> RunResult:
    """Crawl every platform the config uses into its database; returns the recorded run.

    `spider_kwargs` carries per-platform secrets read by the CLI (Bluesky `credentials`,
    Mastodon `access_token`); they go to the spiders only, never into the dataset.
    """
    started = datetime.now(UTC)
    window = store.RunWindow(
        config_name=config.name,
        client_id=config.client,
        window_start=config.window_start(started),
        window_end=config.until,
        sla_seconds=config.sla_minutes * 60,
        ignore_after_seconds=config.ignore_after_hours * 3600,
        as_of=config.as_of,
    )
    con = store.connect(config.db)
    run_id = store.start_run(con, window, [(b.id, b.name) for b in config.brands], started)
    con.close()

    process = CrawlerProcess(crawl_settings(config, run_id, settings_overrides))
    crawlers: dict[str, Crawler] = {}
    for platform in config.platforms_in_use():
        browser = config.platforms[platform].options.get("collect") == "browser"
        crawler = process.create_crawler((BROWSER_SPIDERS if browser else SPIDERS)[platform])
        crawlers[platform] = crawler
        process.crawl(crawler, config=config, window_start=window.window_start,
                      window_end=window.window_end, **(spider_kwargs or {}).get(platform, {}))
    process.start()

    stats = {platform: summarize(crawler) for platform, crawler in crawlers.items()}
    if any(s["finish_reason"] != "finished" for s in stats.values()):
        status = "failed"
    elif any(s["failures"] for s in stats.values()):
        status = "partial"
    else:
        status = "finished"
    con = store.connect(config.db)
    store.finish_run(con, run_id, status, stats)
    con.close()
    return RunResult(run_id, status, stats)


def summarize(crawler: Crawler) -> dict[str, Any]:
    """What a platform's crawl did, in the shape stored in runs.stats (docs/dataset.md)."""
    assert crawler.stats is not None
    raw = crawler.stats.get_stats()
    prefix = "downloader/response_status_count/"
    mentions = "not applicable"
    if raw.get("audit/mentions/searched"):
        mentions = "searched"
    elif raw.get("audit/mentions/skipped"):
        mentions = "skipped"
    return {
        "requests": raw.get("downloader/request_count", 0),
        "responses": {k[len(prefix):]: v for k, v in sorted(raw.items()) if k.startswith(prefix)},
        "items": {"posts": raw.get("audit/items/posts", 0),
                  "accounts": raw.get("audit/items/accounts", 0)},
        "retries": raw.get("retry/count", 0),
        "rate_limit_pauses": raw.get("audit/ratelimit/paused", 0),
        "failures": raw.get(f"audit/failures/{getattr(crawler.spider, 'name', '')}", 0),
        "malformed_json": raw.get("audit/malformed_json", 0),
        "dropped_items": raw.get("item_dropped_count", 0),
        "mentions": mentions,
        "notes": list(getattr(crawler.spider, "notes", [])),
        "finish_reason": raw.get("finish_reason", "unknown"),
    }
