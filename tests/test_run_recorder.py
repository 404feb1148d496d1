"""One way to write a run (benchmarks/recorder.py): start → upserts → finish with typed stats.

Worked out by hand: one X brand post and one customer reply, recorded through `recording`.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from benchmarks import queries, sqlfiles, store
from benchmarks.recorder import (
    ACCOUNT_COLUMNS,
    FAILURE_COLUMNS,
    POST_COLUMNS,
    RunRecorder,
    RunWindow,
    recording,
)
from benchmarks.run_stats import ItemCounts, PlatformStats, RunStats
from crawler.items import Account, FetchFailure, Post
from tests.conftest import ROOT

AS_OF = datetime(2026, 10, 10, tzinfo=UTC)
WINDOW = RunWindow("recorded", "acme", datetime(2026, 10, 1, tzinfo=UTC), None, 3600,
                   72 * 3600, AS_OF)
CREATED = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return store.connect(tmp_path / "recorded.duckdb")


def brand_account() -> Account:
    return Account(platform="bluesky", account_id="did:acme", handle="acme.bsky.social",
                   display_name="Acme", followers=10, fetched_at=AS_OF, source_url="u",
                   brand_id="acme")


def posts() -> list[Post]:
    question = Post(platform="bluesky", post_id="Q", author_id="did:c1", created_at=CREATED,
                    text="Where is my bag?", fetched_at=AS_OF, source_url="u",
                    mentions=["did:acme", "did:acme"], language="en", like_count=3)
    answer = Post(platform="bluesky", post_id="A", author_id="did:acme",
                  created_at=CREATED.replace(minute=30), text="On it", fetched_at=AS_OF,
                  source_url="u", parent_id="Q", root_id="Q", crawl_run_id=999)
    return [question, answer]


def run_row(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    [row] = queries.rows(con, "select run_id, status, finished_at, stats from runs")
    return row


def test_a_recorded_run_has_its_rows_and_typed_stats(con: duckdb.DuckDBPyConnection) -> None:
    with recording(con, WINDOW, [("acme", "Acme")], started_at=AS_OF) as run:
        with run.batch():
            run.upsert_accounts([brand_account()])
            run.upsert_posts(posts())
            run.mark_brand_posts("bluesky")
        run.platform("bluesky").requests = 4
        run.platform("bluesky").responses = {"200": 3, "500": 1}
        run.platform("bluesky").items = ItemCounts(posts=2, accounts=1)
        run.note("bluesky", "1 page could not be fetched")
    row = run_row(con)
    assert row["status"] == "finished" and row["finished_at"] is not None
    # Every key, in the one shape; the optional ones (mode, source, ...) only when set.
    assert json.loads(str(row["stats"])) == {"bluesky": {
        "requests": 4, "responses": {"200": 3, "500": 1},
        "items": {"posts": 2, "accounts": 1}, "retries": 0, "rate_limit_pauses": 0,
        "failures": 0, "malformed_json": 0, "dropped_items": 0, "mentions": "not applicable",
        "skipped": False, "notes": ["1 page could not be fetched"], "finish_reason": "finished",
    }}
    assert RunStats.from_json(str(row["stats"])) == run.stats
    # The answer's own crawl_run_id is not the run: every row carries the recorder's run id.
    assert con.execute("select post_id, run_id, by_brand, brand_id, like_count, language "
                       "from posts order by post_id").fetchall() == [
        ("A", row["run_id"], True, "acme", None, None),
        ("Q", row["run_id"], False, None, 3, "en")]
    assert con.execute("select post_id, account_id from post_mentions").fetchall() == [
        ("Q", "did:acme")]  # the duplicate mention is stored once
    [(status,)] = con.execute("select status from customer_posts").fetchall()
    assert status == "on_time"  # answered 30 min later, SLA 1 h


def test_a_failing_block_still_finishes_the_run_as_failed(
        con: duckdb.DuckDBPyConnection) -> None:
    with (pytest.raises(RuntimeError, match="disk full"),
          recording(con, WINDOW, [("acme", "Acme")]) as run):
        run.platform("bluesky").requests = 7
        with run.batch():
            run.upsert_posts(posts())
            raise RuntimeError("disk full")
    row = run_row(con)
    assert row["status"] == "failed" and row["finished_at"] is not None
    assert json.loads(str(row["stats"]))["bluesky"]["requests"] == 7
    assert con.execute("select count(*) from posts").fetchall() == [(0,)]  # rolled back


def test_status_follows_the_stats() -> None:
    assert RunStats().status == "finished"
    assert RunStats({"x": PlatformStats(failures=2)}).status == "partial"
    assert RunStats({"x": PlatformStats(failures=2),
                     "bluesky": PlatformStats(finish_reason="shutdown")}).status == "failed"


def test_stats_keep_the_keys_reports_and_tests_read() -> None:
    stats = PlatformStats(mode="incremental", quota_units=12, imported={"tweets": 3},
                          items=ItemCounts(posts=3, accounts=None)).as_dict()
    assert (stats["mode"], stats["quota_units"], stats["import"]) == (
        "incremental", 12, {"tweets": 3})
    assert stats["items"] == {"posts": 3, "accounts": None}
    assert "source" not in stats and "operations" not in stats
    assert PlatformStats.from_dict(stats) == PlatformStats(
        mode="incremental", quota_units=12, imported={"tweets": 3},
        items=ItemCounts(posts=3, accounts=None))
    with pytest.raises(ValueError, match="unknown keys"):
        PlatformStats.from_dict({"requestz": 1})


def test_rows_map_to_columns_by_name(con: duckdb.DuckDBPyConnection) -> None:
    with recording(con, WINDOW, [("acme", "Acme")]) as run:
        # keys in any order; missing columns are NULL (by_brand: False)
        run.upsert_posts([{"text": "hi", "created_at": CREATED, "author_id": "did:c1",
                           "post_id": "P", "platform": "bluesky", "fetched_at": AS_OF,
                           "rating": 4, "addressed_to": [("acme", "review")]}])
        run.record_failures([FetchFailure(platform="bluesky", url="https://x/1", reason="500",
                                          occurred_at=AS_OF, status=500, brand_id="acme")])
        with pytest.raises(ValueError, match=r"no columns \['txet'\]"):
            run.upsert_posts([{"platform": "bluesky", "post_id": "P2", "txet": "typo"}])
    [post] = queries.rows(con, "select * from posts")
    assert (post["text"], post["author_id"], post["rating"], post["by_brand"], post["url"]) == (
        "hi", "did:c1", 4, False, None)
    assert con.execute("select * from post_addressees").fetchall() == [
        ("bluesky", "P", "acme", "review")]
    [failure] = queries.rows(con, "select * from fetch_failures")
    assert (failure["url"], failure["status"], failure["reason"], failure["brand_id"]) == (
        "https://x/1", 500, "500", "acme")


def test_items_name_every_column_the_recorder_does_not_fill() -> None:
    """A misspelt or missing item field would be a silent NULL: every column is a field of
    its item, except those the recorder fills (run_id, by_brand)."""
    def names(item: type) -> set[str]:
        return {f.name for f in fields(item)}
    assert set(POST_COLUMNS) - names(Post) == {"run_id", "by_brand"}
    assert set(ACCOUNT_COLUMNS) - names(Account) == {"run_id"}
    assert set(FAILURE_COLUMNS) - names(FetchFailure) == {"run_id"}


def test_a_recorder_for_an_unknown_run_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LookupError, match="no run 42"):
        RunRecorder(con, 42)


def test_packaged_sql_is_read_in_one_place_as_utf8() -> None:
    assert "create" in sqlfiles.load("metrics/brand_metrics.sql").lower()
    assert "judging_run" in sqlfiles.load("judging_run.sql", package="reports")
    assert [name for name, _ in sqlfiles.schema_files()][0].startswith("001_")
    elsewhere = [str(path.relative_to(ROOT))
                 for package in ("benchmarks", "reports", "crawler")
                 for path in (ROOT / package).rglob("*.py")
                 if path.name != "sqlfiles.py"
                 and re.search(r"joinpath\([^)]*(sql|schema)", path.read_text(encoding="utf-8"))]
    assert elsewhere == []
