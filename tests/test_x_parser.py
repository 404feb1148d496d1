"""The X parsers: GraphQL on real recorded payloads (tests/fixtures/x/) and documented edge
shapes; API v2 on documented shapes, and the API spider judging a conversation again."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.items import Post
from crawler.parsers import x

FIXTURES = Path(__file__).parent / "fixtures" / "x"
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)


def load(operation: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"x_graphql_{operation}.min.json").read_text("utf-8"))


def test_twitter_time_format_is_utc() -> None:
    assert x.parse_twitter_time("Wed Oct 10 20:19:24 +0000 2018") == datetime(
        2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    assert x.parse_twitter_time("Wed Oct 10 22:19:24 +0200 2018") == datetime(
        2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    assert x.parse_twitter_time("2018-10-10T20:19:24.000Z") == datetime(
        2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    assert x.parse_twitter_time("yesterday") is None


def test_user_by_screen_name_reads_the_core_handle() -> None:
    parsed = x.parse_graphql(load("UserByScreenName"), FETCHED, "u")
    [account] = parsed.accounts
    assert (account.account_id, account.handle, account.display_name, account.followers) == (
        "2244994945", "XDevelopers", "Developers", 695695)
    assert account.url == "https://x.com/XDevelopers"


def test_older_user_objects_keep_the_handle_in_legacy() -> None:
    user = {"__typename": "User", "rest_id": "12",
            "legacy": {"screen_name": "jack", "name": "jack", "followers_count": 7}}
    account = x.parse_graphql_user(user, FETCHED, "u")
    assert account is not None
    assert (account.handle, account.followers) == ("jack", 7)


def test_tweet_detail_is_one_reply_tree() -> None:
    parsed = x.parse_graphql(load("TweetDetail"), FETCHED, "u")
    posts = {p.post_id: p for p in parsed.posts}
    assert len(posts) == 37
    focal = posts["1649191520250245121"]
    assert focal.parent_id is None and focal.root_id == focal.post_id
    # 'Thu Apr 20 23:21:13 +0000 2023', to the millisecond from the tweet id
    assert focal.created_at == datetime(2023, 4, 20, 23, 21, 13, 581000, tzinfo=UTC)
    assert focal.author_id == "2244994945" and focal.reply_count == 93
    # Every reply hangs in the focal tweet's conversation, under a tweet of this response.
    for post in posts.values():
        assert post.root_id == "1649191520250245121"
        assert post.parent_id is None or post.parent_id in posts
    assert posts["1649191522485817345"].parent_id == "1649191521323995138"
    assert parsed.cursors.keys() == {"Bottom"}


def test_user_tweets_and_replies_skips_retweets_and_keeps_cursors() -> None:
    parsed = x.parse_graphql(load("UserTweetsAndReplies"), FETCHED, "u")
    assert parsed.skipped == {"retweet": 12}
    assert len(parsed.posts) == 16
    assert parsed.cursors.keys() == {"Top", "Bottom"}
    pinned = next(p for p in parsed.posts if p.post_id == "2019881223666233717")
    assert pinned.author_id == "2244994945"


def test_search_timeline_keeps_mention_entities_as_account_ids() -> None:
    parsed = x.parse_graphql(load("SearchTimeline"), FETCHED, "u")
    assert len(parsed.posts) == 20
    post = next(p for p in parsed.posts if p.post_id == "2074974895750951259")
    assert post.mentions == ["13298072", "1620480811303866369"]
    assert post.url == "https://x.com/" + next(
        a.handle for a in parsed.accounts if a.account_id == post.author_id
    ) + "/status/2074974895750951259"


@pytest.mark.parametrize("operation", ["UserTweetsAndReplies", "TweetDetail", "SearchTimeline"])
def test_invariants_on_every_real_tweet(operation: str) -> None:
    parsed = x.parse_graphql(load(operation), FETCHED, "u")
    authors = {a.account_id for a in parsed.accounts}
    for post in parsed.posts:
        assert post.post_id.isdigit() and post.author_id.isdigit()
        assert post.author_id in authors
        assert post.created_at.tzinfo is UTC
        assert "&amp;" not in post.text
        assert post.root_id


def _entry(result: dict[str, Any], **content: Any) -> dict[str, Any]:
    return {"entryId": "tweet-1", "content": {"entryType": "TimelineTimelineItem",
            "itemContent": {"__typename": "TimelineTweet", "tweet_results": {"result": result},
                            **content}}}


def test_wrappers_tombstones_and_promoted_entries() -> None:
    tweet = load("TweetDetail")["data"]["threaded_conversation_with_injections_v2"][
        "instructions"][1]["entries"][0]["content"]["itemContent"]["tweet_results"]["result"]
    other = json.loads(json.dumps(tweet))
    other["rest_id"] = other["legacy"]["id_str"] = "99"
    data = {"data": {"timeline": {"instructions": [{"type": "TimelineAddEntries", "entries": [
        _entry({"__typename": "TweetWithVisibilityResults", "tweet": tweet}),
        _entry({"__typename": "TweetTombstone", "tombstone": {"text": {"text": "deleted"}}}),
        _entry(other, promotedMetadata={"advertiser_results": {}}),
        {"entryId": "cursor-bottom-1", "content": {"entryType": "TimelineTimelineCursor",
                                                   "cursorType": "Bottom", "value": "abc"}},
    ]}]}}}
    parsed = x.parse_graphql(data, FETCHED, "u")
    assert [p.post_id for p in parsed.posts] == ["1649191520250245121"]
    assert parsed.skipped == {"unavailable": 1, "promoted": 1}
    assert parsed.cursors == {"Bottom": "abc"}


def test_exact_time_comes_from_the_id_only_when_it_agrees() -> None:
    second = datetime(2026, 7, 8, 21, 52, 20, tzinfo=UTC)
    assert x.exact_time("2074974895750951259", second) == second.replace(microsecond=973000)
    assert x.exact_time("2074974895750951259", second.replace(second=22)) == second.replace(
        second=22)
    assert x.exact_time("not-a-snowflake", second) == second


def test_simulated_web_app_sends_only_fields_the_real_one_has(simulator: Any) -> None:
    """The simulator's GraphQL answers against the real recorded ones, field by field."""
    import urllib.request
    from urllib.parse import quote

    from crawler.simulator import SIM_CREDENTIALS
    from tests.test_simulator_shapes import merged, unknown_fields

    server = simulator(1)
    cookie = f"{SIM_CREDENTIALS['x_web'][0]}={SIM_CREDENTIALS['x_web'][1]}"

    def gql(operation: str, **variables: Any) -> Any:
        url = (f"{server.base_url}/x-web/i/api/graphql/q/{operation}?variables="
               f"{quote(json.dumps(variables))}")
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return json.loads(response.read())

    reference = merged([load(op) for op in ("UserByScreenName", "UserTweetsAndReplies",
                                            "TweetDetail", "SearchTimeline")])
    user = gql("UserByScreenName", screen_name="AcmeAir")
    assert not list(unknown_fields(user, load("UserByScreenName")))
    user_id = user["data"]["user"]["result"]["rest_id"]
    timeline = gql("UserTweetsAndReplies", userId=user_id, count=20)
    parsed = x.parse_graphql(timeline, FETCHED, "u")
    focal = next(p for p in parsed.posts if (p.reply_count or 0) > 0)
    for answer in (timeline, gql("TweetDetail", focalTweetId=focal.post_id),
                   gql("SearchTimeline", rawQuery="@AcmeAir", product="Latest")):
        # Tweets and users anywhere in a response: compare them with the real ones.
        tweets = [e for e in _results(answer) if e.get("__typename") == "Tweet"]
        real_tweets = [e for e in _results(reference) if e.get("__typename") == "Tweet"]
        assert tweets
        assert not list(unknown_fields(merged(tweets), merged(real_tweets)))
    assert parsed.skipped.get("promoted") == 1


