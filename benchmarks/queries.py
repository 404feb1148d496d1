"""Read-side helpers: the metric views as plain rows for the CLI and the report."""

from __future__ import annotations

from typing import Any

import duckdb

from benchmarks.errors import NoCrawlYet

METRIC_COLUMNS = (
    "brand_id", "platform", "customer_posts", "on_time", "late", "ignored", "pending",
    "answered", "response_rate", "response_rate_low", "response_rate_high",
    "median_response_seconds", "p90_response_seconds", "within_sla_rate",
    "negative_reviews", "negative_response_rate",
)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts keyed by column name."""
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def brand_metrics(con: duckdb.DuckDBPyConnection, brand_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The brand_metrics view, brands in the given order (default: by id), 'all' first."""
    if not rows(con, "select run_id from audit_params"):
        raise NoCrawlYet("no finished crawl in this database yet")
    found = rows(con, f"select {', '.join(METRIC_COLUMNS)} from brand_metrics")
    order = {b: i for i, b in enumerate(brand_ids or sorted({r['brand_id'] for r in found}))}
    found = [r for r in found if r["brand_id"] in order]
    return sorted(found, key=lambda r: (order[r["brand_id"]], r["platform"] != "all", r["platform"]))
