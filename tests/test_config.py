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
        ('mastodon = ["acmeair@Mastodon.Social"]', 'x = ["Acme Air"]', "brands[0].x[0]",
         "X screen name"),
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


def test_shipped_example_panels_load_without_a_client() -> None:
    from importlib import resources

    from benchmarks.config import load_config

    panels = sorted(p for p in resources.files("benchmarks").joinpath("panels").iterdir()
                    if p.name.endswith(".toml"))
    assert [p.name for p in panels] == ["airlines.toml", "telecoms.toml"]
    for panel in panels:
        assert "EXAMPLE PANEL" in panel.read_text(encoding="utf-8")
        config = load_config(str(panel), require_client=False)
        assert config.client is None and len(config.brands) >= 4 and config.days == 28
        with pytest.raises(ConfigError, match="audit.client"):
            load_config(str(panel))  # an audit still needs its client


DISCOURSE = GOOD.replace(
    'mastodon = ["acmeair@Mastodon.Social"]',
    'mastodon = ["acmeair@Mastodon.Social"]\n'
    'discourse = { forums = ["https://Community.Acme.com/"], staff_groups = ["team", "support"],'
    ' categories = ["support/5", "help/faq/9"] }',
).replace('bluesky = ["globex.com", "globexhelp.bsky.social"]',
          'bluesky = ["globex.com", "globexhelp.bsky.social"]\n'
          'discourse = ["https://globex.com/forum/latest"]')


def test_discourse_forums_and_options(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, DISCOURSE))
    acme, globex = cfg.brand("acme"), cfg.brand("globex")
    assert acme.handles("discourse") == ("https://community.acme.com",)
    assert acme.platform_options("discourse") == {"staff_groups": ("team", "support"),
                                                  "categories": ("support/5", "help/faq/9")}
    # a subfolder install keeps its path; a page of it is not part of the forum URL
    assert globex.handles("discourse") == ("https://globex.com/forum",)
    assert globex.platform_options("discourse") == {}
    assert cfg.platforms["discourse"].requests_per_second == 1.0
    assert cfg.platforms_in_use() == ["bluesky", "mastodon", "discourse"]


REDDIT = GOOD.replace(
    'mastodon = ["acmeair@Mastodon.Social"]',
    'mastodon = ["acmeair@Mastodon.Social"]\n'
    'reddit = { accounts = ["u/AcmeHelp"], subreddits = ["r/AcmeAir"], flairs = [" Official "],'
    " moderators = true }",
).replace('bluesky = ["globex.com", "globexhelp.bsky.social"]',
          'bluesky = ["globex.com", "globexhelp.bsky.social"]\n'
          'reddit = { accounts = ["GlobexAirways"] }')


