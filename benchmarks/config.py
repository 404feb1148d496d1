"""The audit config (TOML): one client, its competitors, the window and the thresholds.

Everything is validated before anything is crawled, so a typo costs a clear message and
exit code 2, never half a crawl. See docs/config.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import business_hours
from benchmarks.business_hours import BusinessHours
from benchmarks.errors import ConfigError
from benchmarks.platforms import PLATFORMS, REGISTRY
from benchmarks.validation import Validator

__all__ = ["PLATFORMS", "PLATFORM_DEFAULTS", "AuditConfig", "Brand", "PlatformSettings",
           "load_config", "parse_config"]

# Kept here for the code that reads configs: the registry is benchmarks/platforms/.
PLATFORM_DEFAULTS: dict[str, dict[str, Any]] = {p.id: p.config_defaults for p in REGISTRY}

# The most [[brands]] one config may list: a large industry panel has a few hundred. Far
# above it the crawl, metrics and report would run for minutes before saying anything.
MAX_BRANDS = 5_000
# Upper bounds of the numbers a config sets; above them a figure is a typo (and overflows
# DuckDB's 32-bit seconds or Python's dates). Platform options not named here: 1,000,000.
LIMITS: dict[str, int] = {
    "days": 3_660,  # ten years
    "sla_minutes": 43_200,  # 30 days
    "ignore_after_hours": 8_760,  # a year
    "max_pages_per_account": 100_000,
    "requests_per_second": 100,
    "concurrency": 64,
}

_BRAND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Brand:
    """A brand and every account that answers for it, per platform."""

    id: str
    name: str
    accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Per platform, the brand's own extra settings (e.g. a forum's staff groups).
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # When its care desk is open: its own `business_hours`, else the audit's, else None.
    business_hours: BusinessHours | None = None

    def handles(self, platform: str) -> tuple[str, ...]:
        return self.accounts.get(platform, ())

    def platform_options(self, platform: str) -> dict[str, Any]:
        return self.options.get(platform, {})


@dataclass(frozen=True)
class PlatformSettings:
    """Per-platform connection settings; `options` holds the platform's own keys."""

    name: str
    base_url: str
    requests_per_second: float
    concurrency: int
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditConfig:
    """A validated audit config. Times are UTC; `until` is exclusive (end of the named day)."""

    path: Path
    name: str
    client: str | None
    since: datetime | None
    days: int | None
    until: datetime | None
    sla_minutes: int
    ignore_after_hours: int
    db: Path
    brands: tuple[Brand, ...]
    platforms: dict[str, PlatformSettings]
    user_agent: str | None = None
    max_pages_per_account: int = 50
    as_of: datetime | None = None
    deadline_minutes: float | None = None  # platforms still crawling then are stopped, failed

    def window_start(self, now: datetime) -> datetime:
        """The first instant of the window: `since`, or `days` before `now`."""
        if self.since is not None:
            return self.since
        assert self.days is not None
        return now - timedelta(days=self.days)

    def brand(self, brand_id: str) -> Brand:
        return next(b for b in self.brands if b.id == brand_id)

    def business_hours(self) -> dict[str, BusinessHours]:
        """Each brand's open hours, for the brands that have them."""
        return {b.id: b.business_hours for b in self.brands if b.business_hours is not None}

    def platforms_in_use(self) -> list[str]:
        """The platforms, in PLATFORMS order, where some brand has an account."""
        return [p for p in PLATFORMS if any(b.handles(p) for b in self.brands)]


