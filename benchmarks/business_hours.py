"""A care desk's open hours: read from the config, written for the SQL's business clock.

Consultants audit brands that staff their desk 9-5; answering a Friday-evening post on
Monday morning is on time for them. `business_hours` under [audit] (and per brand in
[[brands]]) gives the hours; `customer_posts.business_response_seconds` then counts only
open time (sql/metrics/business_hours.sql) and the SLA is judged on it. Definitions:
docs/methodology.md, "Business hours".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from benchmarks.errors import ConfigError

if TYPE_CHECKING:
    import duckdb

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # ISO weekday - 1
KEYS = {"timezone", "days", "hours", "holidays"}
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
EXAMPLE = ('business_hours = { timezone = "Europe/London", days = "Mon-Fri", '
           'hours = "09:00-17:00", holidays = ["2026-12-25"] }')


@dataclass(frozen=True)
class BusinessHours:
    """When a desk is open: ISO weekdays (1 = Monday), local opening and closing times,
    closed dates, all in one IANA timezone."""

    timezone: str
    days: tuple[int, ...]
    opens: time
    closes: time
    holidays: tuple[date, ...] = ()


def parse(path: str, key: str, value: Any) -> BusinessHours:
    """The `business_hours` table at `key` of the config at `path`; ConfigError names the
    key and what was expected."""
    if not isinstance(value, dict):
        raise ConfigError(path, key, f"a table like {EXAMPLE}", value)
    for name in value:
        if name not in KEYS:
            raise ConfigError(path, f"{key}.{name}", f"one of {sorted(KEYS)} (unknown key)")
    for name in ("timezone", "days", "hours"):
        if name not in value:
            raise ConfigError(path, f"{key}.{name}", f"a value ({EXAMPLE})", "missing")
    opens, closes = _hours(path, f"{key}.hours", value["hours"])
    return BusinessHours(timezone=_timezone(path, f"{key}.timezone", value["timezone"]),
                         days=_days(path, f"{key}.days", value["days"]),
                         opens=opens, closes=closes,
                         holidays=_holidays(path, f"{key}.holidays", value.get("holidays", [])))


def write(con: duckdb.DuckDBPyConnection, hours: Iterable[tuple[str, BusinessHours]]) -> None:
    """Replace the business_hours table with (brand_id, hours) from this run's config."""
    con.execute("delete from business_hours")
    rows = [(brand_id, h.timezone, list(h.days), h.opens, h.closes, list(h.holidays))
            for brand_id, h in hours]
    if rows:
        con.executemany("insert into business_hours values (?, ?, ?, ?, ?, ?)", rows)


def _timezone(path: str, key: str, value: Any) -> str:
    expected = "an IANA timezone name like Europe/London"
    if not isinstance(value, str) or value not in available_timezones():
        raise ConfigError(path, key, expected, value)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(path, key, expected, value) from None
    return value


def _days(path: str, key: str, value: Any) -> tuple[int, ...]:
    """'Mon-Fri', 'Sun-Thu', 'Fri-Mon' (wrapping), 'Mon,Wed,Fri' or a mix."""
    expected = 'weekdays like "Mon-Fri", "Sun-Thu" or "Mon,Wed,Fri"'
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, key, expected, value)
    days: set[int] = set()
    for part in value.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(end[:3] not in DAY_NAMES or len(end) < 3 for end in ends):
            raise ConfigError(path, key, expected, value)
        first, last = (DAY_NAMES.index(end[:3]) for end in (ends[0], ends[-1]))
        span = (last - first) % 7
        days.update((first + i) % 7 + 1 for i in range(span + 1))
    return tuple(sorted(days))


def _hours(path: str, key: str, value: Any) -> tuple[time, time]:
    expected = 'opening and closing times like "09:00-17:00" (closing after opening)'
    match = _HOURS.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(path, key, expected, value)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or not (h2 < 24 or (h2 == 24 and m2 == 0)):
        raise ConfigError(path, key, expected, value)
    opens = time(h1, m1)
    closes = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    if closes <= opens:
        raise ConfigError(path, key, expected, value)
    return opens, closes


def _holidays(path: str, key: str, value: Any) -> tuple[date, ...]:
    expected = 'a list of dates like ["2026-12-25", "2026-12-26"]'
    if not isinstance(value, list):
        raise ConfigError(path, key, expected, value)
    found = []
    for item in value:
        if isinstance(item, str):
            try:
                item = date.fromisoformat(item)
            except ValueError:
                raise ConfigError(path, key, expected, item) from None
        if not isinstance(item, date) or hasattr(item, "hour"):
            raise ConfigError(path, key, expected, item)
        found.append(item)
    return tuple(sorted(set(found)))
