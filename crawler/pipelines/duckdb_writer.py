"""Writes items into the DuckDB dataset in batches, one connection per spider run."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import duckdb
from scrapy.exceptions import NotConfigured

from benchmarks import store
from benchmarks.errors import DatasetNotWritable, reason_of
from benchmarks.recorder import RunRecorder
from crawler.items import Account, FetchFailure, Post

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


logger = logging.getLogger(__name__)
WRITE_FAILED = "write_failed"  # the finish reason of a crawl stopped by a failed write


class DuckDBWriterPipeline:
    """Buffers posts, accounts and failures and writes them through the run's recorder
    (benchmarks/recorder.py) every AUDIT_BATCH_SIZE items, one transaction per batch.

    Brand accounts arrive with their brand_id; on close, the posts they wrote are marked
    `by_brand` so the flag never depends on the order pages arrived in. The runner started
    the run and finishes it with the crawl's stats.

    The first batch that cannot be written (a full disk, a read-only place) stops the crawl
    of every platform (finish reason WRITE_FAILED, so the run is `failed`): nothing more
    could be stored, and retrying each item would log thousands of errors. Batches written
    before are kept.
    """

    def __init__(self, db_path: str, run_id: int, batch_size: int, stats: StatsCollector,
                 crawler: Crawler | None = None) -> None:
        self.db_path, self.run_id, self.batch_size, self.stats = db_path, run_id, batch_size, stats
        self.crawler = crawler
        self.write_error: str | None = None
        self.con: duckdb.DuckDBPyConnection | None = None
        self.run: RunRecorder | None = None
        self.posts: list[Post] = []
        self.accounts: list[Account] = []
        self.failures: list[FetchFailure] = []
        self.platforms: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuckDBWriterPipeline:
        settings = crawler.settings
        if not settings.get("AUDIT_DB_PATH") or settings.get("AUDIT_RUN_ID") is None:
            raise NotConfigured("AUDIT_DB_PATH and AUDIT_RUN_ID are set by `replyaudit crawl`")
        assert crawler.stats is not None
        return cls(settings["AUDIT_DB_PATH"], settings.getint("AUDIT_RUN_ID"),
                   settings.getint("AUDIT_BATCH_SIZE"), crawler.stats, crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        try:
            self.con = store.connect(self.db_path)
        except (DatasetNotWritable, duckdb.Error) as e:
            self.stop(e)
            return
        self.run = RunRecorder(self.con, self.run_id)

    def process_item(self, item: object) -> object:
        if self.write_error is not None:  # the crawl is closing; nothing more can be stored
            self.stats.inc_value("audit/db/unwritten")
            return item
        if isinstance(item, Post):
            self.posts.append(item)
            self.platforms.add(item.platform)
            self.stats.inc_value("audit/items/posts")
        elif isinstance(item, Account):
            self.accounts.append(item)
            self.stats.inc_value("audit/items/accounts")
        elif isinstance(item, FetchFailure):
            self.failures.append(item)
        if len(self.posts) + len(self.accounts) + len(self.failures) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if self.write_error is not None or self.run is None:
            return
        try:
            with self.run.batch():
                self.run.upsert_accounts(self.accounts)
                self.run.upsert_posts(self.posts)
                self.run.record_failures(self.failures)
        except duckdb.Error as e:
            self.stop(e)
            return
        finally:
            self.posts, self.accounts, self.failures = [], [], []
        self.stats.inc_value("audit/db/batches")

    def stop(self, error: Exception) -> None:
        """Record the first write error and stop every platform's crawl in this process."""
        if self.write_error is not None:
            return
        reason, errno = ((error.reason, error.errno) if isinstance(error, DatasetNotWritable)
                         else reason_of(error))
        self.write_error = reason
        self.stats.set_value("audit/db/write_error", reason)
        self.stats.set_value("audit/db/write_errno", errno)
        halt = self.crawler.settings.get("AUDIT_HALT") if self.crawler is not None else None
        first = halt(WRITE_FAILED) if callable(halt) else True
        if first:  # one line for the whole crawl, not one per platform
            logger.error("cannot write %s: %s; stopping the crawl", self.db_path, reason)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.con is None or self.run is None:
            return  # it could not even be opened (stop said why)
        self.flush()
        try:
            if self.write_error is None:
                for platform in sorted(self.platforms):
                    self.run.mark_brand_posts(platform)
        except duckdb.Error as e:
            self.stop(e)
        finally:
            self.con.close()
