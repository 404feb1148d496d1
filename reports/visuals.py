"""From the dataset to the audit report's charts: the numbers each chart plots, then the chart.

The SQL is in `reports/sql/{response_times,time_of_week,weekly_rates}.sql`; the shares are
computed here exactly as the metric views define them (answered / judged, judged = answered
+ ignored), so a chart never disagrees with the tables beside it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reports import dataset
from reports.charts import (
    CURVE_SECONDS,
    Chart,
    RateBar,
    Series,
    answer_curve,
    bucket_chart,
    rate_chart,
    time_of_week,
    trend_chart,
)
from reports.filters import possessive

if TYPE_CHECKING:
    import duckdb

    from reports.model import BrandRow


# Hours are grouped in blocks of three: per-hour rates of a few posts each are mostly noise.
HOURS_PER_SLOT = 3
# A week's point on the trend line needs this many judged posts; fewer is shown as a gap.
MIN_JUDGED_PER_POINT = 5
# Line charts tell brands apart by dash and marker: beyond the client and six competitors
# (the busiest, by judged posts) the lines stop being readable. The tables show every brand.
MAX_COMPETITORS_PER_LINE_CHART = 6


def charted(brands: Sequence[BrandRow]) -> list[BrandRow]:
    """The client and the busiest competitors, in the tables' order."""
    competitors = sorted((r for r in brands if not r.is_client), key=lambda r: -r.judged)
    keep = {r.brand_id for r in competitors[:MAX_COMPETITORS_PER_LINE_CHART]}
    return [r for r in brands if r.is_client or r.brand_id in keep]


def _say_who(chart: Chart, shown: int, total: int) -> Chart:
    if shown == total:
        return chart
    return replace(chart, caption=f"{chart.caption} Lines for the client and the {shown - 1} "
                                  f"competitors with the most judged posts, of {total - 1}.")


def share(answered: int, judged: int, minimum: int = 1) -> float | None:
    """answered / judged; None (a gap, never 0) when fewer than `minimum` posts were judged."""
    return answered / judged if judged >= minimum else None


