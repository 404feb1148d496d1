"""X through the official API v2: the v2 parser on documented shapes, the simulator's shapes,
and whole crawls of the simulator (search window detection, rate limits, the token kept out
of everything stored)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import tomli_w

from crawler.items import Post
from crawler.parsers import x
from crawler.simulator import SIM_CREDENTIALS
from crawler.simulator.server import SimServer
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows
from tests.test_simulator_shapes import fetch, unknown_fields

FIXTURES = Path(__file__).parent / "fixtures" / "x"
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = SIM_CREDENTIALS["x"][1]


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def test_v2_mentions_page() -> None:
    parsed = x.parse_v2(load("v2_user_mentions.json"), FETCHED, "u", "xdev")
    [post] = parsed.posts
    assert (post.post_id, post.author_id, post.root_id, post.parent_id) == (
        "1301573587187331074", "1234567890", "1301573587187331074", None)
    assert post.created_at == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert post.text == "Hey @XDevelopers, love the new API! & the docs"
    assert post.mentions == ["2244994945"] and post.reply_count == 2
    assert post.url == "https://x.com/developer/status/1301573587187331074"
    assert parsed.cursors == {"next_token": "t3buvdr5pujq9g7bggsnf3ep2ha28"}
    accounts = {a.account_id: a for a in parsed.accounts}
    assert accounts["1234567890"].followers == 310
    assert accounts["2244994945"].handle == "XDevelopers"  # known from the mention alone


def test_v2_conversation_links_replies_by_reference() -> None:
    parsed = x.parse_v2(load("v2_search_conversation.json"), FETCHED, "u")
    posts = {p.post_id: p for p in parsed.posts}
    assert posts["1280169177479744444"].parent_id == "1280155225706433333"
    assert posts["1280155225706433333"].parent_id == "1279944223114900000"
    assert {p.root_id for p in posts.values()} == {"1279944223114900000"}


def test_only_the_trees_below_anchors_are_kept() -> None:
    parsed = x.parse_v2(load("v2_search_conversation.json"), FETCHED, "u")
    below_reply = x.in_anchored_subtrees(parsed.posts, lambda p: p.author_id == "1102323333",
                                         set())
    assert [p.post_id for p in below_reply] == ["1280169177479744444", "1280155225706433333"]
    below_nothing = x.in_anchored_subtrees(parsed.posts, lambda p: p.author_id == "63044444"
                                           and p.parent_id is None, set())
    assert below_nothing == []
    # An anchor the search did not return (the conversation's root) still anchors its tree.
    assert len(x.in_anchored_subtrees(parsed.posts, lambda p: False,
                                      {"1279944223114900000"})) == 2


def test_search_floor_is_read_from_xs_error() -> None:
    assert x.search_floor(load("v2_error_start_time.json")) == datetime(2006, 3, 21, tzinfo=UTC)
    assert x.search_floor({"errors": [{"message": "Invalid 'query'"}]}) is None


def test_simulator_sends_only_documented_fields(simulator: Callable[..., SimServer]) -> None:
    import urllib.request

    server = simulator(1)

    def get(path: str, **params: Any) -> Any:
        from urllib.parse import urlencode

        request = urllib.request.Request(f"{server.base_url}{path}?{urlencode(params)}",
                                         headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return json.loads(response.read())

    users = get("/2/users/by", usernames="AcmeAir,nobody_here_123",
                **{"user.fields": "public_metrics"})
    assert not list(unknown_fields(users, load("v2_users_by.json")))
    fields = {"tweet.fields": "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,"
              "author_id,public_metrics,entities,lang", "expansions": "author_id",
              "user.fields": "public_metrics", "max_results": 100}
    acme = users["data"][0]["id"]
    mentions = get(f"/2/users/{acme}/mentions", **fields)
    reference = {**load("v2_user_mentions.json"), "data": load("v2_user_mentions.json")["data"]
                 + load("v2_search_conversation.json")["data"]}
    assert not list(unknown_fields(mentions, reference))
    bare = get(f"/2/users/{acme}/tweets", max_results=5)
    assert set(bare["data"][0]) == {"id", "text", "edit_history_tweet_ids"}  # fields on request
    assert "includes" not in bare
    try:
        fetch(server, "/2/users/by", usernames="AcmeAir")
        raise AssertionError("a request without the bearer token was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 401


def x_only(config: Path, **x_settings: Any) -> Path:
    """The simulator's config with every brand on X alone (a faster crawl)."""
    doc = tomllib.loads(config.read_text("utf-8"))
    doc["brands"] = [{k: v for k, v in b.items() if k in ("id", "name", "x")}
                     for b in doc["brands"]]
    doc["platforms"]["x"].update(x_settings)
    config.write_text(tomli_w.dumps(doc), "utf-8")
    return config


