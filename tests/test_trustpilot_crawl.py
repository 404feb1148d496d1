"""Trustpilot's own limits, end to end: the login wall after some page, and robots.txt.

Each test crawls only Trustpilot (the other platforms are taken out of the written config) so
it stays fast; the full world is crawled in tests/test_end_to_end.py.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import tomli_w
from parsel import Selector

from crawler.simulator.server import SimServer
from crawler.simulator.trustpilot import PER_PAGE
from reports.filters import percent
from tests.conftest import cli
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows

pytestmark = pytest.mark.crawl  # every test here runs whole crawls


def only_platform(config: Path, platform: str = "trustpilot") -> Path:
    """The written config with every other platform taken out of the brands."""
    doc = tomllib.loads(config.read_text(encoding="utf-8"))
    for brand in doc["brands"]:
        for key in [k for k in brand if k not in ("id", "name", "business_hours", platform)]:
            del brand[key]
    config.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return config


def newest_reviews(server: SimServer, pages: int) -> set[str]:
    """The reviews on a company's first `pages` pages, newest first, for every company."""
    reviews: dict[str, list] = {}
    for post in server.world.posts["trustpilot"]:
        if post.parent is None and post.addressed_to:
            reviews.setdefault(post.addressed_to, []).append(post)
    return {p.post_id for posts in reviews.values()
            for p in sorted(posts, key=lambda p: p.created_at, reverse=True)[:pages * PER_PAGE]}


def test_login_wall_stops_the_sample_at_the_newest_reviews(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(7)
    server.state["trustpilot_login_wall"] = 2
    config = only_platform(sim_config(server))
    crawl(config)
    reachable = newest_reviews(server, 2)
    want = {k: v for k, v in truth_rows(server).items()
            if k[0] == "trustpilot" and k[1] in reachable}
    assert len(want) < len([k for k in truth_rows(server) if k[0] == "trustpilot"])
    assert_same(crawled_rows(config.parent / "audit.duckdb"), want)
    run = last_run(config.parent / "audit.duckdb")
    assert run["status"] == "finished"  # a login wall is the sample's edge, not a failure
    notes = run["stats"]["trustpilot"]["notes"]
    assert len(notes) == 3 and all("login after page 2" in n and "back to" in n for n in notes)


def test_robots_txt_is_obeyed(simulator: Callable[..., SimServer],
                              sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(8)
    server.state["robots_txt"] = "User-agent: *\nDisallow: /review/initech.example\n"
    config = only_platform(sim_config(server))
    crawl(config)
    assert not [path for _, path, _ in server.request_log if "initech" in path]
    others = {"acme", "globex"}
    db = config.parent / "audit.duckdb"
    assert_same(crawled_rows(db), {k: v for k, v in truth_rows(server, brands=others).items()
                                   if k[0] == "trustpilot"})
    run = last_run(db)
    assert run["status"] == "partial"
    assert [(f[0], f[1], f[3]) for f in run["failures"]] == [
        ("trustpilot", "initech", "forbidden by robots.txt")]
    assert any("robots.txt forbids" in n for n in run["stats"]["trustpilot"]["notes"])


def test_negative_reviews_rate_equals_truth_and_is_in_the_report(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(10)
    config = only_platform(sim_config(server))
    crawl(config)
    db = config.parent / "audit.duckdb"
    want = {k: v for k, v in truth_rows(server).items() if k[0] == "trustpilot"}
    assert_same(crawled_rows(db), want)
    ratings = {p.post_id: p.rating for p in server.world.posts["trustpilot"] if p.rating}
    expected: dict[str, float | None] = {}
    for brand in ("acme", "globex", "initech"):
        judged = [status for (_, post_id, b), (status, _) in want.items()
                  if b == brand and ratings[post_id] <= 2
                  and status in ("on_time", "late", "ignored")]
        answered = sum(status in ("on_time", "late") for status in judged)
        expected[brand] = answered / len(judged) if judged else None
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = dict(con.execute("select post_id, rating from customer_posts").fetchall())
        got = dict(con.execute("select brand_id, negative_response_rate from brand_metrics "
                               "where platform = 'trustpilot'").fetchall())
    finally:
        con.close()
    assert stored == {post_id: ratings[post_id] for _, post_id, _ in want}
    assert got == pytest.approx(expected)
    # Not trivially 0 or 100 % everywhere, so the equality above says something.
    assert any(0 < v < 1 for v in got.values()), got

    report = config.parent / "report.html"
    result = cli("report", str(config), "-o", str(report))
    assert result.returncode == 0, result.stderr[-2000:]
    table = Selector(text=report.read_text(encoding="utf-8")).css(
        'table.negative[data-platform="trustpilot"]')
    shown = {row.attrib["data-brand"]: row.css(
        'td[data-metric="negative_response_rate"]::text').get()
        for row in table.css("tbody tr")}
    assert shown == {brand: percent(rate) for brand, rate in expected.items()}
