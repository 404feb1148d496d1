"""The demo report as a client receives it: one source for every number, any screen, print.

`replyaudit demo` crawls the simulator's demo world (ordinary customers, no hostile persona)
and renders the report once for the module. The summary's numbers are read back from the
HTML and compared with the key figures and the comparison table; then the same file is
opened in real Chromium at phone and desktop widths and printed to PDF.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from reports.model import MIN_JUDGED_TO_RANK
from tests.conftest import cli
from tests.test_report import Page

PHONE, DESKTOP = 390, 1400
MIN_TEXT_COLUMN_PX = 150
MIN_CHART_TEXT_PX = 9


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = cli("demo", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr  # nothing leaks from matplotlib
    return out / "report.html"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def figures(html: str) -> dict[str, str]:
    """The key figures' numbers by data-figure (the first of each)."""
    found: dict[str, str] = {}
    for name, inner in re.findall(r'data-figure="([a-z_]+)"[^>]*>(.*?)</(?:p|span)>', html,
                                  re.S):
        found.setdefault(name, text_of(inner))
    return found


def summary(html: str) -> list[str]:
    section = re.search(r'<section id="summary".*?</section>', html, re.S)
    assert section is not None
    return [text_of(p) for p in re.findall(r"<p>(.*?)</p>", section[0], re.S)]


def leading(cell: str) -> str:
    """"59 % (56–62 %)" -> "59 %"."""
    return cell.split(" (")[0]


def test_every_number_in_the_summary_is_the_key_figures_and_the_tables(demo: Path) -> None:
    html = demo.read_text(encoding="utf-8")
    page, key, sentences = Page(html), figures(html), summary(html)
    names = {unescape(m[1]): m[0] for m in re.findall(
        r'<tr[^>]*data-brand="([^"]+)" data-platform="all">\s*<th scope="row" class="brand">'
        r"([^<]+?)\s*<", html)}
    checked: list[str] = []

    def same(quoted: str, *shown: str) -> None:
        assert all(quoted == s for s in shown), (quoted, shown)
        checked.append(quoted)

    first = re.fullmatch(
        r"(?P<name>.+?) answered (?P<rate>[\d.]+ %) of the (?P<judged>[\d,]+) judged customer "
        r"posts? \((?P<answered>[\d,]+) answered, (?P<ignored>[\d,]+) ignored\)"
        r"(?:; the best-answering competitor, (?P<best>.+?), answered (?P<brate>[\d.]+ %) of "
        r"(?P<bjudged>[\d,]+))?\.", sentences[0])
    assert first is not None, sentences[0]
    client = names[first["name"]]
    cell = {m: page.cells[client, "all", m] for b, p, m in page.cells
            if (b, p) == (client, "all")}
    same(first["rate"], key["response_rate"], leading(cell["response_rate"]))
    same(first["judged"], key["judged"], cell["judged"])
    same(first["answered"], key["answered"], cell["answered"])
    same(first["ignored"], key["ignored"], cell["ignored"])
    if first["best"]:
        best = names[first["best"]]
        same(first["brate"], leading(page.cells[best, "all", "response_rate"]))
        same(first["bjudged"], page.cells[best, "all", "judged"])
        assert int(first["bjudged"].replace(",", "")) >= MIN_JUDGED_TO_RANK
    rank = re.fullmatch(rf"That ranks {re.escape(first['name'])} (\d+)(?:st|nd|rd|th) of (\d+) "
                        rf"brands with at least {MIN_JUDGED_TO_RANK} judged posts\.", sentences[1])
    assert rank is not None, sentences[1]
    same(rank[1], key["rank"])
    rankable = [b for b in page.rows("all")
                if int(page.cells[b, "all", "judged"].replace(",", "")) >= MIN_JUDGED_TO_RANK]
    same(rank[2], str(len(rankable)))
    speed = next(s for s in sentences if "were answered within" in s)
    found = re.fullmatch(
        r"(?P<sla>[\d.]+ %) of .+? judged posts were answered within \d+ minutes "
        r"\((?P<on_time>[\d,]+)\), and over the (?P<answered>[\d,]+) answered posts the median "
        r"first response took (?P<median>[\d.]+ \w+)\.", speed)
    assert found is not None, speed
    same(found["sla"], key["within_sla_rate"], cell["within_sla_rate"])
    same(found["on_time"], key["on_time"])
    same(found["answered"], key["answered"], cell["answered"])
    same(found["median"], key["median_response_seconds"], cell["median_response_seconds"])
    ignored = next(s for s in sentences if "left unanswered" in s)
    same(ignored.split(" ")[0], key["ignored"], cell["ignored"])
    pending = next(s for s in sentences if "too recent to judge" in s)
    same(pending.split(" ")[0], key["pending"], cell["pending"])
    # Nothing else in the summary is a number, apart from thresholds and the rank's ordinal.
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?(?: %| min\b| h\b| d\b| s\b)?",
                         " ".join(sentences))
    thresholds = {"60", "72", str(MIN_JUDGED_TO_RANK), rank[1]}
    assert [n for n in numbers if n not in checked and n not in thresholds] == []


def test_the_demo_shows_ordinary_customers(demo: Path) -> None:
    html = demo.read_text(encoding="utf-8")
    ignored = re.search(r'<section id="ignored".*?</section>', html, re.S)
    assert ignored is not None
    shown = text_of(ignored[0])
    assert "<script" not in shown and "onerror" not in shown and "Mallory" not in shown
    assert "{{" not in shown and "${jndi" not in shown
    authors = re.findall(r'<span class="name">([^<]+)</span>', ignored[0])
    assert len(authors) == 20 and not any(a.startswith("Traveller") for a in authors)
    assert max(authors.count(a) for a in authors) <= 3  # not one persona over and over


@pytest.mark.requires_browser
def test_phone_and_desktop_read_well_in_a_real_browser(demo: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    measure = """() => {
      const root = document.documentElement;
      const texts = [...document.querySelectorAll('figure.chart svg text')].map(t => {
        const m = t.getScreenCTM();
        return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      });
      const posts = [...document.querySelectorAll('#ignored td.text')]
        .map(td => td.getBoundingClientRect().width);
      return {overflow: root.scrollWidth - root.clientWidth, texts, posts};
    }"""
    found = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for width in (PHONE, DESKTOP):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(demo.as_uri(), wait_until="load")
                found[width] = page.evaluate(measure)
                page.screenshot(path=str(demo.parent / f"report-{width}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
    for width, got in found.items():
        assert got["overflow"] <= 0, (width, got["overflow"])  # no sideways page scroll
        assert got["texts"] and min(got["texts"]) >= MIN_CHART_TEXT_PX, (width, min(got["texts"]))
        assert got["posts"] and min(got["posts"]) >= MIN_TEXT_COLUMN_PX, (width, got["posts"])


@pytest.mark.requires_browser
def test_no_page_of_the_pdf_ends_with_a_heading(demo: Path) -> None:
    from pypdf import PdfReader

    from reports.pdf import print_pdf
    from tests.browser import chromium_path

    html = demo.read_text(encoding="utf-8")
    headings = [text_of(h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)]
    pdf = print_pdf(demo, demo.parent / "report.pdf", chromium_path())
    pages = PdfReader(pdf).pages
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
        body = " ".join(line for line in lines if line and not re.search(
            r"page \d+ of \d+", line))
        # (the footer's last words are its link "· Definitions", not the heading)
        stranded = [h for h in headings if body.endswith(h) and not body.endswith("· " + h)]
        assert not stranded, (number, stranded)
