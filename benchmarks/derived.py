"""What the metric SQL reads besides what was crawled: decided from post texts in Python.

Post classes (question, complaint, ...), what each brand reply does (public or redirect,
automated) and which customer posts only confirm a hand-off. `derive` fills in whatever is
missing; it runs after every crawl and import and before `stats`, so the report's figures
never wait for a separate step. `undecided` says, on a read-only connection, whether there
is anything to fill in (a dataset from an older version, or a new classifier).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from benchmarks import sqlfiles
from benchmarks.classify import classify_posts, default_classifier
from benchmarks.reply_kinds import RULES, decide_all

if TYPE_CHECKING:
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
