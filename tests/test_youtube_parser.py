"""The YouTube parser against real recorded Data API answers (tests/fixtures/youtube/)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.platforms.youtube import normalize_youtube_handle
from crawler.parsers import youtube as parse

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_a_channel_is_a_brand_account_with_its_subscribers() -> None:
    data = load("ytapi_channel_info_single.json")
    uploads = {"relatedPlaylists": {"uploads": "UU_x5XG1OV2P6uZZ5FSM9Ttw"}}
    data["items"][0]["contentDetails"] = uploads
    channel = parse.parse_channel(data, FETCHED, "u", "google")
    assert channel is not None and channel.uploads == "UU_x5XG1OV2P6uZZ5FSM9Ttw"
    account = channel.account
    assert (account.account_id, account.handle, account.display_name) == (
        "UC_x5XG1OV2P6uZZ5FSM9Ttw", "@googledevelopers", "Google Developers")
    assert account.followers == 1927873 and account.brand_id == "google"
    assert account.url == "https://www.youtube.com/@googledevelopers"
    assert parse.parse_channel({"items": []}, FETCHED, "u", "google") is None


def test_playlist_items_are_videos_by_their_channel() -> None:
    page = parse.parse_playlist(load("ytapi_playlist_items_paged_1.json"), FETCHED, "u", "g")
    assert len(page.posts) == 10 and page.next_page == "CAoQAA"
    first = page.posts[0]
    assert (first.post_id, first.author_id, first.parent_id, first.root_id) == (
        "CvTApw9X8aA", "UC_x5XG1OV2P6uZZ5FSM9Ttw", None, "CvTApw9X8aA")
    assert first.created_at == datetime(2019, 11, 21, 22, 17, 43, tzinfo=UTC)
    assert first.url == "https://www.youtube.com/watch?v=CvTApw9X8aA"


def test_private_videos_have_no_publication_time_and_are_left_out() -> None:
    # A private video's item, as the API reference describes it: contentDetails without
    # videoPublishedAt.
    data = load("ytapi_playlist_items_paged_1.json")
    data["items"][0]["contentDetails"] = {"videoId": "CvTApw9X8aA"}
    data["items"][1]["contentDetails"] = {"videoId": "Yh4EKaUY3gg",
                                          "videoPublishedAt": "2019-11-20T10:00:00Z"}
    page = parse.parse_playlist(data, FETCHED, "u", "g")
    assert [p.post_id for p in page.posts][:2] == ["Yh4EKaUY3gg", "S-MbpQiwfls"]
    assert page.posts[0].created_at == datetime(2019, 11, 20, 10, tzinfo=UTC)


def test_top_level_comments_are_children_of_the_video() -> None:
    page = parse.parse_threads(load("ytapi_comment_threads_by_video_paged_1.json"),
                               "F1UP7wRCPH8", FETCHED, "u", "g")
    assert len(page.threads) == 5 and page.next_page
    first = page.threads[0]
    assert (first.top.post_id, first.top.parent_id, first.top.root_id) == (
        "UgyZ1jqkHKYvi1-ruOZ4AaABAg", "F1UP7wRCPH8", "F1UP7wRCPH8")
    assert first.top.author_id == "UCzj-CjKYmGlZ7vTL-vOe57A"
    assert first.top.text == "Google.com"  # textOriginal, not the HTML of textDisplay
    assert first.top.created_at == datetime(2019, 11, 26, 15, 51, 44, tzinfo=UTC)
    assert first.author.handle == "himani agarwal" and first.complete


def test_a_thread_with_replies_it_does_not_carry_is_incomplete() -> None:
    page = parse.parse_threads(load("ytapi_comment_threads_by_video_paged_2.json"),
                               "F1UP7wRCPH8", FETCHED, "u", "g")
    assert page.next_page is None
    incomplete = [t for t in page.threads if not t.complete]
    assert [(t.top.post_id, t.top.reply_count) for t in incomplete] == [
        ("UgwI_ylXVnzPS8Q-oAV4AaABAg", 2)]


def test_inline_replies_are_children_of_the_top_level_comment() -> None:
    # The thread from the recording with the recorded replies inlined, as part=replies does.
    data = load("ytapi_comment_threads_by_video_paged_1.json")
    replies = load("ytapi_comments_by_parent_paged_1.json")["items"]
    data["items"][0]["snippet"]["totalReplyCount"] = 2
    data["items"][0]["replies"] = {"comments": replies}
    thread = parse.parse_threads(data, "F1UP7wRCPH8", FETCHED, "u", "g").threads[0]
    assert thread.complete and len(thread.replies) == 2
    assert {r.parent_id for r, _ in thread.replies} == {"UgyZ1jqkHKYvi1-ruOZ4AaABAg"}


def test_replies_by_parent_page_by_page() -> None:
    top = "Ugw5zYU6n9pmIgAZWvN4AaABAg"
    first = parse.parse_replies(load("ytapi_comments_by_parent_paged_1.json"), "JE8xdDp5B8Q",
                                top, FETCHED, "u", "g")
    second = parse.parse_replies(load("ytapi_comments_by_parent_paged_2.json"), "JE8xdDp5B8Q",
                                 top, FETCHED, "u", "g")
    assert first.next_page and second.next_page is None
    posts = first.posts + second.posts
    assert [p.text for p in posts] == ["this is the third reply!", "this is the second reply!",
                                       "hey, this is the replay"]
    assert all(p.parent_id == top and p.root_id == "JE8xdDp5B8Q" for p in posts)
    assert all(p.post_id.startswith(top + ".") for p in posts)
    assert first.accounts[0].account_id == "UCNvMBmCASzTNNX8lW3JRMbw"


def test_threads_related_to_a_channel_parse_alike() -> None:
    data = load("ytapi_comment_threads_all_to_me.json")
    page = parse.parse_threads(data, "JE8xdDp5B8Q", FETCHED, "u", "g")
    assert len(page.threads) == len(data["items"])


def test_errors_name_their_reason() -> None:
    body = {"error": {"code": 403, "errors": [{"reason": "commentsDisabled"}]}}
    assert parse.error_reason(body) == "commentsDisabled"
    assert parse.error_reason({}) is None


def test_channel_handles_and_ids_in_the_config() -> None:
    assert normalize_youtube_handle("@AcmeAir") == "@acmeair"
    assert normalize_youtube_handle("AcmeAir") == "@acmeair"
    assert normalize_youtube_handle("UC_x5XG1OV2P6uZZ5FSM9Ttw") == "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    assert normalize_youtube_handle("@a") is None
    assert normalize_youtube_handle("https://youtube.com/@acme") is None


def test_a_reply_to_a_reply_is_found_by_the_handle_it_starts_with() -> None:
    # The recorded replies (all by "kun liu", renamed here) with the texts YouTube writes
    # when one replies to another reply: "@handle " first.
    data = load("ytapi_comments_by_parent_paged_1.json")
    first, second = data["items"][1], data["items"][0]  # oldest first
    first["snippet"].update(authorDisplayName="@alice", textOriginal="where is my bag?")
    second["snippet"].update(authorDisplayName="@acmeair", textOriginal="@Alice found it!")
    top = "Ugw5zYU6n9pmIgAZWvN4AaABAg"
    page = parse.parse_replies(data, "JE8xdDp5B8Q", top, FETCHED, "u", "g")
    tree = parse.thread_tree(list(zip(page.posts, page.accounts, strict=True)))
    question, answer = (post for post, _ in tree)
    assert question.text == "where is my bag?" and question.parent_id == top
    assert answer.parent_id == question.post_id  # below the question it answers
    # A handle nobody in the thread wrote, or none at all: a child of the top-level comment.
    second["snippet"]["textOriginal"] = "@bob found it!"
    page = parse.parse_replies(data, "JE8xdDp5B8Q", top, FETCHED, "u", "g")
    tree = parse.thread_tree(list(zip(page.posts, page.accounts, strict=True)))
    assert {post.parent_id for post, _ in tree} == {top}
