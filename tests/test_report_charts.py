"""Charts and the executive summary: the numbers they show, checked by hand, and SVG that is
safe to inline (no script, no fetch, ids unique across charts, brand names as text)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from benchmarks.recorder import RunRecorder
from reports import dataset
from reports.charts import CURVE_SECONDS, RateBar, Series, rate_chart, trend_chart
from reports.context import build_context
from reports.model import BrandRow, MetricCell
from reports.summary import executive_summary, ordinal
from reports.visuals import answered_curve, full_week, share, wilson
from tests.test_report import AS_OF, GENERATED, build_dataset


def row(brand_id: str, name: str, on_time: int, late: int, ignored: int, pending: int = 0,
        client: bool = False, median: float | None = 3600.0) -> BrandRow:
    answered, judged = on_time + late, on_time + late + ignored
    rate = answered / judged if judged else None
    return BrandRow(brand_id=brand_id, name=name, is_client=client, platform="all",
                    has_accounts=True, customer_posts=judged + pending, on_time=on_time,
                    late=late, ignored=ignored, pending=pending, answered=answered,
                    response_rate=MetricCell(rate, None, None),
                    within_sla=MetricCell(on_time / judged if judged else None, None, None),
                    median_response_seconds=median, p90_response_seconds=None, no_data=None,
                    negative_reviews=0, negative_response_rate=None, between_brands=0,
                    question_posts=0, question_response_rate=None,
                    median_question_response_seconds=None, answered_within_1h=answered,
                    answered_1h_to_8h=0, answered_8h_to_24h=0, answered_1d_to_3d=0,
                    answered_after_3d=0, median_business_response_seconds=None,
                    median_human_response_seconds=median, redirected=0, redirect_rate=None,
                    handoffs=0, bot_posts=0)


def test_summary_says_the_numbers_in_plain_words() -> None:
    # 333 of 812 = 41.0 %; Globex 616 of 800 = 77 %; Initech 400 of 800 = 50 %.
    headline = (row("acme", "Acme", 200, 133, 479, pending=12, client=True, median=5400),
                row("globex", "Globex", 500, 116, 184), row("initech", "Initech", 300, 100, 400))
    assert executive_summary(headline, 60, 72) == (
        "Acme answered 41 % of the 812 judged customer posts (333 answered, 479 ignored); the "
        "best-answering competitor, Globex, answered 77 % of 800.",
        "That ranks Acme 3rd of 3 brands with at least 30 judged posts.",
        "25 % of Acme's judged posts were answered within 60 minutes (200), and over the 333 "
        "answered posts the median first response took 1.5 h.",
        "479 customer posts were left unanswered for more than 72 hours.",
        "12 more are too recent to judge and not counted.",
    )


def test_brands_with_too_few_judged_posts_are_named_not_ranked() -> None:
    # Tiny answered 3 of 3 (100 %), more than anyone, but 3 posts say little: never "best".
    headline = (row("acme", "Acme", 20, 20, 40, client=True), row("tiny", "Tiny", 3, 0, 0),
                row("globex", "Globex Airways", 30, 20, 10))
    summary = executive_summary(headline, 60, 72)
    assert summary[0].endswith("the best-answering competitor, Globex Airways, answered "
                               "83 % of 60.")
    assert summary[1] == "That ranks Acme 2nd of 2 brands with at least 30 judged posts."
    assert summary[2] == "Too few judged posts to rank: Tiny."
    assert "Globex Airways'" in executive_summary(headline[1:], 60, 72)[-1]  # no "Airways's"


def test_summary_without_competitors_or_judged_posts_or_client() -> None:
    alone = (row("acme", "Acme", 1, 0, 0, client=True, median=60),)
    assert executive_summary(alone, 30, 48)[:2] == (
        "Acme answered 100 % of the 1 judged customer post (1 answered, 0 ignored).",
        "With fewer than 30 judged posts, Acme is not ranked: the sample is too small.")
    unjudged = (row("acme", "Acme", 0, 0, 0, pending=4, client=True),)
    assert executive_summary(unjudged, 60, 72) == (
        "No customer post addressed to Acme could be judged yet (4 too recent to judge).",)
    panel = (row("globex", "Globex", 5, 3, 2), row("initech", "Initech", 1, 0, 3))
    assert executive_summary(panel, 60, 72) == (
        "No brand has the 30 judged posts needed to rank it: Globex, Initech.",)
    panel = (row("globex", "Globex", 50, 30, 20), row("initech", "Initech", 10, 0, 30))
    assert executive_summary(panel, 60, 72) == (
        "Globex answered the largest share of judged customer posts, 80 % of 100.",
        "Initech answered the smallest, 25 % of 40.",
        "50 % of Globex's judged posts were answered within 60 minutes (50), and over the 80 "
        "answered posts the median first response took 1.0 h.",
    )
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]


def test_answered_curve_counts_answers_within_each_time_over_judged_posts() -> None:
    curve = dict(zip(CURVE_SECONDS, answered_curve([60.0, 3600.0, 86400.0], judged=4),
                     strict=True))
    assert curve[60.0] == 0.25  # answered within a minute: 1 of 4 judged (one was ignored)
    assert curve[CURVE_SECONDS[20]] == 0.25  # 600 s
    assert curve[CURVE_SECONDS[40]] == 0.5  # 6000 s: the one-hour answer is in
    assert curve[CURVE_SECONDS[-1]] == 0.75  # the curve ends at the response rate
    assert set(answered_curve([], judged=0)) == {None}
    assert share(3, 4) == 0.75 and share(0, 0) is None and share(2, 3, minimum=5) is None


def test_chart_svg_is_inert_and_escapes_brand_names() -> None:
    hostile = '<script>alert(1)</script> $x^2$ & "Co"'
    chart = rate_chart([RateBar(hostile, True, 0.5, 0.4, 0.6, 10),
                        RateBar("Globex", False, 0.8, 0.7, 0.9, 20)])
    svg = str(chart.svg)
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; $x^2$ &amp;" in svg
    assert not re.search(r"\son\w+=", svg) and "http://" not in svg.replace(
        "http://www.w3.org", "")
    ids = re.findall(r'id="([^"]+)"', svg)
    assert ids and all(i.startswith("chart-rate-") for i in ids)
    assert str(rate_chart([RateBar("A", True, 0.5, 0.4, 0.6, 10)]).svg) == str(
        rate_chart([RateBar("A", True, 0.5, 0.4, 0.6, 10)]).svg)  # deterministic
    trend = trend_chart(["05 Oct", "12 Oct"], [Series("A", True, (0.5, None))], "chart-x",
                        "T", "C")
    assert 'aria-label="T"' in str(trend.svg)


def test_report_context_has_summary_and_charts_with_unique_ids(tmp_path: Path) -> None:
    con, config = build_dataset(tmp_path / "audit.duckdb")
    context = build_context(con, config, GENERATED, "1")
    con.close()
    # Too few judged posts everywhere: no best competitor, no rank (MIN_JUDGED_TO_RANK).
    assert context.summary[:3] == (
        "Acme Air answered 43 % of the 7 judged customer posts (3 answered, 4 ignored).",
        "With fewer than 30 judged posts, Acme Air is not ranked: the sample is too small.",
        "Too few judged posts to rank: Initech Wings, Globex Airways.")
    assert [c.key for c in context.charts] == ["chart-rate", "chart-buckets", "chart-speed",
                                               "chart-time"]
    ids = [i for c in (*context.charts, *context.trends)
           for i in re.findall(r'id="([^"]+)"', str(c.svg))]
    assert len(ids) == len(set(ids))


def test_the_trend_needs_two_full_weeks_of_posts(tmp_path: Path) -> None:
    con, config = build_dataset(tmp_path / "audit.duckdb")
    # The window (1-9 Oct, settled until 7 Oct) covers only parts of its two weeks.
    partial = build_context(con, config, GENERATED, "1").trends
    con.close()
    assert partial == ()
    start, end = datetime(2026, 9, 21, tzinfo=UTC), datetime(2026, 10, 10, tzinfo=UTC)
    assert [full_week(date(2026, 9, d), start, end) for d in (14, 21, 28)] == [
        False, True, True]
    assert not full_week(date(2026, 10, 5), start, end)  # ends after the settled posts
    low, high = wilson(3, 7)
    assert low < 3 / 7 < high and round(low, 3) == 0.158  # as the table's "43 % (16-75 %)"
    chart = trend_chart(["28 Sep\nn 7", "05 Oct\nn 9"], [Series("A", True, (0.4, 0.5))],
                        "chart-x", "T", "C", band=[(0.2, 0.7), None])
    assert "n 7" in str(chart.svg) and "28 Sep" in str(chart.svg)


def test_weekly_points_count_only_settled_posts(tmp_path: Path) -> None:
    """A quick answer in the newest days is known at once, an unanswered post there is still
    pending: only posts older than the ignore threshold (72 h before 10 Oct) count."""
    con, _ = build_dataset(tmp_path / "audit.duckdb")
    [(run_id,)] = con.execute("select max(run_id) from runs").fetchall()
    posts = [("r-settled", "did:plc:c3", datetime(2026, 10, 5, 10, tzinfo=UTC), "acme-1"),
             ("r-fast", "did:plc:c1", datetime(2026, 10, 9, 10, tzinfo=UTC), "acme-1"),
             ("a-fast", "did:plc:acme", datetime(2026, 10, 9, 10, 5, tzinfo=UTC), "r-fast")]
    RunRecorder(con, run_id).upsert_posts([
        {"platform": "bluesky", "post_id": post_id, "author_id": author, "created_at": created,
         "text": "text", "parent_id": parent,
         "brand_id": "acme" if author == "did:plc:acme" else None,
         "by_brand": author == "did:plc:acme", "like_count": 0, "reply_count": 0,
         "repost_count": 0, "language": "en", "fetched_at": AS_OF}
        for post_id, author, created, parent in posts])
    rows = {(r["brand_id"], str(r["week"])): r for r in dataset.report_rows(con, "weekly_rates")}
    con.close()
    # Week of 5 Oct: r-settled (ignored, final), r-fast (answered, but not yet settled),
    # r-pending: one settled post, unanswered.
    week = rows["acme", "2026-10-05"]
    assert (week["customer_posts"], week["answered"], week["settled"]) == (3, 0, 1)
    # Week of 28 Sep is wholly settled: every judged post counts, as before.
    week = rows["acme", "2026-09-28"]
    assert (week["answered"], week["settled"]) == (3, 7)


def test_pdf_browser_choice_names_the_fix(tmp_path: Path) -> None:
    from reports.pdf import DEFAULT_CHROMIUM, PdfError, chromium_executable

    with pytest.raises(PdfError, match="REPLYAUDIT_CHROMIUM=/nowhere/chromium is not a file"):
        chromium_executable("/nowhere/chromium")
    browser = tmp_path / "chromium"
    browser.touch()
    assert chromium_executable(str(browser)) == str(browser)
    expected = str(DEFAULT_CHROMIUM) if DEFAULT_CHROMIUM.is_file() else None
    assert chromium_executable(None) == expected  # None: Playwright's own browser


def test_a_week_that_fetched_nothing_is_no_trend_point() -> None:
    from reports.benchmark import nothing_fetched

    assert nothing_fetched((row("acme", "Acme", 0, 0, 0, client=True),
                            row("globex", "Globex", 0, 0, 0)))
    assert not nothing_fetched((row("acme", "Acme", 0, 0, 0, pending=2, client=True),))