def x_truth(server: SimServer) -> dict[Any, Any]:
    return {k: v for k, v in truth_rows(server).items() if k[0] == "x"}


def test_recent_search_window_is_detected_and_recorded(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(7)
    config = x_only(sim_config(server), search_path="/2/tweets/search/recent")
    crawl(config)
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    notes = run["stats"]["x"]["notes"]
    floor = server.world.now - timedelta(days=7)
    assert any(f"reaches back only to {floor:%Y-%m-%d %H:%M} UTC" in n for n in notes), notes
    assert run["status"] == "finished" and run["failures"] == []
    # What was reached is judged exactly; what lies before the plan's reach is missing.
    got, want = crawled_rows(db), x_truth(server)
    assert got.items() <= want.items()
    assert len(got) < len(want)
    assert any("older than the API plan's search reaches" in n for n in notes)
    for (_, post_id, _) in set(want) - set(got):
        post = server.world.post("x", post_id)
        assert post is not None and post.created_at < floor + timedelta(minutes=1)


def test_spent_rate_limit_pauses_until_reset(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(8, rate_limits={"x": (25, 2)})
    config = x_only(sim_config(server))
    crawl(config)
    db = config.parent / "audit.duckdb"
    assert_same(crawled_rows(db), x_truth(server))
    stats = last_run(db)["stats"]["x"]
    assert stats["rate_limit_pauses"] > 0
    assert stats["responses"].get("429", 0) == 0  # it waited instead of being refused


def test_token_is_never_stored_or_logged(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    from tests.conftest import cli

    server = simulator(9)
    config = x_only(sim_config(server))
    result = cli("crawl", str(config), extra_env={"REPLYAUDIT_LOG_LEVEL": "DEBUG"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert TOKEN not in result.stdout + result.stderr
    db = config.parent / "audit.duckdb"
    assert TOKEN.encode() not in db.read_bytes()
    report = cli("report", str(config), "-o", str(config.parent / "r.html"))
    assert report.returncode == 0, report.stderr
    assert TOKEN not in (config.parent / "r.html").read_text("utf-8")
    assert_same(crawled_rows(db), x_truth(server))


def test_a_conversation_searched_before_its_root_is_known_is_judged_again(
        tmp_path: Path) -> None:
    """Search never returns a conversation's root; when a brand reply's search finishes
    before the brand's root tweet arrives from its timeline, the replies below the root are
    kept once the root is known (a race the rate-limit crawl used to lose)."""
    from benchmarks.config import load_config
    from crawler.spiders.x import XSpider

    config = tmp_path / "audit.toml"
    config.write_text('[audit]\nname = "t"\nclient = "b"\nsince = "2020-01-01"\n'
                      '[[brands]]\nid = "b"\nx = ["Brand"]\n', "utf-8")
    spider = XSpider(config=load_config(config), window_start=datetime(2020, 1, 1, tzinfo=UTC))
    spider.brand_of = {"999": "b"}
    parsed = x.parse_v2(load("v2_search_conversation.json"), FETCHED, "u")
    spider.done["1279944223114900000"] = (parsed, set())
    assert list(spider.judge("1279944223114900000")) == []
    spider.anchor_ids.add("1279944223114900000")  # the root, by the brand, arrives
    posts = [i for i in spider.judge("1279944223114900000") if isinstance(i, Post)]
    assert sorted(p.post_id for p in posts) == ["1280155225706433333", "1280169177479744444"]
    assert list(spider.judge("1279944223114900000")) == []  # each post once
