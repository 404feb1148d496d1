"""The report in real headless Chromium: nothing fetched, nothing run, hostile text shown as text.

Needs a browser (see tests/browser.py): skipped with a reason locally, a failure in CI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from pypdf import PdfReader

from reports.pdf import print_pdf
from reports.render import render_report
from tests.browser import chromium_path, launch_chromium
from tests.test_report import GENERATED, build_dataset


@pytest.mark.requires_browser
def test_report_in_a_real_browser(tmp_path: Path) -> None:
    con, config = build_dataset(tmp_path / "audit.duckdb")
    report_file = render_report(con, config, tmp_path / "report.html", generated_at=GENERATED)
    con.close()
    requests: list[str] = []
    problems: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            browser_page = browser.new_page(viewport={"width": 1280, "height": 900})
            browser_page.on("request", lambda r: requests.append(r.url))
            browser_page.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
            browser_page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            browser_page.on("pageerror", lambda e: problems.append(str(e)))
            browser_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            browser_page.goto(report_file.as_uri(), wait_until="load")
            text = browser_page.inner_text("body")
            assert browser_page.locator("script, img, iframe").count() == 0
            charts = browser_page.locator("figure.chart svg")
            sizes = [charts.nth(i).bounding_box() for i in range(charts.count())]
            assert len(sizes) >= 4  # rate, speed, weekday/hour, weekly trend
            assert all(box and box["width"] > 300 and box["height"] > 100 for box in sizes)
            assert browser_page.locator("#summary p").first.inner_text().startswith(
                "Acme Air answered 43 % of the 7 judged customer posts")
            browser_page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert '<script>alert("x")</script><img src=x onerror=alert(1)>{{ 7*7 }}' in text
    assert "Acme Air" in text and "Definitions" in text
    assert requests == [report_file.as_uri()]
    assert problems == [] and dialogs == []
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_a_missing_browser_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setenv("REPLYAUDIT_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is not a file"):
        chromium_path()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="in CI a missing browser is a failure"):
        chromium_path()
    (tmp_path / "no-chromium").touch()
    assert chromium_path() == str(tmp_path / "no-chromium")


@pytest.mark.requires_browser
def test_report_prints_to_an_a4_pdf_with_page_numbers(tmp_path: Path) -> None:
    con, config = build_dataset(tmp_path / "audit.duckdb")
    report_file = render_report(con, config, tmp_path / "report.html", generated_at=GENERATED)
    con.close()
    pdf = print_pdf(report_file, tmp_path / "report.pdf", chromium_path())
    pages = PdfReader(pdf).pages
    # Nine pages with today's Chromium (four charts, 50 listed fetch failures); a range, so
    # a font metric change elsewhere does not fail it, while a lost chart or blank pages do.
    assert 7 <= len(pages) <= 11, len(pages)
    for number, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
        assert f"page {number} of {len(pages)}" in page.extract_text()
    texts = [" ".join(page.extract_text().split()) for page in pages]
    # A chart is never cut: its title and its axis label are on the same page.
    for title, axis in (("Response rate per brand with 95 % interval", "answered + ignored"),
                        ("answered by elapsed time", "time since the customer posted"),
                        ("by weekday and hour", "hour of day (UTC)")):
        assert any(title in page and axis in page for page in texts), title
    text = " ".join(texts)
    assert "Acme Air answered 43 % of the 7 judged customer posts" in text
