"""What an incremental benchmark run fetches again: a plan per platform for the spiders.

A first run samples the whole window. A later run fetches what is new since the previous
run's instant of judgement (`since`), plus the threads that can still change a measure:
those of posts still pending then, and of young brand posts whose reply count has moved
(benchmarks/sql/incremental/refresh_anchors.sql). docs/benchmarks.md states
what this misses: a new reply under an older, settled thread that mentions no brand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from benchmarks import sqlfiles

if TYPE_CHECKING:
    import duckdb



@dataclass(frozen=True)
class Anchor:
    """A stored post whose thread may be fetched again (see module docstring)."""

    post_id: str
    author_id: str
    by_brand: bool
    brand_id: str | None
    created_at: datetime
    reply_count: int | None


@dataclass(frozen=True)
class IncrementalPlan:
    """One platform's plan: posts after `since` are new; anchors are looked at again."""

    since: datetime
    young_seconds: int
    pending: dict[str, Anchor] = field(default_factory=dict)
    young: dict[str, Anchor] = field(default_factory=dict)
    # Every post of the platform stored since the previous run's window start, with its
    # stored reply count: for platforms whose listings say how big a thread is now
    # (Reddit's num_comments) or name the posts of a thread (Discourse's post stream).
    stored: dict[str, int | None] = field(default_factory=dict)
    # Customer posts no brand had answered at `since` (benchmarks/sql/incremental/
    # unanswered.sql), for platforms whose answers show only in the thread they answer.
    unanswered: dict[str, Anchor] = field(default_factory=dict)
    unverified: frozenset[str] = frozenset()  # those of them whose thread could not be read

    def is_stored(self, post_id: str) -> bool:
        return post_id in self.stored

    def grew(self, post_id: str, reply_count: int | None) -> bool:
        """A stored post whose reply count now differs from the stored one."""
        return post_id in self.stored and (reply_count or 0) != (self.stored[post_id] or 0)

    def is_new(self, created_at: datetime) -> bool:
        return created_at > self.since

    def wants_thread(self, post_id: str, created_at: datetime, reply_count: int | None) -> bool:
        """Fetch the replies below this post: it is new with replies, it is a pending anchor,
        or it is a young brand post whose reply count differs from the stored one."""
        if post_id in self.pending:
            return True
        if self.is_new(created_at):
            return (reply_count or 0) > 0
        young = self.young.get(post_id)
        return young is not None and (reply_count or 0) != (young.reply_count or 0)

    def pages_back_to(self, author_id: str | None, finds_pending: bool = True) -> datetime:
        """How far back an account's posts (author_id) or mention search (None) must page:
        past every young brand post, and past every pending anchor it must find again unless
        the platform fetches those directly (`finds_pending=False`)."""
        reach = [self.since - timedelta(seconds=self.young_seconds) if author_id else self.since]
        if finds_pending:
            reach += [a.created_at for a in self.pending.values()
                      if (a.author_id == author_id if author_id else not a.by_brand)]
        return min(reach)


def plan(con: duckdb.DuckDBPyConnection, platform: str, previous: dict[str, Any],
         young_seconds: int) -> IncrementalPlan:
    """The plan for `platform` after the completed run `previous` (a row of audit_params)."""
    result = con.execute(sqlfiles.load("incremental/refresh_anchors.sql"), {
        "platform": platform, "window_start": previous["window_start"],
        "window_end": previous["window_end"], "sla_seconds": previous["sla_seconds"],
        "ignore_after_seconds": previous["ignore_after_seconds"], "as_of": previous["as_of"],
        "young_seconds": young_seconds})
    pending: dict[str, Anchor] = {}
    young: dict[str, Anchor] = {}
    for post_id, reason, author_id, by_brand, brand_id, created_at, replies in result.fetchall():
        anchor = Anchor(post_id, author_id, bool(by_brand), brand_id, created_at, replies)
        (pending if reason == "pending" else young)[post_id] = anchor
    stored = dict(con.execute(
        "select post_id, reply_count from posts where platform = ? and created_at >= ?",
        [platform, previous["window_start"]]).fetchall())
    unanswered = unanswered_posts(con, platform, previous)
    return IncrementalPlan(
        previous["as_of"], young_seconds, pending, young, stored=stored,
        unanswered={k: a for k, (a, _) in unanswered.items()},
        unverified=frozenset(k for k, (_, unverified) in unanswered.items() if unverified))


def unanswered_posts(con: duckdb.DuckDBPyConnection, platform: str,
                     previous: dict[str, Any]) -> dict[str, tuple[Anchor, bool]]:
    """The customer posts on `platform` no brand had answered at the run `previous`, each
    with whether it was unverified then."""
    result = con.execute(sqlfiles.load("incremental/unanswered.sql"), {
        "platform": platform, **{k: previous[k] for k in (
            "window_start", "window_end", "sla_seconds", "ignore_after_seconds", "as_of")}})
    return {row[0]: (Anchor(*row[:6]), bool(row[6])) for row in result.fetchall()}


def previous_run(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The latest completed run's window, thresholds and as_of (audit_params), if any."""
    result = con.execute("select * from audit_params")
    names = [d[0] for d in result.description or []]
    found = result.fetchall()
    return dict(zip(names, found[0], strict=True)) if found else None


def knows_accounts(con: duckdb.DuckDBPyConnection, platform: str, handles: list[str]) -> bool:
    """Whether every brand account in `handles` was crawled before on `platform`. An account
    new to the panel has no history to build on, so its platform is crawled in full."""
    # A site or forum (a URL) names no account: its spider crawls one it has stored
    # nothing from in full (e.g. crawler/spiders/wordpress.py, whole_site).
    handles = [h for h in handles if "://" not in h]
    known: set[str] = set()
    for handle, account_id in con.execute(
            "select handle, account_id from accounts where platform = ? and brand_id is not null",
            [platform]).fetchall():
        known.update(str(x).lower() for x in (handle, account_id) if x)
    return all(h.lower() in known for h in handles)
