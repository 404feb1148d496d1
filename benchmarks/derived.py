"""What the metric SQL reads besides what was crawled: decided from post texts in Python.

Post classes (question, complaint, ...), what each brand reply does (public or redirect,
automated) and which customer posts only confirm a hand-off. `derive` fills in whatever is
missing; it runs after every crawl and import, and `derive_missing` runs it before `stats`
and `report` when something is still undecided (a dataset from an older version, a new
classifier, a run killed while classifying), so the report's figures never wait for a
separate step.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from benchmarks import sqlfiles, store
from benchmarks.classify import classify_posts, default_classifier
from benchmarks.errors import DatasetBusy, DatasetNotWritable, SchemaOutOfDate
from benchmarks.reply_kinds import RULES, decide_all
from benchmarks.snapshot import writing

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb


def derive(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Decide everything not yet decided; returns how many customer posts were classified."""
    classified = classify_posts(con, now=now)
    decide_all(con, now)
    return classified


def undecided(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `derive` would decide anything (read-only: only counts)."""
    checks = (("stats/unclassified_posts.sql", default_classifier().name, ""),
              ("replies/unclassified_replies.sql", RULES, " where not decided"),
              ("replies/unjudged_handoffs.sql", RULES, ""))
    for path, classifier, where in checks:
        [(found,)] = con.execute(f"select count(*) from ({sqlfiles.load(path)}\n){where}",
                                 {"classifier": classifier}).fetchall()
        if found:
            return True
    return False


def derive_missing(db: Path, config: Path | None = None) -> int:
    """Decide what is still undecided in the dataset at `db`, written like a run's
    (benchmarks/snapshot.py) so readers never meet it; returns how many posts were classified.

    Every run decides before it publishes, so usually the dataset is only read. While a run
    holds it, or where it cannot be written (a read-only place, a full disk), nothing is
    decided and the caller reads what is stored. Raises NoDataset when `db` does not exist,
    and SchemaOutOfDate for a dataset from a newer version.
    """
    try:
        con = store.open_dataset(db, config=config)
    except SchemaOutOfDate as e:
        if e.current > e.required:
            raise
        pending = True  # an older dataset: upgraded and decided as a run would
    else:
        try:
            pending = undecided(con)
        finally:
            con.close()
    if not pending:
        return 0
    try:
        with writing(db) as work:
            con = store.connect(work)
            try:
                return derive(con)
            finally:
                con.close()
    except (DatasetBusy, DatasetNotWritable):
        return 0  # a run is writing (it decides before it publishes), or nowhere to write
