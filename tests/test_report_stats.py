"""The report's statistics sections: Kaplan-Meier figures as computed, a gap marked
significant only when its corrected p is below 0.05, and ignored share by kind of post."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from benchmarks.classifier.model import CareModel
from benchmarks.classify import classify_posts
from benchmarks.config import parse_config
from benchmarks.significance import client_comparisons
from benchmarks.survival import survival_rows
from reports.context import build_context
from reports.render import render_html
from reports.stats_filters import duration_interval, p_value, share_interval
from tests.stats_data import AS_OF, CustomerPost, build
from tests.test_report import GENERATED, Page, build_dataset


def gap_rows(page: Page) -> list[dict[str, str | None]]:
    """Attributes of the gap table's rows, in page order."""
    return [a for t, a in page.tags if t == "tr" and "data-competitor" in a]


def cells(html: str, row_attribute: str, key: str) -> dict[str, str]:
    """{data-stat: text} of the table row whose `row_attribute` is `key`."""
    row = re.search(rf'<tr[^>]*{row_attribute}="{re.escape(key)}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, (row_attribute, key)
    return {m[1]: " ".join(unescape(re.sub(r"<[^>]+>", " ", m[2])).split())
            for m in re.finditer(r'data-stat="([^"]+)"[^>]*>(.*?)</td>', row[1], re.S)}


@pytest.fixture(scope="module")
def airline_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Page]:
    """tests/test_report.py's dataset, classified as a crawl would leave it."""
    con, config = build_dataset(tmp_path_factory.mktemp("stats") / "audit.duckdb")
    classify_posts(con)
    context = build_context(con, config, GENERATED, "9.9.9")
    return (con, context), Page(render_html(context))


def test_survival_figures_are_the_kaplan_meier_ones(airline_page: tuple[Any, Page]) -> None:
    (con, context), page = airline_page
    expected = {r.brand_id: r for r in survival_rows(con) if r.platform == "all"}
    assert [line.brand_id for line in context.statistics.survival] == ["acme", "initech",
                                                                      "globex"]
    for brand, row in expected.items():
        got = cells(page.html, "data-survival", brand)
        assert got["km_median"] == duration_interval(row.km_median_seconds,
                                                     row.median_not_reached)
        assert got["within_sla"] == share_interval(row.within_sla)
        assert got["within_24h"] == share_interval(row.within_24h)
        assert got["median_answered"] == duration_interval(row.median_response_seconds)
        assert got["censored"] == str(row.censored)
    # Acme: 3 of 8 posts answered (20 min, 3 h, 4 h 40 min), 5 censored: the median wait is
    # not reached, where the median of answered posts says 3 h.
    assert cells(page.html, "data-survival", "acme")["km_median"] == "not reached"


def rate_verdict(page: Page) -> str | None:
    return cells(page.html, 'data-competitor="globex" data-measure', "response_rate")["verdict"]


def test_a_gap_that_is_not_significant_is_not_marked(airline_page: tuple[Any, Page]) -> None:
    (con, context), page = airline_page
    gaps = gap_rows(page)
    assert [(a["data-competitor"], a["data-measure"]) for a in gaps] == [
        ("initech", "response_rate"), ("initech", "response_time"),
        ("globex", "response_rate"), ("globex", "response_time")]
    found = {(c.competitor_id, c.measure): c
             for c in client_comparisons(con, "acme", ["initech", "globex"])}
    rate = found["globex", "response_rate"]
    assert (rate.client_value, rate.competitor_value) == (3 / 7, 3 / 4)  # a 32-point gap
    assert rate.p_adjusted is not None and rate.p_adjusted >= 0.05
    globex = cells(page.html, 'data-competitor="globex" data-measure', "response_rate")
    # The verdict says who is ahead and by how much, then that it could be chance.
    assert globex["verdict"] == ("Globex Airways answers 32 points more often, but this could "
                                 f"be chance, corrected p = {p_value(rate.p_adjusted)}")
    assert globex["p_adjusted"] == p_value(rate.p_adjusted)
    assert [a["data-significant"] for a in gaps] == ["false"] * 4
    assert 'class="significant"' not in page.html


def test_definitions_name_the_tests_and_the_correction(airline_page: tuple[Any, Page]) -> None:
    _, page = airline_page
    text = " ".join(" ".join(page.text).split())
    assert "compared with Fisher's exact test (two-sided)" in text
    assert "the log-rank test" in text and "corrected with Holm's method" in text
    assert "significant when the corrected p is below 0.05" in text
    assert f"Kinds of post ({CareModel().name})" in text
    assert "it sorts 73.1 % right" in text  # from model.json, as in docs/statistics.md


