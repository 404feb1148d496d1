"""Real headless Chromium for tests that need a browser, or a clear reason why not.

The executable comes from `REPLYAUDIT_CHROMIUM`, else Debian's `/usr/bin/chromium`
(`make browser` installs it). Without one, browser tests skip with a reason, except in CI
(`CI` set), where a missing browser is a failure: a skipped check there would pass silently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reports.pdf import CHROMIUM_ARGS, DEFAULT_CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str:
    """The Chromium executable to drive; skips the test (fails it in CI) when there is none."""
    configured = os.environ.get("REPLYAUDIT_CHROMIUM")
    if configured and Path(configured).is_file():
        return configured
    if not configured and DEFAULT_CHROMIUM.is_file():
        return str(DEFAULT_CHROMIUM)
    missing = (f"REPLYAUDIT_CHROMIUM={configured} is not a file" if configured
               else f"no Chromium at {DEFAULT_CHROMIUM} and REPLYAUDIT_CHROMIUM is not set")
    fix = ("run `make browser` (installs Debian's chromium as root), or `playwright install "
           "chromium` and point REPLYAUDIT_CHROMIUM at it")
    if in_ci():
        pytest.fail(f"{missing}; in CI a missing browser is a failure: {fix}", pytrace=False)
    pytest.skip(f"{missing}: {fix}")


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch headless Chromium (see chromium_path for where it comes from); close it after."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                      args=list(CHROMIUM_ARGS))
