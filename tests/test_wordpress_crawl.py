"""WordPress brand blogs against the simulator: its shapes match the fixtures built from the
WordPress docs (PROVENANCE.md), and crawls: robots.txt forbidding article pages, threaded comment
pages each fetched once, a callback that raises, answers cut off."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
import tomli_w
from parsel import Selector

from benchmarks.config import PLATFORMS
from crawler.simulator import wordpress as simulated
from crawler.simulator.server import SimServer
from tests.conftest import cli
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows
from tests.test_simulator_shapes import assert_conforms, fetch

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"


def data(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def only(config: Path, platforms: set[str]) -> Path:
    """Keep only these platforms' brand entries: a dedicated test need not crawl the rest."""
    document = tomllib.loads(config.read_text(encoding="utf-8"))
    for brand in document["brands"]:
        for platform in PLATFORMS:
            if platform not in platforms:
                brand.pop(platform, None)
    config.write_text(tomli_w.dumps(document), encoding="utf-8")
    return config


def test_simulator_speaks_the_documented_shapes(simulator: Callable[..., SimServer]) -> None:
    server = simulator(1)
    index = fetch(server, "/wp/acme/wp-json/")
    posts = fetch(server, "/wp/acme/wp-json/wp/v2/posts", per_page=100)
    commented = next(p for p in posts if fetch(server, "/wp/acme/wp-json/wp/v2/comments",
                                               post=p["id"]))
    comments = fetch(server, "/wp/acme/wp-json/wp/v2/comments", post=commented["id"])
    assert_conforms([index], [data("rest_index.json")])
    assert_conforms(posts, data("rest_posts.json"))
    assert_conforms(comments, data("rest_comments.json"))
    assert {"id", "post", "parent", "author", "author_name", "date_gmt", "content",
            "link"} <= set(comments[0])


@pytest.mark.crawl
def test_blog_pages_forbidden_by_robots_are_not_fetched_and_said(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    """Initech's blog has no REST API; its robots.txt forbids the article pages: the crawler
    reads none of them, records why, and the other blogs are complete."""
    server = simulator(7)
    server.state["robots_txt"] = b"User-agent: *\nDisallow: /wp/initech/20\n"
    config = only(sim_config(server), {"wordpress"})
    crawl(config)
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "partial"
    blocked = [f for f in run["failures"] if f[0] == "wordpress"]
    assert blocked and all("/wp/initech/20" in url and "robots" in reason.lower()
                           for _, _, _, reason, url in blocked)
    assert not any("/wp/initech/20" in path for _, path, _ in server.request_log)
    others = {"acme", "globex"}
    assert_same({k: v for k, v in crawled_rows(db, others).items() if k[0] == "wordpress"},
                {k: v for k, v in truth_rows(server, brands=others).items()
                 if k[0] == "wordpress"})
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(initech,)] = con.execute("select count(*) from customer_posts where "
                                   "platform = 'wordpress' and brand_id = 'initech'").fetchall()
    finally:
        con.close()
    assert initech == 0


