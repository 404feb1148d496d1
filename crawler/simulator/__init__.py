"""The platform simulator: a seeded world served over local HTTP in each platform's real shapes.

`start_simulator()` builds the world and serves it on 127.0.0.1; every registered platform's
module (PLATFORM_MODULES) contributes its id scheme (`IDS`), its routes (`routes()`), its
section of the written config (`config_section(base_url)`), each brand's entry
(`brand_entry(brand_id, base_url)`) and the logins it accepts (`CREDENTIALS`). See
docs/development.md, "The simulator", and docs/adding-a-platform.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import import_module
from types import ModuleType
from typing import Any

from benchmarks.platforms import REGISTRY
from crawler.simulator.server import Faults, SimServer
from crawler.simulator.world import WorldSettings, generate_world

# Every registered platform's simulator module, by convention crawler/simulator/<id>.py.
PLATFORM_MODULES: dict[str, ModuleType] = {
    platform.id: import_module(f"{__name__}.{platform.id}") for platform in REGISTRY}

# Credentials the simulator accepts, from each module's CREDENTIALS (a platform's, keyed by its
# id, and any other login its routes take, such as X's web session); the demo and the tests
# put them in the environment variables the written config names, as a user would.
SIM_CREDENTIALS: dict[str, tuple[str, str]] = {
    name: pair for module in PLATFORM_MODULES.values()
    for name, pair in getattr(module, "CREDENTIALS", {}).items()}


def login_environment(options: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The environment a user would set to log in to the simulator: each credential under
    the variable its platform's config `options` name (a config's, or PLATFORM_DEFAULTS).

    A platform's secrets (its registry entry) are the last parts of its credential pair: a
    single token is the second part, a login of two is both."""
    env: dict[str, str] = {}
    for platform in REGISTRY:
        names = list(platform.secrets)
        if not names or platform.id not in SIM_CREDENTIALS:
            continue
        values = SIM_CREDENTIALS[platform.id][-len(names):]
        for name, value in zip(names, values, strict=True):
            env[options[platform.id][f"{name}_env"]] = value
    return env


def start_simulator(seed: int = 1, now: datetime | None = None, faults: Faults | None = None,
                    port: int = 0, settings: WorldSettings | None = None,
                    session_seconds: float = 7200.0,
                    rate_limits: dict[str, tuple[int, int]] | None = None,
                    request_log: str | None = None, brands: int = 0) -> SimServer:
    """Generate the world for `seed` at `now` (default: this instant) and start serving it.

    `rate_limits` overrides a platform's (requests, window seconds); the defaults are the
    real platforms' (Bluesky 3000 per 300 s, Mastodon 300 per 300 s, Reddit 1000 per 600 s).
    `request_log`: a file that gets one JSON line per request (time, platform, path, status).
    `brands`: a generated panel of that many brands besides the demo's (world.generate_panel).
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    world = generate_world(seed, now, {p: m.IDS for p, m in PLATFORM_MODULES.items()}, settings,
                           brands)
    routes = [route for module in PLATFORM_MODULES.values() for route in module.routes()]
    server = SimServer(world, routes, faults, port, SIM_CREDENTIALS, session_seconds,
                       request_log)
    server.state["rate_limits"] = dict(rate_limits or {})
    return server.start()
