"""Formatting for people: shares, durations, intervals and UTC times.

Shared by the HTML report (as Jinja filters) and the terminal table, so a number reads the
same everywhere. Missing values render as an em dash, never as 0, because "not measured" and
"zero" mean very different things to a client.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from reports.untrusted import reveal_bidi

MISSING = "—"


def percent(value: float | None) -> str:
    """A share in [0, 1] as "41 %".

    Whole percents, since sample intervals are several points wide; but a share that is
    neither 0 nor 1 never rounds to "0 %" or "100 %" (it gets one decimal instead).
    """
    if value is None:
        return MISSING
    shown = f"{value * 100:.0f}"
    if (shown == "0" and value > 0) or (shown == "100" and value < 1):
        shown = f"{value * 100:.1f}"
        if shown == "100.0":
            shown = "99.9"
    return f"{shown} %"


def interval(value: float | None, low: float | None, high: float | None) -> str:
    """A share with its interval, "41 % (35–47 %)"; just the share when bounds are unknown."""
    if value is None:
        return MISSING
    if low is None or high is None:
        return percent(value)
    return f"{percent(value)} ({percent_range(low, high)})"


def percent_range(low: float | None, high: float | None) -> str:
    """Two shares as one range, "35–47 %"."""
    if low is None or high is None:
        return MISSING
    return f"{percent(low).removesuffix(' %')}–{percent(high)}"


def duration(seconds: float | None) -> str:
    """Seconds in the unit a reader thinks in: "45 s", "42 min", "3.5 h", "2.1 d"."""
    if seconds is None:
        return MISSING
    if seconds < 59.5:
        return f"{seconds:.0f} s"
    if seconds < 59.5 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 23.95 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def utc(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M UTC") -> str:
    """An instant in UTC; naive datetimes are taken to be UTC already (as DuckDB hands them)."""
    if moment is None:
        return MISSING
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(fmt)


def window(start: datetime, end: datetime | None) -> str:
    """The audit window, "2026-10-01 – 2026-10-31"; `end` is exclusive, so a window ending at
    midnight shows the day before, the last day it includes."""
    def day_or_instant(moment: datetime) -> str:
        text = utc(moment)
        return text.removesuffix(" 00:00 UTC") if text.endswith(" 00:00 UTC") else text

    if end is None:
        return f"from {day_or_instant(start)}"
    last = end - timedelta(days=1) if utc(end).endswith(" 00:00 UTC") else end
    return f"{day_or_instant(start)} – {day_or_instant(last)}"


def count(value: int | None) -> str:
    """A whole number with thousands separators, "12,345"."""
    return MISSING if value is None else f"{value:,}"


def css_width(share: float | None) -> str:
    """A share in [0, 1] as a CSS width for the inline bars, clamped so bad data can't overflow."""
    return f"{min(max(share or 0.0, 0.0), 1.0) * 100:.1f}%"


def points(change: float | None) -> str:
    """A change of a share in percentage points, signed: "+5.2 pts", "−3.0 pts", "±0 pts"."""
    if change is None:
        return MISSING
    value = change * 100
    if abs(value) < 0.05:
        return "±0 pts"
    return f"{'+' if value > 0 else '−'}{abs(value):.1f} pts"


def places(change: int | None) -> str:
    """A change of rank: "▲ 2" (up two places), "▼ 1", "=" (same), or "new" (no earlier rank)."""
    if change is None:
        return "new"
    if change == 0:
        return "="
    return f"{'▲' if change > 0 else '▼'} {abs(change)}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """A count with its noun in the right number: "1 run", "2 runs", "1,204 posts"."""
    return f"{count(n)} {word if n == 1 else (words or word + 's')}"


def counted(n: int, what: str) -> str:
    """A count with a plural phrase made singular for 1: (1, "fetch failures") -> "1 fetch
    failure", (2, "runs") -> "2 runs"; the first word ending in "s" is the noun."""
    noun = what if n != 1 else re.sub(r"(\w)s\b", r"\1", what, count=1)
    return f"{count(n)} {noun}"


def possessive(name: str) -> str:
    """A name's possessive: "Acme Air's", "Globex Airways'" (no "Airways's")."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


FILTERS: dict[str, Callable[..., Any]] = {
    "plural": plural,
    "counted": counted,
    "possessive": possessive,
    "points": points,
    "places": places,
    "percent": percent,
    "interval": interval,
    "percent_range": percent_range,
    "duration": duration,
    "utc": utc,
    "window": window,
    "count": count,
    "css_width": css_width,
    "reveal_bidi": reveal_bidi,  # strangers' names and handles: controls shown, not obeyed
}
