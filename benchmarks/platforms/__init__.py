"""The registry of platforms: each is described once, in `benchmarks/platforms/<id>.py` as
`SPEC = Platform(...)`, and listed here. Everything else looks platforms up here: config
validation, the crawl runner (spiders by name), secrets, simulator logins, report labels and
exports. See docs/adding-a-platform.md.
"""

from __future__ import annotations

from benchmarks.platforms import (
    bluesky,
    discourse,
    facebook,
    mastodon,
    reddit,
    trustpilot,
    wordpress,
    x,
    youtube,
)
from benchmarks.platforms.base import Platform

# In the order reports, configs and crawls list them. Adding a platform: one line here.
REGISTRY: tuple[Platform, ...] = (
    bluesky.SPEC,
    mastodon.SPEC,
    discourse.SPEC,
    trustpilot.SPEC,
    reddit.SPEC,
    youtube.SPEC,
    wordpress.SPEC,
    facebook.SPEC,
    x.SPEC,
)

SPECS: dict[str, Platform] = {spec.id: spec for spec in REGISTRY}
PLATFORMS: tuple[str, ...] = tuple(SPECS)


def spec(platform: str) -> Platform:
    """The registered platform `platform`; KeyError when there is none."""
    return SPECS[platform]


def label(platform: str) -> str:
    """A platform id as readers know it: its entry's label ('X'); unknown ids title-cased."""
    found = SPECS.get(platform)
    return found.label if found else platform.title()


__all__ = ["PLATFORMS", "REGISTRY", "SPECS", "Platform", "label", "spec"]
