"""Facebook Pages against the simulator: its shapes match the fixtures built from the Graph API
docs (PROVENANCE.md), and crawls without a token, against a small usage budget, with pages of
three and without Page Public Content Access."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.simulator.server import SimServer
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows
from tests.test_simulator_shapes import assert_conforms, fetch
from tests.test_wordpress_crawl import only

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "facebook"


def data(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


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


@pytest.mark.crawl
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


@pytest.mark.crawl
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


@pytest.mark.crawl
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


@pytest.mark.crawl
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
