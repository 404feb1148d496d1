"""Long waits say on the terminal what they wait for and until when."""

from __future__ import annotations

import time

import pytest

from crawler.extensions import ProgressExtension, wait_line


def test_a_wait_line_names_the_platform_the_reason_and_the_time() -> None:
    now = time.time()
    until = now + 4 * 60
    resume = time.strftime("%H:%M", time.localtime(until))
    assert wait_line("mastodon", "rate limit reached", until, now) == (
        f"mastodon: rate limit reached, resuming at {resume} (4 min)")
    assert wait_line("x", "HTTP 429, retrying", now + 45, now).endswith("(45 s)")


def test_only_waits_worth_a_line_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    progress = ProgressExtension.__new__(ProgressExtension)
    progress.wait_announced("bluesky", "rate limit reached", time.time() + 2)
    assert capsys.readouterr().err == ""
    progress.wait_announced("mastodon", "rate limit reached", time.time() + 300)
    assert "mastodon: rate limit reached, resuming at " in capsys.readouterr().err
