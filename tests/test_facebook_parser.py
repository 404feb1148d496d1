"""Facebook Pages: parsers on fixtures built from the Graph API docs (PROVENANCE.md), the
usage headers slowing and pausing the crawl, the simulator's shapes, the metrics on a
hand-checked conversation, and crawls without a token and against a small usage budget."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
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
from crawler.simulator.server import SimServer
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows
from tests.test_simulator_shapes import assert_conforms, fetch
from tests.test_wordpress_parser import only

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


def test_simulator_speaks_the_documented_shapes(simulator: Callable[..., SimServer]) -> None:
    from crawler.simulator import SIM_CREDENTIALS

    server = simulator(1)
    token = SIM_CREDENTIALS["facebook"][1]

    def graph(path: str, **params: Any) -> Any:
        import urllib.request
        from urllib.parse import urlencode

        url = f"{server.base_url}/facebook/v23.0/{path}?{urlencode(params)}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return json.loads(response.read())

    page = graph("AcmeAir", fields="id,name,followers_count")
    posts = graph(f"{page['id']}/posts", limit=100)
    comments = [c for p in posts["data"] for c in
                graph(f"{p['id']}/comments", filter="stream", limit=100)["data"]]
    assert_conforms([page], [data("page.json")])
    assert_conforms([posts], [data("page_posts.json")])
    assert_conforms(comments, data("post_comments_stream.json")["data"])
    assert any("parent" in c for c in comments) and any("from" not in c for c in comments)
    with pytest.raises(Exception, match="400"):
        fetch(server, "/facebook/v23.0/AcmeAir")  # no token


def test_without_a_token_facebook_is_skipped_and_the_variable_named(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(8)
    config = only(sim_config(server), {"facebook", "wordpress"})
    crawl(config, extra_env={"FACEBOOK_ACCESS_TOKEN": ""})
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "finished"
    stats = run["stats"]["facebook"]
    assert stats["requests"] == 0
    assert any("FACEBOOK_ACCESS_TOKEN is not set" in n for n in stats["notes"])
    assert {k[0] for k in crawled_rows(db)} == {"wordpress"}
    assert not any(path.startswith("/facebook") for _, path, _ in server.request_log)


def test_usage_headers_pause_the_crawl_and_nothing_is_lost(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    """A budget of 20 calls per 2 s: the crawl pauses as usage nears 100 % and still
    fetches everything; the token never appears in a URL or the dataset."""
    server = simulator(9, rate_limits={"facebook": (20, 2)})
    config = only(sim_config(server), {"facebook"})
    crawl(config)
    db = config.parent / "audit.duckdb"
    want = {k: v for k, v in truth_rows(server).items() if k[0] == "facebook"}
    got = {k: v for k, v in crawled_rows(db).items() if k[0] == "facebook"}
    assert_same(got, want)
    run = last_run(db)
    assert run["status"] == "finished"
    assert run["stats"]["facebook"]["rate_limit_pauses"] > 0, run["stats"]["facebook"]
    from crawler.simulator import SIM_CREDENTIALS

    token = SIM_CREDENTIALS["facebook"][1]
    assert not any(token in path for _, path, _ in server.request_log)
    assert token.encode() not in db.read_bytes()


def test_small_pages_are_followed_to_the_end(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    """Pages of 3: Graph cursors (posts and comments) and WordPress's X-WP-TotalPages (articles
    and comments) are followed until nothing is missing."""
    server = simulator(10)
    server.state["page_caps"] = {"facebook": 3, "wordpress": 3}
    config = only(sim_config(server), {"facebook", "wordpress"})
    crawl(config)
    db = config.parent / "audit.duckdb"
    for platform in ("facebook", "wordpress"):
        want = {k: v for k, v in truth_rows(server).items() if k[0] == platform}
        got = {k: v for k, v in crawled_rows(db).items() if k[0] == platform}
        assert_same(got, want)
    paged = [path for _, path, _ in server.request_log if "after=" in path or "page=2" in path]
    assert any(p.startswith("/facebook/") and "/comments" in p and "after=" in p for p in paged)
    assert any(p.startswith("/facebook/") and "/posts" in p and "after=" in p for p in paged)
    assert any("/wp-json/wp/v2/comments" in p and "page=2" in p for p in paged)
    assert any("/wp-json/wp/v2/posts" in p and "page=2" in p for p in paged)
    # Initech's blog has no REST API: its article pages break comments into pages of 3.
    assert any("/wp/initech/" in p and "/comment-page-1/" in p
               for _, p, _ in server.request_log)


def test_competitors_pages_without_public_content_access_are_recorded_and_said(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    """With only the client's own page token, the competitors' posts are refused (code 10):
    recorded as failures, explained in a note; the client's page is complete."""
    server = simulator(11)
    server.state["facebook_token_page"] = "acme"
    config = only(sim_config(server), {"facebook"})
    crawl(config)
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "partial"
    assert {(brand, status) for _, brand, status, _, _ in run["failures"]} == {
        ("globex", 400), ("initech", 400)}
    assert all(reason.startswith("Graph error 10:") for *_, reason, _ in run["failures"])
    assert any("Page Public Content Access" in n for n in run["stats"]["facebook"]["notes"])
    want = {k: v for k, v in truth_rows(server, brands={"acme"}).items() if k[0] == "facebook"}
    assert want and crawled_rows(db, {"acme"}) == want
