"""Typed getters for the audit config that raise ConfigError naming the file and dotted key.

`benchmarks/config.py` reads the document with them; each platform's entry reader
(`benchmarks/platforms/<id>.py`) gets one to read a brand's entry with the same messages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from benchmarks import instants
from benchmarks.errors import ConfigError
from benchmarks.instants import parse_instant
from benchmarks.platforms import spec
from benchmarks.platforms.base import HandleRule

# Dates a config may name: social media's years, with room on both sides; far beyond them a
# window's arithmetic leaves Python's calendar (year 9999) or DuckDB's timestamps.
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2199, 12, 31)


class Validator:
    """Typed getters that raise ConfigError with the file and the dotted key."""

    def __init__(self, path: str) -> None:
        self.path = path
        # Who claimed what so far: (platform, canonical handle) or a platform's own kind of
        # name (e.g. a subreddit) -> brand id; `brand_id` is the brand being read.
        self.owner: dict[tuple[str, str], str] = {}
        self.brand_id = ""

    def fail(self, key: str, expected: str, got: object = None) -> ConfigError:
        return ConfigError(self.path, key, expected, got)

    def only_keys(self, table: dict[str, Any], prefix: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(f"{prefix}{key}", f"one of {sorted(allowed)} (unknown key)")

    def table(self, raw: dict[str, Any], key: str, required: bool = False) -> dict[str, Any]:
        value = raw.get(key.rsplit(".", 1)[-1])
        if value is None:
            if required:
                raise self.fail(key, "a table", "missing")
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "a table", value)
        return value

    def string(self, table: dict[str, Any], key: str, required: bool = False) -> str | None:
        value = table.get(key.rsplit(".", 1)[-1])
        if value is None:
            if required:
                raise self.fail(key, "a string", "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "a non-empty string", value)
        return value.strip()

    def positive_int(self, table: dict[str, Any], key: str,
                     maximum: int = 1_000_000) -> int | None:
        """A whole number from 1 to `maximum` (sensible ranges keep every figure inside
        DuckDB's integers and Python's dates)."""
        value = table.get(key.rsplit(".", 1)[-1])
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
            raise self.fail(key, f"a positive whole number up to {maximum:,}", value)
        return value

    def positive_number(self, table: dict[str, Any], key: str,
                        maximum: float = 1_000_000) -> float | None:
        """A number above 0 and up to `maximum` (nan and inf are neither)."""
        value = table.get(key.rsplit(".", 1)[-1])
        if value is None:
            return None
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not 0 < value <= maximum):
            raise self.fail(key, f"a positive number up to {maximum:,g}", value)
        return float(value)

    def day(self, table: dict[str, Any], key: str) -> datetime | None:
        value = table.get(key.rsplit(".", 1)[-1])
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise self.fail(key, "a date like 2026-10-01", value) from None
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self.fail(key, "a date like 2026-10-01", value)
        if not FIRST_DAY <= value <= LAST_DAY:
            raise self.fail(key, f"a date from {FIRST_DAY} to {LAST_DAY}", value.isoformat())
        return datetime.combine(value, time(0), tzinfo=UTC)

    def instant(self, table: dict[str, Any], key: str) -> datetime | None:
        raw = table.get(key.rsplit(".", 1)[-1])
        if raw is None:
            return None
        try:
            found = parse_instant(raw)
        except ValueError:
            raise self.fail(key, instants.EXPECTED, raw) from None
        if not FIRST_DAY <= found.date() <= LAST_DAY:
            raise self.fail(key, f"an instant from {FIRST_DAY} to {LAST_DAY}", raw)
        return found

    def rule(self, platform: str) -> HandleRule:
        """How one handle on `platform` reads (its registry entry's `handle`)."""
        return spec(platform).handle

    def handle_list(self, value: Any, key: str, platform: str) -> tuple[str, ...]:
        """A list of handles (or one) in the platform's canonical form."""
        rule = self.rule(platform)
        handles = [value] if isinstance(value, str) else value
        if not isinstance(handles, list):
            raise self.fail(key, f"a list of {rule.expected}", value)
        normalized = []
        for j, handle in enumerate(handles):
            norm = rule.normalize(handle) if isinstance(handle, str) else None
            if norm is None:
                raise self.fail(f"{key}[{j}]", rule.expected, handle)
            normalized.append(norm)
        return tuple(normalized)

    def claim(self, name: tuple[str, str], key: str, what: str, got: object) -> None:
        """Record that the brand being read lists `name`; fail if another brand did first."""
        if name in self.owner:
            raise self.fail(key, f"{what} no other brand lists (brand {self.owner[name]!r} "
                                 "has it)", got)
        self.owner[name] = self.brand_id
