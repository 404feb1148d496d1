"""What the metric SQL reads besides what was crawled: decided from post texts in Python.

Post classes (question, complaint, ...), what each brand reply does (public or redirect,
automated) and which customer posts only confirm a hand-off. `derive` fills in whatever is
missing; it runs after every crawl and import and before `stats`, so the report's figures
never wait for a separate step.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from benchmarks.classify import classify_posts
from benchmarks.reply_kinds import decide_all

if TYPE_CHECKING:
    import duckdb


def derive(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Decide everything not yet decided; returns how many customer posts were classified."""
    classified = classify_posts(con, now=now)
    decide_all(con, now)
    return classified
