"""The weekly benchmark report: this week's ranking, movement since the previous week, trends.

Everything comes from `brand_metrics_history` (benchmarks.history.weekly): the numbers as
each week's run reported them, so last week's figures here are the ones published last week.
The HTML shares the audit report's shell, styles and partials (`_summary.html`,
`_trends.html`); `benchmark.html` adds the ranking table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import history
from reports.charts import Chart, Series, trend_chart
from reports.context import BrandRow, _brand_row, _ranked
from reports.documented import documented
from reports.summary import executive_summary

if TYPE_CHECKING:
    import duckdb

    from benchmarks.config import AuditConfig


@dataclass(frozen=True)
class RankedBrand:
    """A brand's line in this week's ranking, with where it stood the week before."""

    row: BrandRow = documented("this week's all-platform metrics")
    rank: int | None = documented("1 + brands with a strictly higher rate; None if unrated")
    previous_rank: int | None = documented("the same, the previous recorded week")
    previous_rate: float | None = documented("response rate the previous recorded week")

    @property
    def rate_change(self) -> float | None:
        """Change of the response rate since the previous week, as a share (0.05 = 5 points)."""
        rate = self.row.response_rate.value
        if rate is None or self.previous_rate is None:
            return None
        return rate - self.previous_rate

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) since the previous week."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(frozen=True)
class BenchmarkContext:
    """Everything benchmark.html renders."""

    title: str = documented("the panel's name")
    client_name: str | None = documented("the client's name, if the panel has one")
    generated_at: datetime = documented("when the report was rendered (UTC)")
    version: str = documented("replyaudit version that rendered it")
    week: date = documented("Monday of the latest recorded week")
    previous_week: date | None = documented("Monday of the week before it that has a run")
    weeks: int = documented("weeks recorded in the history")
    as_of: datetime = documented("when this week's statuses were judged")
    sla_minutes: float = documented("an answer later than this is late")
    ranking: tuple[RankedBrand, ...] = documented("this week, client first, then by rate")
    summary: tuple[str, ...] = documented("the week in plain words")
    trends: tuple[Chart, ...] = documented("response rate and within-SLA share per week")


def _rank(rows: tuple[BrandRow, ...], brand_id: str) -> int | None:
    mine = next((r.response_rate.value for r in rows if r.brand_id == brand_id), None)
    if mine is None:
        return None
    return 1 + sum(1 for r in rows if (r.response_rate.value or -1.0) > mine)


def build_benchmark_context(con: duckdb.DuckDBPyConnection, config: AuditConfig,
                            generated_at: datetime, version: str) -> BenchmarkContext:
    """Read the history into a BenchmarkContext; raises NoCrawlYet before the first run."""
    found = history.weekly(con)
    weeks = sorted({r["week"] for r in found})
    by_week: dict[date, tuple[BrandRow, ...]] = {}
    for week in weeks:
        metrics = {(r["brand_id"], "all"): r for r in found if r["week"] == week}
        by_week[week] = _ranked([_brand_row(b, "all", metrics, config.client)
                                 for b in config.brands if (b.id, "all") in metrics])
    this, before = weeks[-1], (weeks[-2] if len(weeks) > 1 else None)
    latest = next(r for r in found if r["week"] == this)
    ranking = tuple(RankedBrand(
        row=row, rank=_rank(by_week[this], row.brand_id),
        previous_rank=_rank(by_week[before], row.brand_id) if before else None,
        previous_rate=next((r.response_rate.value for r in by_week[before]
                            if r.brand_id == row.brand_id), None) if before else None,
    ) for row in by_week[this])
    client = next((r.row for r in ranking if r.row.is_client), None)
    return BenchmarkContext(
        title=config.name, client_name=client.name if client else None,
        generated_at=generated_at, version=version, week=this, previous_week=before,
        weeks=len(weeks), as_of=latest["as_of"], sla_minutes=latest["sla_seconds"] / 60,
        ranking=ranking,
        summary=executive_summary(by_week[this], latest["sla_seconds"] / 60,
                                  latest["ignore_after_seconds"] / 3600),
        trends=_trends(config, weeks, by_week),
    )


def _trends(config: AuditConfig, weeks: list[date],
            by_week: dict[date, tuple[BrandRow, ...]]) -> tuple[Chart, ...]:
    labels = [w.strftime("%d %b") for w in weeks]

    def series(metric: str) -> list[Series]:
        out = []
        for brand in config.brands:
            values: list[float | None] = []
            for week in weeks:
                row = next((r for r in by_week[week] if r.brand_id == brand.id), None)
                values.append(getattr(row, metric).value if row else None)
            out.append(Series(brand.name, brand.id == config.client, tuple(values)))
        return sorted(out, key=lambda s: not s.is_client)

    return (
        trend_chart(labels, series("response_rate"), "chart-trend-rate",
                    "Response rate, week by week",
                    "Each point is the response rate as that week's run reported it (weeks "
                    "start on Monday, UTC); later answers never move a published point."),
        trend_chart(labels, series("within_sla"), "chart-trend-sla",
                    "Answered within the service level, week by week",
                    "The share of judged customer posts answered within the SLA, as reported "
                    "each week.", measure="within SLA"),
    )


def render_benchmark(con: duckdb.DuckDBPyConnection, config: AuditConfig, out_path: str | Path,
                     version: str, generated_at: datetime | None = None) -> Path:
    """Write the benchmark report (UTF-8) and return its path."""
    from reports.render import environment

    context = build_benchmark_context(con, config, generated_at or datetime.now(UTC), version)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    html = environment().get_template("benchmark.html").render(report=context)
    out.write_text(html, encoding="utf-8")
    return out

