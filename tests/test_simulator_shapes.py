"""The simulator speaks the real APIs' shapes: every field it sends exists, with the same JSON
type, in the real recorded payload of the same endpoint (tests/fixtures/), so a parser that
works on the simulator cannot depend on a field the real platform never sends."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

if TYPE_CHECKING:
    from crawler.simulator.server import SimServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def real(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def fetch(server: SimServer, path: str, **params: Any) -> Any:
    url = f"{server.base_url}{path}?{urlencode(params, doseq=True)}"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return json.loads(response.read())


def kind(value: Any) -> str:
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(
        value).__name__


def merged(samples: list[Any]) -> Any:
    """One example per key: lists and objects from many samples folded together."""
    dicts = [s for s in samples if isinstance(s, dict)]
    if dicts:
        keys = {k for d in dicts for k in d}
        return {k: merged([d[k] for d in dicts if k in d]) for k in keys}
    lists = [s for s in samples if isinstance(s, list)]
    if lists:
        return [merged([item for lst in lists for item in lst])] if any(lists) else []
    return samples[0] if samples else None


def unknown_fields(sim: Any, reference: Any, path: str = "") -> Iterator[str]:
    """Fields (or types) in `sim` that the real payload does not have at the same place."""
    if isinstance(sim, dict) and isinstance(reference, dict):
        for key, value in sim.items():
            if key not in reference:
                yield f"{path}.{key}"
            elif reference[key] is not None and value is not None:
                yield from unknown_fields(value, reference[key], f"{path}.{key}")
    elif isinstance(sim, list) and isinstance(reference, list):
        if sim and reference:
            yield from unknown_fields(sim[0], reference[0], f"{path}[]")
    elif kind(sim) != kind(reference):
        yield f"{path} ({kind(sim)} where the real API sends {kind(reference)})"


@pytest.fixture
def server(simulator: Callable[..., SimServer]) -> SimServer:
    return simulator(1)


def assert_conforms(sim_samples: list[Any], real_samples: list[Any]) -> None:
    sim, reference = merged(sim_samples), merged(real_samples)
    extra = sorted(set(unknown_fields(sim, reference)))
    assert not extra, f"the simulator sends what the real API does not: {extra}"


def test_bluesky_shapes(server: SimServer) -> None:
    world = server.world
    brand = world.brand_accounts("bluesky")[0]
    profile = fetch(server, "/xrpc/app.bsky.actor.getProfile", actor=brand.handle)
    feed = fetch(server, "/xrpc/app.bsky.feed.getAuthorFeed", actor=profile["did"], limit=100,
                 filter="posts_with_replies")
    # A thread opened by the brand, like the recorded one (a reply's thread also has `parent`).
    with_replies = next(i["post"]["uri"] for i in feed["feed"]
                        if i["post"]["replyCount"] and "reply" not in i["post"]["record"])
    thread = fetch(server, "/xrpc/app.bsky.feed.getPostThread", uri=with_replies, depth=10)
    customers = [i["post"]["author"]["did"] for i in thread["thread"]["replies"]][:5]
    profiles = fetch(server, "/xrpc/app.bsky.actor.getProfiles", actors=customers)

    real_feed = real("bluesky", "bsky_getAuthorFeed_chriskenny.json")["feed"]
    real_thread = real("bluesky", "bsky_getPostThread_single.json")
    assert_conforms(feed["feed"], real_feed)
    # The recorded thread has no replies: a reply node is a threadViewPost like the root, and
    # its post is a postView like any in a feed.
    reply_node = {"$type": real_thread["thread"]["$type"], "replies": [],
                  "post": merged([item["post"] for item in real_feed])}
    assert_conforms([thread], [real_thread, {"thread": {"replies": [reply_node]}}])
    assert_conforms(profiles["profiles"],
                    real("bluesky", "bsky_getProfiles_chriskenny.json")["profiles"])
    assert_conforms([profile], real("bluesky", "bsky_getProfiles_chriskenny.json")["profiles"])
    view = feed["feed"][0]["post"]
    assert {"uri", "cid", "author", "record", "indexedAt", "replyCount"} <= set(view)
    assert {"$type", "text", "createdAt"} <= set(view["record"])


def test_mastodon_shapes(server: SimServer) -> None:
    brand = server.world.brand_accounts("mastodon")[0]
    account = fetch(server, "/api/v1/accounts/lookup", acct=brand.handle)
    statuses = fetch(server, f"/api/v1/accounts/{account['id']}/statuses", limit=40)
    with_replies = next(s for s in statuses if s["replies_count"])
    context = fetch(server, f"/api/v1/statuses/{with_replies['id']}/context")

    # Every recorded Status entity, whichever endpoint and instance version served it.
    real_statuses = (real("mastodon", "fosstodon_account_statuses_page1.json")
                     + real("mastodon", "fosstodon_account_statuses_page2.json")
                     + real("mastodon", "mastodon_social_status_context_anonymous.json")
                     ["descendants"]
                     + [real("mastodon", "fosstodon_status_single.json")])
    assert_conforms([account], [real("mastodon", "fosstodon_account.json")])
    assert_conforms(statuses, real_statuses)
    assert_conforms(context["descendants"], real_statuses)
    assert {"id", "uri", "url", "created_at", "in_reply_to_id", "account", "content",
            "mentions", "replies_count"} <= set(statuses[0])


def test_the_conformance_check_can_fail() -> None:
    reference = real("mastodon", "fosstodon_status_single.json")
    invented = dict(reference, reply_to_brand=True)
    retyped = dict(reference, replies_count="1")
    assert list(unknown_fields(invented, reference)) == [".reply_to_brand"]
    assert list(unknown_fields(retyped, reference)) == [
        ".replies_count (str where the real API sends number)"]
