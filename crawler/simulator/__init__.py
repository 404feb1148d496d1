"""The platform simulator: a seeded world served over local HTTP in each platform's real shapes.

`start_simulator()` builds the world and serves it on 127.0.0.1; every platform module in
PLATFORM_MODULES contributes its id scheme (`IDS`), its routes (`routes()`), its section of
the written config (`config_section(base_url)`) and, optionally, each brand's entry
(`brand_entry(brand_id)`). See docs/development.md, "The simulator".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from crawler.simulator import (
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
from crawler.simulator.server import Faults, SimServer
from crawler.simulator.world import WorldSettings, generate_world

PLATFORM_MODULES = {"bluesky": bluesky, "mastodon": mastodon, "discourse": discourse,
                    "trustpilot": trustpilot, "reddit": reddit, "youtube": youtube,
                    "wordpress": wordpress, "facebook": facebook, "x": x}

# Credentials the simulator accepts; the demo and the tests put them in the environment
# variables the written config names, exactly as a user would with real ones.
SIM_CREDENTIALS = {
    "bluesky": ("auditor.bsky.social", "sim-app-password"),
    "mastodon": ("mastodon.social", "sim-mastodon-token"),
    "reddit": ("sim-reddit-client-id", "sim-reddit-client-secret"),
    "youtube": ("", "sim-youtube-api-key"),
    "facebook": ("", "sim-facebook-page-token"),
    "x": ("", "sim-x-bearer-token"),
    "x_web": ("auth_token", "sim-x-session-cookie"),  # a logged-in browser's session cookie
}
# The config options that name the environment variable of each part of SIM_CREDENTIALS
# (None: that part is not set through the environment).
_LOGIN_OPTIONS = {
    "bluesky": ("identifier_env", "password_env"),
    "mastodon": (None, "access_token_env"),
    "reddit": ("client_id_env", "client_secret_env"),
    "youtube": (None, "api_key_env"),
    "facebook": (None, "access_token_env"),
    "x": (None, "bearer_token_env"),
}


def login_environment(options: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The environment a user would set to log in to the simulator: each credential under
    the variable its platform's config `options` name (a config's, or PLATFORM_DEFAULTS)."""
    return {options[platform][option]: value
            for platform, names in _LOGIN_OPTIONS.items()
            for option, value in zip(names, SIM_CREDENTIALS[platform], strict=True)
            if option is not None}


def start_simulator(seed: int = 1, now: datetime | None = None, faults: Faults | None = None,
                    port: int = 0, settings: WorldSettings | None = None,
                    session_seconds: float = 7200.0,
                    rate_limits: dict[str, tuple[int, int]] | None = None) -> SimServer:
    """Generate the world for `seed` at `now` (default: this instant) and start serving it.

    `rate_limits` overrides a platform's (requests, window seconds); the defaults are the
    real platforms' (Bluesky 3000 per 300 s, Mastodon 300 per 300 s, Reddit 1000 per 600 s).
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    world = generate_world(seed, now, {p: m.IDS for p, m in PLATFORM_MODULES.items()}, settings)
    routes = [route for module in PLATFORM_MODULES.values() for route in module.routes()]
    server = SimServer(world, routes, faults, port, SIM_CREDENTIALS, session_seconds)
    server.state["rate_limits"] = dict(rate_limits or {})
    return server.start()