def audit_charts(con: duckdb.DuckDBPyConnection,
                 headline: Sequence[BrandRow]) -> tuple[Chart, ...]:
    """Rate per brand, answered by elapsed time, and the weekday/hour chart."""
    brands = [row for row in headline if row.has_accounts]
    charts = [rate_chart([RateBar(r.name, r.is_client, r.response_rate.value,
                                  r.response_rate.low, r.response_rate.high, r.judged,
                                  "" if r.rankable else "too few to rank")
                          for r in brands])]
    charts.append(bucket_chart([(r.name, r.is_client) for r in brands],
                               [[(text, n) for _, text, n in r.buckets] for r in brands]))
    times: dict[str, list[float]] = defaultdict(list)
    for row in dataset.report_rows(con, "response_times"):
        times[row["brand_id"]].append(float(row["response_seconds"]))
    lines = charted(brands)
    charts.append(_say_who(answer_curve([Series(r.name, r.is_client, answered_curve(
        times[r.brand_id], r.judged)) for r in lines]), len(lines), len(brands)))
    cells = dataset.report_rows(con, "time_of_week")
    by_day = _grouped(cells, "weekday", 7)
    by_hours = _grouped([{**c, "hours": int(c["hour"]) // HOURS_PER_SLOT} for c in cells],
                        "hours", 24 // HOURS_PER_SLOT)
    charts.append(_say_who(time_of_week(
        [sum(c[0] for c in by_day[i].values()) for i in range(7)],
        [Series(r.name, r.is_client, tuple(share(*by_day[i].get(r.brand_id, (0, 0, 0))[1:])
                                           for i in range(7))) for r in lines],
        [sum(c[0] for c in slot.values()) for slot in by_hours],
        [Series(r.name, r.is_client, tuple(share(*slot.get(r.brand_id, (0, 0, 0))[1:])
                                           for slot in by_hours)) for r in lines],
    ), len(lines), len(brands)))
    return tuple(charts)


def posting_week_trend(con: duckdb.DuckDBPyConnection, headline: Sequence[BrandRow],
                       window_start: datetime, window_end: datetime | None,
                       as_of: datetime, ignore_after_seconds: float = 0.0,
                       ) -> tuple[Chart, ...]:
    """Response rate by week of posting, one line per brand; nothing for fewer than 2 weeks.

    Weeks the window or the settled posts cover only in part (the first and the last) are
    left out: a partial week's rate is not comparable with a full one's. Each week's label
    carries the client's settled posts (n) and its 95 % interval is a band.
    """
    found = dataset.report_rows(con, "weekly_rates")
    settled_before = _utc(as_of) - timedelta(seconds=ignore_after_seconds)
    ends = [settled_before] + ([_utc(window_end)] if window_end is not None else [])
    weeks_all = sorted({row["week"] for row in found})
    weeks = [w for w in weeks_all if full_week(w, _utc(window_start), min(ends))]
    if len(weeks) < 2:
        return ()
    dropped = len(weeks_all) - len(weeks)
    cells = {(row["brand_id"], row["week"]): row for row in found}
    brands = [r for r in headline if r.has_accounts]
    lines = charted(brands)
    client = next((r for r in brands if r.is_client), None)
    series = []
    for brand in lines:
        values = []
        for week in weeks:
            cell = cells.get((brand.brand_id, week))
            values.append(share(cell["answered"], cell["settled"], MIN_JUDGED_PER_POINT)
                          if cell else None)
        series.append(Series(brand.name, brand.is_client, tuple(values)))
    labels, band = [], []
    for week in weeks:
        cell = cells.get((client.brand_id, week)) if client else None
        n = int(cell["settled"]) if cell else 0
        labels.append(f"{week.strftime('%d %b')}\nn {n:,}" if client else week.strftime("%d %b"))
        band.append(wilson(int(cell["answered"]), n)
                    if cell and n >= MIN_JUDGED_PER_POINT else None)
    caption = ("Each point is the share of that week's customer posts (weeks start on Monday, "
               "UTC) that the brand answered, counting only posts older than the ignore "
               "threshold, whose outcome is final; weeks with fewer than "
               f"{MIN_JUDGED_PER_POINT} such posts are gaps.")
    if client:
        caption += (f" Under each week, n is {possessive(client.name)} settled posts; the "
                    "shaded band is its 95 % interval.")
    if dropped:
        caption += (f" {dropped} partial {'week is' if dropped == 1 else 'weeks are'} left "
                    "out (the window or the settled posts cover only part of it).")
    return (_say_who(trend_chart(labels, series, "chart-weeks",
                                 "Response rate by week of posting", caption,
                                 band=band if client else None),
                     len(lines), len(brands)),)


def full_week(monday: date, start: datetime, end: datetime) -> bool:
    """True when the week starting `monday` (UTC) lies wholly in [start, end)."""
    first = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    return first >= start and first + timedelta(days=7) <= end


def wilson(answered: int, judged: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score 95 % interval of answered / judged (judged > 0), as the SQL's."""
    p = answered / judged
    centre = (p + z * z / (2 * judged)) / (1 + z * z / judged)
    half = z * math.sqrt(p * (1 - p) / judged + z * z / (4 * judged * judged)) / (
        1 + z * z / judged)
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def _utc(moment: Any) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def answered_curve(response_seconds: Sequence[float], judged: int) -> tuple[float | None, ...]:
    """At each CURVE_SECONDS, the share of judged posts answered within that time."""
    if not judged:
        return tuple(None for _ in CURVE_SECONDS)
    ordered = sorted(response_seconds)
    return tuple(bisect_right(ordered, t) / judged for t in CURVE_SECONDS)


def _grouped(cells: list[dict[str, object]], key: str,
             size: int) -> list[dict[str, tuple[int, int, int]]]:
    """Per slot (weekday or hour): brand -> (customer posts, answered, judged)."""
    slots: list[dict[str, tuple[int, int, int]]] = [{} for _ in range(size)]
    for cell in cells:
        slot = slots[int(cell[key])]  # type: ignore[call-overload]
        brand = str(cell["brand_id"])
        before = slot.get(brand, (0, 0, 0))
        slot[brand] = (before[0] + int(cell["customer_posts"]),  # type: ignore[call-overload]
                       before[1] + int(cell["answered"]),  # type: ignore[call-overload]
                       before[2] + int(cell["judged"]))  # type: ignore[call-overload]
    return slots
