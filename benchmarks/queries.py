"""Read-side helpers: the metric views as plain rows for the CLI and the report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import duckdb

from benchmarks import sqlfiles
from benchmarks.errors import NoCrawlYet, QueryFailed

METRIC_COLUMNS = (
    "brand_id", "platform", "customer_posts", "on_time", "late", "ignored", "pending",
    "unverified", "answered", "response_rate", "response_rate_low", "response_rate_high",
    "median_response_seconds", "p90_response_seconds", "within_sla_rate",
    "negative_reviews", "negative_response_rate", "between_brands", "question_posts",
    "question_response_rate", "median_question_response_seconds", "answered_within_1h",
    "answered_1h_to_8h", "answered_8h_to_24h", "answered_1d_to_3d", "answered_after_3d",
    "median_business_response_seconds", "median_human_response_seconds", "redirected",
    "redirect_rate", "handoffs", "bot_posts",
)


def rows(con: duckdb.DuckDBPyConnection, sql: str,
         params: list[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run a query (positional or named parameters) and return its rows as dicts."""
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def brand_metrics(con: duckdb.DuckDBPyConnection, brand_ids: list[str] | None = None,
                  as_of: datetime | None = None) -> list[dict[str, Any]]:
    """The brand_metrics view, brands in the given order (default: by id), 'all' first.

    Every status is judged at `as_of` (default: the judging run's own as_of). Raises
    NoCrawlYet before any run finished.
    """
    with judged_at(con, as_of):
        if not rows(con, "select run_id from audit_params"):
            raise NoCrawlYet("no finished crawl in this database yet")
        found = rows(con, f"select {', '.join(METRIC_COLUMNS)} from brand_metrics")
    order = {b: i for i, b in enumerate(brand_ids or sorted({r['brand_id'] for r in found}))}
    found = [r for r in found if r["brand_id"] in order]
    return sorted(found,
                  key=lambda r: (order[r["brand_id"]], r["platform"] != "all", r["platform"]))


@contextmanager
def judged_at(con: duckdb.DuckDBPyConnection, as_of: datetime | None) -> Iterator[None]:
    """Inside the block, this connection's metric views judge every status at `as_of` (also
    read-only); None changes nothing. The window and thresholds stay the judging run's.

    A temporary view shadows `audit_params` for the block only; the file and other
    connections are untouched. Functions that judge take `as_of` and use this.
    """
    if as_of is None:
        yield
        return
    con.execute("create or replace temp table judged_as_of as "
                "select $as_of::timestamptz as as_of", {"as_of": as_of})
    con.execute(sqlfiles.load("staging/audit_params_as_of.sql"))
    try:
        yield
    finally:
        con.execute(sqlfiles.load("staging/audit_params_as_of_end.sql"))


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a person's SQL (one or more statements) and return the last one's column names and
    rows. Raises QueryFailed with the first line of DuckDB's reason (bad SQL, or a write on a
    read-only connection)."""
    try:
        result = con.execute(sql)
        return [d[0] for d in result.description or []], result.fetchall()
    except duckdb.Error as e:
        raise QueryFailed(str(e).splitlines()[0]) from None


def dataset_schema(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every table and view with its meaning, and per column its type and meaning.

    Returns one dict per relation (tables first, then views, by name): `relation`, `kind`,
    `meaning` and `columns`, a list of {`column`, `type`, `meaning`}. Meanings are the
    database's comments, the same words as docs/dataset.md.
    """
    relations: dict[str, dict[str, Any]] = {}
    for row in rows(con, sqlfiles.load("catalog/dataset_schema.sql")):
        relation = relations.setdefault(row["relation"], {
            "relation": row["relation"], "kind": row["kind"],
            "meaning": row["relation_meaning"], "columns": []})
        relation["columns"].append({"column": row["column_name"], "type": row["data_type"],
                                    "meaning": row["meaning"]})
    return list(relations.values())
