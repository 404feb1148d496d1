"""Weekly benchmark runs on one database: two simulated weeks against ground truth, the
history they leave, the incremental request count, and the report with trends.

Each run is a real `replyaudit benchmark run` process crawling a simulator over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crawler.simulator.server import SimServer
from crawler.simulator.truth import judge
from tests.conftest import cli
from tests.test_end_to_end import assert_same, crawled_rows

WEEK_1 = datetime(2026, 11, 1, 6, tzinfo=UTC)
WEEK_2 = WEEK_1 + timedelta(days=7)
FAST = {"mastodon": (3000, 300)}  # several runs exceed Mastodon's real 300 per 5 minutes
# The platforms whose spiders crawl incrementally and whose simulated worlds travel in time;
# the others are crawled in full every run (docs/benchmarks.md).
INCREMENTAL = ("bluesky", "discourse", "facebook", "mastodon", "reddit", "trustpilot",
               "wordpress", "x", "youtube")
# Platforms held to the budget one by one: week 2 at most half of week 1's requests, a repeat
# with nothing new under a tenth. The others cannot be, for reasons their APIs impose
# (docs/benchmarks.md, "What each platform's API allows"); the whole run is held to it below.
WITHIN_BUDGET = ("discourse", "facebook", "reddit", "wordpress")


def panel_for(server: SimServer, path: Path, platforms: tuple[str, ...] = INCREMENTAL) -> Path:
    """The simulator's config, its brands kept to `platforms` (default: the incremental ones)."""
    import tomllib

    import tomli_w

    from crawler.simulator.config import write_simulator_config

    config = tomllib.loads(write_simulator_config(server, path).read_text(encoding="utf-8"))
    keep = ("id", "name", "business_hours", *platforms)
    config["brands"] = [{k: v for k, v in brand.items() if k in keep}
                        for brand in config["brands"]]
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    return path


