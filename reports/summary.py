"""The executive summary: a few plain sentences generated from the headline numbers.

Written for a reader who skips the tables: what share the client answered, how that compares
with the best competitor, how fast, and how many posts went unanswered. Every number comes
from the same rows the tables and key figures show, formatted by the same filters, and says
what it is over (judged posts, answered posts, all customer posts); a test checks that the
summary, the key figures and the table agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reports.filters import count, duration, percent, plural, possessive
from reports.model import MIN_JUDGED_TO_RANK

if TYPE_CHECKING:
    from reports.model import BrandRow


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def executive_summary(headline: Sequence[BrandRow], sla_minutes: float,
                      ignore_after_hours: float) -> tuple[str, ...]:
    """Sentences on the all-platform rows: the client's story, or the leader's without one.

    Only brands with at least MIN_JUDGED_TO_RANK judged posts are ranked or called the best
    competitor; the others are named as too few to rank.
    """
    rankable = [r for r in headline if r.rankable]
    too_few = [r for r in headline if r.response_rate.value is not None and not r.rankable]
    client = next((r for r in headline if r.is_client), None)
    competitors = sorted((r for r in rankable if not r.is_client),
                         key=lambda r: -(r.response_rate.value or 0.0))
    if client is None:
        return _panel_summary(rankable, too_few, sla_minutes)
    if client.response_rate.value is None:
        return (f"No customer post addressed to {client.name} could be judged yet"
                f" ({client.pending} too recent to judge).",)
    sentences = [f"{client.name} answered {percent(client.response_rate.value)} of the "
                 f"{plural(client.judged, 'judged customer post')} ({count(client.answered)} "
                 f"answered, {count(client.ignored)} ignored)"]
    if competitors:
        best = competitors[0]
        sentences[0] += (f"; the best-answering competitor, {best.name}, answered "
                         f"{percent(best.response_rate.value)} of {count(best.judged)}.")
    else:
        sentences[0] += "."
    if client.rankable:
        position = 1 + sum(1 for r in rankable if (r.response_rate.value or 0.0)
                           > (client.response_rate.value or 0.0))
        sentences.append(f"That ranks {client.name} {ordinal(position)} of "
                         f"{plural(len(rankable), 'brand')} with at least "
                         f"{MIN_JUDGED_TO_RANK} judged posts.")
    else:
        sentences.append(f"With fewer than {MIN_JUDGED_TO_RANK} judged posts, {client.name} "
                         "is not ranked: the sample is too small.")
    others = [r.name for r in too_few if not r.is_client]
    if others:
        sentences.append(f"Too few judged posts to rank: {', '.join(others)}.")
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
    text = (f"{percent(row.within_sla.value)} of {possessive(row.name)} judged posts were "
            f"answered within {sla_minutes:g} minutes ({count(row.on_time)})")
    if row.median_response_seconds is not None:
        text += (f", and over the {plural(row.answered, 'answered post')} the median first "
                 f"response took {duration(row.median_response_seconds)}")
    return text + "."


def _panel_summary(rankable: Sequence[BrandRow], too_few: Sequence[BrandRow],
                   sla_minutes: float) -> tuple[str, ...]:
    if not rankable:
        if too_few:
            return (f"No brand has the {MIN_JUDGED_TO_RANK} judged posts needed to rank it: "
                    f"{', '.join(r.name for r in too_few)}.",)
        return ("No customer post could be judged yet.",)
    ordered = sorted(rankable, key=lambda r: -(r.response_rate.value or 0.0))
    best, worst = ordered[0], ordered[-1]
    sentences = [f"{best.name} answered the largest share of judged customer posts, "
                 f"{percent(best.response_rate.value)} of {count(best.judged)}."]
    if len(ordered) > 1:
        sentences.append(f"{worst.name} answered the smallest, "
                         f"{percent(worst.response_rate.value)} of {count(worst.judged)}.")
    if too_few:
        sentences.append(f"Too few judged posts to rank (fewer than {MIN_JUDGED_TO_RANK}): "
                         f"{', '.join(r.name for r in too_few)}.")
    sentences.append(_speed(best, sla_minutes))
    return tuple(sentences)
