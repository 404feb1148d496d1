"""What the rest of the code knows about a platform: the `Platform` record each
`benchmarks/platforms/<id>.py` declares once as `SPEC`. See docs/adding-a-platform.md.

Nothing here imports Scrapy or `crawler`: the spider, parser and simulator module are found by
convention from the id (`crawler/spiders/<id>.py` with `name = "<id>"`,
`crawler/parsers/<id>.py`, `crawler/simulator/<id>.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from benchmarks.validation import Validator

# One label of a lower-case domain name (handles on several platforms are domains).
DOMAIN_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class HandleRule:
    """How one handle in a brand's entry reads: `normalize` returns the canonical form (None
    when malformed); `expected` says what a good one looks like, for error messages."""

    normalize: Callable[[str], str | None]
    expected: str


def handle_rule(normalize: Callable[[str], str | None], expected: str) -> HandleRule:
    return HandleRule(normalize, expected)


class Entry(NamedTuple):
    """A brand's entry on one platform, read: canonical handles, the platform's own options
    (kept in Brand.options when not empty), and the handles as written when the entry was a
    list of them (error messages quote those; otherwise the canonical form)."""

    handles: tuple[str, ...]
    options: dict[str, Any]
    given: list[Any] | None = None


class EntryReader(Protocol):
    def __call__(self, v: Validator, value: Any, key: str, platform: str) -> Entry: ...


def read_handles(v: Validator, value: Any, key: str, platform: str) -> Entry:
    """The default entry: one handle or a list of them."""
    return Entry(v.handle_list(value, key, platform), {},
                 value if isinstance(value, list) else None)


def table_entry(handles_key: str, rules: Mapping[str, tuple[re.Pattern[str], str]],
                ) -> EntryReader:
    """An entry that is a list of handles or a table: the handles under `handles_key` plus
    lists of options, each item matching its pattern (with what it means, for errors)."""

    def read(v: Validator, value: Any, key: str, platform: str) -> Entry:
        if not isinstance(value, dict):
            return read_handles(v, value, key, platform)
        v.only_keys(value, f"{key}.", {handles_key, *rules})
        if handles_key not in value:
            raise v.fail(f"{key}.{handles_key}", f"a list of {v.rule(platform).expected}",
                         "missing")
        handles = v.handle_list(value[handles_key], f"{key}.{handles_key}", platform)
        options: dict[str, Any] = {}
        for name, (pattern, expected) in rules.items():
            items = value.get(name, [])
            if not isinstance(items, list):
                raise v.fail(f"{key}.{name}", f"a list of {expected}", items)
            for j, item in enumerate(items):
                if not isinstance(item, str) or not pattern.match(item.strip()):
                    raise v.fail(f"{key}.{name}[{j}]", expected, item)
            options[name] = tuple(item.strip() for item in items)
        return Entry(handles, options)

    return read


@dataclass(frozen=True)
class Platform:
    """One platform, described once; config validation, the runner, secrets, simulator
    logins, report labels and exports all look it up in `benchmarks.platforms`."""

    id: str  # also the Scrapy spider's name and the module name under crawler/
    label: str  # as readers know it, in reports
    # Config defaults under [platforms.<id>]: base_url, requests_per_second, concurrency and
    # the platform's own options (a float or int default makes the option a positive number).
    defaults: Mapping[str, Any]
    handle: HandleRule
    # Secret name -> the environment variable it is read from by default; the config option
    # `<name>_env` may name another. One secret goes to the spider as a keyword of its name,
    # several as `credentials=(...)` in this order, and only when all are set.
    secrets: Mapping[str, str] = field(default_factory=dict)
    # How a brand's entry reads when it is more than a list of handles.
    entry: EntryReader = read_handles
    # Options whose value must be one of a few words.
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Whether the spider follows incremental plans (benchmarks/incremental.py).
    incremental: bool = False
    # The opt-in browser spider `collect = "browser"` switches to, and its secrets (passed
    # always, unset ones as None, so the spider can say which variable to set).
    browser_spider: str | None = None
    browser_secrets: Mapping[str, str] = field(default_factory=dict)
    # Whether text mentions an account by the part of its handle before '@' (`@user`).
    mentions_by_user_part: bool = False

    @property
    def config_defaults(self) -> dict[str, Any]:
        """Every option under [platforms.<id>] with its default, `<secret>_env` included."""
        env = {f"{name}_env": var for name, var in {**self.secrets,
                                                     **self.browser_secrets}.items()}
        return {**self.defaults, **env}
