"""The opt-in X browser spider in real headless Chromium against the simulator's x.com pages:
ground truth exact, only the document, its scripts and the GraphQL calls fetched, and a stop
at the login wall. Needs a browser (see tests/browser.py)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from crawler.simulator import SIM_CREDENTIALS
from crawler.simulator.server import SimServer
from crawler.simulator.world import WorldSettings
from tests.browser import chromium_path
from tests.conftest import cli
from tests.test_end_to_end import assert_same, crawled_rows, last_run, truth_rows

# A few days of a smaller world: every page is a real browser page, and the test stays fast.
SMALL = WorldSettings(window_days=4, history_days=5, customers_per_platform=30,
                      brand_posts_per_day=0.6, mentions_per_day=0.8)


def browser_config(config: Path) -> Path:
    doc = tomllib.loads(config.read_text("utf-8"))
    doc["brands"] = [{k: v for k, v in b.items() if k in ("id", "name", "business_hours", "x")}
                     for b in doc["brands"]]
    doc["platforms"]["x"]["collect"] = "browser"
    config.write_text(tomli_w.dumps(doc), "utf-8")
    return config


def storage_state(path: Path, logged_in: bool = True) -> Path:
    """A Playwright storage-state file as `context.storage_state(path=…)` exports it."""
    name, value = SIM_CREDENTIALS["x_web"]
    cookies = [{"name": "guest_id", "value": "v1%3A1", "domain": "127.0.0.1", "path": "/",
                "expires": -1, "httpOnly": False, "secure": False, "sameSite": "Lax"}]
    if logged_in:
        cookies.append({"name": name, "value": value, "domain": "127.0.0.1", "path": "/",
                        "expires": -1, "httpOnly": True, "secure": False, "sameSite": "Lax"})
    path.write_text(json.dumps({"cookies": cookies, "origins": []}), "utf-8")
    return path


def x_truth(server: SimServer) -> dict[object, object]:
    return {k: v for k, v in truth_rows(server).items() if k[0] == "x"}


@pytest.mark.crawl
@pytest.mark.requires_browser
def test_browser_spider_equals_ground_truth(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    chromium = chromium_path()
    server = simulator(1, settings=SMALL)
    config = browser_config(sim_config(server))
    state = storage_state(config.parent / "x-state.json")
    result = cli("crawl", str(config), extra_env={"X_STORAGE_STATE": str(state),
                                                  "REPLYAUDIT_CHROMIUM": chromium,
                                                  "REPLYAUDIT_LOG_LEVEL": "DEBUG"})
    assert result.returncode == 0, result.stderr[-3000:]
    db = config.parent / "audit.duckdb"
    want = x_truth(server)
    assert {s for s, _ in want.values()} >= {"on_time", "late", "ignored"}
    assert any(k for k, v in want.items()), "the small world has customer posts"
    assert_same(crawled_rows(db), want)
    run = last_run(db)
    assert run["status"] == "finished" and run["stats"]["x"]["mentions"] == "searched"
    paths = [path for platform, path, _ in server.request_log]
    assert any("/TweetDetail" in p for p in paths) and any("/SearchTimeline" in p for p in paths)
    # Only the document, its script and the data calls reached the server.
    assert not [p for p in paths if "/static/" in p or "/jot/" in p], paths
    # The storage state is never logged or stored.
    assert str(state) not in result.stderr and SIM_CREDENTIALS["x_web"][1] not in result.stderr
    assert SIM_CREDENTIALS["x_web"][1].encode() not in db.read_bytes()


@pytest.mark.crawl
@pytest.mark.requires_browser
def test_login_wall_stops_x_with_a_clear_message(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    chromium = chromium_path()
    server = simulator(2, settings=SMALL)
    config = browser_config(sim_config(server))
    state = storage_state(config.parent / "x-state.json", logged_in=False)
    result = cli("crawl", str(config), extra_env={"X_STORAGE_STATE": str(state),
                                                  "REPLYAUDIT_CHROMIUM": chromium})
    # X was the only platform and fetched nothing: the run failed (exit 3), saying why
    assert result.returncode == 3, result.stderr[-3000:]
    assert "X showed a login wall" in result.stderr
    run = last_run(config.parent / "audit.duckdb")
    assert run["status"] == "failed"
    assert any("X showed a login wall" in n and "X_STORAGE_STATE" in n
               for n in run["stats"]["x"]["notes"])
    assert {reason for _, _, _, reason, _ in run["failures"]} == {"a login wall"}
    # It stopped: no search, no thread, no data call was ever made.
    paths = [path for _, path, _ in server.request_log]
    assert not [p for p in paths if "/graphql/" in p or "/search" in p or "/status/" in p]


@pytest.mark.crawl
def test_without_a_storage_state_x_is_skipped_and_said(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(3, settings=SMALL)
    config = browser_config(sim_config(server))
    result = cli("crawl", str(config), extra_env={
        "X_STORAGE_STATE": str(config.parent / "missing.json")})
    assert result.returncode == 0, result.stderr[-3000:]
    notes = last_run(config.parent / "audit.duckdb")["stats"]["x"]["notes"]
    assert notes == ["X browser collection needs your own session: the file X_STORAGE_STATE "
                     "names does not exist. X was skipped."]
    assert server.count("x") == 0


def test_scrolling_stops_only_past_the_owners_own_tweets(tmp_path: Path) -> None:
    """The real profile page: an old pinned tweet and other accounts' older tweets shown above
    the owner's replies must not stop the scrolling; a page wholly before the window does."""
    from datetime import UTC, datetime

    from benchmarks.config import load_config
    from crawler.spiders.x_browser import XBrowserSpider

    config = tmp_path / "audit.toml"
    config.write_text('[audit]\nname = "t"\nclient = "b"\nsince = "2026-03-01"\n'
                      '[[brands]]\nid = "b"\nx = ["XDevelopers"]\n', "utf-8")
    body = (Path(__file__).parent / "fixtures" / "x" /
            "x_graphql_UserTweetsAndReplies.min.json").read_text("utf-8")

    def spider(since: datetime) -> XBrowserSpider:
        return XBrowserSpider(config=load_config(config), window_start=since)

    # Pinned from 2026-02-06, the rest from July: in the window from March, keep scrolling.
    assert not spider(datetime(2026, 3, 1, tzinfo=UTC)).before_window([(200, body)],
                                                                       "XDevelopers")
    assert spider(datetime(2026, 9, 1, tzinfo=UTC)).before_window([(200, body)], "XDevelopers")
