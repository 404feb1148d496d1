"""The audit config (TOML): one client, its competitors, the window and the thresholds.

Everything is validated before anything is crawled, so a typo costs a clear message and
exit code 2, never half a crawl. See docs/config.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from benchmarks.errors import ConfigError

PLATFORMS = ("bluesky", "mastodon", "discourse", "trustpilot", "reddit", "youtube",
             "wordpress", "facebook", "x")

_BRAND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_DOMAIN_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DID = re.compile(r"^did:(plc|web):[A-Za-z0-9._:%-]+$")
_MASTODON_USER = re.compile(r"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$")
_X_SCREEN_NAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORUM_URL = re.compile(r"^https?://([a-z0-9.-]+(:\d+)?)(/[A-Za-z0-9._~%/-]*)?$")
_DISCOURSE_CATEGORY = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*/\d+$")
_DISCOURSE_GROUP = re.compile(r"^[A-Za-z0-9_.-]+$")
_REDDIT_USER = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_YOUTUBE_HANDLE = re.compile(r"^@[A-Za-z0-9._-]{3,30}$")
_YOUTUBE_CHANNEL = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_SITE_URL = re.compile(r"^https?://[a-z0-9.-]+(:\d+)?(/[^\s?#]*)?$")
_FACEBOOK_PAGE = re.compile(r"^(\d{5,20}|[A-Za-z0-9.]{5,50})$")

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
    "discourse": {
        "base_url": "",  # empty: each forum's own URL; set: requests go to base_url/<forum host>
        # Discourse's default anonymous limits are 200 requests a minute and 50 per 10 seconds
        # per IP; one a second stays far below both on any forum, however it is tuned.
        "requests_per_second": 1.0,
        "concurrency": 1,
    },
    "trustpilot": {
        "base_url": "https://www.trustpilot.com",
        # Web pages with no published limit: one page every two seconds, one at a time.
        "requests_per_second": 0.5,
        "concurrency": 1,
    },
    "reddit": {
        "base_url": "https://oauth.reddit.com",
        "auth_url": "https://www.reddit.com",
        "client_id_env": "REDDIT_CLIENT_ID",
        "client_secret_env": "REDDIT_CLIENT_SECRET",
        "username": "",  # the Reddit account that registered the app, for the User-Agent
        "comment_limit": 500,  # comments per /comments request: the API's maximum
        # Reddit allows 100 requests per minute per OAuth client: 1 per second leaves room.
        "requests_per_second": 1.0,
        "concurrency": 2,
    },
    "youtube": {
        "base_url": "https://www.googleapis.com",
        "api_key_env": "YOUTUBE_API_KEY",
        # The Data API grants 10,000 quota units a day per project; one run never spends more
        # than this (every list call used here costs 1 unit).
        "quota_units": 10000,
        # The API limits units, not rate; 2 requests per second keeps a crawl gentle.
        "requests_per_second": 2.0,
        "concurrency": 2,
    },
    "wordpress": {
        # No base_url: each brand's blog URL is in its [[brands]] entry.
        # Brand blogs are small servers, often shared hosting: one request per second, one
        # at a time, is what a careful reader would do.
        "requests_per_second": 1.0,
        "concurrency": 1,
    },
    "facebook": {
        "base_url": "https://graph.facebook.com/v23.0",
        "access_token_env": "FACEBOOK_ACCESS_TOKEN",
        # Graph API limits are a share of an hourly budget (x-app-usage, x-page-usage): go
        # slowly, and pause this long once a usage header nears 100 %.
        "usage_pause_seconds": 300,
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
        """The platforms, in PLATFORMS order, where some brand has an account."""
        return [p for p in PLATFORMS if any(b.handles(p) for b in self.brands)]


def load_config(path: str | Path, require_client: bool = True) -> AuditConfig:
    """Read and validate an audit config; raises ConfigError naming the file and key.

    A benchmark panel is the same format with the client optional (`require_client=False`).
    """
    path = Path(path)
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(where, "(file)", "an existing TOML file", "not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(where, "(syntax)", "valid TOML", str(e)) from None
    return parse_config(raw, path, require_client)


def parse_config(raw: dict[str, Any], path: Path, require_client: bool = True) -> AuditConfig:
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
    assert name is not None
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
    if client is None and require_client:
        raise ConfigError(str(path), "audit.client", "the id of one of the [[brands]]")
    if client is not None and client not in {b.id for b in brands}:
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


def normalize_youtube_handle(value: str) -> str | None:
    """A YouTube channel as '@handle' (lower-cased) or its 'UC…' channel id; None if malformed."""
    value = value.strip()
    if _YOUTUBE_CHANNEL.match(value):
        return value
    value = "@" + value.removeprefix("@")
    return value.lower() if _YOUTUBE_HANDLE.match(value) else None


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


def normalize_forum_url(value: str) -> str | None:
    """A forum's base URL (a subfolder install keeps its path) without a trailing '/' or
    a page path like '/latest'; None when it is not an http(s) URL."""
    value = value.strip().rstrip("/")
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    host, _, path = rest.partition("/")
    value = f"{scheme.lower()}://{host.lower()}" + (f"/{path}" if path else "")
    value = re.sub(r"/(latest|top|categories)(\.json)?$", "", value)
    return value if _FORUM_URL.match(value) else None


def normalize_review_domain(value: str) -> str | None:
    """The domain a Trustpilot company page is named by ('www.acme.com' stays as it is: it is
    a different page from 'acme.com'); a pasted page URL is reduced to it."""
    value = value.strip().lower()
    value = re.sub(r"^https?://[^/]*trustpilot\.com/review/", "", value).split("?")[0]
    value = value.rstrip("/")
    labels = value.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return None
    return value if all(_DOMAIN_LABEL.match(label) for label in labels) else None


def normalize_site_url(value: str) -> str | None:
    """A site URL (scheme, lower-case host, optional path) without a trailing '/'."""
    value = value.strip().rstrip("/")
    scheme, sep, rest = value.partition("://")
    value = f"{scheme.lower()}{sep}{rest.split('/', 1)[0].lower()}" + (
        f"/{rest.split('/', 1)[1]}" if "/" in rest else "")
    return value if _SITE_URL.match(value) else None


def normalize_facebook_page(value: str) -> str | None:
    """A Facebook Page's numeric id or username (what follows facebook.com/)."""
    value = value.strip().removeprefix("https://www.facebook.com/").strip("/")
    return value if _FACEBOOK_PAGE.match(value) else None


