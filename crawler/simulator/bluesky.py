"""The Bluesky AppView (XRPC) endpoints the spider uses, in the real response shapes.

Shapes follow the recorded payloads in tests/fixtures/bluesky/: post views with `record`,
`reply` refs and mention facets with UTF-8 byte offsets; author feeds with `reply.root` and
`reply.parent` views; threads of `#threadViewPost` nodes whose `replies` key is absent where
the server cut the tree (at MAX_THREAD_DEPTH, whatever depth was asked for).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from crawler.parsers.common import parse_timestamp
from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import Account, Post

MAX_THREAD_DEPTH = 10
RATE_LIMIT, RATE_WINDOW_S = 3000, 300
_B32 = "234567abcdefghijklmnopqrstuvwxyz"


class _BlueskyIds:
    """DIDs for accounts; AT-URIs with time-ordered TIDs for posts."""

    brand_handles = {"acme": ["acmeair.bsky.social", "acmehelp.bsky.social"],
                     "globex": ["globex.com", "globexhelp.bsky.social"],
                     "initech": ["initech.bsky.social"]}
    customer_domains = ["bsky.social"]
    hostile_handle = "evil.bsky.social"
    bot_handles = ["flightalerts.bsky.social"]  # labels itself `bot` (profile_basic)
    panel_handle = "{id}.bsky.social"  # a generated panel brand's account (world.PanelBrand)

    def customer_handle(self, user: str, domain: str) -> str:
        return f"{user}.{domain}"

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        did = "did:plc:" + "".join(rng.choice(_B32) for _ in range(24))
        return did, did

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        micros = int(created_at.timestamp() * 1_000_000)
        value = (micros << 10) | rng.randrange(1024)
        rkey = "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))
        return f"at://{author.key}/app.bsky.feed.post/{rkey}", rkey


IDS = _BlueskyIds()

# The login the simulator accepts (identifier, app password): see SIM_CREDENTIALS.
CREDENTIALS = {"bluesky": ("auditor.bsky.social", "sim-app-password")}


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _cid(seed: str) -> str:
    rng = random.Random(seed)
    return "bafyrei" + "".join(rng.choice(_B32) for _ in range(52))


def profile_basic(account: Account) -> dict[str, Any]:
    return {
        "did": account.key,
        "handle": account.handle,
        "displayName": account.display_name,
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{account.key}/{_cid(account.key)}@jpeg",
        # An automated account says so with a self-label, as the app's setting writes it.
        "labels": [{"src": account.key, "uri": f"at://{account.key}/app.bsky.actor.profile/self",
                    "cid": _cid(f"label:{account.key}"), "val": "bot",
                    "cts": "2023-09-19T15:47:01.417Z"}] if account.automated else [],
        "createdAt": "2023-09-19T15:47:01.417Z",
    }


def profile_detailed(account: Account, posts_count: int) -> dict[str, Any]:
    return profile_basic(account) | {
        "description": "Official account" if account.brand_id else "",
        "followersCount": account.followers,
        "followsCount": 120,
        "postsCount": posts_count,
        "indexedAt": "2024-01-25T23:48:18.515Z",
        "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
    }


def _facets(post: Post) -> list[dict[str, Any]]:
    raw = post.text.encode("utf-8")
    facets = []
    for account in post.mentions:
        needle = f"@{account.handle}".encode()
        start = raw.find(needle)
        if start >= 0:
            facets.append({
                "$type": "app.bsky.richtext.facet",
                "index": {"byteStart": start, "byteEnd": start + len(needle)},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": account.key}],
            })
    return facets


def post_view(post: Post) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "createdAt": _iso(post.created_at),
        "langs": [post.language],
        "text": post.text,
    }
    facets = _facets(post)
    if facets:
        record["facets"] = facets
    if post.parent is not None:
        root = post.root
        record["reply"] = {
            "parent": {"cid": _cid(post.parent.post_id), "uri": post.parent.post_id},
            "root": {"cid": _cid(root.post_id), "uri": root.post_id},
        }
    return {
        "uri": post.post_id,
        "cid": _cid(post.post_id),
        "author": profile_basic(post.author),
        "record": record,
        "replyCount": len(post.children),
        "repostCount": post.reposts,
        "likeCount": post.likes,
        "quoteCount": 0,
        "indexedAt": _iso(post.created_at),
        "labels": [],
    }


def _thread_node(post: Post, depth_left: int) -> dict[str, Any]:
    node: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": post_view(post)}
    if depth_left > 0:
        node["replies"] = [_thread_node(c, depth_left - 1)
                           for c in sorted(post.children, key=lambda c: c.created_at)]
    return node


def _error(status: int, error: str, message: str) -> SimResponse:
    return SimResponse(status, {"error": error, "message": message})


def _find_account(request: SimRequest, actor: str | None) -> Account | None:
    for account in request.server.world.accounts["bluesky"]:
        if actor in (account.key, account.handle):
            return account
    return None


def _get_profile(request: SimRequest) -> SimResponse:
    account = _find_account(request, request.arg("actor"))
    if account is None:
        return _error(400, "InvalidRequest", "Profile not found")
    count = len(request.server.world.posts_by("bluesky", account))
    return SimResponse(body=profile_detailed(account, count))


def _get_profiles(request: SimRequest) -> SimResponse:
    actors = request.query.get("actors", [])[:25]
    found = [a for a in (_find_account(request, actor) for actor in actors) if a is not None]
    return SimResponse(body={"profiles": [profile_detailed(a, 0) for a in found]})


def _page(items: list[Any], request: SimRequest, maximum: int) -> tuple[list[Any], str | None]:
    limit = request.int_arg("limit", 50, maximum)
    offset = int(request.arg("cursor") or 0)
    page = items[offset:offset + limit]
    more = offset + limit < len(items)
    return page, (str(offset + limit) if more else None)


def _author_feed(request: SimRequest) -> SimResponse:
    account = _find_account(request, request.arg("actor"))
    if account is None:
        return _error(400, "InvalidRequest", "Profile not found")
    with_replies = request.arg("filter", "posts_with_replies") == "posts_with_replies"
    posts = [p for p in request.server.world.posts_by("bluesky", account)
             if with_replies or p.parent is None]
    posts.sort(key=lambda p: p.created_at, reverse=True)
    page, cursor = _page(posts, request, 100)
    feed = []
    for post in page:
        item: dict[str, Any] = {"post": post_view(post)}
        if post.parent is not None:
            item["reply"] = {"root": post_view(post.root), "parent": post_view(post.parent)}
        feed.append(item)
    body: dict[str, Any] = {"feed": feed}
    if cursor:
        body["cursor"] = cursor
    return SimResponse(body=body)


def _post_thread(request: SimRequest) -> SimResponse:
    uri = request.arg("uri") or ""
    post = request.server.world.post("bluesky", uri)
    if post is None:
        return _error(400, "NotFound", f"Post not found: {uri}")
    depth = min(request.int_arg("depth", 6, 1000), MAX_THREAD_DEPTH)
    node = _thread_node(post, depth)
    height = int(request.arg("parentHeight") or 80)
    child, parent = node, post.parent
    while parent is not None and height > 0:
        child["parent"] = {"$type": "app.bsky.feed.defs#threadViewPost",
                           "post": post_view(parent)}
        child, parent, height = child["parent"], parent.parent, height - 1
    node["threadContext"] = {}  # where the real AppView puts it: on the requested node
    return SimResponse(body={"thread": node})


def _search_posts(request: SimRequest) -> SimResponse:
    status = request.server.token_status(request.bearer, "bsky-access")
    if status == "expired":
        return _error(400, "ExpiredToken", "Token has expired")
    if status != "valid":
        return _error(403, "Forbidden", "Search requires authentication")
    q = request.arg("q") or ""
    mode = request.server.state.get("bluesky_search_mode", "substring")
    mentioned = _find_account(request, request.arg("mentions"))
    since, until = parse_timestamp(request.arg("since")), parse_timestamp(request.arg("until"))
    hits = []
    for post in request.server.world.posts["bluesky"]:
        if mode == "mentions" and mentioned is not None:
            match = mentioned in post.mentions
        else:
            match = q in post.text  # servers that ignore mentions= match q as a substring
        at = post.created_at
        if match and (since is None or at >= since) and (until is None or at < until):
            hits.append(post)
    hits.sort(key=lambda p: p.created_at, reverse=True)
    page, cursor = _page(hits, request, 100)
    body: dict[str, Any] = {"posts": [post_view(p) for p in page], "hitsTotal": len(hits)}
    if cursor:
        body["cursor"] = cursor
    return SimResponse(body=body)


def _session_body(request: SimRequest) -> dict[str, Any]:
    identifier = request.server.credentials["bluesky"][0]
    return {
        "accessJwt": request.server.issue_token("bsky-access"),
        "refreshJwt": request.server.issue_token("bsky-refresh", 90 * 24 * 3600),
        "handle": identifier,
        "did": "did:plc:simulatedauditor00000000",
        "active": True,
    }


def _create_session(request: SimRequest) -> SimResponse:
    body = request.body if isinstance(request.body, dict) else {}
    if (body.get("identifier"), body.get("password")) != request.server.credentials["bluesky"]:
        return _error(401, "AuthenticationRequired", "Invalid identifier or password")
    return SimResponse(body=_session_body(request))


def _refresh_session(request: SimRequest) -> SimResponse:
    if request.server.token_status(request.bearer, "bsky-refresh") != "valid":
        return _error(400, "ExpiredToken", "Token has expired")
    return SimResponse(body=_session_body(request))


def _rate_limited(handler: Any) -> Any:
    """Adds Bluesky's RateLimit-* headers, counting requests per 300 s window."""

    def wrapped(request: SimRequest) -> SimResponse:
        rate = request.server.count_request("bluesky", (RATE_LIMIT, RATE_WINDOW_S))
        if rate.exceeded:  # over budget: refused, as the real servers do
            response = SimResponse(429, {"error": "RateLimitExceeded",
                                         "message": "Too many requests"})
            response.headers["Retry-After"] = str(rate.retry_after())
        else:
            response = handler(request)
        response.headers.update({
            "RateLimit-Limit": str(rate.limit),
            "RateLimit-Remaining": str(rate.remaining),
            "RateLimit-Reset": str(rate.resets_at),
            "RateLimit-Policy": f"{rate.limit};w={rate.seconds}",
        })
        return response

    return wrapped


def routes() -> list[Route]:
    xrpc = "/xrpc/"
    table = [
        ("GET", "app.bsky.actor.getProfile", _get_profile),
        ("GET", "app.bsky.actor.getProfiles", _get_profiles),
        ("GET", "app.bsky.feed.getAuthorFeed", _author_feed),
        ("GET", "app.bsky.feed.getPostThread", _post_thread),
        ("GET", "app.bsky.feed.searchPosts", _search_posts),
        ("POST", "com.atproto.server.createSession", _create_session),
        ("POST", "com.atproto.server.refreshSession", _refresh_session),
    ]
    return [Route(method, xrpc + name.replace(".", r"\."), _rate_limited(handler), "bluesky")
            for method, name, handler in table]


def brand_entry(brand_id: str, base_url: str) -> list[str] | None:
    """The brand's entry in the written config: its accounts here."""
    return list(IDS.brand_handles.get(brand_id, [])) or None


def config_section(base_url: str) -> dict[str, Any]:
    """Everything at the simulator, fast: it is local."""
    return {"base_url": base_url, "auth_url": base_url, "requests_per_second": 50.0,
            "concurrency": 8}
