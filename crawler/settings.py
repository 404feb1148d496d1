"""Scrapy settings for replyaudit: polite by default, tuned per platform by the audit config.

Only this module, crawler/secrets.py and the command line (crawler/cli/) read the environment.
See docs/config.md, "Crawling politely".
"""

from __future__ import annotations

import os

from crawler import __version__

BOT_NAME = "replyaudit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Honest and overridable: the config's [crawl] user_agent or REPLYAUDIT_USER_AGENT win.
USER_AGENT = os.environ.get(
    "REPLYAUDIT_USER_AGENT",
    f"replyaudit/{__version__} (+https://github.com/replyaudit/replyaudit; audit crawler)",
)
# HTML sites are crawled only where robots.txt allows; API spiders say why they differ.
ROBOTSTXT_OBEY = True

# Adapts the delay to each server's latency; per-platform rates are the floor (DOWNLOAD_SLOTS).
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
AUTOTHROTTLE_START_DELAY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 30

# Retries: 429 and 5xx are retried, honouring Retry-After (see middlewares.py).
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.middlewares.RateLimitHeadersMiddleware": 560,
    "crawler.middlewares.GraphUsageMiddleware": 565,
    # After any rate-limit wait, so a request carries the token current when it is sent.
    "crawler.middlewares.SendTimeAuthMiddleware": 570,
}
# Error responses reach the spiders' errbacks, which record them as fetch failures.
HTTPERROR_ALLOW_ALL = False
# An exception in a spider callback is a fetch failure of its URL (crawler/spider_errors.py);
# engine side of HttpErrorMiddleware (50), which handles its own HttpError first.
SPIDER_MIDDLEWARES = {"crawler.spider_errors.SpiderErrorMiddleware": 40}

ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.duckdb_writer.DuckDBWriterPipeline": 800,
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.PlatformAutoThrottle": 0,
    "crawler.extensions.ProgressExtension": 500,
    "crawler.extensions.StallWatch": 510,
    "crawler.extensions.RunDeadline": 520,
}

# The longest a Retry-After or rate-limit reset may hold a request, in seconds; longer waits
# fail the page (recorded) instead of stalling the audit.
AUDIT_MAX_WAIT_SECONDS = float(os.environ.get("REPLYAUDIT_MAX_WAIT_SECONDS", "300"))
# First back-off for a retry without Retry-After, doubled per attempt.
AUDIT_RETRY_BACKOFF_SECONDS = float(os.environ.get("REPLYAUDIT_RETRY_BACKOFF_SECONDS", "1"))
# Rows per DuckDB write; one transaction per batch keeps a long crawl fast and crash-safe.
AUDIT_BATCH_SIZE = 500
# Where the writer stores items and which run they belong to; set by the CLI per crawl.
AUDIT_DB_PATH = None
AUDIT_RUN_ID = None
# Seconds between progress lines on the terminal; 0 switches progress off.
AUDIT_PROGRESS_INTERVAL = 5.0
# Seconds without an answer, while requests wait, before the terminal says a platform has
# stopped answering (repeated at that interval); 0 switches it off.
AUDIT_STALL_SECONDS = float(os.environ.get("REPLYAUDIT_STALL_SECONDS", "60"))
# Seconds after which a platform still crawling is stopped and recorded as failed; 0 = none.
# Set per run from the config's [crawl] deadline_minutes or `--deadline`.
AUDIT_DEADLINE_SECONDS = 0.0

# Scale-out workers only (crawler/scaleout/worker.py sets them per unit; docs/scale.md): where
# a worker hands its items (a callable; pipelines/redis_sink.py), the Redis and key prefix of
# the run's shared per-platform budgets, and each platform's requests per second there.
AUDIT_ITEM_SINK = None
AUDIT_REDIS_URL = None
AUDIT_PACE_PREFIX = None
AUDIT_PLATFORM_RATES: dict[str, float] = {}

# The Chromium the opt-in X browser spider drives: REPLYAUDIT_CHROMIUM, else the system's,
# else Playwright's own (`playwright install chromium`). Used only by spiders that ask for it.
AUDIT_CHROMIUM = os.environ.get("REPLYAUDIT_CHROMIUM") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Flags that run headless in containers and CI; no background traffic to Google.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run"],
    **({"executable_path": AUDIT_CHROMIUM} if AUDIT_CHROMIUM else {}),
}

LOG_LEVEL = os.environ.get("REPLYAUDIT_LOG_LEVEL", "WARNING")
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
