"""YouTube-only crawls for the quota: the run's own budget and the API's refusal both stop
the crawl cleanly, and what was stored is judged exactly as the truth judges it.

The ground-truth equality for YouTube itself is in test_end_to_end.py (seeds 1 and 2).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from crawler.simulator.server import SimServer
from tests.conftest import cli
from tests.test_end_to_end import crawl, crawled_rows, last_run, truth_rows

pytestmark = pytest.mark.crawl  # every test here runs whole crawls


def youtube_only(config: Path, quota_units: int | None = None) -> Path:
    """The simulator's config with every brand's other platforms removed."""
    doc = tomllib.loads(config.read_text(encoding="utf-8"))
    keep = ("id", "name", "business_hours", "youtube")
    doc["brands"] = [{k: v for k, v in b.items() if k in keep} for b in doc["brands"]]
    if quota_units is not None:
        doc["platforms"]["youtube"]["quota_units"] = quota_units
    config.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return config


def assert_partial_but_exact(server: SimServer, db: Path) -> None:
    """Fewer customer posts than the truth, but every one stored is judged like the truth:
    a thread is stored with all its replies, or, when a page of them failed, its customer
    posts are unverified (never ignored)."""
    want = {k: v for k, v in truth_rows(server).items() if k[0] == "youtube"}
    got = crawled_rows(db)
    assert got and len(got) < len(want)
    checked = {k: v for k, v in got.items() if v[0] != "unverified"}
    assert {k: want.get(k) for k in checked} == checked


def test_the_run_stops_before_its_quota_budget(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(9, faults="500=0.25")  # retries are calls too: they cost units
    config = youtube_only(sim_config(server), quota_units=12)
    crawl(config)
    db = config.parent / "audit.duckdb"
    assert_partial_but_exact(server, db)
    run = last_run(db)
    stats = run["stats"]["youtube"]
    assert stats["quota_units"] == 12 == server.count("youtube") == stats["requests"]
    assert stats["retries"] > 0
    assert any("quota budget of 12 units" in note for note in stats["notes"])
    assert run["status"] == "finished" and run["failures"] == []  # stopped, not failed


def test_a_spent_api_quota_stops_the_crawl_and_is_recorded(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(9)
    server.state["youtube_quota"] = 15  # the project's daily quota, mostly spent elsewhere
    config = youtube_only(sim_config(server))
    crawl(config)
    db = config.parent / "audit.duckdb"
    assert_partial_but_exact(server, db)
    run = last_run(db)
    assert run["status"] == "partial"
    assert run["failures"] and all(status == 403 and "quotaExceeded" in reason
                                   for _, _, status, reason, _ in run["failures"])
    assert any("quotaExceeded" in note for note in run["stats"]["youtube"]["notes"])


def test_a_refused_key_is_said_and_never_stored(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(9)
    config = youtube_only(sim_config(server))
    result = cli("crawl", str(config), extra_env={"YOUTUBE_API_KEY": "not-the-key"})
    # the only platform fetched nothing: the run failed (exit 3) and says why
    assert result.returncode == 3, result.stderr[-3000:]
    assert "refused the API key (keyInvalid)" in result.stderr.splitlines()[-2]
    run = last_run(config.parent / "audit.duckdb")
    assert run["status"] == "failed"
    stats = run["stats"]["youtube"]
    assert any("refused the API key (keyInvalid)" in note for note in stats["notes"])
    assert stats["items"]["posts"] == 0 and stats["requests"] == 3  # one per channel, no more
    assert "not-the-key" not in str(run)  # not in stats, failures or their URLs
