"""The Bluesky parser against real recorded payloads (tests/fixtures/bluesky/PROVENANCE.md).

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
from crawler.parsers import bluesky

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)
KENNY = "did:plc:wpe35pganb6d4pg4ekmfy6u5"
TAG = re.compile(r"</?[a-z][^>]*>")


def load(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def meta(platform: str, name: str) -> dict[str, Any]:
    return load(platform, "_responses_meta.json")[name]


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
