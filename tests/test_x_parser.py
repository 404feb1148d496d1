"""The X parser on real recorded GraphQL payloads (tests/fixtures/x/) and documented edge shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

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