def test_reddit_entry_is_normalised(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, REDDIT))
    acme = cfg.brand("acme")
    assert acme.handles("reddit") == ("acmehelp",)
    assert acme.platform_options("reddit") == {
        "subreddits": ("acmeair",), "flairs": ("Official",), "moderators": True}
    assert cfg.brand("globex").platform_options("reddit") == {
        "subreddits": (), "flairs": (), "moderators": False}
    reddit = cfg.platforms["reddit"]
    assert reddit.base_url == "https://oauth.reddit.com"
    assert reddit.requests_per_second == 1.0  # under Reddit's 100 requests per minute
    assert reddit.options["client_id_env"] == "REDDIT_CLIENT_ID"
    assert cfg.platforms_in_use() == ["bluesky", "mastodon", "reddit"]


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ('"https://globex.com/forum/latest"', '"community.globex.com"',
         "brands[1].discourse[0]", "a forum URL like"),
        ('"support/5"', '"support"', "brands[0].discourse.categories[0]", "with its id"),
        ('staff_groups = ["team", "support"]', 'staff_groups = "team"',
         "brands[0].discourse.staff_groups", "a list of"),
        ('forums = [', 'forum = [', "brands[0].discourse.forum", "unknown key"),
        ('"https://globex.com/forum/latest"', '"https://community.acme.com"',
         "brands[1].discourse[0]", "no other brand"),
    ],
)
def test_discourse_mistakes_name_key_and_expectation(tmp_path: Path, old: str, new: str,
                                                     key: str, expected: str) -> None:
    assert old in DISCOURSE
    path = write(tmp_path, DISCOURSE.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {key}: expected")
    assert expected in str(caught.value)


def test_wordpress_sites_and_staff(tmp_path: Path) -> None:
    text = GOOD.replace('mastodon = ["acmeair@Mastodon.Social"]',
                        'mastodon = ["acmeair@Mastodon.Social"]\n'
                        'wordpress = { sites = ["HTTPS://Blog.Acme.com/"], staff = ["Acme Team "] }'
                        ).replace('bluesky = ["globex.com", "globexhelp.bsky.social"]',
                                  'bluesky = ["globex.com", "globexhelp.bsky.social"]\n'
                                  'wordpress = ["https://globex.example/news"]')
    cfg = load_config(write(tmp_path, text))
    assert cfg.brand("acme").handles("wordpress") == ("https://blog.acme.com",)
    assert cfg.brand("acme").platform_options("wordpress") == {"staff": ("Acme Team",)}
    assert cfg.brand("globex").handles("wordpress") == ("https://globex.example/news",)
    assert cfg.brand("globex").platform_options("wordpress") == {"staff": ()}
    assert "wordpress" in cfg.platforms_in_use()
    assert cfg.platforms["wordpress"].requests_per_second == 1.0


@pytest.mark.parametrize(
    ("entry", "key", "expected"),
    [
        ('wordpress = ["blog.acme.com"]', "brands[0].wordpress[0]", "WordPress site URL"),
        ('wordpress = { sites = ["https://a.example"], staff = "Acme" }',
         "brands[0].wordpress.staff", "a list of comment author names"),
        ('wordpress = { sites = ["https://a.example"], team = ["Acme"] }',
         "brands[0].wordpress.team", "unknown key"),
    ],
)
def test_wordpress_mistakes(tmp_path: Path, entry: str, key: str, expected: str) -> None:
    path = write(tmp_path, GOOD.replace('mastodon = ["acmeair@Mastodon.Social"]',
                                        f'mastodon = ["acmeair@Mastodon.Social"]\n{entry}'))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {key}: expected")
    assert expected in str(caught.value)


def test_trustpilot_domains(tmp_path: Path) -> None:
    text = GOOD.replace('mastodon = ["acmeair@Mastodon.Social"]',
                        'mastodon = ["acmeair@Mastodon.Social"]\n'
                        'trustpilot = ["Acme.com", '
                        '"https://www.trustpilot.com/review/www.acme.co.uk?page=2"]')
    cfg = load_config(write(tmp_path, text))
    assert cfg.brand("acme").handles("trustpilot") == ("acme.com", "www.acme.co.uk")
    assert cfg.platforms["trustpilot"].base_url == "https://www.trustpilot.com"
    assert cfg.platforms["trustpilot"].requests_per_second == 0.5
    with pytest.raises(ConfigError, match=r"brands\[0\].trustpilot\[0\]: expected a company's "
                                          r"domain on Trustpilot like 'acme.com', got 'acme'"):
        load_config(write(tmp_path, text.replace('"Acme.com"', '"acme"')))


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ('accounts = ["u/AcmeHelp"], ', "", "brands[0].reddit.accounts",
         "a non-empty list, each a Reddit username"),
        ('"u/AcmeHelp"', '"Acme Help!"', "brands[0].reddit.accounts[0]", "Reddit username"),
        ('"r/AcmeAir"', '"r/a"', "brands[0].reddit.subreddits[0]", "subreddit name"),
        ("moderators = true", 'moderators = "yes"', "brands[0].reddit.moderators",
         "true or false"),
        ('flairs = [" Official "]', "flairs = [3]", "brands[0].reddit.flairs", "flair texts"),
        ("moderators = true", "mods = true", "brands[0].reddit.mods", "unknown key"),
        ('reddit = { accounts = ["GlobexAirways"] }',
         'reddit = { accounts = ["GlobexAirways"], subreddits = ["acmeair"] }',
         "brands[1].reddit.subreddits[0]", "no other brand lists"),
        ('reddit = { accounts = ["GlobexAirways"] }', 'reddit = ["GlobexAirways"]',
         "brands[1].reddit", "a table like"),
    ],
)
def test_each_reddit_mistake_names_key_and_expectation(tmp_path: Path, old: str, new: str,
                                                       key: str, expected: str) -> None:
    assert old in REDDIT
    path = write(tmp_path, REDDIT.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: expected")
    assert expected in message


def test_youtube_channels_are_handles_or_ids(tmp_path: Path) -> None:
    text = GOOD.replace('mastodon = ["acmeair@Mastodon.Social"]',
                        'mastodon = ["acmeair@Mastodon.Social"]\n'
                        'youtube = ["@AcmeAir", "UC_x5XG1OV2P6uZZ5FSM9Ttw"]')
    cfg = load_config(write(tmp_path, text))
    assert cfg.brand("acme").handles("youtube") == ("@acmeair", "UC_x5XG1OV2P6uZZ5FSM9Ttw")
    assert cfg.platforms["youtube"].options["quota_units"] == 10000
    path = write(tmp_path, text.replace('"@AcmeAir"', '"https://youtube.com/@AcmeAir"'))
    with pytest.raises(ConfigError, match=r"brands\[0\]\.youtube\[0\]: expected a YouTube "
                                          r"channel handle like '@AcmeAir'"):
        load_config(path)
    path = write(tmp_path, text + "[platforms.youtube]\nquota_units = 0\n")
    with pytest.raises(ConfigError, match=r"platforms\.youtube\.quota_units: expected a "
                                          r"positive whole number"):
        load_config(path)


def test_facebook_pages_and_token_variable(tmp_path: Path) -> None:
    text = GOOD.replace('mastodon = ["acmeair@Mastodon.Social"]',
                        'mastodon = ["acmeair@Mastodon.Social"]\n'
                        'facebook = ["https://www.facebook.com/AcmeAir/", "104958162837001"]')
    cfg = load_config(write(tmp_path, text + '[platforms.facebook]\naccess_token_env = "FB_TOKEN"\n'
                            "usage_pause_seconds = 60\n"))
    assert cfg.brand("acme").handles("facebook") == ("AcmeAir", "104958162837001")
    facebook = cfg.platforms["facebook"]
    assert facebook.base_url == "https://graph.facebook.com/v23.0"
    assert facebook.options == {"access_token_env": "FB_TOKEN", "usage_pause_seconds": 60}


@pytest.mark.parametrize(
    ("extra", "key", "expected"),
    [
        ('[platforms.facebook]\naccess_token_env = "FB TOKEN"\n',
         "platforms.facebook.access_token_env", "an environment variable name"),
        ("[platforms.facebook]\nusage_pause_seconds = 0\n",
         "platforms.facebook.usage_pause_seconds", "a positive whole number"),
    ],
)
def test_facebook_mistakes(tmp_path: Path, extra: str, key: str, expected: str) -> None:
    path = write(tmp_path, GOOD + extra)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {key}: expected")
    assert expected in str(caught.value)


def test_facebook_page_must_look_like_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('mastodon = ["acmeair@Mastodon.Social"]',
                                        'mastodon = ["acmeair@Mastodon.Social"]\n'
                                        'facebook = ["acme air!"]'))
    with pytest.raises(ConfigError, match=r"brands\[0\].facebook\[0\]: expected a Facebook Page"):
        load_config(path)


def test_x_screen_names_lose_the_at_and_keep_their_case(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD.replace('id = "globex"',
                                                   'id = "globex"\nx = ["@GlobexAir"]')))
    assert cfg.brand("globex").handles("x") == ("GlobexAir",)
    assert cfg.platforms_in_use() == ["bluesky", "mastodon", "x"]
    assert cfg.platforms["x"].options["bearer_token_env"] == "X_BEARER_TOKEN"
