"""Simulator → real crawl → statistics, against the simulator's ground truth.

The Kaplan-Meier input is rebuilt from the truth (answered: the true response seconds;
unanswered: the true creation time's age at the run's as_of), so the SQL that feeds the
estimator is checked by a second implementation. The crawl also leaves every customer post
classified.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import store
from benchmarks.survival import KaplanMeier, survival_input, survival_rows
from crawler.simulator.server import SimServer
from crawler.simulator.truth import judge
from tests.conftest import cli


@pytest.mark.crawl
def test_statistics_of_a_crawl_match_the_ground_truth(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(3)
    config = sim_config(server)
    result = cli("crawl", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    con = store.connect(config.parent / "audit.duckdb", read_only=True)
    [(as_of,)] = con.execute("select as_of from audit_params").fetchall()
    created = {(p.platform, p.post_id): p.created_at
               for posts in server.world.posts.values() for p in posts}
    truth: Counter[tuple[str, str, bool, float]] = Counter()
    groups: dict[str, tuple[list[float], list[bool]]] = {}
    for row in judge(server.world):
        if row.status == "handoff":
            continue  # a hand-off is no request: it is on no clock
        answered = row.response_seconds is not None
        seconds = (row.response_seconds if answered
                   else (as_of - created[row.platform, row.post_id]).total_seconds())
        truth[row.brand_id, row.platform, answered, round(seconds, 3)] += 1
        times, events = groups.setdefault(row.brand_id, ([], []))
        times.append(seconds)
        events.append(answered)
    columns = survival_input(con)
    crawled = Counter((b, p, bool(a), round(float(t), 3)) for b, p, a, t in zip(
        columns["brand_id"], columns["platform"], columns["answered"], columns["seconds"],
        strict=True))
    assert crawled == truth
    for row in survival_rows(con):
        if row.platform != "all":
            continue
        km = KaplanMeier(*groups[row.brand_id])
        assert row.km_median_seconds == km.median()
        assert row.within_24h == km.answered_within(86_400)
        assert row.posts == len(groups[row.brand_id][0])
    # the crawl classified every customer post
    [(missing,)] = con.execute(
        "select count(*) from (select distinct platform, post_id from customer_posts)"
        " anti join post_classes using (platform, post_id)").fetchall()
    [(classified,)] = con.execute("select count(*) from post_classes").fetchall()
    assert missing == 0 and classified > 100
    con.close()


@pytest.mark.parametrize("section", ["survival", "tests", "classes"])
def test_sections_are_documented(section: str) -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "statistics.md").read_text("utf-8")
    doc = " ".join(text.replace("*", "").split())
    names = {"survival": ["km_median_seconds", "within_sla", "within_24h",
                          "median_response_seconds"],
             "tests": ["Fisher's exact test", "log-rank test", "Holm"],
             "classes": ["question", "complaint", "praise", "other", "post_classes"]}
    for name in names[section]:
        assert name in doc, name
