"""Style and types are checked with the tests, so CI holds every change to them (rules and
mypy settings: pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def test_mypy_finds_nothing() -> None:
    # mypy's cache (.mypy_cache, git-ignored) is kept: a first run takes seconds, later ones
    # well under one.
    result = subprocess.run([sys.executable, "-m", "mypy", "crawler", "benchmarks", "reports"],
                            cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
