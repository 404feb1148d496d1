"""Simulator → real Scrapy crawl over HTTP → DuckDB → views, compared with the ground truth.

Each crawl runs `replyaudit crawl` in its own process against a simulator on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crawler.simulator.server import SimServer
from crawler.simulator.truth import bot_posts, judge
from tests.conftest import cli

pytestmark = pytest.mark.crawl  # every test here runs whole crawls

Key = tuple[str, str, str]


def truth_rows(server: SimServer, with_search: bool = True,
               brands: set[str] | None = None) -> dict[Key, tuple[str, float | None]]:
    return {
        (r.platform, r.post_id, r.brand_id): (r.status, r.response_seconds)
        for r in judge(server.world)
        if (with_search or not r.needs_search) and (brands is None or r.brand_id in brands)
    }


def crawled_rows(db: Path, brands: set[str] | None = None) -> dict[Key, tuple[str, float | None]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute("select platform, post_id, brand_id, status, response_seconds "
                            "from customer_posts").fetchall()
    finally:
        con.close()
    return {(p, i, b): (s, r) for p, i, b, s, r in found if brands is None or b in brands}


def last_run(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(run_id, status, stats)] = con.execute(
            "select run_id, status, stats from runs order by run_id desc limit 1").fetchall()
        failures = con.execute("select platform, brand_id, status, reason, url "
                               "from fetch_failures where run_id = ?", [run_id]).fetchall()
    finally:
        con.close()
    return {"run_id": run_id, "status": status, "stats": json.loads(stats), "failures": failures}


def assert_automation_and_office_hours(server: SimServer, db: Path) -> None:
    """Bot customers' posts are counted apart, never as customer posts; automated brand
    replies are answers but not a person's; the brand with office hours is judged on them."""
    world = server.world
    bots = {(p.platform, p.post_id) for posts in world.posts.values() for p in posts
            if p.author.automated and not p.author.brand_id}
    automated_replies = [p for posts in world.posts.values() for p in posts
                         if p.author.automated and p.author.brand_id]
    assert {platform for platform, _ in bots} == {"mastodon", "bluesky"}
    assert automated_replies
    want = {(r.platform, r.post_id, r.brand_id): r for r in judge(world)}
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute("select platform, post_id, brand_id, human_response_seconds, "
                            "business_response_seconds from customer_posts").fetchall()
        counted = con.execute("select platform, brand_id, bot_posts from brand_metrics "
                              "where platform <> 'all' and bot_posts > 0").fetchall()
    finally:
        con.close()
    assert not bots & {(p, i) for p, i, *_ in found}
    assert {(p, b): n for p, b, n in counted} == dict(bot_posts(world)) != {}
    human = {(p, i, b): h for p, i, b, h, _ in found}
    assert_same(human, {k: r.human_response_seconds for k, r in want.items()})
    assert any(r.human_response_seconds != r.response_seconds for r in want.values())
    business = {(p, i, b): None if s is None else round(s, 3) for p, i, b, _, s in found}
    assert_same(business, {k: None if r.business_response_seconds is None
                           else round(r.business_response_seconds, 3)
                           for k, r in want.items()})
    office = [r for r in want.values() if r.business_response_seconds is not None]
    assert {r.brand_id for r in office} == set(world.open_hours)
    # the business clock changes verdicts: answers kept for the morning are on time
    assert any(r.status == "on_time" and r.response_seconds > world.settings.sla_minutes * 60
               for r in office if r.response_seconds is not None)


def crawl(config: Path, **kwargs: Any) -> None:
    result = cli("crawl", str(config), **kwargs)
    assert result.returncode == 0, result.stderr[-3000:]


