"""The statistics assembly that `replyaudit stats` and the report's statistics section share:
Kaplan-Meier per brand and platform, the client against each competitor, and the ignored
share per kind of post. Definitions: docs/statistics.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from benchmarks import classify, queries, significance, store, survival
from benchmarks.derived import derive_missing

if TYPE_CHECKING:
    from datetime import datetime

    import duckdb

    from benchmarks.config import AuditConfig


@dataclass(frozen=True)
class Statistics:
    """What docs/statistics.md defines, for a list of brands (client first when there is one)."""

    survival: list[survival.SurvivalRow]  # per brand and platform, brand_metrics' order
    comparisons: list[significance.Comparison]  # client vs each competitor; [] without client
    class_shares: list[dict[str, Any]]  # ignored share per (brand, class), these brands only

    def records(self, client_id: str | None) -> dict[str, list[dict[str, Any]]]:
        """The three parts as flat records (CSV/JSON): survival, tests, classes."""
        return {
            "survival": [survival.as_record(r) for r in self.survival],
            "tests": [significance.as_record(c, client_id or "") for c in self.comparisons],
            "classes": self.class_shares,
        }


def assemble(con: duckdb.DuckDBPyConnection, brand_ids: Sequence[str],
             client_id: str | None, as_of: datetime | None = None) -> Statistics:
    """Read survival, tests and classes for `brand_ids` from an open dataset, every status
    judged at `as_of` (default: the judging run's own as_of).

    The survival input is read once (the view is the slow part). Raises
    benchmarks.errors.NoCrawlYet before the first finished crawl.
    """
    brands = list(brand_ids)
    with queries.judged_at(con, as_of):
        columns = survival.survival_input(con)
        rows = survival.survival_rows(con, brands, columns)
        competitors = [b for b in brands if b != client_id]
        comparisons = (significance.client_comparisons(con, client_id, competitors,
                                                       columns=columns) if client_id else [])
        shares = [s for s in classify.class_shares(con) if s["brand_id"] in brands]
    return Statistics(survival=rows, comparisons=comparisons, class_shares=shares)


def dataset_statistics(config: AuditConfig) -> tuple[int, Statistics]:
    """Decide what is not yet decided in the config's dataset (benchmarks/derived.py: post
    classes, stored in post_classes, and reply kinds), then assemble the statistics for its
    brands.

    Every run decides before it publishes, so there is usually nothing to do and the dataset
    is only read. When there is (a dataset from an older version), the decisions are written
    like a run's (benchmarks/snapshot.py); while a run holds the dataset, the published one
    is read as it is. Readers never stop it. Returns (posts classified now, statistics).
    Raises NoDataset when the database does not exist, and what `assemble` and
    store.open_dataset raise.
    """
    classified = derive_missing(config.db, config.path)
    con = store.open_dataset(config.db, config=config.path)
    try:
        return classified, assemble(con, [b.id for b in config.brands], config.client)
    finally:
        con.close()
