"""Shared fixtures: a simulator per test, and crawls run as real `replyaudit` processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from crawler.simulator.server import SimServer

ROOT = Path(__file__).resolve().parent.parent
# The instant the simulated worlds are generated at, unless a test says otherwise: the worlds
# depend on it (posts in the future are hidden, some platforms' histories end at it), so a
# fixed instant keeps every test's data the same at any hour of any day.
TEST_NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)


def sim_logins() -> dict[str, str]:
    """The environment a user would set, with the simulator's accepted logins."""
    from benchmarks.config import PLATFORM_DEFAULTS
    from crawler.simulator import login_environment

    return login_environment(PLATFORM_DEFAULTS)


def cli(*args: str, logins: bool = True, extra_env: dict[str, str] | None = None,
        cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `replyaudit ARGS` in a fresh process (Scrapy's reactor starts once per process)."""
    logins_env = sim_logins()
    env = {k: v for k, v in os.environ.items() if k not in logins_env}
    if logins:
        env.update(logins_env)
    env["REPLYAUDIT_RETRY_BACKOFF_SECONDS"] = "0.1"
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd or ROOT,
                          env=env, capture_output=True, text=True, timeout=300, input=stdin)


@pytest.fixture
def simulator() -> Iterator[Callable[..., SimServer]]:
    """Start simulators on free loopback ports; all are stopped after the test."""
    from crawler.simulator import start_simulator
    from crawler.simulator.server import Faults

    started: list[SimServer] = []

    def start(seed: int = 1, faults: str = "", **kwargs: object) -> SimServer:
        kwargs.setdefault("now", TEST_NOW)
        server = start_simulator(seed=seed, faults=Faults.parse(faults), **kwargs)  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sim_config(tmp_path: Path) -> Callable[[SimServer], Path]:
    """Write the simulator's matching config into the test's temp dir."""

    from crawler.simulator.config import write_simulator_config

    def write(server: SimServer, name: str = "audit.toml") -> Path:
        return write_simulator_config(server, tmp_path / name)

    return write