def run(panel: Path, db: Path, *extra: str) -> dict[str, Any]:
    result = cli("benchmark", "run", str(panel), "--db", str(db), *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(run_id, status, stats)] = con.execute(
            "select run_id, status, stats from runs order by run_id desc limit 1").fetchall()
    finally:
        con.close()
    stats = json.loads(stats)
    return {"run_id": run_id, "status": status, "stats": stats,
            "requests": sum(s["requests"] for s in stats.values()),
            "modes": {p: s["mode"] for p, s in stats.items()}}


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Week 1, week 2 and a repeat of week 2 with nothing new, on one database."""
    from crawler.simulator import start_simulator

    tmp = tmp_path_factory.mktemp("weekly")
    db = tmp / "panel.duckdb"
    out: dict[str, Any] = {"db": db, "tmp": tmp}
    with start_simulator(seed=11, now=WEEK_1, rate_limits=FAST) as week_1:
        panel = panel_for(week_1, tmp / "week1.toml")
        out["first"] = run(panel, db)
        out["truth_1"] = [r for r in judge(week_1.world) if r.platform in INCREMENTAL]
        reached_since = week_1.world.window_start
    with start_simulator(seed=11, now=WEEK_2, rate_limits=FAST) as week_2:
        panel = panel_for(week_2, tmp / "week2.toml")
        out["second"] = run(panel, db)
        out["crawled_2"] = crawled_rows(db)
        # The database also holds what week 1's older window reached.
        out["truth_2"] = [r for r in judge(week_2.world, reached_since=reached_since)
                          if r.platform in INCREMENTAL]
        out["repeat"] = run(panel, db)
        out["crawled_repeat"] = crawled_rows(db)
        out["panel"] = panel
    return out


def as_keys(rows: list[Any]) -> dict[tuple[str, str, str], tuple[str, float | None]]:
    return {(r.platform, r.post_id, r.brand_id): (r.status, r.response_seconds) for r in rows}


@pytest.mark.crawl
def test_week_two_incremental_equals_ground_truth(two_weeks: dict[str, Any]) -> None:
    assert two_weeks["first"]["modes"] == dict.fromkeys(INCREMENTAL, "full")
    assert two_weeks["second"]["modes"] == dict.fromkeys(INCREMENTAL, "incremental")
    assert two_weeks["second"]["status"] == "finished"
    first, second = two_weeks["first"], two_weeks["second"]
    per_platform = {p: f"{second['stats'][p]['requests']} of {s['requests']}"
                    for p, s in first["stats"].items()}
    print(f"week 2: {second['requests']} of {first['requests']} requests = "
          f"{100 * second['requests'] / first['requests']:.0f} % ({per_platform})")
    truth = as_keys(two_weeks["truth_2"])
    assert_same(two_weeks["crawled_2"], truth)
    # Posts pending in week 1 have become on time, late or ignored.
    was_pending = [k for k, (s, _) in as_keys(two_weeks["truth_1"]).items() if s == "pending"]
    assert was_pending and all(truth[k][0] != "pending" for k in was_pending if k in truth)


@pytest.mark.crawl
def test_a_repeat_run_without_new_content_is_a_small_fraction(two_weeks: dict[str, Any]) -> None:
    first, repeat = two_weeks["first"]["requests"], two_weeks["repeat"]["requests"]
    assert_same(two_weeks["crawled_repeat"], as_keys(two_weeks["truth_2"]))
    per_platform = {p: f"{two_weeks['repeat']['stats'][p]['requests']} of "
                       f"{s['requests']}" for p, s in two_weeks["first"]["stats"].items()}
    print(f"repeat run: {repeat} of {first} requests = {100 * repeat / first:.0f} % "
          f"({per_platform})")
    assert repeat < 0.25 * first, (repeat, first)


@pytest.mark.crawl
def test_each_week_costs_a_fraction_of_the_first(two_weeks: dict[str, Any]) -> None:
    runs = [two_weeks[k]["stats"] for k in ("first", "second", "repeat")]
    figures = {p: [r[p]["requests"] for r in runs] for p in INCREMENTAL}
    print("requests week 1 / week 2 / repeat: " + ", ".join(
        f"{p} {a}/{b}/{c}" for p, (a, b, c) in figures.items()))
    for platform in WITHIN_BUDGET:
        first, second, repeat = figures[platform]
        assert second <= 0.5 * first and repeat < 0.1 * first, (platform, figures[platform])
    first, second, _ = (sum(column) for column in zip(*figures.values(), strict=True))
    assert second <= 0.5 * first, (second, first)


@pytest.mark.crawl
def test_a_second_run_is_incremental_and_cheaper(tmp_path: Path) -> None:
    """Run twice on one instant: the second run of a platform follows its plan, says so in
    its stats, and fetches much less (Facebook: only posts commented on since)."""
    from crawler.simulator import start_simulator

    db = tmp_path / "panel.duckdb"
    with start_simulator(seed=12, now=WEEK_1) as server:
        panel = panel_for(server, tmp_path / "panel.toml", ("facebook",))
        first = run(panel, db)
        second = run(panel, db)
    assert first["modes"] == {"facebook": "full"}
    assert second["modes"] == {"facebook": "incremental"}
    assert second["stats"]["facebook"]["requests"] < 0.25 * first["stats"]["facebook"]["requests"]


@pytest.mark.crawl
def test_history_keeps_each_week_as_reported(two_weeks: dict[str, Any]) -> None:
    con = duckdb.connect(str(two_weeks["db"]), read_only=True)
    try:
        history = con.execute(
            "select run_id, week, brand_id, pending, response_rate from brand_metrics_history "
            "where platform = 'all' order by run_id, brand_id").fetchall()
        current = con.execute("select run_id, brand_id, pending, response_rate "
                              "from brand_metrics_current where platform = 'all' "
                              "order by brand_id").fetchall()
    finally:
        con.close()
    runs = sorted({r[0] for r in history})
    assert runs == [1, 2, 3]
    weeks = {r[0]: r[1] for r in history}
    assert str(weeks[1]) == "2026-10-26" and str(weeks[2]) == str(weeks[3]) == "2026-11-02"
    # Week 1's row is what week 1 reported: its own truth, pending posts and all.
    truth_1 = [r for r in two_weeks["truth_1"] if r.brand_id == "acme"]
    week_1_acme = next(r for r in history if r[0] == 1 and r[2] == "acme")
    assert week_1_acme[3] == sum(1 for r in truth_1 if r.status == "pending") > 0
    answered = sum(1 for r in truth_1 if r.status in ("on_time", "late"))
    assert week_1_acme[4] == pytest.approx(
        answered / sum(1 for r in truth_1 if r.status in ("on_time", "late", "ignored")))
    assert [r[0] for r in current] == [3, 3, 3]


@pytest.mark.crawl
def test_benchmark_report_ranks_moves_and_trends(two_weeks: dict[str, Any]) -> None:
    out = two_weeks["tmp"] / "week2.html"
    result = cli("benchmark", "report", str(two_weeks["panel"]), "--db", str(two_weeks["db"]),
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Ranking this week" in html and "Week of 02 November 2026" in html
    assert html.count('<figure class="chart"') == 2 and "26 Oct" in html and "02 Nov" in html
    assert 'data-metric="rank_change">new<' not in html  # every brand was there last week
    assert " pts</td>" in html


@pytest.mark.crawl
@pytest.mark.requires_browser
def test_two_weeks_give_a_report_with_trends_and_a_pdf_in_a_real_browser(
        two_weeks: dict[str, Any]) -> None:
    import re

    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from tests.browser import chromium_path, launch_chromium

    tmp = two_weeks["tmp"]
    result = cli("benchmark", "report", str(two_weeks["panel"]), "--db", str(two_weeks["db"]),
                 "-o", str(tmp / "trend.html"), "--pdf", str(tmp / "trend.pdf"),
                 extra_env={"REPLYAUDIT_CHROMIUM": chromium_path()})
    assert result.returncode == 0, result.stderr
    page_uri = (tmp / "trend.html").as_uri()
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(page_uri, wait_until="load")
            charts = page.locator("figure.chart svg")
            boxes = [charts.nth(i).bounding_box() for i in range(charts.count())]
            page.screenshot(path=str(tmp / "trend.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [page_uri] and problems == []
    assert len(boxes) == 2 and all(b and b["width"] > 300 and b["height"] > 100 for b in boxes)
    pages = PdfReader(tmp / "trend.pdf").pages
    assert 1 <= len(pages) <= 6  # ranking, trends, one table per platform and coverage
    assert all(f"page {i} of {len(pages)}" in p.extract_text()
               for i, p in enumerate(pages, start=1))


def test_a_second_run_on_a_busy_database_stops_with_a_clear_message(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path],
        tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from benchmarks.lock import exclusive, lock_path

    server = simulator(12, rate_limits=FAST)
    panel = sim_config(server)
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from benchmarks.lock import exclusive\n"
        "with exclusive(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)"),
        str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        refused = cli("benchmark", "run", str(panel), "--db", str(db), "--wait", "1")
        assert refused.returncode == 1
        assert f"{db} is being written by process {holder.pid} (waited 1 s)" in refused.stderr
        assert "Nothing was changed" in refused.stderr and "--wait SECONDS" in refused.stderr
        assert time.monotonic() - started >= 1
        assert not db.exists()  # refused before touching anything
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert lock_path(db).exists()
    with exclusive(db):  # the holder is gone: the operating system freed its lock
        pass


def hold(script: str, *args: str) -> Any:
    """A second real process that takes a lock and says 'held' once it has it."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    process.stdout.close()
    return process


