"""The audit config (TOML): one client, its competitors, the window and the thresholds.

Everything is validated before anything is crawled, so a typo costs a clear message and
exit code 2, never half a crawl. See README.md, section "The config".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from benchmarks.errors import ConfigError

PLATFORMS = ("bluesky", "mastodon", "x")

_BRAND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_DOMAIN_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DID = re.compile(r"^did:(plc|web):[A-Za-z0-9._:%-]+$")
_MASTODON_USER = re.compile(r"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_X_SCREEN_NAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")

PLATFORM_DEFAULTS: dict[str, dict[str, Any]] = {
    "bluesky": {
        "base_url": "https://public.api.bsky.app",
        "auth_url": "https://bsky.social",
        "identifier_env": "BLUESKY_IDENTIFIER",
        "password_env": "BLUESKY_APP_PASSWORD",
        # Bluesky allows 3000 requests per 5 minutes per IP; stay well below it.
        "requests_per_second": 5.0,
        "concurrency": 4,
    },
    "mastodon": {
        "base_url": "",
        "access_token_env": "MASTODON_ACCESS_TOKEN",
        "token_instance": "",
        # Mastodon's default limit is 300 requests per 5 minutes per IP: 1 per second.
        "requests_per_second": 1.0,
        "concurrency": 2,
    },
    "x": {
        "base_url": "https://api.x.com",
        "bearer_token_env": "X_BEARER_TOKEN",
        # Full-archive search (/2/tweets/search/all) needs a Pro plan; recent search reaches
        # back 7 days. The window a plan allows is read from X's error answers, never assumed.
        "search_path": "/2/tweets/search/recent",
        # "browser": the opt-in spider that drives Chromium with the user's own exported
        # session (a Playwright storage-state file named by storage_state_env) instead.
        "collect": "api",
        "web_url": "https://x.com",
        "storage_state_env": "X_STORAGE_STATE",
        # A slow, human pace between scrolls, and a cap on scrolls per page.
        "scroll_pause_seconds": 2.5,
        "max_scrolls": 40,
        # The Basic plan allows a few requests per 15 minutes on some endpoints; the
        # x-rate-limit-* headers pause the crawl when a budget is spent, so go slowly.
        "requests_per_second": 0.5,
        "concurrency": 1,
    },
}


@dataclass(frozen=True)
class Brand:
    """A brand and every account that answers for it, per platform."""

    id: str
    name: str
    accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Per platform, the brand's own extra settings (e.g. a forum's staff groups).
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

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

    def window_start(self, now: datetime) -> datetime:
        """The first instant of the window: `since`, or `days` before `now`."""
        if self.since is not None:
            return self.since
        assert self.days is not None
        return now - timedelta(days=self.days)

    def brand(self, brand_id: str) -> Brand:
        return next(b for b in self.brands if b.id == brand_id)

    def platforms_in_use(self) -> list[str]:
        return [p for p in PLATFORMS if any(b.handles(p) for b in self.brands)]


def load_config(path: str | Path) -> AuditConfig:
    """Read and validate an audit config; raises ConfigError naming the file and key."""
    path = Path(path)
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(where, "(file)", "an existing TOML file", "not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(where, "(syntax)", "valid TOML", str(e)) from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path) -> AuditConfig:
    """Validate an already-parsed TOML document (see load_config)."""
    v = _Validator(str(path))
    v.only_keys(raw, "", {"audit", "brands", "platforms", "crawl"})
    audit = v.table(raw, "audit", required=True)
    v.only_keys(
        audit,
        "audit.",
        {"name", "client", "since", "days", "until", "sla_minutes", "ignore_after_hours", "db",
         "as_of"},
    )
    name = v.string(audit, "audit.name", required=True)
    since = v.day(audit, "audit.since")
    days = v.positive_int(audit, "audit.days")
    if (since is None) == (days is None):
        raise ConfigError(str(path), "audit.since", "exactly one of audit.since or audit.days")
    until = v.day(audit, "audit.until")
    if until is not None:
        until += timedelta(days=1)  # the named day is included
        if since is not None and until <= since:
            raise ConfigError(str(path), "audit.until", "a date on or after audit.since")
    sla = v.positive_int(audit, "audit.sla_minutes") or 60
    ignore_after = v.positive_int(audit, "audit.ignore_after_hours") or 72
    db_name = v.string(audit, "audit.db") or f"{path.stem}.duckdb"
    as_of = v.instant(audit, "audit.as_of")

    brands = v.brands(raw.get("brands"))
    client = v.string(audit, "audit.client")
    if client is None:
        raise ConfigError(str(path), "audit.client", "the id of one of the [[brands]]")
    if client not in {b.id for b in brands}:
        raise ConfigError(
            str(path), "audit.client", f"one of the brand ids {[b.id for b in brands]}", client
        )

    crawl = v.table(raw, "crawl")
    v.only_keys(crawl, "crawl.", {"user_agent", "max_pages_per_account"})
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
        platforms=v.platforms(v.table(raw, "platforms")),
        user_agent=v.string(crawl, "crawl.user_agent"),
        max_pages_per_account=v.positive_int(crawl, "crawl.max_pages_per_account") or 50,
        as_of=as_of,
    )


def normalize_bluesky_handle(value: str) -> str | None:
    """A Bluesky handle (domain) or DID, lower-cased without '@'; None when malformed."""
    value = value.strip().removeprefix("@")
    if _DID.match(value):
        return value
    value = value.lower()
    labels = value.split(".")
    if len(labels) < 2 or len(value) > 253 or labels[-1].isdigit():
        return None
    return value if all(_DOMAIN_LABEL.match(label) for label in labels) else None


def normalize_mastodon_handle(value: str) -> str | None:
    """A Mastodon account as 'user@instance.domain' without the leading '@'; None if malformed."""
    value = value.strip().removeprefix("@")
    user, sep, domain = value.partition("@")
    if not sep or not _MASTODON_USER.match(user):
        return None
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        return None
    return f"{user}@{domain}"


def normalize_x_handle(value: str) -> str | None:
    """An X screen name without '@' (1-15 letters, digits, '_'); None when malformed.

    Screen names are case-insensitive on X; the case given is kept for display."""
    value = value.strip().removeprefix("@")
    return value if _X_SCREEN_NAME.match(value) else None


# How each platform's key in a [[brands]] table reads. Most are a list of handles; a platform
# whose brand entry is a table (handles plus options) reads it in _Validator.brands and keeps
# the options in Brand.options.
_HANDLE_RULES = {
    "bluesky": (normalize_bluesky_handle, "a Bluesky handle like 'acme.bsky.social' or a DID"),
    "mastodon": (normalize_mastodon_handle, "a Mastodon account like 'acme@mastodon.social'"),
    "x": (normalize_x_handle, "an X screen name like 'AcmeAir' (1-15 letters, digits or '_')"),
}


class _Validator:
    """Typed getters that raise ConfigError with the file and the dotted key."""

    def __init__(self, path: str) -> None:
        self.path = path

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

    def positive_int(self, table: dict[str, Any], key: str) -> int | None:
        value = table.get(key.rsplit(".", 1)[-1])
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(key, "a positive whole number", value)
        return value

    def positive_number(self, table: dict[str, Any], key: str) -> float | None:
        value = table.get(key.rsplit(".", 1)[-1])
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail(key, "a positive number", value)
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
        return datetime.combine(value, time(0), tzinfo=UTC)

    def instant(self, table: dict[str, Any], key: str) -> datetime | None:
        raw = table.get(key.rsplit(".", 1)[-1])
        if raw is None:
            return None
        value = raw
        if isinstance(raw, str):
            try:
                value = datetime.fromisoformat(raw)
            except ValueError:
                value = None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise self.fail(key, "a timestamp with a zone like 2026-11-01T00:00:00Z", raw)
        return value.astimezone(UTC)

    def brands(self, value: Any) -> tuple[Brand, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("brands", "one or more [[brands]] tables", value or "missing")
        brands: list[Brand] = []
        owner: dict[tuple[str, str], str] = {}
        for i, raw in enumerate(value):
            key = f"brands[{i}]"
            if not isinstance(raw, dict):
                raise self.fail(key, "a table", raw)
            self.only_keys(raw, f"{key}.", {"id", "name", *PLATFORMS})
            brand_id = self.string(raw, f"{key}.id", required=True)
            assert brand_id is not None
            if not _BRAND_ID.match(brand_id):
                raise self.fail(f"{key}.id", "lower-case letters, digits, '-' or '_'", brand_id)
            if any(b.id == brand_id for b in brands):
                raise self.fail(f"{key}.id", "an id no other brand uses", brand_id)
            accounts: dict[str, tuple[str, ...]] = {}
            options: dict[str, dict[str, Any]] = {}
            for platform in PLATFORMS:
                if platform not in raw:
                    continue
                normalized = self.handle_list(raw[platform], f"{key}.{platform}", platform)
                for j, norm in enumerate(normalized):
                    if (platform, norm) in owner:
                        raise self.fail(
                            f"{key}.{platform}[{j}]",
                            f"an account no other brand lists (brand {owner[platform, norm]!r} has it)",
                            raw[platform][j] if isinstance(raw[platform], list) else norm,
                        )
                    owner[platform, norm] = brand_id
                if normalized:
                    accounts[platform] = normalized
            if not accounts:
                raise self.fail(key, f"at least one account on {' or '.join(PLATFORMS)}")
            name = self.string(raw, f"{key}.name") or brand_id
            brands.append(Brand(id=brand_id, name=name, accounts=accounts, options=options))
        return tuple(brands)

    def handle_list(self, value: Any, key: str, platform: str) -> tuple[str, ...]:
        """A list of handles (or one) in the platform's canonical form."""
        normalize, expected = _HANDLE_RULES[platform]
        handles = [value] if isinstance(value, str) else value
        if not isinstance(handles, list):
            raise self.fail(key, f"a list of {expected}", value)
        normalized = []
        for j, handle in enumerate(handles):
            norm = normalize(handle) if isinstance(handle, str) else None
            if norm is None:
                raise self.fail(f"{key}[{j}]", expected, handle)
            normalized.append(norm)
        return tuple(normalized)

    def platforms(self, table: dict[str, Any]) -> dict[str, PlatformSettings]:
        self.only_keys(table, "platforms.", set(PLATFORMS))
        settings: dict[str, PlatformSettings] = {}
        for platform, defaults in PLATFORM_DEFAULTS.items():
            key = f"platforms.{platform}"
            raw = self.table(table, key)
            self.only_keys(raw, f"{key}.", set(defaults))
            merged = dict(defaults)
            for name, default in defaults.items():
                if name not in raw:
                    continue
                if isinstance(default, float):
                    merged[name] = self.positive_number(raw, f"{key}.{name}")
                elif isinstance(default, int):
                    merged[name] = self.positive_int(raw, f"{key}.{name}")
                else:
                    value = raw[name]
                    if not isinstance(value, str):
                        raise self.fail(f"{key}.{name}", "a string", value)
                    merged[name] = value.strip()
            if platform == "x" and merged["collect"] not in ("api", "browser"):
                raise self.fail(f"{key}.collect", "'api' or 'browser'", merged["collect"])
            base_url = merged.pop("base_url")
            if base_url and not re.match(r"^https?://[^\s/]+", base_url):
                raise self.fail(f"{key}.base_url", "an http(s) URL", base_url)
            for name, value in merged.items():
                if name.endswith("_env") and not _ENV_NAME.match(value):
                    raise self.fail(f"{key}.{name}", "an environment variable name", value)
            settings[platform] = PlatformSettings(
                name=platform,
                base_url=base_url.rstrip("/"),
                requests_per_second=merged.pop("requests_per_second"),
                concurrency=merged.pop("concurrency"),
                options=merged,
            )
        return settings
