"""The Mastodon parser against real recorded payloads (tests/fixtures/mastodon/PROVENANCE.md).

Expected values are read from the raw JSON in the test itself, never from the parser.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.middlewares import reset_epoch
from crawler.parsers import mastodon
from crawler.parsers.common import parse_timestamp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)
TAG = re.compile(r"</?[a-z][^>]*>")


def load(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def meta(platform: str, name: str) -> dict[str, Any]:
    return load(platform, "_responses_meta.json")[name]


def test_account_is_keyed_by_user_at_instance() -> None:
    data = load("mastodon", "fosstodon_account.json")
    account = mastodon.parse_account(data, "fosstodon.org", FETCHED, "u", "acme")
    assert account.account_id == f"{data['acct']}@fosstodon.org" == account.handle
    assert (account.followers, account.url, account.brand_id) == (
        data["followers_count"], data["url"], "acme")


def test_statuses_page_maps_text_ids_and_mentions() -> None:
    data = load("mastodon", "fosstodon_account_statuses_page1.json")
    parsed = mastodon.parse_statuses(data, "fosstodon.org", {}, FETCHED, "u", "acme")
    assert [p.post_id for p in parsed.posts] == [s["uri"] for s in data]
    for status, post in zip(data, parsed.posts, strict=True):
        assert TAG.search(post.text) is None, status["content"]
        assert post.created_at == parse_timestamp(status["created_at"])
        assert post.mentions == [
            m["acct"] if "@" in m["acct"] else f"{m['acct']}@fosstodon.org"
            for m in status["mentions"]]
        assert post.author_id == "schochastics@fosstodon.org"
    # A parent is linked only when this instance told us its uri (here: on the same page).
    by_id = {s["id"]: s["uri"] for s in data}
    for status, post in zip(data, parsed.posts, strict=True):
        assert post.parent_id == by_id.get(status["in_reply_to_id"])
    assert sum(p.parent_id is not None for p in parsed.posts) == 2


def test_paragraphs_and_entities_become_plain_text() -> None:
    status = load("mastodon", "fosstodon_status_single.json")
    post = mastodon.parse_status(status, "fosstodon.org", {}, FETCHED, "u")
    assert post is not None
    assert post.text.startswith("Super grateful to have received an R Consortium grant")
    assert post.text.endswith("#rstats cc @maelle")
    assert post.mentions == ["maelle@mastodon.social"]
    assert post.reply_count == status["replies_count"] == 1


def test_link_header_gives_the_next_page() -> None:
    link = meta("mastodon", "fosstodon_account_statuses_page1.json")["response_headers"]["link"]
    assert mastodon.next_page(link) == (
        "https://fosstodon.org/api/v1/accounts/109302436954721982/statuses"
        "?exclude_reblogs=FALSE&limit=20&max_id=113191408914362368")
    page2 = meta("mastodon", "fosstodon_account_statuses_page2.json")["request_uri"]
    assert "max_id=113191408914362368" in page2
    assert mastodon.next_page(None) is None


def test_anonymous_context_keeps_descendants_and_finds_cut_branches() -> None:
    data = load("mastodon", "mastodon_social_status_context_anonymous.json")
    requested = {"id": "109294719267373593",
                 "uri": "https://mastodon.social/users/x/statuses/109294719267373593",
                 "replies_count": 43}
    parsed = mastodon.parse_context(data, requested, "mastodon.social", {}, FETCHED, "u", "acme")
    descendants = data["descendants"]
    assert len(parsed.posts) == len(descendants) == 59
    uri = {s["id"]: s["uri"] for s in [requested, *descendants]}
    for status, post in zip(descendants, parsed.posts, strict=True):
        assert post.parent_id == uri[status["in_reply_to_id"]]
        assert post.root_id == requested["uri"]
    children: dict[str, int] = {}
    for s in descendants:
        children[s["in_reply_to_id"]] = children.get(s["in_reply_to_id"], 0) + 1
    expected_cut = [s["id"] for s in descendants if s["replies_count"] > children.get(s["id"], 0)]
    assert parsed.cut == expected_cut and len(expected_cut) == 3
    assert not parsed.root_truncated  # 43 direct replies, all present


def test_a_capped_context_missing_direct_replies_is_truncated() -> None:
    data = load("mastodon", "mastodon_social_status_context_anonymous.json")
    capped = {"ancestors": [], "descendants": data["descendants"] + [data["descendants"][-1]]}
    requested = {"id": "109294719267373593", "uri": "https://m/1", "replies_count": 80}
    parsed = mastodon.parse_context(capped, requested, "mastodon.social", {}, FETCHED, "u", None)
    assert parsed.root_truncated


def test_context_with_ancestors_stores_none_of_them() -> None:
    data = load("mastodon", "fosstodon_status_context_with_ancestors.json")
    requested = {"id": "114027213608365869", "uri": "https://fosstodon.org/x"}
    parsed = mastodon.parse_context(data, requested, "fosstodon.org", {}, FETCHED, "u", None)
    assert parsed.posts == [] and len(data["ancestors"]) == 1
    assert parsed.ids[data["ancestors"][0]["id"]] == data["ancestors"][0]["uri"]


def test_remote_accounts_keep_their_own_domain() -> None:
    data = load("mastodon", "mastodon_social_tag_timeline_anonymous.json")
    parsed = mastodon.parse_statuses(data, "mastodon.social", {}, FETCHED, "u", None)
    expected = [s["account"]["acct"] if "@" in s["account"]["acct"]
                else f"{s['account']['acct']}@mastodon.social" for s in data]
    assert [p.author_id for p in parsed.posts] == expected
    assert "useR_conf@mastodon.social" in expected  # a local account: the serving instance


def test_boosts_are_not_posts() -> None:
    status = load("mastodon", "fosstodon_status_single.json")
    boost = dict(status, reblog=copy.deepcopy(status), uri=status["uri"] + "/activity")
    assert mastodon.parse_status(boost, "fosstodon.org", {}, FETCHED, "u") is None


def test_mastodon_rate_limit_reset_is_iso_8601() -> None:
    headers = meta("mastodon", "fosstodon_account.json")["response_headers"]
    assert reset_epoch(headers["x-ratelimit-reset"]) == datetime(
        2025, 7, 17, 13, 45, 0, 216801, tzinfo=UTC).timestamp()
