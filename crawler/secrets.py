"""Per-platform secrets for the spiders, read from the environment variables the config names.

Which secrets a platform has, and the variables they are read from by default, are its
registry entry's `secrets` (benchmarks/platforms/); the config option `<secret>_env` may name
another variable. Secrets go to the spiders only, never into the dataset or the config.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from benchmarks.platforms import REGISTRY

if TYPE_CHECKING:
    from benchmarks.config import AuditConfig


def spider_secrets(config: AuditConfig,
                   environ: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Per platform, the keyword arguments its spider takes its secrets as.

    One secret goes as a keyword of its own name (`access_token=...`), several as
    `credentials=(...)` in the registry's order, and only when every one is set. A platform
    collected by its browser spider gets that spider's secrets instead, unset ones as None
    (the spider then says which variable to set).
    """
    env = os.environ if environ is None else environ
    secrets: dict[str, dict[str, Any]] = {}
    for platform in REGISTRY:
        options = config.platforms[platform.id].options
        if platform.browser_spider and options.get("collect") == "browser":
            secrets[platform.id] = {name: env.get(options[f"{name}_env"])
                                    for name in platform.browser_secrets}
            continue
        values = [env.get(options[f"{name}_env"]) for name in platform.secrets]
        if not values or not all(values):
            continue
        if len(values) == 1:
            secrets[platform.id] = {next(iter(platform.secrets)): values[0]}
        else:
            secrets[platform.id] = {"credentials": tuple(values)}
    return secrets
