"""A run spread over workers (`--workers N`, crawler/scaleout/): a real redis-server on
127.0.0.1 started here, real HTTP to the simulator, real worker processes.

The board's leases, completions and reaping; the shared request budget; then whole crawls:
three workers with one killed by SIGKILL mid-run equal the ground truth, and the simulator's
request log shows no platform's rate exceeded in any second.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import tomli_w

from crawler.scaleout.board import HEARTBEAT_TTL_MS, Board, Unit
from crawler.scaleout.coordinator import make_units, merge
from crawler.scaleout.redis_server import PrivateRedis, find_redis_server
from tests.conftest import ROOT, sim_logins
from tests.test_end_to_end import assert_same, crawled_rows, last_run, truth_rows

if find_redis_server() is None:
    pytest.skip("redis-server is not installed (make test installs Debian's package as root)",
                allow_module_level=True)

pytestmark = pytest.mark.requires_redis


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with PrivateRedis() as url:
        yield url


@pytest.fixture
def board(redis_url: str, request: pytest.FixtureRequest) -> Iterator[Board]:
    b = Board(redis.Redis.from_url(redis_url), f"test-{request.node.name}")
    yield b
    b.clean()


def test_a_private_redis_is_gone_after_the_run() -> None:
    with PrivateRedis() as url:
        client = redis.Redis.from_url(url)
        assert client.ping()
        assert client.config_get("save") == {"save": ""}
        assert client.config_get("bind")["bind"] == "127.0.0.1"
    with pytest.raises(redis.ConnectionError):
        client.ping()


def test_units_are_leased_once_completed_once_and_reaped_from_the_dead(board: Board) -> None:
    board.publish({"spec": True}, [Unit("x/0", "x", ("acme",)), Unit("x/1", "x", ("globex",))])
    board.heartbeat("alive")
    board.heartbeat("doomed")
    first = board.lease("alive")
    second = board.lease("doomed")
    assert first is not None and second is not None and board.lease("alive") is None
    board.push_items(second, ["lost"])
    board.client.delete(board.key("heartbeat:doomed"))  # as if killed: no heartbeat
    [requeued] = board.reap()
    assert requeued == Unit(second.id, "x", second.brands, attempt=1)
    assert not board.client.exists(board.key(f"items:{second.tag}"))  # the dead attempt's
    # the dead worker cannot complete what it lost; the living one can
    assert not board.complete(second, "doomed", "late")
    board.push_items(first, ["a", "b"])
    assert board.complete(first, "alive", "stats")
    again = board.lease("alive")
    assert again == requeued
    board.push_items(again, ["c"])
    assert board.complete(again, "alive", "stats 2")
    done = [board.pop_done(1), board.pop_done(1)]
    assert [(u.id, p) for u, p in done if u] == [("x/0", "stats"), ("x/1", "stats 2")]
    assert [list(board.take_items(u)) for u, _ in done if u] == [[["a", "b"]], [["c"]]]
    assert board.reap() == [] and board.counts() == (0, 0)
    assert HEARTBEAT_TTL_MS <= 5000  # a killed worker's units move within seconds


def test_units_cover_every_brand_account_interleaved(
        simulator: Callable[..., object], sim_config: Callable[[object], Path]) -> None:
    from benchmarks.config import load_config

    config = load_config(sim_config(simulator(1)))
    units = make_units(config, workers=2)
    for platform in config.platforms_in_use():
        covered = [b for u in units if u.platform == platform for b in u.brands]
        assert sorted(covered) == sorted(b.id for b in config.brands if b.handles(platform))
    assert units[0].platform != units[1].platform  # platforms take turns


def test_stats_of_units_add_up() -> None:
    from benchmarks.run_stats import ItemCounts, PlatformStats

    a = PlatformStats(requests=3, responses={"200": 3}, items=ItemCounts(5, 1),
                      mentions="searched", notes=["n"], mode="full", quota_units=2)
    b = PlatformStats(requests=2, responses={"200": 1, "429": 1}, items=ItemCounts(1, 1),
                      retries=1, failures=1, notes=["n", "m"], mode="full",
                      finish_reason="deadline")
    m = merge([a, b])
    assert (m.requests, m.responses, m.items, m.retries, m.failures) == (
        5, {"200": 4, "429": 1}, ItemCounts(6, 2), 1, 1)
    assert (m.mentions, m.notes, m.finish_reason, m.quota_units) == (
        "searched", ["n", "m"], "deadline", 2)


def test_the_shared_budget_admits_a_platforms_rate_and_holds_its_pauses(
        redis_url: str) -> None:
    """Clients asking together get `limit` admissions per window, then a wait; a pause any
    worker met holds the platform for every one (Redis's clock)."""
    from crawler.scaleout import politeness

    margin = politeness.WINDOW_MARGIN_S
    assert politeness.budget(8.0) == (8, pytest.approx(1 + margin))
    assert politeness.budget(0.5) == (1, pytest.approx(2 + margin))
    client = redis.Redis.from_url(redis_url)
    admit = client.register_script(politeness._ADMIT)
    prefix = "replyaudit:test-pace:"
    client.delete(f"{prefix}pace:p", f"{prefix}pause:p")
    admitted, started = [], time.monotonic()
    while len(admitted) < 6:
        wait = float(admit(keys=[f"{prefix}pace:p", f"{prefix}pause:p"],
                           args=[5, "0.5", len(admitted)]))
        if wait <= 0:
            admitted.append(time.monotonic() - started)
        else:
            assert wait <= 0.1 + 1e-6  # evenly paced: 5 per 0.5 s is one per 0.1 s
            time.sleep(wait)
    # Paced on Redis's clock, read here on ours: each gap can look a few ms short (the call
    # that reports it returns late), never the five together.
    gaps = [b - a for a, b in zip(admitted, admitted[1:], strict=False)]
    assert all(g >= 0.08 for g in gaps) and 0.48 <= admitted[-1] - admitted[0] < 1.0, gaps
    pause = client.register_script(politeness._PAUSE)
    pause(keys=[f"{prefix}pause:q"], args=["5"])
    wait = float(admit(keys=[f"{prefix}pace:q", f"{prefix}pause:q"], args=[5, "0.5", "x"]))
    assert 4.9 < wait <= 5.0
    assert politeness.shared_pause("HTTP 429, retrying")
    assert politeness.shared_pause("rate limit reached")
    assert not politeness.shared_pause("HTTP 503, retrying")


def test_the_simulator_logs_each_request_as_a_json_line(
        simulator: Callable[..., object], tmp_path: Path) -> None:
    import urllib.request

    log = tmp_path / "requests.jsonl"
    server = simulator(1, request_log=str(log))
    before = time.time()
    with urllib.request.urlopen(f"{server.base_url}/robots.txt") as answer:  # type: ignore[attr-defined]
        assert answer.status == 200
    [line] = log.read_text().splitlines()
    entry = json.loads(line)
    assert set(entry) == {"time", "platform", "path", "status"}
    assert entry["path"] == "/robots.txt" and entry["status"] == 200
    assert before <= entry["time"] <= time.time()


# Whole crawls --------------------------------------------------------------------------------

def _env() -> dict[str, str]:
    logins = sim_logins()
    env = {k: v for k, v in os.environ.items() if k not in logins}
    env.update(logins)
    env["REPLYAUDIT_RETRY_BACKOFF_SECONDS"] = "0.1"
    return env


def _replyaudit(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kwargs)  # type: ignore[call-overload]


# The simulated platforms' own windows (Mastodon: 300 requests per 300 s) lifted: a unit done
# again after a kill adds requests, and a spent window would pause the run for minutes. The
# configured requests_per_second is what these tests hold the workers to.
NO_PLATFORM_LIMITS = {p: (100_000, 300) for p in ("bluesky", "mastodon", "reddit")}


def _with_rates(config: Path, rates: dict[str, float]) -> Path:
    doc = tomllib.loads(config.read_text())
    for platform, rate in rates.items():
        doc["platforms"][platform]["requests_per_second"] = rate
    config.write_text(tomli_w.dumps(doc))
    return config


@pytest.mark.crawl
def test_a_worker_killed_mid_run_loses_nothing(
        simulator: Callable[..., object], sim_config: Callable[[object], Path],
        redis_url: str) -> None:
    server = simulator(1, rate_limits=NO_PLATFORM_LIMITS)
    # slow enough that the third worker is caught holding units
    config = _with_rates(sim_config(server), {"bluesky": 20.0, "mastodon": 20.0, "x": 20.0})
    client = redis.Redis.from_url(redis_url)
    client.delete("replyaudit:current")
    coordinator = _replyaudit("crawl", str(config), "--workers", "2", "--redis", redis_url)
    started = time.monotonic()
    while not client.get("replyaudit:current") and time.monotonic() - started < 30:
        time.sleep(0.05)
    victim = _replyaudit("worker", "--redis", redis_url)  # joins the run just published
    held: list[str] = []
    deadline = time.monotonic() + 40
    while not held and time.monotonic() < deadline and victim.poll() is None:
        for key in client.scan_iter(match="replyaudit:*:leases"):
            held += [json.loads(v)["unit"] for v in client.hvals(key)
                     if f":{victim.pid}:" in json.loads(v)["worker"]]
        time.sleep(0.05)
    assert held, "the third worker never held a unit"
    victim.send_signal(signal.SIGKILL)
    victim.communicate()
    _, stderr = coordinator.communicate(timeout=120)
    assert coordinator.returncode == 0, stderr[-3000:]
    assert "goes to another" in stderr
    db = config.parent / "audit.duckdb"
    assert_same(crawled_rows(db), truth_rows(server))
    run = last_run(db)
    assert run["status"] == "finished" and run["failures"] == []


@pytest.mark.crawl
def test_workers_together_keep_each_platforms_rate(
        simulator: Callable[..., object], sim_config: Callable[[object], Path],
        tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    server = simulator(2, request_log=str(log), rate_limits=NO_PLATFORM_LIMITS)
    rates = {"bluesky": 12.0, "mastodon": 12.0, "reddit": 12.0, "x": 12.0, "youtube": 12.0}
    config = _with_rates(sim_config(server), rates)
    crawl = _replyaudit("crawl", str(config), "--workers", "3")
    _, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, stderr[-3000:]
    assert_same(crawled_rows(config.parent / "audit.duckdb"), truth_rows(server))
    per_second = Counter((e["platform"], int(e["time"]))
                         for e in map(json.loads, log.read_text().splitlines()))
    busiest = {p: max(n for (q, _), n in per_second.items() if q == p) for p in rates}
    for platform, rate in rates.items():
        assert busiest[platform] <= math.ceil(rate), (platform, busiest[platform])
    # the budget is what held them (paced at rate / (1 + margin)): three workers would go
    # faster
    from crawler.scaleout.politeness import WINDOW_MARGIN_S

    assert sum(busiest[p] >= math.floor(rates[p] / (1 + WINDOW_MARGIN_S))
               for p in rates) >= 3, busiest


def test_an_unreachable_redis_is_said_and_nothing_is_published(
        simulator: Callable[..., object], sim_config: Callable[[object], Path]) -> None:
    from tests.conftest import cli

    config = sim_config(simulator(1))
    result = cli("crawl", str(config), "--workers", "2", "--redis", "redis://127.0.0.1:1/0")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "cannot reach the Redis at redis://127.0.0.1:1/0" in result.stderr
    assert "Traceback" not in result.stderr
    # the working copy with its `failed` run was discarded: the dataset is as it was (none)
    assert not (config.parent / "audit.duckdb").exists()


@pytest.mark.crawl
def test_a_weekly_run_over_workers_is_incremental_and_equals_the_truth(tmp_path: Path) -> None:
    """`benchmark run --workers 2`: week 1 in full, week 2 by the incremental plans the
    coordinator hands every worker, and week 2 equals the ground truth."""
    from crawler.simulator import start_simulator
    from crawler.simulator.truth import judge
    from tests.test_benchmark import FAST, INCREMENTAL, WEEK_1, WEEK_2, as_keys, panel_for, run

    db = tmp_path / "panel.duckdb"
    with start_simulator(seed=11, now=WEEK_1, rate_limits=FAST) as week_1:
        first = run(panel_for(week_1, tmp_path / "week1.toml"), db, "--workers", "2")
        reached_since = week_1.world.window_start
    with start_simulator(seed=11, now=WEEK_2, rate_limits=FAST) as week_2:
        second = run(panel_for(week_2, tmp_path / "week2.toml"), db, "--workers", "2")
        truth = [r for r in judge(week_2.world, reached_since=reached_since)
                 if r.platform in INCREMENTAL]
    assert first["modes"] == dict.fromkeys(INCREMENTAL, "full")
    assert second["modes"] == dict.fromkeys(INCREMENTAL, "incremental")
    assert second["status"] == "finished"
    assert_same(crawled_rows(db), as_keys(truth))
