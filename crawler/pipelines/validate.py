"""Drops items that would corrupt the metrics, counting why (`audit/field/<name>/missing`)."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

from crawler.items import Account, Post

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class ValidatePipeline:
    """Every post needs an id, an author and a timezone-aware timestamp (stored as UTC)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: object) -> object:
        if isinstance(item, Post):
            for name in ("post_id", "author_id", "created_at"):
                if not getattr(item, name):
                    self.stats.inc_value(f"audit/field/{name}/missing")
                    raise DropItem(f"post without {name}: {item.source_url}")
            if item.created_at.tzinfo is None:
                self.stats.inc_value("audit/field/created_at/naive")
                raise DropItem(f"post with a timestamp without timezone: {item.post_id}")
            item.created_at = item.created_at.astimezone(UTC)
        elif isinstance(item, Account) and not item.account_id:
            self.stats.inc_value("audit/field/account_id/missing")
            raise DropItem(f"account without id: {item.source_url}")
        return item