def load_config(path: str | Path, require_client: bool = True) -> AuditConfig:
    """Read and validate an audit config; raises ConfigError naming the file and key.

    A benchmark panel is the same format with the client optional (`require_client=False`).
    """
    path = Path(path)
    where = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(where, "(file)", "an existing TOML file", "not found") from None
    except OSError as e:
        raise ConfigError(where, "(file)", "a readable TOML file", e.strerror) from None
    try:
        text = data.decode("utf-8-sig")  # Windows editors start the file with a BOM
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ConfigError(where, "(encoding)", "a UTF-8 text file (save it as UTF-8)",
                          f"byte 0x{data[e.start]:02x} at line {line}, column {column}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(where, "(syntax)", "valid TOML", str(e)) from None
    return parse_config(raw, path, require_client)


def parse_config(raw: dict[str, Any], path: Path, require_client: bool = True) -> AuditConfig:
    """Validate an already-parsed TOML document (see load_config)."""
    v = Validator(str(path))
    v.only_keys(raw, "", {"audit", "brands", "platforms", "crawl"})
    audit = v.table(raw, "audit", required=True)
    v.only_keys(
        audit,
        "audit.",
        {"name", "client", "since", "days", "until", "sla_minutes", "ignore_after_hours", "db",
         "as_of", "business_hours"},
    )
    name = v.string(audit, "audit.name", required=True)
    assert name is not None
    since = v.day(audit, "audit.since")
    days = v.positive_int(audit, "audit.days", LIMITS["days"])
    if (since is None) == (days is None):
        raise ConfigError(str(path), "audit.since", "exactly one of audit.since or audit.days")
    until = v.day(audit, "audit.until")
    if until is not None:
        until += timedelta(days=1)  # the named day is included
        if since is not None and until <= since:
            raise ConfigError(str(path), "audit.until", "a date on or after audit.since")
    sla = v.positive_int(audit, "audit.sla_minutes", LIMITS["sla_minutes"]) or 60
    ignore_after = (v.positive_int(audit, "audit.ignore_after_hours",
                                   LIMITS["ignore_after_hours"]) or 72)
    db_name = v.string(audit, "audit.db") or f"{path.stem}.duckdb"
    if (path.parent / db_name).is_dir():
        raise v.fail("audit.db", "the name of a DuckDB file, not of a directory", db_name)
    as_of = v.instant(audit, "audit.as_of")

    hours = (business_hours.parse(str(path), "audit.business_hours", audit["business_hours"])
             if "business_hours" in audit else None)
    brands = _brands(v, raw.get("brands"), hours)
    client = v.string(audit, "audit.client")
    if client is None and require_client:
        raise ConfigError(str(path), "audit.client", "the id of one of the [[brands]]")
    if client is not None and client not in {b.id for b in brands}:
        ids = [b.id for b in brands]
        shown = f"{ids}" if len(ids) <= 20 else f"{ids[:20]} (and {len(ids) - 20:,} more)"
        raise ConfigError(str(path), "audit.client", f"one of the brand ids {shown}", client)

    crawl = v.table(raw, "crawl")
    v.only_keys(crawl, "crawl.", {"user_agent", "max_pages_per_account", "deadline_minutes"})
    return AuditConfig(
        path=path,
        name=name,
        client=client,
        since=since,
        days=days,
        until=until,
        sla_minutes=sla,
        ignore_after_hours=ignore_after,
        db=(path.parent / db_name),
        brands=brands,
        platforms=_platforms(v, v.table(raw, "platforms")),
        user_agent=v.string(crawl, "crawl.user_agent"),
        max_pages_per_account=v.positive_int(crawl, "crawl.max_pages_per_account",
                                             LIMITS["max_pages_per_account"]) or 50,
        as_of=as_of,
        deadline_minutes=v.positive_number(crawl, "crawl.deadline_minutes"),
    )


def _brands(v: Validator, value: Any, hours: BusinessHours | None) -> tuple[Brand, ...]:
    if not isinstance(value, list) or not value:
        raise v.fail("brands", "one or more [[brands]] tables", value or "missing")
    if len(value) > MAX_BRANDS:
        raise v.fail("brands", f"at most {MAX_BRANDS:,} [[brands]] (split a larger panel into "
                               "several configs, each with its own db)", len(value))
    brands: list[Brand] = []
    for i, raw in enumerate(value):
        key = f"brands[{i}]"
        if not isinstance(raw, dict):
            raise v.fail(key, "a table", raw)
        v.only_keys(raw, f"{key}.", {"id", "name", "business_hours", *PLATFORMS})
        brand_id = v.string(raw, f"{key}.id", required=True)
        assert brand_id is not None
        if not _BRAND_ID.match(brand_id):
            raise v.fail(f"{key}.id", "lower-case letters, digits, '-' or '_'", brand_id)
        if any(b.id == brand_id for b in brands):
            raise v.fail(f"{key}.id", "an id no other brand uses", brand_id)
        v.brand_id = brand_id
        accounts: dict[str, tuple[str, ...]] = {}
        options: dict[str, dict[str, Any]] = {}
        for platform in REGISTRY:
            if platform.id not in raw:
                continue
            entry = platform.entry(v, raw[platform.id], f"{key}.{platform.id}", platform.id)
            if entry.options:
                options[platform.id] = entry.options
            for j, norm in enumerate(entry.handles):
                v.claim((platform.id, norm), f"{key}.{platform.id}[{j}]", "an account",
                        entry.given[j] if entry.given is not None else norm)
            if entry.handles:
                accounts[platform.id] = entry.handles
        if not accounts:
            raise v.fail(key, f"at least one account on {' or '.join(PLATFORMS)}")
        name = v.string(raw, f"{key}.name") or brand_id
        own_hours = (business_hours.parse(v.path, f"{key}.business_hours",
                                          raw["business_hours"])
                     if "business_hours" in raw else hours)
        brands.append(Brand(id=brand_id, name=name, accounts=accounts, options=options,
                            business_hours=own_hours))
    return tuple(brands)


def _platforms(v: Validator, table: dict[str, Any]) -> dict[str, PlatformSettings]:
    v.only_keys(table, "platforms.", set(PLATFORMS))
    settings: dict[str, PlatformSettings] = {}
    for platform in REGISTRY:
        defaults = PLATFORM_DEFAULTS[platform.id]
        key = f"platforms.{platform.id}"
        raw = v.table(table, key)
        v.only_keys(raw, f"{key}.", set(defaults))
        merged = dict(defaults)
        for name, default in defaults.items():
            if name not in raw:
                continue
            if isinstance(default, float):
                merged[name] = v.positive_number(raw, f"{key}.{name}",
                                                 LIMITS.get(name, 1_000_000))
            elif isinstance(default, int):
                merged[name] = v.positive_int(raw, f"{key}.{name}",
                                              LIMITS.get(name, 1_000_000))
            else:
                value = raw[name]
                if not isinstance(value, str):
                    raise v.fail(f"{key}.{name}", "a string", value)
                merged[name] = value.strip()
        for name, allowed in platform.choices.items():
            if merged[name] not in allowed:
                raise v.fail(f"{key}.{name}", " or ".join(map(repr, allowed)), merged[name])
        base_url = merged.pop("base_url", "")
        if base_url and not re.match(r"^https?://[^\s/]+", base_url):
            raise v.fail(f"{key}.base_url", "an http(s) URL", base_url)
        for name, value in merged.items():
            if name.endswith("_env") and not _ENV_NAME.match(value):
                raise v.fail(f"{key}.{name}", "an environment variable name", value)
        settings[platform.id] = PlatformSettings(
            name=platform.id,
            base_url=base_url.rstrip("/"),
            requests_per_second=merged.pop("requests_per_second"),
            concurrency=merged.pop("concurrency"),
            options=merged,
        )
    return settings