def test_ignored_share_by_kind_of_post(airline_page: tuple[Any, Page]) -> None:
    (con, context), page = airline_page
    classes = {row.label: row for row in context.statistics.classes}
    assert "unclassified" not in classes
    judged = con.execute(
        "select class, count(*), count(*) filter (where status = 'ignored') from customer_posts"
        " join post_classes using (platform, post_id) where brand_id = 'acme'"
        " and status in ('on_time', 'late', 'ignored') group by all").fetchall()
    for label, n, ignored in judged:
        [acme] = [c for c in classes[label].cells if c.brand_id == "acme"]
        assert (acme.judged, acme.ignored) == (n, ignored)
    assert sum(c.judged for row in classes.values() for c in row.cells
               if c.brand_id == "acme") == 7
    assert "Which kind of post gets ignored" in page.html
    # the finding names the kind with the highest share among kinds with >= 5 judged posts
    eligible = [(ignored / n, label) for label, n, ignored in judged if n >= 5]
    if eligible:
        share, kind = max(eligible)
        assert context.statistics.most_ignored[0] == kind  # type: ignore[index]
    else:
        assert context.statistics.most_ignored is None
        assert "most often ignores" not in page.html


def test_unclassified_posts_are_shown_as_such(tmp_path: Path) -> None:
    con, config = build_dataset(tmp_path / "raw.duckdb")  # no crawl hook ran: no classes
    context = build_context(con, config, GENERATED, "9.9.9")
    assert [row.label for row in context.statistics.classes] == ["unclassified"]
    assert "Kinds of post (not classified yet)" in " ".join(
        " ".join(Page(render_html(context)).text).split())


def test_a_significant_gap_is_marked(tmp_path: Path) -> None:
    old = timedelta(days=10)
    posts = [CustomerPost("acme", old, timedelta(hours=30)) for _ in range(4)]
    posts += [CustomerPost("acme", old) for _ in range(16)]
    posts += [CustomerPost("globex", old, timedelta(minutes=10)) for _ in range(18)]
    posts += [CustomerPost("globex", old) for _ in range(2)]
    con = build(tmp_path / "gap.duckdb", [("acme", "Acme Air"), ("globex", "Globex")], "acme",
                posts)
    config = parse_config({
        "audit": {"name": "Gap", "client": "acme", "since": "2026-10-01", "sla_minutes": 60,
                  "ignore_after_hours": 72, "as_of": AS_OF.isoformat()},
        "brands": [{"id": "acme", "name": "Acme Air", "bluesky": ["acme.bsky.social"]},
                   {"id": "globex", "name": "Globex", "bluesky": ["globex.bsky.social"]}],
    }, tmp_path / "audit.toml")
    classify_posts(con)  # every post asks "Where is my bag?"
    page = Page(render_html(build_context(con, config, GENERATED, "1")))
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", page.html)).split())
    assert "Acme Air most often ignores questions: 80 % (16 of 20)." in text
    assert [(a["data-measure"], a["data-significant"]) for a in gap_rows(page)] == [
        ("response_rate", "true"), ("response_time", "true")]
    assert page.html.count('<strong class="significant">') == 2
    assert (rate_verdict(page) or "").replace(" ;", ";") == (  # 18 of 20 against 4 of 20
        "Globex answers 70 points more often; the gap is real, corrected p < 0.001")
    rate = cells(page.html, 'data-competitor="globex" data-measure', "response_rate")
    assert rate["p_adjusted"] == "< 0.001"


@pytest.mark.requires_browser
def test_statistics_sections_read_well_in_a_real_browser(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    con, config = build_dataset(tmp_path / "audit.duckdb")
    classify_posts(con)
    report = tmp_path / "report.html"
    report.write_text(render_html(build_context(con, config, GENERATED, "1")), "utf-8")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(report.as_uri(), wait_until="load")
            for section in ("#survival", "#gaps", "#classes"):
                assert page.locator(section).is_visible(), section
            verdicts = page.locator('#survival td[data-stat="verdict"]').all_inner_texts()
            widths = page.evaluate("[...document.querySelectorAll('table.stats')]"
                                   ".map(t => t.getBoundingClientRect().right)")
        finally:
            browser.close()
    assert len(verdicts) == 4 and all("could be chance" in v for v in verdicts)
    assert widths and max(widths) <= 1280  # no table runs off a desktop page
