"""The weekly history: record a run's metrics once, read rankings and trends back.

`brand_metrics_history` holds the metrics as each benchmark run reported them (never
updated); docs/dataset.md documents it. The SQL is in `sql/history/`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from benchmarks import sqlfiles
from benchmarks.errors import NoCrawlYet
from benchmarks.queries import rows

if TYPE_CHECKING:
    import duckdb



def record(con: duckdb.DuckDBPyConnection, run_id: int, recorded_at: datetime | None = None) -> int:
    """Append run `run_id`'s metrics to the history; returns the rows written (0 when the run
    is not the judging run, e.g. it failed)."""
    sql = sqlfiles.load("history/record_brand_metrics.sql")
    con.execute("begin transaction")
    try:
        con.execute(sql, {"run_id": run_id, "recorded_at": recorded_at or datetime.now(UTC)})
        [(written,)] = con.execute("select count(*) from brand_metrics_history where run_id = ?",
                                   [run_id]).fetchall()
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return int(written)


def weekly(con: duckdb.DuckDBPyConnection, platform: str = "all") -> list[dict[str, Any]]:
    """One row per (week, brand) on `platform`: the last run recorded that week, oldest first."""
    found = rows(con, sqlfiles.load("history/weekly.sql"),
                 {"platform": platform})
    if not found:
        raise NoCrawlYet("no benchmark run has been recorded in this database yet")
    return found
