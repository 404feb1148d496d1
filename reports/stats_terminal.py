"""The statistics as tables on the terminal (rich), for `replyaudit stats`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from reports.filters import duration, percent
from reports.stats_filters import duration_interval, p_value, share_interval

if TYPE_CHECKING:
    from benchmarks.significance import Comparison
    from benchmarks.survival import SurvivalRow


def print_stats(survival: list[SurvivalRow], comparisons: list[Comparison],
                shares: list[dict[str, Any]], names: dict[str, str], client: str | None,
                console: Console | None = None) -> None:
    """Kaplan-Meier per brand and platform, the client's tests, and ignored share by class."""
    out = console or Console(width=160)
    if survival:
        _print_survival(out, survival, names, client)
    if comparisons:
        _print_comparisons(out, comparisons, names, client)
    if shares:
        _print_shares(out, shares, names, client)


def _print_survival(out: Console, survival: list[SurvivalRow], names: dict[str, str],
                    client: str | None) -> None:
    table = Table(title="Time to first response, Kaplan-Meier (pending and ignored censored)",
                  title_justify="left")
    for header in ("Brand", "Platform", "Posts", "Answered", "Censored", "KM median (95 % CI)",
                   "Within SLA (95 % CI)", "Within 24 h (95 % CI)",
                   "Median of answered (95 % CI)"):
        table.add_column(header, justify="left" if header in ("Brand", "Platform") else "right")
    for row in survival:
        table.add_row(names.get(row.brand_id, row.brand_id), row.platform, str(row.posts),
                      str(row.answered), str(row.censored),
                      duration_interval(row.km_median_seconds, row.median_not_reached),
                      share_interval(row.within_sla), share_interval(row.within_24h),
                      duration_interval(row.median_response_seconds),
                      style="bold" if row.brand_id == client else None)
    out.print(table)


def _print_comparisons(out: Console, comparisons: list[Comparison], names: dict[str, str],
                       client: str | None) -> None:
    table = Table(title=f"{names.get(client or '', client)} against each competitor "
                        "(Holm-corrected across all rows)", title_justify="left")
    for header in ("Competitor", "Measure", "Test", "Client", "Competitor value", "p",
                   "Holm p", "Significant"):
        table.add_column(header)
    for c in comparisons:
        table.add_row(names.get(c.competitor_id, c.competitor_id), c.measure, c.test,
                      _value(c.measure, c.client_value), _value(c.measure, c.competitor_value),
                      p_value(c.p_value), p_value(c.p_adjusted),
                      "yes" if c.significant else (c.untestable or "no"))
    out.print(table)


def _print_shares(out: Console, shares: list[dict[str, Any]], names: dict[str, str],
                  client: str | None) -> None:
    table = Table(title="Which kind of post gets ignored (judged posts, all platforms)",
                  title_justify="left")
    for header in ("Brand", "Class", "Judged", "Ignored", "Ignored share"):
        table.add_column(header, justify="left" if header in ("Brand", "Class") else "right")
    for share in shares:
        table.add_row(names.get(share["brand_id"], share["brand_id"]), share["class"],
                      str(share["judged"]), str(share["ignored"]),
                      percent(share["ignored_share"]),
                      style="bold" if share["brand_id"] == client else None)
    out.print(table)


def _value(measure: str, value: float | None) -> str:
    """A compared value: a rate, or a KM median where None means it was never reached."""
    if measure == "response_rate":
        return percent(value)
    return duration(value) if value is not None else "not reached"
