"""The weekly benchmark report: this week's ranking, movement since the previous week, trends.

Everything comes from `brand_metrics_history` (benchmarks.history.weekly): the numbers as
each week's run reported them, so last week's figures here are the ones published last week.
The HTML shares the audit report's shell, styles and partials (`_summary.html`,
`_trends.html`); `benchmark.html` adds the ranking table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import files, history
from benchmarks.errors import NoCrawlYet
from reports import dataset
from reports.charts import Series, trend_chart
from reports.context import brand_row, coverage_note, label, rank, ranked
from reports.model import (
    FAILURES_SHOWN,
    MIN_JUDGED_TO_RANK,
    BenchmarkContext,
    FetchFailure,
    PlatformBreakdown,
    RankedBrand,
    RunInfo,
)
from reports.render import environment
from reports.summary import executive_summary

if TYPE_CHECKING:
    from datetime import date

    import duckdb

    from benchmarks.config import AuditConfig
    from reports.charts import Chart
    from reports.model import BrandRow


def build_benchmark_context(con: duckdb.DuckDBPyConnection, config: AuditConfig,
                            generated_at: datetime, version: str) -> BenchmarkContext:
    """Read the history into a BenchmarkContext; raises NoCrawlYet before the first run."""
    found = history.weekly(con)
    weeks = sorted({r["week"] for r in found})
    by_week: dict[date, tuple[BrandRow, ...]] = {}
    for week in weeks:
        metrics = {(r["brand_id"], "all"): r for r in found if r["week"] == week}
        by_week[week] = ranked([brand_row(b, "all", metrics, config.client)
                                for b in config.brands if (b.id, "all") in metrics])
    this, before = weeks[-1], (weeks[-2] if len(weeks) > 1 else None)
    latest = next(r for r in found if r["week"] == this)
    previous = by_week[before] if before else ()
    ranking = tuple(RankedBrand(
        row=row, rank=rank(row, by_week[this]),
        previous_rank=rank(_find(previous, row.brand_id), previous),
        previous_rate=_rate(_find(previous, row.brand_id)),
    ) for row in by_week[this])
    client = next((r.row for r in ranking if r.row.is_client), None)
    run = dataset.judging_run(con)
    failures, failures_total = dataset.fetch_failures(con, run["run_id"], FAILURES_SHOWN)
    platforms = config.platforms_in_use()
    skipped = tuple(w for w in weeks if nothing_fetched(by_week[w]))
    return BenchmarkContext(
        title=config.name, client_name=client.name if client else None,
        generated_at=generated_at, version=version, week=this, previous_week=before,
        weeks=len(weeks), as_of=latest["as_of"], sla_minutes=latest["sla_seconds"] / 60,
        ranking=ranking,
        summary=executive_summary(by_week[this], latest["sla_seconds"] / 60,
                                  latest["ignore_after_seconds"] / 3600),
        trends=_trends(config, [w for w in weeks if w not in skipped], by_week, skipped),
        platforms=tuple(PlatformBreakdown(p, label(p), _platform_rows(con, config, p, this))
                        for p in platforms),
        coverage=tuple(coverage_note(p, run["stats"].get(p)) for p in platforms),
        judging_run=next(RunInfo(**r) for r in dataset.runs(con) if r["run_id"] == run["run_id"]),
        failures=tuple(FetchFailure(**r) for r in failures),
        failures_total=failures_total,
        skipped_weeks=skipped,
        min_judged_to_rank=MIN_JUDGED_TO_RANK,
        partial_weeks=tuple(sorted({r["week"] for r in found if r["run_status"] == "partial"})),
    )


def nothing_fetched(rows: tuple[BrandRow, ...]) -> bool:
    """True for a week whose run found no customer post for any brand: it could fetch
    nothing, so its 'no data' is not a measurement and the week is no point on a trend."""
    return not any(row.customer_posts for row in rows)


def _platform_rows(con: duckdb.DuckDBPyConnection, config: AuditConfig, platform: str,
                   week: date) -> tuple[BrandRow, ...]:
    """This week's row per brand on `platform`, as the week's run recorded it."""
    try:
        found = history.weekly(con, platform)
    except NoCrawlYet:
        found = []
    metrics = {(r["brand_id"], platform): r for r in found if r["week"] == week}
    return ranked([brand_row(b, platform, metrics, config.client) for b in config.brands])


def _find(rows: tuple[BrandRow, ...], brand_id: str) -> BrandRow | None:
    return next((r for r in rows if r.brand_id == brand_id), None)


def _rate(row: BrandRow | None) -> float | None:
    return row.response_rate.value if row else None


def _trends(config: AuditConfig, weeks: list[date], by_week: dict[date, tuple[BrandRow, ...]],
            skipped: tuple[date, ...]) -> tuple[Chart, ...]:
    client = [next((r for r in by_week[w] if r.is_client), None) for w in weeks]
    labels = [w.strftime("%d %b") + (f"\nn {row.judged:,}" if row else "")
              for w, row in zip(weeks, client, strict=True)]
    band = [(row.response_rate.low, row.response_rate.high)
            if row and row.response_rate.low is not None and row.response_rate.high is not None
            else None for row in client]
    n_note = (" Under each week, n is the client's judged posts; the shaded band is its 95 % "
              "interval." if any(client) else "")
    if skipped:
        n_note += (" No point for the week of " + ", ".join(w.strftime("%d %b") for w in skipped)
                   + ": its run could fetch nothing.")

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
                    "start on Monday, UTC); later answers never move a published point." + n_note,
                    band=band if any(client) else None),
        trend_chart(labels, series("within_sla"), "chart-trend-sla",
                    "Answered within the service level, week by week",
                    "The share of judged customer posts answered within the SLA, as reported "
                    "each week." + n_note, measure="within SLA"),
    )


def render_benchmark(con: duckdb.DuckDBPyConnection, config: AuditConfig, out_path: str | Path,
                     version: str, generated_at: datetime | None = None) -> Path:
    """Write the benchmark report (UTF-8) and return its path."""
    context = build_benchmark_context(con, config, generated_at or datetime.now(UTC), version)
    out = Path(out_path)
    html = environment().get_template("benchmark.html").render(report=context)
    files.write_text(out, html)  # the old report survives any failure
    return out

