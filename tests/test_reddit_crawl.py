"""Reddit-only crawls for what the whole-world runs do not reach: tokens that expire
mid-crawl, Reddit's rate-limit window (reset in seconds), refused app credentials.

The ground-truth equality for Reddit itself is in test_end_to_end.py (seeds 1 and 2).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from crawler import __version__
from crawler.simulator.server import SimServer
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows


def reddit_only(config: Path, brands: set[str] | None = None) -> Path:
    """The simulator's config with every brand's other platforms (and other brands) removed."""
    doc = tomllib.loads(config.read_text(encoding="utf-8"))
    doc["brands"] = [{k: v for k, v in b.items() if k in ("id", "name", "business_hours", "reddit")}
                     for b in doc["brands"] if brands is None or b["id"] in brands]
    doc["audit"]["client"] = doc["brands"][0]["id"]
    config.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return config


@pytest.mark.crawl
def test_expiring_tokens_and_a_spent_rate_limit_still_give_the_whole_truth(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    # Tokens outlast the rate-limit window, as real ones (a day) outlast Reddit's (10 min).
    # 14 requests a second: spent within every window, however slow the machine.
    server = simulator(7, session_seconds=5, rate_limits={"reddit": (14, 1)})
    config = reddit_only(sim_config(server), brands={"initech"})
    crawl(config)
    db = config.parent / "audit.duckdb"
    want = {k: v for k, v in truth_rows(server, brands={"initech"}).items()
            if k[0] == "reddit"}
    assert len(want) > 50
    assert_same(crawled_rows(db), want)
    run = last_run(db)
    assert run["status"] == "finished" and set(run["stats"]) == {"reddit"}
    stats = run["stats"]["reddit"]
    tokens = [s for p, path, s in server.request_log if path == "/api/v1/access_token"]
    assert len(tokens) > 1 and set(tokens) == {200}  # renewed, not failed
    assert stats["responses"].get("401", 0) > 0  # some requests met an expired token
    assert stats["rate_limit_pauses"] > 0
    assert stats["responses"].get("429", 0) == 0  # it waited for the reset instead
    # Reddit's User-Agent rule: <platform>:<app id>:<version> (by /u/<username>).
    assert server.state["reddit_user_agents"] == {
        f"python:replyaudit:{__version__} (by /u/replyaudit-demo)"}


@pytest.mark.crawl
def test_refused_app_credentials_are_said_and_nothing_is_crawled(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(8)
    config = reddit_only(sim_config(server))
    crawl(config, extra_env={"REDDIT_CLIENT_SECRET": "wrong"})
    run = last_run(config.parent / "audit.duckdb")
    stats = run["stats"]["reddit"]
    assert stats["requests"] == 1 and stats["items"]["posts"] == 0
    assert any("refused the app credentials (HTTP 401)" in note for note in stats["notes"])
    assert "wrong" not in str(run["stats"])  # the secret is nowhere in the dataset
    assert server.count("reddit") == 1


def test_the_world_needs_search_only_for_what_reddit_search_finds() -> None:
    """Reddit's search covers submissions, so any customer post only search can reach must
    be a submission; YouTube has no search at all. Checked over many seeds, no crawl."""
    from datetime import UTC, datetime

    from crawler.simulator import PLATFORM_MODULES
    from crawler.simulator.truth import judge
    from crawler.simulator.world import generate_world

    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    modules = {p: PLATFORM_MODULES[p].IDS for p in ("reddit", "youtube")}
    for seed in range(1, 16):
        rows = judge(generate_world(seed, now, modules))
        searched = [r.post_id for r in rows if r.needs_search]
        assert searched and all(post_id.startswith("t3_") for post_id in searched), seed