# How each platform's key in a [[brands]] table reads. Most are a list of handles; a platform
# whose brand entry is a table (handles plus options) reads it in _Validator.brands and keeps
# the options in Brand.options.
_HANDLE_RULES = {
    "bluesky": (normalize_bluesky_handle, "a Bluesky handle like 'acme.bsky.social' or a DID"),
    "mastodon": (normalize_mastodon_handle, "a Mastodon account like 'acme@mastodon.social'"),
    "x": (normalize_x_handle, "an X screen name like 'AcmeAir' (1-15 letters, digits or '_')"),
    "discourse": (normalize_forum_url, "a forum URL like 'https://community.acme.com'"),
    "trustpilot": (normalize_review_domain,
                   "a company's domain on Trustpilot like 'acme.com'"),
    "youtube": (normalize_youtube_handle,
                "a YouTube channel handle like '@AcmeAir' or a channel id like 'UC…'"),
    "wordpress": (normalize_site_url, "a WordPress site URL like 'https://blog.acme.com'"),
    "facebook": (normalize_facebook_page, "a Facebook Page id like '104958162837' or username"),
}
# Platforms whose brand entry may also be a table: the key holding the handles, and each
# option with its pattern and what it means to a reader of an error message.
_TABLE_RULES: dict[str, tuple[str, dict[str, tuple[re.Pattern[str], str]]]] = {
    "discourse": ("forums", {
        "staff_groups": (_DISCOURSE_GROUP, "a Discourse group name like 'support'"),
        "categories": (_DISCOURSE_CATEGORY,
                       "a category path with its id, as in the forum's URL: 'support/5'"),
    }),
}


def read_wordpress_entry(v: _Validator, value: Any, key: str) -> tuple[Any, dict[str, Any]]:
    """`wordpress = [sites]`, or `wordpress = { sites = [...], staff = ["Acme Team"] }`:
    staff are the names the brand comments under without a site login."""
    if not isinstance(value, dict):
        return value, {"staff": ()}
    v.only_keys(value, f"{key}.", {"sites", "staff"})
    staff = value.get("staff", [])
    if not isinstance(staff, list) or not all(isinstance(s, str) and s.strip() for s in staff):
        raise v.fail(f"{key}.staff", "a list of comment author names like ['Acme Team']", staff)
    return value.get("sites", []), {"staff": tuple(s.strip() for s in staff)}


