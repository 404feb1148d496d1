"""The executive summary: a few plain sentences generated from the headline numbers.

Written for a reader who skips the tables: what share the client answered, how that compares
with the best competitor, how fast, and how many posts went unanswered. Every number comes
from the same rows the tables show, formatted by the same filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reports.filters import count, duration, percent

if TYPE_CHECKING:
    from reports.model import BrandRow


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def executive_summary(headline: Sequence[BrandRow], sla_minutes: float,
                      ignore_after_hours: float) -> tuple[str, ...]:
    """Sentences on the all-platform rows: the client's story, or the leader's without one."""
    rated = [r for r in headline if r.response_rate.value is not None]
    client = next((r for r in headline if r.is_client), None)
    competitors = sorted((r for r in rated if not r.is_client),
                         key=lambda r: -(r.response_rate.value or 0.0))
    if client is None:
        return _panel_summary(rated, sla_minutes)
    if client.response_rate.value is None:
        return (f"No customer post addressed to {client.name} could be judged yet"
                f" ({client.pending} too recent to judge).",)
    sentences = [f"{client.name} answered {percent(client.response_rate.value)} of "
                 f"{count(client.judged)} customer posts"]
    if competitors:
        best = competitors[0]
        rank = 1 + sum(1 for r in rated if (r.response_rate.value or 0.0)
                       > (client.response_rate.value or 0.0))
        sentences[0] += (f"; the best competitor, {best.name}, answered "
                         f"{percent(best.response_rate.value)} of {count(best.judged)}.")
        sentences.append(f"That ranks {client.name} {ordinal(rank)} of {len(rated)} brands "
                         "by response rate.")
    else:
        sentences[0] += "."
    sentences.append(_speed(client, sla_minutes))
    if client.ignored:
        sentences.append(f"{count(client.ignored)} customer "
                         f"{'post was' if client.ignored == 1 else 'posts were'} left "
                         f"unanswered for more than {ignore_after_hours:g} hours.")
    if client.pending:
        sentences.append(f"{count(client.pending)} more "
                         f"{'is' if client.pending == 1 else 'are'} too recent to judge and "
                         "not counted.")
    return tuple(sentences)


def _speed(row: BrandRow, sla_minutes: float) -> str:
    text = (f"{percent(row.within_sla.value)} of them were answered within "
            f"{sla_minutes:g} minutes")
    if row.median_response_seconds is not None:
        text += f", and the median answer took {duration(row.median_response_seconds)}"
    return text + "."


def _panel_summary(rated: Sequence[BrandRow], sla_minutes: float) -> tuple[str, ...]:
    if not rated:
        return ("No customer post could be judged yet.",)
    ordered = sorted(rated, key=lambda r: -(r.response_rate.value or 0.0))
    best, worst = ordered[0], ordered[-1]
    sentences = [f"{best.name} answered the largest share of customer posts, "
                 f"{percent(best.response_rate.value)} of {count(best.judged)}."]
    if len(ordered) > 1:
        sentences.append(f"{worst.name} answered the smallest, "
                         f"{percent(worst.response_rate.value)} of {count(worst.judged)}.")
    sentences.append(_speed(best, sla_minutes).replace("them", f"{best.name}'s posts", 1))
    return tuple(sentences)
