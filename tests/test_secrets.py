"""Tokens, passwords and session cookies never reach a log, the dataset or the report.

One crawl of every platform at DEBUG log level (Scrapy then logs every request URL), then the
report; every secret the simulator accepts is looked for in all three.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.simulator.server import SimServer
from tests.conftest import cli, sim_logins

pytestmark = pytest.mark.crawl  # every test here runs whole crawls

# The environment variables holding values a user keeps secret; the others hold public
# identifiers (a Bluesky handle, an app's client id) that may appear.
PUBLIC = ("BLUESKY_IDENTIFIER", "REDDIT_CLIENT_ID")
# The platforms that need one of those secrets.
NEEDING_SECRETS = ("bluesky", "mastodon", "reddit", "youtube", "facebook", "x")


def test_no_secret_in_logs_dataset_or_report(simulator: Callable[..., SimServer],
                                             sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(4)
    config = sim_config(server)
    crawled = cli("crawl", str(config), extra_env={"REPLYAUDIT_LOG_LEVEL": "DEBUG"})
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    report = config.parent / "report.html"
    reported = cli("report", str(config), "-o", str(report))
    assert reported.returncode == 0, reported.stderr[-3000:]
    # The secrets were used: every platform that needs one answered with data.
    assert all(server.count(platform) > 0 for platform in NEEDING_SECRETS)
    assert "Crawled (200)" in crawled.stderr  # DEBUG logging was on
    places = {"crawl log": crawled.stdout + crawled.stderr,
              "report log": reported.stdout + reported.stderr,
              "report": report.read_text(encoding="utf-8"),
              "dataset": (config.parent / "audit.duckdb").read_bytes().decode("latin-1")}
    secrets = {name: value for name, value in sim_logins().items() if name not in PUBLIC}
    assert len(secrets) == len(NEEDING_SECRETS)
    leaks = [(name, place) for name, secret in secrets.items()
             for place, text in places.items() if secret in text]
    assert not leaks, leaks
