"""Hands a worker's items to the run's one writer instead of writing them (docs/scale.md).

In a run spread over workers (crawler/scaleout/) only the coordinating process writes the
dataset: a worker's items go, in batches, to the callable AUDIT_ITEM_SINK (which pushes them
to Redis for the unit being crawled), counted the way DuckDBWriterPipeline counts them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.items import Account, Post

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class RedisSinkPipeline:
    """Buffers items and passes every AUDIT_BATCH_SIZE of them (and the rest on close) to the
    sink; `audit/items/posts` and `audit/items/accounts` count what was handed on."""

    def __init__(self, sink: Callable[[list[Any]], None], batch_size: int,
                 stats: StatsCollector) -> None:
        self.sink, self.batch_size, self.stats = sink, batch_size, stats
        self.items: list[Any] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisSinkPipeline:
        sink = crawler.settings.get("AUDIT_ITEM_SINK")
        if not callable(sink):
            raise NotConfigured("AUDIT_ITEM_SINK is set by a scale-out worker")
        assert crawler.stats is not None
        return cls(sink, crawler.settings.getint("AUDIT_BATCH_SIZE"), crawler.stats)

    def process_item(self, item: object) -> object:
        if isinstance(item, Post):
            self.stats.inc_value("audit/items/posts")
        elif isinstance(item, Account):
            self.stats.inc_value("audit/items/accounts")
        self.items.append(item)
        if len(self.items) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        items, self.items = self.items, []
        if items:
            self.sink(items)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.flush()
