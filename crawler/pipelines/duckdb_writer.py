"""Writes items into the DuckDB dataset in batches, one connection per spider run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from benchmarks import store
from crawler.items import Account, FetchFailure, Post

if TYPE_CHECKING:
    import duckdb
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class DuckDBWriterPipeline:
    """Buffers posts, accounts and failures and upserts them every AUDIT_BATCH_SIZE items.

    Brand accounts arrive with their brand_id; on close, the posts they wrote are marked
    `by_brand` so the flag never depends on the order pages arrived in.
    """

    def __init__(self, db_path: str, run_id: int, batch_size: int, stats: StatsCollector) -> None:
        self.db_path, self.run_id, self.batch_size, self.stats = db_path, run_id, batch_size, stats
        self.con: duckdb.DuckDBPyConnection | None = None
        self.posts: list[tuple[Any, ...]] = []
        self.mentions: list[tuple[str, str, str]] = []
        self.addressees: list[tuple[str, str, str, str]] = []
        self.accounts: list[tuple[Any, ...]] = []
        self.failures: list[tuple[Any, ...]] = []
        self.platforms: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuckDBWriterPipeline:
        settings = crawler.settings
        if not settings.get("AUDIT_DB_PATH") or settings.get("AUDIT_RUN_ID") is None:
            raise NotConfigured("AUDIT_DB_PATH and AUDIT_RUN_ID are set by `replyaudit crawl`")
        assert crawler.stats is not None
        return cls(settings["AUDIT_DB_PATH"], settings.getint("AUDIT_RUN_ID"),
                   settings.getint("AUDIT_BATCH_SIZE"), crawler.stats)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.con = store.connect(self.db_path)

    def process_item(self, item: object) -> object:
        if isinstance(item, Post):
            self.posts.append((
                item.platform, item.post_id, item.url, item.author_id, item.created_at, item.text,
                item.parent_id, item.root_id, item.brand_id, False, item.like_count,
                item.reply_count, item.repost_count, item.language, item.fetched_at, self.run_id,
                item.rating,
            ))
            self.mentions.extend((item.platform, item.post_id, m) for m in set(item.mentions))
            self.addressees.extend((item.platform, item.post_id, brand, reason)
                                   for brand, reason in set(item.addressed_to))
            self.platforms.add(item.platform)
            self.stats.inc_value("audit/items/posts")
        elif isinstance(item, Account):
            self.accounts.append((
                item.platform, item.account_id, item.handle, item.display_name, item.followers,
                item.brand_id, item.url, item.fetched_at, self.run_id,
            ))
            self.stats.inc_value("audit/items/accounts")
        elif isinstance(item, FetchFailure):
            self.failures.append((
                self.run_id, item.platform, item.brand_id, item.url, item.status, item.reason,
                item.occurred_at,
            ))
        if len(self.posts) + len(self.accounts) + len(self.failures) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        assert self.con is not None
        self.con.execute("begin transaction")
        store.upsert_accounts(self.con, self.accounts)
        store.upsert_posts(self.con, self.posts, self.mentions, self.addressees)
        store.record_failures(self.con, self.failures)
        self.con.execute("commit")
        self.stats.inc_value("audit/db/batches")
        self.posts, self.mentions, self.addressees = [], [], []
        self.accounts, self.failures = [], []

    def close_spider(self, spider: Spider | None = None) -> None:
        assert self.con is not None
        self.flush()
        for platform in sorted(self.platforms):
            store.mark_brand_posts(self.con, platform)
        self.con.close()
