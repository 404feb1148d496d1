"""Config validation: every mistake names the file, the key and what was expected."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.config import load_config
from benchmarks.errors import ConfigError
from tests.conftest import cli

GOOD = """
[audit]
name = "Airlines, October"
client = "acme"
since = "2026-10-01"
until = "2026-10-31"
sla_minutes = 60
ignore_after_hours = 72
db = "audit.duckdb"

[[brands]]
id = "acme"
name = "Acme Air"
bluesky = ["@AcmeAir.bsky.social"]
mastodon = ["acmeair@Mastodon.Social"]

[[brands]]
id = "globex"
name = "Globex Airways"
bluesky = ["globex.com", "globexhelp.bsky.social"]

[platforms.bluesky]
base_url = "https://public.api.bsky.app"
[platforms.mastodon]
base_url = ""
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_is_normalised(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.client == "acme"
    assert cfg.since == datetime(2026, 10, 1, tzinfo=UTC)
    assert cfg.until == datetime(2026, 11, 1, tzinfo=UTC)  # the named day is included
    assert cfg.brand("acme").handles("bluesky") == ("acmeair.bsky.social",)
    assert cfg.brand("acme").handles("mastodon") == ("acmeair@mastodon.social",)
    assert cfg.db == tmp_path / "audit.duckdb"
    assert cfg.platforms["mastodon"].base_url == ""
    assert cfg.platforms["bluesky"].requests_per_second == 5.0
    assert cfg.platforms_in_use() == ["bluesky", "mastodon"]


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ('client = "acme"', 'client = "nobody"', "audit.client", "one of the brand ids"),
        ('client = "acme"\n', "", "audit.client", "the id of one of the [[brands]]"),
        ('since = "2026-10-01"', 'since = "2026-13-01"', "audit.since", "a date like"),
        ('since = "2026-10-01"', 'since = "2026-10-01"\ndays = 30', "audit.since", "exactly one"),
        ('until = "2026-10-31"', 'until = "2026-09-01"', "audit.until", "on or after"),
        ("sla_minutes = 60", "sla_minutes = -5", "audit.sla_minutes", "a positive whole number"),
        ("sla_minutes = 60", "sla_minuts = 60", "audit.sla_minuts", "unknown key"),
        ('["@AcmeAir.bsky.social"]', '["not a handle!"]', "brands[0].bluesky[0]", "Bluesky handle"),
        ('["acmeair@Mastodon.Social"]', '["acmeair"]', "brands[0].mastodon[0]", "Mastodon account"),
        ('"globex.com"', '"acmeair.bsky.social"', "brands[1].bluesky[0]", "no other brand"),
        ('id = "globex"', 'id = "Globex Air"', "brands[1].id", "lower-case"),
        ('base_url = ""', 'base_url = "ftp://x"', "platforms.mastodon.base_url", "http(s) URL"),
        ("[platforms.bluesky]", "[platforms.blusky]", "platforms.blusky", "unknown key"),
        ('id = "globex"', 'id = "globex"\nx = ["globex air"]', "brands[1].x[0]", "X screen name"),
        ("[platforms.bluesky]", '[platforms.x]\nbearer_token_env = "X-TOKEN"\n[platforms.bluesky]',
         "platforms.x.bearer_token_env", "environment variable name"),
        ("[platforms.bluesky]", '[platforms.x]\ncollect = "scraper"\n[platforms.bluesky]',
         "platforms.x.collect", "'api' or 'browser'"),
    ],
)
def test_each_mistake_names_key_and_expectation(tmp_path: Path, old: str, new: str, key: str,
                                                expected: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: expected")
    assert expected in message


def test_toml_syntax_error_names_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"audit.toml: \(syntax\): expected valid TOML"):
        load_config(write(tmp_path, "[audit\nname="))


def test_cli_exits_2_and_crawls_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('["not', '["x').replace('"globex.com"', '"bad handle"'))
    result = cli("crawl", str(path))
    assert result.returncode == 2
    assert "brands[1].bluesky[0]: expected a Bluesky handle" in result.stderr
    assert str(path) in result.stderr
    assert not (tmp_path / "audit.duckdb").exists()


def test_x_screen_names_lose_the_at_and_keep_their_case(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD.replace('id = "globex"', 'id = "globex"\nx = ["@GlobexAir"]')))
    assert cfg.brand("globex").handles("x") == ("GlobexAir",)
    assert cfg.platforms_in_use() == ["bluesky", "mastodon", "x"]
    assert cfg.platforms["x"].options["bearer_token_env"] == "X_BEARER_TOKEN"
