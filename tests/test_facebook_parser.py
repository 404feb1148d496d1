"""Facebook Pages offline: parsers on fixtures built from the Graph API docs (PROVENANCE.md),
the usage headers slowing and pausing the crawl, and the metrics on a hand-checked
conversation. The simulator and crawls: test_facebook_crawl.py."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from benchmarks import store
from benchmarks.recorder import RunWindow, recording
from crawler.middlewares import GraphUsageMiddleware
from crawler.parsers import facebook

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "facebook"
FETCHED = datetime(2026, 10, 8, tzinfo=UTC)
PAGE_ID = "104958162837001"
POST = f"{PAGE_ID}_122101234567890123"


def data(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def comment(number: int) -> str:
    return f"122101234567890123_{number}"


def test_page_is_the_brand_account() -> None:
    page = facebook.parse_page(data("page.json"), "AcmeAir", FETCHED, "u", "acme")
    assert page is not None
    assert (page.account_id, page.handle, page.display_name, page.followers, page.brand_id) == (
        PAGE_ID, "AcmeAir", "Acme Air", 48211, "acme")
    assert facebook.parse_page(data("error_invalid_token.json"), "x", FETCHED, "u", "a") is None


def test_posts_parse_graph_timestamps_and_the_cursor() -> None:
    parsed = facebook.parse_posts(data("page_posts.json"), PAGE_ID, FETCHED, "u", "acme")
    first = parsed.posts[0]
    assert (first.post_id, first.author_id, first.root_id) == (POST, PAGE_ID, POST)
    assert first.created_at == datetime(2026, 10, 5, 9, 0, tzinfo=UTC)  # "+0000", no colon
    assert first.url == "https://www.facebook.com/104958162837001/posts/pfbid02Xa9Z"
    assert parsed.after == "QVFIUk1NRjNyd3FxeWJPc2ZA"


def test_comments_form_a_two_level_tree() -> None:
    parsed = facebook.parse_comments(data("post_comments_stream.json"), POST, FETCHED, "u",
                                     "acme")
    by_id = {p.post_id: p for p in parsed.posts}
    assert by_id[comment(1201)].parent_id == POST  # top level: a reply to the page's post
    assert by_id[comment(1202)].parent_id == comment(1201)
    assert by_id[comment(1207)].parent_id == comment(1204)
    assert by_id[comment(1202)].author_id == PAGE_ID  # the page's own answer
    assert by_id[comment(1204)].author_id == f"unknown:{comment(1204)}"  # no `from`
    assert by_id[comment(1205)].created_at == datetime(2026, 10, 5, 11, 40, 30, tzinfo=UTC)
    assert {p.root_id for p in parsed.posts} == {POST}
    assert {a.account_id for a in parsed.accounts} == {"7391820462001", PAGE_ID}
    assert parsed.after is None  # cursors without `next`: the last page


def test_graph_errors_and_usage_headers() -> None:
    body = (FIXTURES / "error_invalid_token.json").read_bytes()
    assert facebook.graph_error(body) == (
        190, "Invalid OAuth access token - Cannot parse access token")
    assert facebook.graph_error(b"<html>") == (None, "")
    assert facebook.usage_percent(
        {"x-app-usage": '{"call_count":28,"total_time":25,"total_cputime":25}'}) == (28.0, None)
    buc = {PAGE_ID: [{"type": "pages", "call_count": 97, "total_cputime": 10,
                      "total_time": 12, "estimated_time_to_regain_access": 4}]}
    assert facebook.usage_percent({"x-page-usage": '{"call_count":5}',
                                   "x-business-use-case-usage": json.dumps(buc)}) == (97.0, 4.0)
    assert facebook.usage_percent({"x-app-usage": "not json"}) == (None, None)


@pytest.mark.parametrize(("usage", "paused", "slowed"), [
    (50, False, False), (85, False, True), (96, True, False)])
def test_usage_near_the_budget_slows_then_pauses(usage: int, paused: bool,
                                                 slowed: bool) -> None:
    crawler = get_crawler(settings_dict={"AUDIT_MAX_WAIT_SECONDS": 0.01})
    crawler.stats.open_spider()  # type: ignore[union-attr]
    mw = GraphUsageMiddleware(crawler)
    request = Request("http://127.0.0.1/x", meta={"download_slot": "facebook",
                                                 "usage_pause_seconds": 300})
    headers = {"x-app-usage": f'{{"call_count":{usage},"total_time":1,"total_cputime":1}}'}
    mw.process_response(request, Response(request.url, headers=headers, request=request))
    assert (mw.paused_until.get("facebook", 0) > 0) is paused
    asyncio.run(mw.process_request(request))
    stats = crawler.stats.get_stats()  # type: ignore[union-attr]
    assert bool(stats.get("audit/ratelimit/paused")) is paused
    assert bool(stats.get("audit/ratelimit/slowed")) is slowed
    other = Request("http://127.0.0.1/y", meta={"download_slot": "mastodon"})
    assert mw.process_response(other, Response(other.url, headers=headers)) is not None
    assert "mastodon" not in mw.usage  # only requests the Facebook spider marks


def test_the_fixture_conversation_is_judged_as_worked_out_by_hand(tmp_path: Path) -> None:
    """1201 answered by the page 1790 s later: on time. 1204 (no `from`) answered 6720 s
    later: late. 1205 is a reply in 1201's thread, whose parent is 1201 (Graph files it
    there), not the page's answer: not addressed to the brand. At as_of 10-08 00:00."""
    con = store.connect(tmp_path / "fb.duckdb")
    window = RunWindow("fb", "acme", datetime(2026, 10, 1, tzinfo=UTC), None, 3600,
                       72 * 3600, FETCHED)
    page = facebook.parse_page(data("page.json"), "AcmeAir", FETCHED, "u", "acme")
    posts = facebook.parse_posts(data("page_posts.json"), PAGE_ID, FETCHED, "u", "acme").posts
    comments = facebook.parse_comments(data("post_comments_stream.json"), POST, FETCHED, "u",
                                       "acme")
    with recording(con, window, [("acme", "Acme")]) as run:
        run.upsert_accounts(a for a in [page, *comments.accounts] if a is not None)
        run.upsert_posts(posts + comments.posts)
    got = {r[0]: (r[1], r[2]) for r in con.execute(
        "select post_id, status, response_seconds from customer_posts").fetchall()}
    con.close()
    assert got == {comment(1201): ("on_time", 1790.0), comment(1204): ("late", 6720.0)}
