"""X through the official API v2 against the simulator: its shapes, and whole crawls (search
window detection, rate limits, the token kept out of everything stored). The v2 parser is
tested in test_x_parser.py."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from crawler.simulator import SIM_CREDENTIALS
from crawler.simulator.server import SimServer
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows
from tests.test_simulator_shapes import fetch, unknown_fields

FIXTURES = Path(__file__).parent / "fixtures" / "x"
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = SIM_CREDENTIALS["x"][1]


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


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
    doc["brands"] = [{k: v for k, v in b.items() if k in ("id", "name", "business_hours", "x")}
                     for b in doc["brands"]]
    doc["platforms"]["x"].update(x_settings)
    config.write_text(tomli_w.dumps(doc), "utf-8")
    return config


def x_truth(server: SimServer) -> dict[Any, Any]:
    return {k: v for k, v in truth_rows(server).items() if k[0] == "x"}


@pytest.mark.crawl
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


@pytest.mark.crawl
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


@pytest.mark.crawl
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