# Platforms whose brand entry may be a table of handles plus options.
_TABLE_ENTRIES = {"wordpress": read_wordpress_entry}


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
                entry = raw[platform]
                if platform == "reddit":
                    normalized, options[platform] = self.reddit_entry(raw[platform],
                                                                      f"{key}.{platform}", owner,
                                                                      brand_id)
                elif platform in _TABLE_ENTRIES:
                    entry, options[platform] = _TABLE_ENTRIES[platform](
                        self, entry, f"{key}.{platform}")
                    normalized = self.handle_list(entry, f"{key}.{platform}", platform)
                else:
                    normalized, extra = self.platform_entry(raw[platform], f"{key}.{platform}",
                                                            platform)
                    if extra:
                        options[platform] = extra
                for j, norm in enumerate(normalized):
                    if (platform, norm) in owner:
                        raise self.fail(
                            f"{key}.{platform}[{j}]",
                            f"an account no other brand lists "
                            f"(brand {owner[platform, norm]!r} has it)",
                            entry[j] if isinstance(entry, list) else norm,
                        )
                    owner[platform, norm] = brand_id
                if normalized:
                    accounts[platform] = normalized
            if not accounts:
                raise self.fail(key, f"at least one account on {' or '.join(PLATFORMS)}")
            name = self.string(raw, f"{key}.name") or brand_id
            brands.append(Brand(id=brand_id, name=name, accounts=accounts, options=options))
        return tuple(brands)

    def platform_entry(self, value: Any, key: str, platform: str,
                       ) -> tuple[tuple[str, ...], dict[str, Any]]:
        """A brand's handles on one platform and, for a table entry, its options."""
        if not isinstance(value, dict) or platform not in _TABLE_RULES:
            return self.handle_list(value, key, platform), {}
        handles_key, rules = _TABLE_RULES[platform]
        self.only_keys(value, f"{key}.", {handles_key, *rules})
        if handles_key not in value:
            raise self.fail(f"{key}.{handles_key}", f"a list of {_HANDLE_RULES[platform][1]}",
                            "missing")
        handles = self.handle_list(value[handles_key], f"{key}.{handles_key}", platform)
        options: dict[str, Any] = {}
        for name, (pattern, expected) in rules.items():
            items = value.get(name, [])
            if not isinstance(items, list):
                raise self.fail(f"{key}.{name}", f"a list of {expected}", items)
            for j, item in enumerate(items):
                if not isinstance(item, str) or not pattern.match(item.strip()):
                    raise self.fail(f"{key}.{name}[{j}]", expected, item)
            options[name] = tuple(item.strip() for item in items)
        return handles, options

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

    def reddit_entry(self, value: Any, key: str, owner: dict[tuple[str, str], str],
                     brand_id: str) -> tuple[tuple[str, ...], dict[str, Any]]:
        """`{ accounts = [...], subreddits = [...], flairs = [...], moderators = false }`.

        Accounts and subreddits are lower-cased (Reddit matches both case-insensitively); a
        subreddit belongs to one brand only, since its submissions are addressed to it.
        """
        if not isinstance(value, dict):
            raise self.fail(key, "a table like { accounts = [\"AcmeHelp\"], subreddits = "
                                 "[\"acme\"], flairs = [\"Official\"] }", value)
        self.only_keys(value, f"{key}.", {"accounts", "subreddits", "flairs", "moderators"})
        accounts = self.names(value, f"{key}.accounts", _REDDIT_USER, "u/",
                              "a Reddit username like 'AcmeHelp'", required=True)
        subreddits = self.names(value, f"{key}.subreddits", _SUBREDDIT, "r/",
                                "a subreddit name like 'acmeair'")
        for j, sub in enumerate(subreddits):
            if ("reddit/r", sub) in owner:
                raise self.fail(f"{key}.subreddits[{j}]",
                                f"a subreddit no other brand lists (brand "
                                f"{owner['reddit/r', sub]!r} has it)", sub)
            owner["reddit/r", sub] = brand_id
        flairs = value.get("flairs", [])
        if not isinstance(flairs, list) or not all(isinstance(f, str) and f.strip()
                                                   for f in flairs):
            raise self.fail(f"{key}.flairs", "a list of flair texts like ['Official']", flairs)
        moderators = value.get("moderators", False)
        if not isinstance(moderators, bool):
            raise self.fail(f"{key}.moderators", "true or false", moderators)
        if moderators and not subreddits:
            raise self.fail(f"{key}.moderators", "subreddits to be moderators of", "no subreddits")
        options = {"subreddits": subreddits, "flairs": tuple(f.strip() for f in flairs),
                   "moderators": moderators}
        return accounts, options

    def names(self, table: dict[str, Any], key: str, pattern: re.Pattern[str], prefix: str,
              expected: str, required: bool = False) -> tuple[str, ...]:
        """A list of Reddit names, lower-cased, without their `u/` or `r/` prefix."""
        value = table.get(key.rsplit(".", 1)[-1], [])
        if not isinstance(value, list) or (required and not value):
            raise self.fail(key, f"a non-empty list, each {expected}" if required
                            else f"a list, each {expected}", value if value != [] else "missing")
        names = []
        for j, name in enumerate(value):
            clean = name.strip().removeprefix("/").removeprefix(prefix) if isinstance(
                name, str) else ""
            if not pattern.match(clean):
                raise self.fail(f"{key}[{j}]", expected, name)
            names.append(clean.lower())
        return tuple(names)

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
            base_url = merged.pop("base_url", "")
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
