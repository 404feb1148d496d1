"""The DuckDB store: connect, migrate in place, upsert in batches, record runs.

Schema changes are numbered files in `schema/`, applied in order and recorded in
`_migrations` in the same transaction. The metric views in `sql/` are derived, so they are
recreated on every writable connection. See docs/dataset.md for the contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from benchmarks.errors import MixedXSources, SchemaOutOfDate

_PACKAGE = resources.files("benchmarks")
_VIEW_FILES = ("sql/staging/audit_params.sql", "sql/metrics/intervals.sql",
               "sql/metrics/business_hours.sql",
               "sql/metrics/customer_posts.sql", "sql/metrics/brand_metrics.sql",
               "sql/metrics/brand_metrics_current.sql")

POST_COLUMNS = (
    "platform", "post_id", "url", "author_id", "created_at", "text", "parent_id", "root_id",
    "brand_id", "by_brand", "like_count", "reply_count", "repost_count", "language",
    "fetched_at", "run_id", "rating",
)
ACCOUNT_COLUMNS = (
    "platform", "account_id", "handle", "display_name", "followers", "brand_id", "url",
    "fetched_at", "run_id",
)
FAILURE_COLUMNS = ("run_id", "platform", "brand_id", "url", "status", "reason", "occurred_at")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every schema file, in order."""
    found = []
    for entry in _PACKAGE.joinpath("schema").iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text()))
    return sorted(found)


def required_version() -> int:
    return migrations()[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next query.
    [(exists,)] = con.execute(
        "select count(*) from information_schema.tables where table_name = '_migrations'"
    ).fetchall()
    if not exists:
        return 0
    [(version,)] = con.execute("select coalesce(max(version), 0) from _migrations").fetchall()
    return int(version)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to date in place and recreate the views; returns the version."""
    con.execute(
        "create table if not exists _migrations "
        "(version integer primary key, name varchar not null, applied_at timestamptz not null)"
    )
    current = schema_version(con)
    if current > required_version():
        raise SchemaOutOfDate(current, required_version())
    for version, name, sql in migrations():
        if version <= current:
            continue
        con.execute("begin transaction")
        try:
            con.execute(sql)
            con.execute(
                "insert into _migrations values (?, ?, ?)", [version, name, datetime.now(UTC)]
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    for path in _VIEW_FILES:
        con.execute(_PACKAGE.joinpath(path).read_text())
    # Meanings are documentation, not schema: refreshed on every upgrade like the views.
    con.execute(_PACKAGE.joinpath("sql/comments.sql").read_text())
    return required_version()


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the dataset; a writable connection migrates it first.

    A read-only connection refuses a file from an older version (it cannot upgrade it) or
    one without a dataset at all, with SchemaOutOfDate.
    """
    if read_only:
        if not Path(path).exists():
            raise FileNotFoundError(path)
        con = duckdb.connect(str(path), read_only=True)
        current = schema_version(con)
        if current != required_version():
            con.close()
            raise SchemaOutOfDate(current, required_version())
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        migrate(con)
    con.execute("set timezone = 'UTC'")
    con.execute("set enable_progress_bar = false")  # it would write over our own output
    return con


@dataclass(frozen=True)
class RunWindow:
    """What a run measures: the window, the thresholds and the instant of judgement."""

    config_name: str
    client_id: str | None
    window_start: datetime
    window_end: datetime | None
    sla_seconds: int
    ignore_after_seconds: int
    as_of: datetime | None = None


def start_run(con: duckdb.DuckDBPyConnection, window: RunWindow, brands: Iterable[tuple[str, str]],
              started_at: datetime | None = None) -> int:
    """Record a new run and the brands it measures; returns its run_id."""
    started_at = started_at or datetime.now(UTC)
    [(run_id,)] = con.execute(
        "insert into runs (started_at, config_name, client_id, status, window_start, window_end,"
        " sla_seconds, ignore_after_seconds, as_of) values (?, ?, ?, 'running', ?, ?, ?, ?, ?)"
        " returning run_id",
        [started_at, window.config_name, window.client_id, window.window_start,
         window.window_end, window.sla_seconds, window.ignore_after_seconds, window.as_of],
    ).fetchall()
    _bulk_upsert(con, "brands", ("brand_id", "name"), ("brand_id",), list(brands),
                 "name = excluded.name")
    return int(run_id)


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str,
               stats: dict[str, Any]) -> None:
    con.execute(
        "update runs set finished_at = ?, status = ?, stats = ? where run_id = ?",
        [datetime.now(UTC), status, json.dumps(stats, sort_keys=True, default=str), run_id],
    )


