"""Writes an audit config that matches a running simulator's world."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from benchmarks import files
from crawler.simulator.server import SimServer
from crawler.simulator.world import DEMO_BRANDS


def simulator_config(server: SimServer, db: str = "audit.duckdb") -> dict[str, object]:
    """The config document: the demo brands (and a generated panel's), the world's window and
    thresholds, local URLs.

    `as_of` is the world's `now`: statuses are judged at the instant the ground truth is for,
    however long after it the crawl runs.
    """
    from crawler.simulator import PLATFORM_MODULES

    world = server.world
    brands = []
    for brand_id, name, _, _ in DEMO_BRANDS:
        brand: dict[str, object] = {"id": brand_id, "name": name}
        if brand_id in world.open_hours:
            brand["business_hours"] = world.open_hours[brand_id].as_config()
        for platform, module in PLATFORM_MODULES.items():
            # Each platform writes the brand's entry itself (its handles, or a table of
            # handles and options); None: the brand is not on it.
            entry = module.brand_entry(brand_id, server.base_url)
            if entry is not None and platform in world.accounts:
                brand[platform] = entry
        brands.append(brand)
    # A generated panel's brands: their accounts on each platform that hosts them.
    handles: dict[tuple[str, str], list[str]] = {}
    for platform, accounts in world.accounts.items():
        for account in accounts:
            if account.brand_id is not None:
                handles.setdefault((account.brand_id, platform), []).append(account.handle)
    for panel_brand in world.panel:
        brand = {"id": panel_brand.id, "name": panel_brand.name}
        for platform, module in PLATFORM_MODULES.items():
            if (panel_brand.id, platform) not in handles:
                continue
            # A module whose entry is more than handles writes it (`panel_entry`).
            panel_entry = getattr(module, "panel_entry", None)
            brand[platform] = (panel_entry(panel_brand.id, server.base_url) if panel_entry
                               else handles[panel_brand.id, platform])
        brands.append(brand)
    return {
        "audit": {
            "name": f"Simulated airlines (seed {world.seed})",
            "client": DEMO_BRANDS[0][0],
            "since": world.window_start.date().isoformat(),
            "sla_minutes": world.settings.sla_minutes,
            "ignore_after_hours": world.settings.ignore_after_hours,
            "as_of": world.now.isoformat().replace("+00:00", "Z"),
            "db": db,
        },
        "crawl": {"user_agent": "replyaudit-demo (+https://github.com/replyaudit/replyaudit)"},
        "brands": brands,
        "platforms": {p: m.config_section(server.base_url) for p, m in PLATFORM_MODULES.items()},
    }


def write_simulator_config(server: SimServer, path: Path, db: str = "audit.duckdb") -> Path:
    files.write_text(path, tomli_w.dumps(simulator_config(server, db)))
    return path
