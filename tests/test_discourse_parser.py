"""The Discourse parser against real recorded payloads (tests/fixtures/discourse/) and a few
hand-made topics for what the recordings do not show (deleted posts, staff groups)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.parsers import discourse as parse

FIXTURES = Path(__file__).parent / "fixtures" / "discourse"
FORUM = "https://try.discourse.org"
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
RULES = parse.BrandRules("acme", frozenset({"Support"}))


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"discourse_api_{name}.json").read_text(encoding="utf-8"))


def test_real_topic_becomes_a_tree_rooted_at_the_opening_post() -> None:
    parsed = parse.parse_topic(load("topic"), [], FORUM, RULES, FETCHED, "src")
    by_number = {p.url.rsplit("/", 1)[1]: p for p in parsed.posts if p.url}
    # post 2 is a moderator notice ("This topic is now pinned"): no conversation, no answer
    assert sorted(by_number, key=int) == ["1", "3", "14"]
    opener, topic_reply, reply_to_1 = by_number["1"], by_number["3"], by_number["14"]
    assert opener.post_id == f"{FORUM}/p/83" and opener.parent_id is None
    assert opener.addressed_to == [("acme", "topic")]
    assert opener.url == f"{FORUM}/t/this-site-is-a-sandbox-it-is-reset-every-day/57/1"
    # no reply_to_post_number: a reply to the topic, i.e. a child of the opening post
    assert topic_reply.parent_id == opener.post_id and topic_reply.addressed_to == []
    assert reply_to_1.parent_id == opener.post_id
    assert {p.root_id for p in parsed.posts} == {opener.post_id}
    # "2013-02-04T15:26:26.278-05:00" in UTC
    assert opener.created_at == datetime(2013, 2, 4, 20, 26, 26, 278000, tzinfo=UTC)
    assert opener.text.startswith("Welcome!\n\nTry is a sandbox, a safe place")
    assert opener.author_id == "15@try.discourse.org"
    assert topic_reply.like_count == 5


def test_real_staff_flags_make_brand_accounts() -> None:
    parsed = parse.parse_topic(load("topic"), [], FORUM, RULES, FETCHED, "src")
    accounts = {a.handle: a for a in parsed.accounts}
    assert set(accounts) == {"samsaffron", "stienman", "splattne"}
    assert all(a.brand_id == "acme" for a in accounts.values())  # all "staff": true here
    assert accounts["samsaffron"].url == f"{FORUM}/u/samsaffron"
    assert accounts["samsaffron"].followers is None


def test_real_post_chunk_of_a_long_topic() -> None:
    topic = load("topic")
    chunk = parse.chunk_posts(load("topic_posts"))
    assert [p["id"] for p in chunk] == [123456]
    # Post 2 of topic 57, fetched separately, joins the same tree as a customer post.
    topic = copy.deepcopy(topic)
    topic["post_stream"]["posts"] = [p for p in topic["post_stream"]["posts"]
                                     if p["post_number"] != 2]
    parsed = parse.parse_topic(topic, chunk, FORUM, RULES, FETCHED, "src")
    post = next(p for p in parsed.posts if p.post_id == f"{FORUM}/p/123456")
    assert post.parent_id == f"{FORUM}/p/83"
    assert post.created_at == datetime(2020, 1, 27, 11, 32, 3, 646000, tzinfo=UTC)
    account = next(a for a in parsed.accounts if a.handle == "Some-username")
    assert account.brand_id is None  # not staff, no primary group


def test_missing_post_ids_are_the_stream_beyond_the_first_page() -> None:
    topic = load("topic")
    assert parse.missing_post_ids(topic) == []
    topic["post_stream"]["stream"] += [901, 902]
    assert parse.missing_post_ids(topic) == [901, 902]


def test_real_topic_lists_and_their_next_page() -> None:
    latest = parse.parse_topic_list(load("latest"))
    assert latest.next_page == 1  # "/latest.json?page=1"
    assert [t.topic_id for t in latest.topics] == [1, 1, 1]
    assert latest.topics[0].pinned and not latest.topics[1].pinned
    # the later of bumped_at (2013-02-07T13:43:11.191-05:00) and last_posted_at
    assert latest.topics[0].last_activity == datetime(2013, 2, 7, 18, 43, 11, 191000, tzinfo=UTC)
    category = parse.parse_topic_list(load("category_latest_topics"))
    assert category.next_page is None
    assert [(t.topic_id, t.slug) for t in category.topics] == [
        (5, "about-the-category"), (4, "this-is-a-markdown-post")]


def post(number: int, user: int, reply_to: int | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": 1000 + number, "post_number": number, "user_id": user,
            "username": f"user{user}", "created_at": f"2026-10-0{number}T10:00:00.000Z",
            "cooked": f"<p>post {number}</p>", "post_type": 1,
            "reply_to_post_number": reply_to, **extra}


def topic_of(*posts: dict[str, Any]) -> dict[str, Any]:
    return {"id": 7, "slug": "refund", "post_stream": {"posts": list(posts),
                                                       "stream": [p["id"] for p in posts]}}


def parents(topic: dict[str, Any]) -> dict[int, int | None]:
    parsed = parse.parse_topic(topic, [], FORUM, RULES, FETCHED, "src")
    ids = {p.post_id: int(p.post_id.rsplit("/", 1)[1]) - 1000 for p in parsed.posts}
    return {ids[p.post_id]: ids.get(p.parent_id or "") for p in parsed.posts}


def test_reply_to_a_deleted_post_hangs_under_the_opening_post() -> None:
    # post 3 was deleted: the forum no longer shows it, post 4 still points at it
    tree = parents(topic_of(post(1, 10), post(2, 11, 1), post(4, 12, 3), post(5, 2, 4)))
    assert tree == {1: None, 2: 1, 4: 1, 5: 4}


def test_small_actions_and_whispers_are_no_answers() -> None:
    closed = post(3, 2, None, post_type=3, cooked="", action_code="closed.enabled", staff=True)
    whisper = post(4, 2, 1, post_type=4, staff=True)
    tree = parents(topic_of(post(1, 10), post(2, 11, 3), closed, whisper))
    # post 2 replies to the notice: it hangs under the opening post like any reply whose
    # target is not conversation
    assert tree == {1: None, 2: 1}


@pytest.mark.parametrize(("flags", "brand"), [
    ({"staff": True}, "acme"), ({"admin": True}, "acme"), ({"moderator": True}, "acme"),
    ({"primary_group_name": "support"}, "acme"),  # a staff group, case-insensitively
    ({"primary_group_name": "beta_testers"}, None), ({}, None),
])
def test_brand_accounts_are_staff_or_in_a_staff_group(flags: dict[str, Any],
                                                      brand: str | None) -> None:
    parsed = parse.parse_topic(topic_of(post(1, 10), post(2, 11, **flags)), [], FORUM, RULES,
                               FETCHED, "src")
    assert {a.handle: a.brand_id for a in parsed.accounts} == {"user10": None, "user11": brand}


def test_subfolder_forum_ids() -> None:
    forum = "https://example.com/community"
    parsed = parse.parse_topic(topic_of(post(1, 10)), [], forum, RULES, FETCHED, "src")
    assert parsed.posts[0].post_id == "https://example.com/community/p/1001"
    assert parsed.posts[0].author_id == "10@example.com/community"


def test_group_members_are_brand_accounts_page_by_page() -> None:
    # The shape of /groups/{name}/members.json (Discourse API docs): members, owners, meta.
    data = {"members": [{"id": 5, "username": "ana", "name": "Ana", "title": None},
                        {"id": 9, "username": "bo", "name": None}],
            "owners": [{"id": 4, "username": "leo", "name": "Leo"}],
            "meta": {"total": 120, "limit": 50, "offset": 50}}
    accounts, next_offset = parse.parse_group_members(data, FORUM, "acme", FETCHED, "src")
    assert [(a.account_id, a.handle, a.brand_id) for a in accounts] == [
        ("5@try.discourse.org", "ana", "acme"), ("9@try.discourse.org", "bo", "acme"),
        ("4@try.discourse.org", "leo", "acme")]
    assert next_offset == 100
    data["meta"] = {"total": 120, "limit": 50, "offset": 100}
    assert parse.parse_group_members(data, FORUM, "acme", FETCHED, "src")[1] is None
