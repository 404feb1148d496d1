"""What the report reads from the dataset beyond brand_metrics, as plain rows.

The SQL lives in `reports/sql/*.sql` (one relation per file); this module only runs it with
named parameters. Always `fetchall`: DuckDB 2 blocks a connection on a half-read result.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from benchmarks import sqlfiles
from benchmarks.errors import NoCrawlYet

if TYPE_CHECKING:
    import duckdb



def _fetch(con: duckdb.DuckDBPyConnection, sql: str,
           params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    result = con.execute(sql, params or {})
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    return _fetch(con, sqlfiles.load(f"{name}.sql", package="reports"), params)


def judging_run(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The run whose window and thresholds judge every post, with `stats` parsed from JSON."""
    found = _rows(con, "judging_run")
    if not found:
        raise NoCrawlYet("no finished crawl in this database yet")
    run = found[0]
    run["stats"] = json.loads(run["stats"]) if run["stats"] else {}
    return run


def ignored_posts(con: duckdb.DuckDBPyConnection, brand_id: str,
                  limit: int) -> list[dict[str, Any]]:
    """The brand's ignored posts with the widest reach first (see sql/ignored_posts.sql)."""
    return _rows(con, "ignored_posts", brand_id=brand_id, limit=limit)


def fetch_failures(con: duckdb.DuckDBPyConnection, run_id: int,
                   limit: int) -> tuple[list[dict[str, Any]], int]:
    """The run's first `limit` fetch failures (without `total`) and how many there are."""
    found = _rows(con, "fetch_failures", run_id=run_id, limit=limit)
    total = int(found[0]["total"]) if found else 0
    return [{k: v for k, v in row.items() if k != "total"} for row in found], total


def runs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every run in the dataset, oldest first."""
    return _fetch(con, "select run_id, status, started_at, finished_at from runs order by run_id")


def row_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(what, rows) for the dataset's tables, in the footer's words."""
    [counts] = _rows(con, "row_counts")
    return [(name.replace("_", " "), int(n)) for name, n in counts.items()]


def report_rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of `reports/sql/<name>.sql` (the chart and summary inputs)."""
    return _rows(con, name, **params)