def upsert_posts(con: duckdb.DuckDBPyConnection, rows: Sequence[Sequence[Any]],
                 mentions: Sequence[Sequence[Any]] = (),
                 addressees: Sequence[Sequence[Any]] = ()) -> None:
    """Insert or update posts keyed by (platform, post_id), with their mentions and the
    brands the platform addresses them to ((platform, post_id, brand_id, reason) rows).

    Known thread links and counts are never replaced by unknown ones, so a post seen first
    in a thread and later in a timeline page keeps its parent. Columns added later (at the
    end of POST_COLUMNS, e.g. `rating`) may be left off a row: they are NULL.
    """
    rows = [(*row, *(None,) * (len(POST_COLUMNS) - len(row))) for row in rows]
    _bulk_upsert(con, "posts", POST_COLUMNS, ("platform", "post_id"), rows, """
            url = coalesce(excluded.url, posts.url),
            text = coalesce(excluded.text, posts.text),
            parent_id = coalesce(excluded.parent_id, posts.parent_id),
            root_id = coalesce(excluded.root_id, posts.root_id),
            brand_id = coalesce(posts.brand_id, excluded.brand_id),
            by_brand = excluded.by_brand or posts.by_brand,
            like_count = coalesce(excluded.like_count, posts.like_count),
            reply_count = coalesce(excluded.reply_count, posts.reply_count),
            repost_count = coalesce(excluded.repost_count, posts.repost_count),
            language = coalesce(excluded.language, posts.language),
            rating = coalesce(excluded.rating, posts.rating),
            fetched_at = excluded.fetched_at,
            run_id = excluded.run_id""")
    _bulk_upsert(con, "post_mentions", ("platform", "post_id", "account_id"),
                 ("platform", "post_id", "account_id"), mentions, None)
    _bulk_upsert(con, "post_addressees", ("platform", "post_id", "brand_id", "reason"),
                 ("platform", "post_id", "brand_id"), addressees, "reason = excluded.reason")


def upsert_accounts(con: duckdb.DuckDBPyConnection, rows: Sequence[Sequence[Any]]) -> None:
    """Insert or update accounts; a brand assignment or follower count is never lost."""
    _bulk_upsert(con, "accounts", ACCOUNT_COLUMNS, ("platform", "account_id"), rows, """
        handle = coalesce(excluded.handle, accounts.handle),
        display_name = coalesce(excluded.display_name, accounts.display_name),
        followers = coalesce(excluded.followers, accounts.followers),
        brand_id = coalesce(excluded.brand_id, accounts.brand_id),
        url = coalesce(excluded.url, accounts.url),
        fetched_at = excluded.fetched_at,
        run_id = excluded.run_id""")


def mark_brand_posts(con: duckdb.DuckDBPyConnection, platform: str) -> None:
    """Mark every post written by a brand account `by_brand`, with that account's brand.

    Run once all of a crawl's accounts are in, so the flag never depends on the order in
    which pages or files arrived."""
    con.execute("""
        update posts set by_brand = true, brand_id = accounts.brand_id
        from accounts
        where posts.platform = ? and accounts.platform = posts.platform
          and accounts.account_id = posts.author_id
          and accounts.brand_id is not null and not posts.by_brand
    """, [platform])


def check_x_source(con: duckdb.DuckDBPyConnection, adding: str) -> None:
    """Raise MixedXSources unless the dataset's X posts (if any) use the `adding` id scheme:
    'twcs' (a TWCS import) or 'x' (X's own ids: a crawl or a HAR file)."""
    [(db,)] = con.execute("select path from duckdb_databases() "
                          "where database_name = current_database()").fetchall()
    found = {row[0] for row in con.execute(
        _PACKAGE.joinpath("sql", "catalog", "x_sources.sql").read_text()).fetchall()}
    other = found - {adding}
    if other:
        what = {"twcs": "imported from TWCS", "x": "collected from X (a crawl or a HAR file)"}
        raise MixedXSources(db, what[other.pop()], what[adding])


def record_failures(con: duckdb.DuckDBPyConnection, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        placeholders = ", ".join("?" for _ in FAILURE_COLUMNS)
        con.executemany(
            f"insert into fetch_failures ({', '.join(FAILURE_COLUMNS)}) values ({placeholders})",
            [list(r) for r in rows],
        )


def _bulk_upsert(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
                 key: Sequence[str], rows: Sequence[Sequence[Any]], update: str | None) -> None:
    """One INSERT … ON CONFLICT for the whole batch.

    One statement may not touch a row twice, so rows with the same key are merged first:
    a later row's known values win, its unknown (None) values keep the earlier ones.
    """
    if not rows:
        return
    latest: dict[tuple[Any, ...], Sequence[Any]] = {}
    positions = [columns.index(k) for k in key]
    for row in rows:
        k = tuple(row[i] for i in positions)
        earlier = latest.get(k)
        latest[k] = row if earlier is None else [
            new if new is not None else old for new, old in zip(row, earlier, strict=True)]
    types = dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ?",
        [table],
    ).fetchall())
    # One list per column, unnested server-side: far faster than executemany row by row.
    select = ", ".join(f"unnest(${i + 1}::{types[c]}[]) as {c}" for i, c in enumerate(columns))
    values = [list(column) for column in zip(*latest.values(), strict=True)]
    col_list = ", ".join(columns)
    conflict = f"do update set {update}" if update else "do nothing"
    con.execute(
        f"insert into {table} ({col_list}) select {select} "
        f"on conflict ({', '.join(key)}) {conflict}",
        values,
    )
