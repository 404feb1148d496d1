"""Accounts the platform flags as automated, read from real recorded payloads.

Mastodon's account `bot` field, Bluesky's `bot` self-label (the app's "automated account"),
and X's highlighted label of type AutomatedLabel ("Automated by @owner"). The recordings are
of people and a business, so each flag is also shown switched on in a copy.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

from crawler.parsers import bluesky, mastodon, x

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 18, tzinfo=UTC)


def load(platform: str, name: str) -> dict:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def test_mastodon_bot_field() -> None:
    data = load("mastodon", "fosstodon_account.json")
    assert mastodon.parse_account(data, "fosstodon.org", NOW, "u").automated is False
    assert mastodon.parse_account(data | {"bot": True}, "fosstodon.org", NOW, "u").automated
    assert mastodon.parse_account({k: v for k, v in data.items() if k != "bot"},
                                  "fosstodon.org", NOW, "u").automated is None


def test_bluesky_bot_self_label() -> None:
    profile = load("bluesky", "bsky_getProfiles_chriskenny.json")["profiles"][0]
    assert bluesky.parse_profile(profile, NOW, "u").automated is False
    flagged = profile | {"labels": [{"src": profile["did"], "uri": "at://x", "val": "bot",
                                     "cts": "2026-01-01T00:00:00Z"}]}
    assert bluesky.parse_profile(flagged, NOW, "u").automated is True
    # a label someone else put on the account is a moderation label, not a self-label
    other = profile | {"labels": [{"src": "did:plc:labeler", "val": "bot"}]}
    assert bluesky.parse_profile(other, NOW, "u").automated is False


def test_x_automated_label() -> None:
    result = load("x", "x_graphql_UserByScreenName.min.json")["data"]["user"]["result"]
    assert result["affiliates_highlighted_label"]["label"]["userLabelType"] == "BusinessLabel"
    assert x.parse_graphql_user(result, NOW, "u").automated is False
    bot = copy.deepcopy(result)
    bot["affiliates_highlighted_label"]["label"]["userLabelType"] = "AutomatedLabel"
    assert x.parse_graphql_user(bot, NOW, "u").automated is True