def assert_same(got: dict[Key, Any], want: dict[Key, Any]) -> None:
    """Equal, with the differences spelled out when not."""
    missing = sorted(set(want) - set(got))[:5]
    extra = sorted(set(got) - set(want))[:5]
    wrong = [(k, got[k], want[k]) for k in sorted(set(got) & set(want)) if got[k] != want[k]][:5]
    assert not (missing or extra or wrong), f"missing {missing}\nextra {extra}\nwrong {wrong}"


@pytest.mark.parametrize("seed", [1, 2])
def test_crawl_equals_ground_truth(seed: int, simulator: Callable[..., SimServer],
                                   sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(seed)
    config = sim_config(server)
    crawl(config)
    want = truth_rows(server)
    assert {s for s, _ in want.values()} == {"on_time", "late", "ignored", "pending", "handoff"}
    assert {p for p, _, _ in want} == {"bluesky", "mastodon", "discourse", "trustpilot",
                                      "reddit", "youtube", "wordpress", "facebook", "x"}
    assert_same(crawled_rows(config.parent / "audit.duckdb"), want)
    run = last_run(config.parent / "audit.duckdb")
    assert run["status"] == "finished"
    assert_automation_and_office_hours(server, config.parent / "audit.duckdb")
    # Reddit's cut trees were completed both ways: `more` stubs and "continue this thread".
    asked = [path for platform, path, _ in server.request_log if platform == "reddit"]
    assert any(path.startswith("/api/morechildren") for path in asked)
    deepest = max((p for p in server.world.posts["reddit"]  # of a thread in the window
                   if p.root.created_at >= server.world.window_start), key=lambda p: p.depth())
    assert deepest.depth() > 10
    con = duckdb.connect(str(config.parent / "audit.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from posts where post_id = ?",
                           [deepest.post_id]).fetchall() == [(1,)]
        # Deleted and removed comments keep their place: judged like the truth judges them.
        [(deleted,)] = con.execute("select count(*) from customer_posts "
                                   "where author_id = '[deleted]'").fetchall()
        reddit = {p.post_id: p for p in server.world.posts["reddit"]}
        assert deleted == sum(1 for platform, post_id, _ in want if platform == "reddit"
                              and reddit[post_id].author.key == "[deleted]")
        assert deleted > 0 or seed != 1  # seed 1's sample holds some; others may not
    finally:
        con.close()
    assert {p: s["mentions"] for p, s in run["stats"].items()} == {
        "bluesky": "searched", "mastodon": "searched", "discourse": "not applicable",
        "trustpilot": "not applicable", "reddit": "searched", "youtube": "not applicable",
        "wordpress": "not applicable", "facebook": "not applicable", "x": "searched"}
    # the long topics were completed post by post
    assert any("/posts.json?post_ids" in path for platform, path, _ in server.request_log
               if platform == "discourse")
    # YouTube: replies beyond those a thread carries, a second page of threads, a video with
    # comments turned off (said, not a failure), and the quota units spent.
    asked = [path for platform, path, _ in server.request_log if platform == "youtube"]
    assert any(path.startswith("/youtube/v3/comments?") for path in asked)
    assert any("commentThreads" in path and "pageToken" in path for path in asked)
    youtube = run["stats"]["youtube"]
    assert any("comments turned off" in note for note in youtube["notes"])
    assert youtube["quota_units"] == len(asked)


def test_without_logins_mentions_are_skipped_and_said(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(3)
    config = sim_config(server)
    crawl(config, logins=False)
    # Reddit, YouTube, Facebook and X have no anonymous access: without credentials they are
    # skipped, with a note (their own tests check it).
    want = {k: v for k, v in truth_rows(server, with_search=False).items()
            if k[0] not in ("reddit", "youtube", "facebook", "x")}
    assert len(want) < len(truth_rows(server))
    assert_same(crawled_rows(config.parent / "audit.duckdb"), want)
    stats = last_run(config.parent / "audit.duckdb")["stats"]
    for platform in ("bluesky", "mastodon"):
        assert stats[platform]["mentions"] == "skipped"
        assert any("mention" in note.lower() for note in stats[platform]["notes"])
    # Reddit needs an app's credentials: without them it is skipped, and the run says so.
    assert stats["reddit"]["requests"] == 0
    assert any("REDDIT_CLIENT_ID" in note for note in stats["reddit"]["notes"])
    assert stats["youtube"]["requests"] == 0
    assert any("YOUTUBE_API_KEY" in note for note in stats["youtube"]["notes"])
    assert stats["x"]["requests"] == 0 and stats["x"]["mentions"] == "skipped"
    assert any("set X_BEARER_TOKEN" in note for note in stats["x"]["notes"])
    assert server.count("x") == 0


def test_transient_errors_are_retried_and_counted(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(1, faults="429=0.1,500=0.1,badjson=0.05")
    config = sim_config(server)
    crawl(config)
    assert_same(crawled_rows(config.parent / "audit.duckdb"), truth_rows(server))
    run = last_run(config.parent / "audit.duckdb")
    assert run["status"] == "finished" and run["failures"] == []
    responses = {p: s["responses"] for p, s in run["stats"].items()}
    for platform in ("bluesky", "mastodon", "discourse", "trustpilot"):
        assert responses[platform].get("429", 0) > 0
        assert responses[platform].get("500", 0) > 0
        assert run["stats"][platform]["retries"] > 0
    assert sum(s["malformed_json"] for s in run["stats"].values()) > 0
    assert server.count("bluesky", "429") == responses["bluesky"]["429"]


def test_a_broken_page_is_recorded_and_the_rest_is_complete(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(2, faults="fail=initech")
    config = sim_config(server)
    crawl(config)
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "partial"
    assert run["failures"], "the failing pages are recorded"
    assert all(status == 500 and "initech" in url for _, _, status, _, url in run["failures"])
    others = {"acme", "globex"}
    assert_same(crawled_rows(db, others), truth_rows(server, brands=others))


def test_recrawl_adds_nothing_twice(simulator: Callable[..., SimServer],
                                    sim_config: Callable[[SimServer], Path]) -> None:
    # Two crawls exceed Mastodon's real 300 requests per 5 minutes; that pause has its own test.
    server = simulator(4, rate_limits={"mastodon": (3000, 300)})
    config = sim_config(server)
    db = config.parent / "audit.duckdb"
    crawl(config)

    def snapshot() -> tuple[int, int, int, list[Any]]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            [(posts, distinct)] = con.execute(
                "select count(*), count(distinct (platform, post_id)) from posts").fetchall()
            [(accounts,)] = con.execute("select count(*) from accounts").fetchall()
            rows = con.execute("select platform, post_id, brand_id, status, response_seconds "
                               "from customer_posts order by all").fetchall()
        finally:
            con.close()
        assert posts == distinct
        return posts, accounts, len(rows), rows

    first = snapshot()
    crawl(config)
    assert snapshot() == first
    assert last_run(db)["run_id"] == 2


def test_unknown_handle_is_reported_and_the_audit_goes_on(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(5)
    config = sim_config(server)
    text = config.read_text()
    config.write_text(text.replace('"initech.bsky.social"',
                                   '"initech.bsky.social", "nobody-here.bsky.social"', 1))
    crawl(config)
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "partial"
    assert any("nobody-here" in url for *_, url in run["failures"])
    assert any("nobody-here" in note for note in run["stats"]["bluesky"]["notes"])
    assert_same(crawled_rows(db), truth_rows(server))


def test_spent_rate_limit_pauses_until_reset(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(6, rate_limits={"mastodon": (40, 3)})
    config = sim_config(server)
    crawl(config)
    db = config.parent / "audit.duckdb"
    assert_same(crawled_rows(db), truth_rows(server))
    stats = last_run(db)["stats"]["mastodon"]
    assert stats["rate_limit_pauses"] > 0
    assert stats["responses"].get("429", 0) == 0  # it waited instead of being refused
