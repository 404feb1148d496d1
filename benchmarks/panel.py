"""Industry panels for benchmark runs: a panel file, or the name of a shipped example
(benchmarks/panels/*.toml). docs/cli.md, "benchmark", describes the runs."""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path

from benchmarks.config import AuditConfig, load_config


def load_panel(panel: str, db: Path | None = None, cwd: Path | None = None) -> AuditConfig:
    """The config of `panel`: a panel file, or the name of a shipped example panel (whose
    database then goes in `cwd`, default the current directory); `db` overrides the database
    either way. A panel needs no client. Raises ConfigError for a malformed panel."""
    path = Path(panel)
    shipped = resources.files("benchmarks").joinpath("panels", f"{panel}.toml")
    if not path.exists() and shipped.is_file():
        config = load_config(str(shipped), require_client=False)
        config = dataclasses.replace(config, db=(cwd or Path.cwd()) / f"{panel}.duckdb")
    else:
        config = load_config(panel, require_client=False)
    return dataclasses.replace(config, db=db) if db else config
