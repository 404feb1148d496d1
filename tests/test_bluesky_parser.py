"""The pure parsers against real recorded payloads (tests/fixtures/*/PROVENANCE.md).

Expected values are read from the raw JSON in the test itself, never from the parser.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.middlewares import reset_epoch
from crawler.parsers import bluesky, mastodon
from crawler.parsers.common import parse_timestamp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)
KENNY = "did:plc:wpe35pganb6d4pg4ekmfy6u5"
TAG = re.compile(r"</?[a-z][^>]*>")


def load(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def meta(platform: str, name: str) -> dict[str, Any]:
    return load(platform, "_responses_meta.json")[name]


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-05-03T14:06:22.189401Z", datetime(2025, 5, 3, 14, 6, 22, 189401, tzinfo=UTC)),
    ("2024-03-21T23:36:16.378Z", datetime(2024, 3, 21, 23, 36, 16, 378000, tzinfo=UTC)),
    ("2013-02-04T15:26:26.278-05:00", datetime(2013, 2, 4, 20, 26, 26, 278000, tzinfo=UTC)),
    ("2025-06-03T16:49:43.123456789Z", datetime(2025, 6, 3, 16, 49, 43, 123456, tzinfo=UTC)),
    ("2025-06-03T16:49:43", datetime(2025, 6, 3, 16, 49, 43, tzinfo=UTC)),
    ("yesterday", None), ("", None), (None, None), (1717000000, None),
])
def test_timestamps_become_utc(raw: object, expected: datetime | None) -> None:
    assert parse_timestamp(raw) == expected


# Bluesky --------------------------------------------------------------------------------------

def test_author_feed_keeps_the_actors_own_posts_only() -> None:
    data = load("bluesky", "bsky_getAuthorFeed_chriskenny.json")
    parsed = bluesky.parse_author_feed(data, KENNY, FETCHED, "https://x/feed", "acme")
    own = [item for item in data["feed"]
           if "reason" not in item and item["post"]["author"]["did"] == KENNY]
    reposts = [item for item in data["feed"] if "reason" in item]
    assert len(reposts) == 7 and len(own) == 43
    assert [p.post_id for p in parsed.posts] == [item["post"]["uri"] for item in own]
    assert parsed.cursor == data["cursor"] and parsed.dropped == 0
    assert {p.author_id for p in parsed.posts} == {KENNY}
    assert {p.brand_id for p in parsed.posts} == {"acme"}
    # Reply context (someone else's parent post) is never stored.
    parents = {item["reply"]["parent"]["uri"] for item in own if "reply" in item}
    assert not parents & {p.post_id for p in parsed.posts if p.author_id != KENNY}


def test_author_feed_links_replies_to_their_parent_and_root() -> None:
    data = load("bluesky", "bsky_getAuthorFeed_chriskenny.json")
    parsed = {p.post_id: p for p in
              bluesky.parse_author_feed(data, KENNY, FETCHED, "u", None).posts}
    replies = [item["post"] for item in data["feed"]
               if "reason" not in item and item["post"]["record"].get("reply")]
    assert len(replies) == 24
    for view in replies:
        post = parsed[view["uri"]]
        assert post.parent_id == view["record"]["reply"]["parent"]["uri"]
        assert post.root_id == view["record"]["reply"]["root"]["uri"]
    tops = [p for p in parsed.values() if p.parent_id is None]
    assert tops and all(p.root_id == p.post_id for p in tops)


def test_a_post_view_maps_every_field() -> None:
    data = load("bluesky", "bsky_getAuthorFeed_chriskenny.json")
    view = next(item["post"] for item in data["feed"] if "reason" not in item)
    [post, *_] = bluesky.parse_author_feed(data, KENNY, FETCHED, "https://src", "acme").posts
    rkey = view["uri"].rsplit("/", 1)[1]
    assert post.url == f"https://bsky.app/profile/{view['author']['handle']}/post/{rkey}"
    assert post.text == view["record"]["text"]
    assert post.created_at == datetime.fromisoformat(view["record"]["createdAt"])
    assert post.created_at.tzinfo is not None and post.created_at.utcoffset().total_seconds() == 0
    assert (post.like_count, post.reply_count, post.repost_count) == (
        view["likeCount"], view["replyCount"], view["repostCount"])
    assert post.language == (view["record"].get("langs") or [None])[0]
    assert (post.fetched_at, post.source_url) == (FETCHED, "https://src")


def test_mentions_are_the_dids_of_mention_facets() -> None:
    data = load("bluesky", "bsky_getAuthorFeed_chriskenny.json")
    posts = {p.post_id: p for p in bluesky.parse_author_feed(data, KENNY, FETCHED, "u", None).posts}
    seen = 0
    for item in data["feed"]:
        if "reason" in item:
            continue
        record = item["post"]["record"]
        dids = [f["did"] for facet in record.get("facets", []) for f in facet["features"]
                if f["$type"] == "app.bsky.richtext.facet#mention"]
        assert posts[item["post"]["uri"]].mentions == dids
        seen += bool(dids)
    assert seen == 4


def test_search_results_whose_text_matches_are_not_mentions() -> None:
    # searchPosts?q=redistricting: matches by text; none of them mentions an account.
    data = load("bluesky", "bsky_searchPosts_redistricting.json")
    parsed = bluesky.parse_search(data, FETCHED, "u", "acme")
    assert len(parsed.posts) == len(data["posts"]) == 25
    assert parsed.cursor == data["cursor"]
    assert all(p.mentions == [] for p in parsed.posts)
    assert {a.account_id for a in parsed.accounts} == {v["author"]["did"] for v in data["posts"]}


def test_a_thread_without_replies_is_one_post_and_not_cut() -> None:
    data = load("bluesky", "bsky_getPostThread_single.json")
    parsed = bluesky.parse_thread(data, FETCHED, "u", "acme")
    assert [p.post_id for p in parsed.posts] == [data["thread"]["post"]["uri"]]
    assert parsed.cut == []


def test_a_thread_the_server_cut_is_marked_for_refetch() -> None:
    data = load("bluesky", "bsky_getPostThread_single.json")
    cut = copy.deepcopy(data)
    cut["thread"]["post"]["replyCount"] = 3
    del cut["thread"]["replies"]  # past the depth limit the AppView omits `replies`
    assert bluesky.parse_thread(cut, FETCHED, "u", None).cut == [data["thread"]["post"]["uri"]]


def test_blocked_and_deleted_nodes_end_their_branch() -> None:
    data = load("bluesky", "bsky_getPostThread_single.json")
    root = copy.deepcopy(data)
    root["thread"]["replies"] = [
        {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://gone", "notFound": True},
        {"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://blocked", "blocked": True,
         "author": {"did": "did:plc:x"}},
    ]
    parsed = bluesky.parse_thread(root, FETCHED, "u", None)
    assert [p.post_id for p in parsed.posts] == [data["thread"]["post"]["uri"]]


def test_a_post_view_without_timestamp_or_author_is_dropped_and_counted() -> None:
    data = load("bluesky", "bsky_searchPosts_redistricting.json")
    broken = copy.deepcopy(data)
    del broken["posts"][0]["record"]["createdAt"]
    del broken["posts"][0]["indexedAt"]
    del broken["posts"][1]["author"]
    parsed = bluesky.parse_search(broken, FETCHED, "u", None)
    assert (len(parsed.posts), parsed.dropped) == (23, 2)


def test_profiles_carry_follower_counts() -> None:
    data = load("bluesky", "bsky_getProfiles_chriskenny.json")
    [account] = bluesky.parse_profiles(data, FETCHED, "u")
    profile = data["profiles"][0]
    assert (account.account_id, account.handle, account.followers) == (
        profile["did"], profile["handle"], profile["followersCount"])
    assert account.brand_id is None


def test_bluesky_rate_limit_reset_is_epoch_seconds() -> None:
    headers = meta("bluesky", "bsky_getAuthorFeed_chriskenny.json")["response_headers"]
    assert reset_epoch(headers["RateLimit-Reset"]) == 1747676784.0


# Mastodon -------------------------------------------------------------------------------------

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
