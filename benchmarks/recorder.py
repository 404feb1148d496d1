"""One way to write a run: start it, upsert what it found, finish it with typed stats.

Every source of posts records its run here: the crawl (crawler/runner.py starts and finishes
the run, crawler/pipelines/duckdb_writer.py writes its items in batches), a HAR file
(crawler/har.py) and the TWCS dump (benchmarks/importers/twcs.py, which writes in bulk SQL
but starts and finishes its run here). Rows map to columns by name: a row is a dataclass
(crawler/items.py) or a mapping, and every column is read by its name, never by position.

    with recording(con, RunWindow.from_config(config, as_of), brands) as run:
        run.upsert_posts(posts)
        run.note("x", "3 X posts were outside the window")
    # finished with its typed RunStats, or as failed when the block raised

The tables' meanings: docs/dataset.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb

from benchmarks.business_hours import BusinessHours
from benchmarks.business_hours import write as write_business_hours
from benchmarks.run_stats import PlatformStats, RunStats

if TYPE_CHECKING:
    from benchmarks.config import AuditConfig

POST_COLUMNS = (
    "platform", "post_id", "url", "author_id", "created_at", "text", "parent_id", "root_id",
    "brand_id", "by_brand", "like_count", "reply_count", "repost_count", "language",
    "fetched_at", "run_id", "rating",
)
ACCOUNT_COLUMNS = (
    "platform", "account_id", "handle", "display_name", "followers", "brand_id", "url",
    "automated",
    "fetched_at", "run_id",
)
FAILURE_COLUMNS = ("run_id", "platform", "brand_id", "url", "status", "reason", "occurred_at",
                   "thread_post_id")
# What a post row may carry besides its columns: the accounts it mentions and the
# (brand_id, reason) pairs the platform addresses it to (tables post_mentions, post_addressees).
POST_LINKS = ("mentions", "addressed_to")


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

    @classmethod
    def from_config(cls, config: AuditConfig, as_of: datetime | None,
                    now: datetime | None = None) -> RunWindow:
        """The config's window and thresholds, judged at `as_of` (None: when the run started).
        A window of `days` ends at `as_of`, or at `now` (default: the clock) without one."""
        return cls(
            config_name=config.name, client_id=config.client,
            window_start=config.window_start(as_of or now or datetime.now(UTC)),
            window_end=config.until, sla_seconds=config.sla_minutes * 60,
            ignore_after_seconds=config.ignore_after_hours * 3600, as_of=as_of)


class RunRecorder:
    """Writes one run of the dataset open on `con` and finishes it with its RunStats.

    `RunRecorder.start` records a new run; `RunRecorder(con, run_id)` writes into a run that
    exists already (the crawl pipeline, in the run its runner started). Every row written
    carries this run's id. `stats` collects what the run did, per platform.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: int) -> None:
        found = con.execute("select started_at from runs where run_id = ?", [run_id]).fetchall()
        if not found:
            raise LookupError(f"no run {run_id} in this dataset")
        self.con, self.run_id = con, run_id
        self.started_at: datetime = found[0][0]
        self.stats = RunStats()

    @classmethod
    def start(cls, con: duckdb.DuckDBPyConnection, window: RunWindow,
              brands: Iterable[tuple[str, str]], started_at: datetime | None = None,
              business_hours: Mapping[str, BusinessHours] | None = None) -> RunRecorder:
        """Record a new run (status `running`) and the (brand_id, name) pairs it measures;
        with `business_hours` (from a config), the brands' open hours replace the stored ones."""
        [(run_id,)] = con.execute(
            "insert into runs (started_at, config_name, client_id, status, window_start,"
            " window_end, sla_seconds, ignore_after_seconds, as_of)"
            " values (?, ?, ?, 'running', ?, ?, ?, ?, ?) returning run_id",
            [started_at or datetime.now(UTC), window.config_name, window.client_id,
             window.window_start, window.window_end, window.sla_seconds,
             window.ignore_after_seconds, window.as_of],
        ).fetchall()
        _bulk_upsert(con, "brands", ("brand_id", "name"), ("brand_id",), list(brands),
                     "name = excluded.name")
        if business_hours is not None:
            write_business_hours(con, business_hours.items())
        return cls(con, int(run_id))

    def platform(self, name: str) -> PlatformStats:
        """This run's stats for platform `name` (created empty on first use)."""
        return self.stats.platform(name)

    def note(self, platform: str, text: str) -> None:
        """A plain-language coverage note for the report, under `platform`."""
        self.platform(platform).notes.append(text)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around the writes in the block; rolled back when it raises."""
        self.con.execute("begin transaction")
        try:
            yield
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")

    def upsert_posts(self, posts: Iterable[Any]) -> None:
        """Insert or update posts keyed by (platform, post_id), with their `mentions` and
        `addressed_to` (brand_id, reason) pairs.

        A post is a dataclass (crawler.items.Post) or a mapping; columns are read by name and
        a missing one is NULL (`by_brand`: False). Known thread links and counts are never
        replaced by unknown ones, so a post seen first in a thread and later in a timeline
        page keeps its parent.
        """
        rows, mentions, addressees = [], [], []
        for post in posts:
            row = _row(post, "posts", POST_COLUMNS, {"run_id": self.run_id},
                       {"by_brand": False}, POST_LINKS)
            rows.append(row)
            key = (row[0], row[1])
            mentions += [(*key, m) for m in set(_field(post, "mentions") or ())]
            addressees += [(*key, b, r) for b, r in set(_field(post, "addressed_to") or ())]
        _bulk_upsert(self.con, "posts", POST_COLUMNS, ("platform", "post_id"), rows, """
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
        _bulk_upsert(self.con, "post_mentions", ("platform", "post_id", "account_id"),
                     ("platform", "post_id", "account_id"), mentions, None)
        _bulk_upsert(self.con, "post_addressees", ("platform", "post_id", "brand_id", "reason"),
                     ("platform", "post_id", "brand_id"), addressees, "reason = excluded.reason")

    def upsert_accounts(self, accounts: Iterable[Any]) -> None:
        """Insert or update accounts (crawler.items.Account or mappings, by column name); a
        brand assignment or follower count is never lost."""
        rows = [_row(a, "accounts", ACCOUNT_COLUMNS, {"run_id": self.run_id}) for a in accounts]
        _bulk_upsert(self.con, "accounts", ACCOUNT_COLUMNS, ("platform", "account_id"), rows, """
            handle = coalesce(excluded.handle, accounts.handle),
            display_name = coalesce(excluded.display_name, accounts.display_name),
            followers = coalesce(excluded.followers, accounts.followers),
            brand_id = coalesce(excluded.brand_id, accounts.brand_id),
            url = coalesce(excluded.url, accounts.url),
            automated = coalesce(excluded.automated, accounts.automated),
            fetched_at = excluded.fetched_at,
            run_id = excluded.run_id""")

    def record_failures(self, failures: Iterable[Any]) -> None:
        """Store pages the run could not get (crawler.items.FetchFailure or mappings)."""
        rows = [_row(f, "fetch_failures", FAILURE_COLUMNS, {"run_id": self.run_id})
                for f in failures]
        if rows:
            placeholders = ", ".join("?" for _ in FAILURE_COLUMNS)
            self.con.executemany(f"insert into fetch_failures ({', '.join(FAILURE_COLUMNS)})"
                                 f" values ({placeholders})", [list(r) for r in rows])

    def mark_brand_posts(self, platform: str) -> None:
        """Mark every post written by a brand account `by_brand`, with that account's brand.

        Call once all of the run's accounts are in, so the flag never depends on the order in
        which pages or files arrived."""
        self.con.execute("""
            update posts set by_brand = true, brand_id = accounts.brand_id
            from accounts
            where posts.platform = ? and accounts.platform = posts.platform
              and accounts.account_id = posts.author_id
              and accounts.brand_id is not null and not posts.by_brand
        """, [platform])

    def finish(self, stats: RunStats | None = None, *, failed: bool = False) -> str:
        """Store the run's stats (default: `self.stats`), finish time and status, which
        follows from the stats (RunStats.status) unless `failed`; returns the status."""
        if stats is not None:
            self.stats = stats
        status = "failed" if failed else self.stats.status
        self.con.execute(
            "update runs set finished_at = ?, status = ?, stats = ? where run_id = ?",
            [datetime.now(UTC), status, self.stats.to_json(), self.run_id])
        return status