def _results(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("__typename") == "Tweet" and "legacy" in item:
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


# The official API v2 (spiders/x.py), on documented shapes ---------------------------------

def load_v2(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def test_v2_mentions_page() -> None:
    parsed = x.parse_v2(load_v2("v2_user_mentions.json"), FETCHED, "u", "xdev")
    [post] = parsed.posts
    assert (post.post_id, post.author_id, post.root_id, post.parent_id) == (
        "1301573587187331074", "1234567890", "1301573587187331074", None)
    assert post.created_at == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert post.text == "Hey @XDevelopers, love the new API! & the docs"
    assert post.mentions == ["2244994945"] and post.reply_count == 2
    assert post.url == "https://x.com/developer/status/1301573587187331074"
    assert parsed.cursors == {"next_token": "t3buvdr5pujq9g7bggsnf3ep2ha28"}
    accounts = {a.account_id: a for a in parsed.accounts}
    assert accounts["1234567890"].followers == 310
    assert accounts["2244994945"].handle == "XDevelopers"  # known from the mention alone


def test_v2_conversation_links_replies_by_reference() -> None:
    parsed = x.parse_v2(load_v2("v2_search_conversation.json"), FETCHED, "u")
    posts = {p.post_id: p for p in parsed.posts}
    assert posts["1280169177479744444"].parent_id == "1280155225706433333"
    assert posts["1280155225706433333"].parent_id == "1279944223114900000"
    assert {p.root_id for p in posts.values()} == {"1279944223114900000"}


def test_only_the_trees_below_anchors_are_kept() -> None:
    parsed = x.parse_v2(load_v2("v2_search_conversation.json"), FETCHED, "u")
    below_reply = x.in_anchored_subtrees(parsed.posts, lambda p: p.author_id == "1102323333",
                                         set())
    assert [p.post_id for p in below_reply] == ["1280169177479744444", "1280155225706433333"]
    below_nothing = x.in_anchored_subtrees(parsed.posts, lambda p: p.author_id == "63044444"
                                           and p.parent_id is None, set())
    assert below_nothing == []
    # An anchor the search did not return (the conversation's root) still anchors its tree.
    assert len(x.in_anchored_subtrees(parsed.posts, lambda p: False,
                                      {"1279944223114900000"})) == 2


def test_search_floor_is_read_from_xs_error() -> None:
    assert x.search_floor(load_v2("v2_error_start_time.json")) == datetime(2006, 3, 21, tzinfo=UTC)
    assert x.search_floor({"errors": [{"message": "Invalid 'query'"}]}) is None


def test_a_conversation_searched_before_its_root_is_known_is_judged_again(
        tmp_path: Path) -> None:
    """Search never returns a conversation's root; when a brand reply's search finishes
    before the brand's root tweet arrives from its timeline, the replies below the root are
    kept once the root is known (a race the rate-limit crawl used to lose)."""
    from benchmarks.config import load_config
    from crawler.spiders.x import XSpider

    config = tmp_path / "audit.toml"
    config.write_text('[audit]\nname = "t"\nclient = "b"\nsince = "2020-01-01"\n'
                      '[[brands]]\nid = "b"\nx = ["Brand"]\n', "utf-8")
    spider = XSpider(config=load_config(config), window_start=datetime(2020, 1, 1, tzinfo=UTC))
    spider.brand_of = {"999": "b"}
    parsed = x.parse_v2(load_v2("v2_search_conversation.json"), FETCHED, "u")
    spider.done["1279944223114900000"] = (parsed, set())
    assert list(spider.judge("1279944223114900000")) == []
    spider.anchor_ids.add("1279944223114900000")  # the root, by the brand, arrives
    posts = [i for i in spider.judge("1279944223114900000") if isinstance(i, Post)]
    assert sorted(p.post_id for p in posts) == ["1280155225706433333", "1280169177479744444"]
    assert list(spider.judge("1279944223114900000")) == []  # each post once
