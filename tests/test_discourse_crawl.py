"""Discourse's edge cases, end to end on one platform (fast): long topics completed post by
post, deleted posts, staff notices, a pinned old topic, old topics with new replies, a
support group only its member list reveals, and a forum that keeps that list private."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.simulator.discourse import FORUMS, LOGIN_REQUIRED_FORUM, served_topics
from crawler.simulator.server import SimServer
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows
from tests.test_trustpilot_crawl import only_platform

pytestmark = pytest.mark.crawl  # every test here runs whole crawls


def test_forums_are_crawled_whole_and_equal_the_truth(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(3)
    config = only_platform(sim_config(server), "discourse")
    crawl(config)
    db = config.parent / "audit.duckdb"
    want = {k: v for k, v in truth_rows(server).items() if k[0] == "discourse"}
    assert_same(crawled_rows(db), want)
    run = last_run(db)
    assert run["status"] == "finished"
    assert [n for n in run["stats"]["discourse"]["notes"]] == [
        f"Discourse: the members of group 'support' on https://{FORUMS['initech']} are not "
        "public (HTTP 403); only members with it as their primary group were recognised as "
        "answering for the brand."]

    # The world really holds what the crawl had to get right.
    paths = [path for platform, path, _ in server.request_log if platform == "discourse"]
    assert any("/posts.json?post_ids" in p for p in paths)  # long topics, by post id
    assert any("/c/support/5.json" in p for p in paths)  # globex's categories
    topics = [t for forum in served_topics(server).values() for t in forum]
    numbers = {id(t): {n for n, post, kind, _, _ in t.entries if post is not None}
               for t in topics}
    gap_replies = [e for t in topics for e in t.entries
                   if e[1] is not None and e[3] and e[3] not in numbers[id(t)]]
    assert gap_replies, "replies to deleted posts"
    assert any(kind == 3 for t in topics for _, _, kind, _, _ in t.entries), "closed notices"
    assert all(t.pinned and t.opener.created_at < server.world.window_start
               for t in topics if t.pinned)
    old_openers = {t.opener.post_id for t in topics
                   if t.opener.created_at < server.world.window_start}
    in_old_topics = [k for k in want
                     if server.world.post("discourse", k[1]).root.post_id in old_openers]
    assert in_old_topics, "posts in the window in topics opened before it"
    ana = {a.key for a in server.world.accounts["discourse"] if a.handle.startswith("ana@")}
    assert any(p.author.key in ana for p in server.world.posts["discourse"])


def test_a_forum_that_requires_a_login_is_said_and_the_others_are_whole(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(4)
    config = only_platform(sim_config(server), "discourse")
    text = config.read_text(encoding="utf-8")
    forum = f"https://{FORUMS['acme']}"
    config.write_text(text.replace(f'"{forum}"', f'"{forum}", "https://{LOGIN_REQUIRED_FORUM}"',
                                   1), encoding="utf-8")
    crawl(config)
    db = config.parent / "audit.duckdb"
    assert_same(crawled_rows(db), {k: v for k, v in truth_rows(server).items()
                                   if k[0] == "discourse"})
    run = last_run(db)
    assert run["status"] == "partial"
    assert [(f[0], f[1], f[2]) for f in run["failures"]] == [("discourse", "acme", 403)]
    assert (f"Discourse: https://{LOGIN_REQUIRED_FORUM} requires a login (HTTP 403); its "
            "topics are not counted.") in run["stats"]["discourse"]["notes"]