@contextlib.contextmanager
def recording(con: duckdb.DuckDBPyConnection, window: RunWindow,
              brands: Iterable[tuple[str, str]], started_at: datetime | None = None,
              business_hours: Mapping[str, BusinessHours] | None = None,
              ) -> Iterator[RunRecorder]:
    """Start a run, hand its recorder to the block, and finish it with `run.stats`: as
    `failed` (stats so far) when the block raises, which is then re-raised."""
    run = RunRecorder.start(con, window, brands, started_at, business_hours)
    try:
        yield run
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):  # none may be open
            con.execute("rollback")
        run.finish(failed=True)
        raise
    run.finish()


def _field(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def _row(row: Any, table: str, columns: Sequence[str], given: Mapping[str, Any],
         defaults: Mapping[str, Any] | None = None, links: Sequence[str] = ()) -> tuple[Any, ...]:
    """The values of `columns` read from `row` by name: `given` always wins (the run id), a
    missing value is `defaults`' or NULL. A mapping with a key that is no column is refused,
    so a misspelt name cannot turn into a silent NULL."""
    if isinstance(row, Mapping):
        unknown = set(row) - set(columns) - set(links)
        if unknown:
            raise ValueError(f"{table}: no columns {sorted(unknown)}; columns: {list(columns)}")
    defaults = defaults or {}
    values = []
    for column in columns:
        value = given[column] if column in given else _field(row, column)
        values.append(defaults.get(column) if value is None else value)
    return tuple(values)


def _bulk_upsert(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
                 key: Sequence[str], rows: Sequence[Sequence[Any]], update: str | None) -> None:
    """One INSERT … ON CONFLICT for the whole batch (rows already in `columns` order).

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