def test_with_wait_a_second_writer_goes_on_once_the_first_is_done(tmp_path: Path) -> None:
    import time

    from benchmarks.lock import exclusive

    db = tmp_path / "queued.duckdb"
    holder = hold("import sys, time; from pathlib import Path; from benchmarks.lock import "
                  "exclusive\nwith exclusive(Path(sys.argv[1])):\n    print('held', "
                  "flush=True); time.sleep(2)", str(db))
    started = time.monotonic()
    try:
        with exclusive(db, wait_seconds=120):  # what --wait does, in this process
            waited = time.monotonic() - started
    finally:
        holder.wait()
    assert 1.0 <= waited < 60  # it waited for the holder, then went on


def test_reading_while_duckdb_is_held_by_a_writer_names_the_problem(tmp_path: Path) -> None:
    from benchmarks import store

    db = tmp_path / "held.duckdb"
    store.connect(db).close()
    config = tmp_path / "c.toml"
    config.write_text('[audit]\nname = "x"\nclient = "a"\ndays = 7\ndb = "held.duckdb"\n'
                      '[[brands]]\nid = "a"\nbluesky = ["a.bsky.social"]\n', encoding="utf-8")
    holder = hold("import sys, time, duckdb\ncon = duckdb.connect(sys.argv[1])\n"
                  "print('held', flush=True); time.sleep(30)", str(db))
    try:
        result = cli("metrics", str(config))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert f"{db} is being written by another process" in result.stderr
    assert "Traceback" not in result.stderr
