"""What the metric SQL reads besides what was crawled: decided from post texts in Python.

Post classes (question, complaint, ...), what each brand reply does (public or redirect,
automated) and which customer posts only confirm a hand-off. `derive` fills in whatever is
missing; it runs after every crawl and import and before `stats` and `report`, so the
report's figures never wait for a separate step.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from benchmarks import lock, store
from benchmarks.classify import classify_posts
from benchmarks.errors import DatasetBusy, DatasetNotWritable, SchemaOutOfDate
from benchmarks.reply_kinds import decide_all

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb


def derive(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Decide everything not yet decided; returns how many customer posts were classified."""
    classified = classify_posts(con, now=now)
    decide_all(con, now)
    return classified


def derive_if_writable(db: Path) -> int | None:
    """`derive` on the dataset at `db` when this process can write it now: what a run killed
    during classification left undecided, before a report reads it. Opening it for writing
    also marks runs a killed process left `running` as interrupted (store.connect).

    Returns how many posts were classified, or None when the dataset is missing, being
    written by another run, or in a place that cannot be written (the report then shows what
    is stored)."""
    if not db.exists() or lock.held(db):
        return None
    try:
        con = store.open_dataset(db, read_only=False)
    except (DatasetBusy, DatasetNotWritable, SchemaOutOfDate):
        return None
    try:
        return derive(con)
    finally:
        con.close()
