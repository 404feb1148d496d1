"""Formatting for the statistics: estimates with intervals and p-values.

Shared by the HTML report (as Jinja filters) and `replyaudit stats`, like reports/filters.py,
whose conventions they follow: a missing value is an em dash, never 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reports.filters import MISSING, duration, percent, percent_range, possessive

if TYPE_CHECKING:
    from benchmarks.survival import Estimate
    from reports.stats_context import Gap

NOT_REACHED = "not reached"


def duration_interval(estimate: Estimate, not_reached: bool = False) -> str:
    """A time with its interval, "2.4 h (1.4–3.9 h)" or "1.2 d (11.5 h–not reached)".

    `not_reached` says a missing value means the curve never fell to one half, rather than
    that there is no data; a missing upper end always means that.
    """
    if estimate.value is None:
        return NOT_REACHED if not_reached else MISSING
    if estimate.low is None and estimate.high is None:
        return duration(estimate.value)
    high = duration(estimate.high) if estimate.high is not None else NOT_REACHED
    return f"{duration(estimate.value)} ({duration(estimate.low)}–{high})"


def share_interval(estimate: Estimate) -> str:
    """A probability with its interval, "22 % (18–28 %)"; without one when it is undefined."""
    if estimate.value is None:
        return MISSING
    if estimate.low is None or estimate.high is None:
        return percent(estimate.value)
    return f"{percent(estimate.value)} ({percent_range(estimate.low, estimate.high)})"


def p_value(value: float | None) -> str:
    """A p-value to three decimals, "< 0.001" below that; an em dash when there is no test."""
    if value is None:
        return MISSING
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def direction(gap: Gap, client: str) -> str:
    """Who is better on `gap` and by how much, in words: "Globex answers 25 points more
    often", "Acme Air's customers wait 2.1 h less (median)"; "" when it cannot be said."""
    mine, theirs = gap.client_value, gap.competitor_value
    if gap.measure == "response_rate":
        if mine is None or theirs is None:
            return ""
        points = round(abs(mine - theirs) * 100)
        if points == 0:
            return "Both answer about as often"
        leader = client if mine > theirs else gap.competitor_name
        return f"{leader} answers {points} {'point' if points == 1 else 'points'} more often"
    if mine is None and theirs is None:
        return "Neither answers half of its customers"
    if mine is None or theirs is None:
        leader, other = (gap.competitor_name, client) if mine is None else (client,
                                                                            gap.competitor_name)
        return (f"{possessive(leader)} customers wait less: {other} answers fewer than half "
                "(median not reached)")
    leader = client if mine < theirs else gap.competitor_name
    if duration(mine) == duration(theirs):
        return "Both make customers wait about as long (median)"
    return f"{possessive(leader)} customers wait {duration(abs(mine - theirs))} less (median)"


def verdict(gap: Gap) -> str:
    """Whether the gap is real, with its corrected p: "the gap is real, corrected p < 0.001"."""
    if gap.untestable:
        return f"no test: {gap.untestable}"
    p = p_value(gap.p_adjusted)
    shown = p if p.startswith("<") else f"= {p}"
    if gap.significant:
        return f"the gap is real, corrected p {shown}"
    return f"could be chance, corrected p {shown}"


STATS_FILTERS: dict[str, Callable[..., Any]] = {
    "direction": direction,
    "verdict": verdict,
    "duration_interval": duration_interval,
    "share_interval": share_interval,
    "p_value": p_value,
}