def initech_pages(server: SimServer, per_page: int) -> set[str]:
    """Every distinct address of Initech's article pages in the window: the permalink (the
    newest comment page) and, where comments run over several pages, `comment-page-1/` …
    `comment-page-N/`. (The world's blogs go back further than the window.)"""
    site = simulated.SITES["initech"]
    pages = set()
    for article in server.world.posts["wordpress"]:
        if (article.parent is None and simulated.site_of(article) is site
                and article.created_at >= server.world.window_start):
            path = simulated.permalink(article, "/wp/initech")
            pages.add(path)
            top = len(article.children)
            if top > per_page:
                pages |= {f"{path}comment-page-{n}/" for n in range(1, -(-top // per_page) + 1)}
    return pages


@pytest.mark.crawl
def test_threaded_comment_pages_without_the_api_are_each_fetched_once(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    """Initech's blog has no REST API and breaks its comments into pages of 2. Its theme
    prints a "Reply" link under every comment (`?replytocom=`, `rel=nofollow`), copies
    `replytocom` onto the pagination links and prints a host-relative "Cancel reply" link:
    every distinct page is fetched once, and nothing is missing."""
    server = simulator(7)
    server.state["page_caps"] = {"wordpress": 2}
    config = only(sim_config(server), {"wordpress"})
    crawl(config)
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "finished" and run["failures"] == []
    fetched = [path for _, path, _ in server.request_log if path.startswith("/wp/initech/20")]
    want = initech_pages(server, 2)
    assert any("comment-page-3/" in page for page in want)  # the seed has long threads
    assert sorted(fetched) == sorted(want)
    assert_same({k: v for k, v in crawled_rows(db).items() if k[0] == "wordpress"},
                {k: v for k, v in truth_rows(server).items() if k[0] == "wordpress"})


RAISING_HOOK = '''\
"""Loaded at start-up by the crawl under test: the WordPress page callback raises on one
page, as a parser bug would."""
from crawler.parsers import wordpress

_parse = wordpress.parse_article_page


def parse_article_page(page, home, staff, fetched_at, source_url, brand_id):
    if source_url.endswith({path!r}):
        raise KeyError("a parser bug on this page")
    return _parse(page, home, staff, fetched_at, source_url, brand_id)


wordpress.parse_article_page = parse_article_page
'''


@pytest.mark.crawl
def test_a_callback_that_raises_is_a_failure_of_its_page(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path],
        tmp_path: Path) -> None:
    """A spider callback raises on one of Initech's article pages (a `sitecustomize` hook
    in the crawl's process): the page is a recorded failure of its URL and brand, the run is
    partial, and the report's coverage names the page; the other blogs are complete."""
    server = simulator(7)
    site = simulated.SITES["initech"]
    article = next(a for a in sorted(server.world.posts["wordpress"], key=lambda p: p.created_at)
                   if a.parent is None and simulated.site_of(a) is site and a.children
                   and a.created_at >= server.world.window_start)
    path = simulated.permalink(article, "/wp/initech")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(RAISING_HOOK.format(path=path), encoding="utf-8")
    config = only(sim_config(server), {"wordpress"})
    python_path = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
    result = cli("crawl", str(config), extra_env={"PYTHONPATH": python_path})
    assert result.returncode == 0, result.stderr[-3000:]
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "partial"
    assert run["stats"]["wordpress"]["failures"] == 1
    [(platform, brand, status, reason, url)] = run["failures"]
    assert (platform, brand, status) == ("wordpress", "initech", 200)
    assert url.endswith(path) and reason.startswith("spider error: KeyError")
    others = {"acme", "globex"}
    assert_same({k: v for k, v in crawled_rows(db, others).items() if k[0] == "wordpress"},
                {k: v for k, v in truth_rows(server, brands=others).items()
                 if k[0] == "wordpress"})

    report = config.parent / "report.html"
    result = cli("report", str(config), "-o", str(report))
    assert result.returncode == 0, result.stderr[-2000:]
    rows = Selector(text=report.read_text(encoding="utf-8")).css(
        "#coverage table.failures tbody tr")
    assert [[" ".join(td.css("::text").getall()).strip() for td in row.css("td")][1:]
            for row in rows] == [["WordPress blogs", "initech", "200", reason, url]]


@pytest.mark.crawl
def test_answers_cut_off_are_retried_then_failures_not_facts(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    """Acme's REST index and one of Initech's article pages always arrive cut in half (HTTP
    200). Each is retried, then recorded as a failure of its URL; Acme's blog is not taken
    for one without an API, yet its articles are still read from the feed and the pages."""
    server = simulator(7)
    site = simulated.SITES["initech"]
    article = next(a for a in sorted(server.world.posts["wordpress"], key=lambda p: p.created_at)
                   if a.parent is None and simulated.site_of(a) is site and a.children
                   and a.created_at >= server.world.window_start)
    page = simulated.permalink(article, "/wp/initech")
    server.state["wordpress_cut_off"] = {"/wp/acme/wp-json/", page}
    config = only(sim_config(server), {"wordpress"})
    crawl(config)
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "partial"
    assert sorted((brand, status, reason, url.split("/wp/", 1)[1])
                  for _, brand, status, reason, url in run["failures"]) == [
        ("acme", 200, "REST index that is not JSON", "acme/wp-json/"),
        ("initech", 200, "article page cut off", page.removeprefix("/wp/"))]
    assert run["stats"]["wordpress"]["retries"] >= 2 * 4  # RETRY_TIMES each
    assert server.request_log.count(("wordpress", page, 200)) == 5
    others = {"acme", "globex"}
    assert_same({k: v for k, v in crawled_rows(db, others).items() if k[0] == "wordpress"},
                {k: v for k, v in truth_rows(server, brands=others).items()
                 if k[0] == "wordpress"})
