"""The X API v2 endpoints the API spider uses, in the documented response shapes.

Shapes follow the public API v2 reference (docs.x.com; examples kept in
tests/fixtures/x/v2_*.json): objects carry only the fields a request asks for in
`tweet.fields` / `user.fields` (plus `id`, `text`, `edit_history_tweet_ids`; users `id`, `name`,
`username`), `includes.users` only with `expansions=author_id`, `meta.next_token` paging
(timelines take it back as `pagination_token`, search as `next_token`), a bearer token on
every request, per-endpoint `x-rate-limit-*` headers, and recent search refusing a
`start_time` older than seven days with the documented 400 error.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.parsers.common import parse_timestamp
from crawler.simulator import x_web
from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import Account, Post

RATE_LIMIT, RATE_WINDOW_S = 900, 900  # requests per 15-minute window, per endpoint
RECENT_SEARCH_DAYS = 7
_EPOCH_MS = 1288834974657  # Twitter's snowflake epoch
_INVALID = "https://api.twitter.com/2/problems/invalid-request"


class _XIds:
    """Numeric user ids; snowflake tweet ids that grow with time."""

    brand_handles = {"acme": ["AcmeAir", "AcmeHelp"], "globex": ["GlobexAir"],
                     "initech": ["InitechAir"]}
    customer_domains = ["x.com"]  # X has no domains: the simulator serves the part before '@'
    hostile_handle = "evil@hachyderm.io"
    panel_handle = "{camel}"  # a generated panel brand's account (world.PanelBrand)

    def customer_handle(self, user: str, domain: str) -> str:
        return f"{user}@{domain}"

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        user_id = str(rng.randrange(10**8, 10**19))
        return user_id, user_id

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        millis = int(created_at.timestamp() * 1000) - _EPOCH_MS
        tweet_id = str((millis << 22) | rng.randrange(1 << 22))
        return tweet_id, tweet_id


IDS = _XIds()

# The bearer token the API accepts, and the web app's session cookie: see SIM_CREDENTIALS.
CREDENTIALS = {"x": ("", "sim-x-bearer-token"), **x_web.CREDENTIALS}


def username(account: Account) -> str:
    """The screen name: the world's customer handles carry a domain X does not have."""
    return account.handle.split("@")[0].split(".")[0]


def _iso(t: datetime) -> str:
    """v2 timestamps end in '.000Z': whole seconds (the milliseconds are in the tweet id)."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _fields(request: SimRequest, name: str) -> set[str]:
    return {f for f in (request.arg(name) or "").split(",") if f}


def user_object(account: Account, fields: set[str]) -> dict[str, Any]:
    user: dict[str, Any] = {"id": account.key, "name": account.display_name,
                            "username": username(account)}
    if "public_metrics" in fields:
        user["public_metrics"] = {"followers_count": account.followers, "following_count": 211,
                                  "tweet_count": 5120, "listed_count": 37, "like_count": 880}
    if "created_at" in fields:
        user["created_at"] = "2012-03-01T09:00:00.000Z"
    return user


def _text_and_mentions(post: Post) -> tuple[str, list[dict[str, Any]]]:
    text = post.text
    mentions = []
    for account in post.mentions:
        old = f"@{account.handle}"
        new = f"@{username(account)}"
        text = text.replace(old, new, 1)
        start = text.find(new)
        mentions.append({"start": start, "end": start + len(new), "username": username(account),
                         "id": account.key})
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), mentions


def tweet_object(post: Post, fields: set[str]) -> dict[str, Any]:
    text, mentions = _text_and_mentions(post)
    tweet: dict[str, Any] = {"id": post.post_id, "text": text,
                             "edit_history_tweet_ids": [post.post_id]}
    optional: dict[str, Any] = {
        "created_at": _iso(post.created_at),
        "author_id": post.author.key,
        "conversation_id": post.root.post_id,
        "lang": post.language,
        "public_metrics": {"retweet_count": post.reposts, "reply_count": len(post.children),
                           "like_count": post.likes, "quote_count": 0, "bookmark_count": 0,
                           "impression_count": 40 * (post.likes + 1)},
    }
    if post.parent is not None:
        optional["in_reply_to_user_id"] = post.parent.author.key
        optional["referenced_tweets"] = [{"type": "replied_to", "id": post.parent.post_id}]
    if mentions:
        optional["entities"] = {"mentions": mentions}
    tweet.update({k: v for k, v in optional.items() if k in fields})
    return tweet


def _error(status: int, title: str, detail: str, kind: str = "about:blank") -> SimResponse:
    return SimResponse(status, {"title": title, "type": kind, "status": status, "detail": detail})


def _invalid(parameter: str, value: str, message: str) -> SimResponse:
    return SimResponse(400, {"errors": [{"parameters": {parameter: [value]}, "message": message}],
                             "title": "Invalid Request",
                             "detail": "One or more parameters to your request was invalid.",
                             "type": _INVALID})


def _index(request: SimRequest) -> dict[str, Any]:
    world = request.server.world
    return request.server.cached("x_index", lambda: {
        "users": {a.key: a for a in world.accounts["x"]},
        "by_name": {username(a).lower(): a for a in world.accounts["x"]},
    })


def _page(request: SimRequest, posts: list[Post], token_param: str, maximum: int) -> SimResponse:
    """Newest first, filtered by start_time/end_time, one page of `max_results`."""
    start = parse_timestamp(request.arg("start_time"))
    end = parse_timestamp(request.arg("end_time"))
    posts = [p for p in posts if (start is None or p.created_at >= start)
             and (end is None or p.created_at < end) and p.created_at <= request.server.world.now]
    posts.sort(key=lambda p: int(p.post_id), reverse=True)
    offset = int(request.arg(token_param) or 0)
    size = request.int_arg("max_results", 10, maximum)
    page = posts[offset:offset + size]
    tweet_fields, user_fields = _fields(request, "tweet.fields"), _fields(request, "user.fields")
    body: dict[str, Any] = {"data": [tweet_object(p, tweet_fields) for p in page]} if page else {}
    if page and "author_id" in _fields(request, "expansions"):
        authors = {p.author.key: p.author for p in page}
        body["includes"] = {"users": [user_object(a, user_fields) for a in authors.values()]}
    meta: dict[str, Any] = {"result_count": len(page)}
    if page:
        meta.update(newest_id=page[0].post_id, oldest_id=page[-1].post_id)
    if offset + size < len(posts):
        meta["next_token"] = str(offset + size)
    body["meta"] = meta
    return SimResponse(body=body)


def _users_by(request: SimRequest) -> SimResponse:
    names = [n for n in (request.arg("usernames") or "").split(",") if n]
    found, errors = [], []
    for name in names:
        account = _index(request)["by_name"].get(name.lower())
        if account is None:
            errors.append({"value": name,
                           "detail": f"Could not find user with usernames: [{name}].",
                           "title": "Not Found Error", "resource_type": "user",
                           "parameter": "usernames", "resource_id": name,
                           "type": "https://api.twitter.com/2/problems/resource-not-found"})
        else:
            found.append(user_object(account, _fields(request, "user.fields")))
    body: dict[str, Any] = {"data": found} if found else {}
    if errors:
        body["errors"] = errors
    return SimResponse(body=body)


def _user_tweets(request: SimRequest) -> SimResponse:
    account = _index(request)["users"].get(request.match.group(1))
    if account is None:
        return _error(404, "Not Found Error", "Could not find user.")
    posts = request.server.world.posts_by("x", account)
    return _page(request, posts, "pagination_token", 100)


def _user_mentions(request: SimRequest) -> SimResponse:
    account = _index(request)["users"].get(request.match.group(1))
    if account is None:
        return _error(404, "Not Found Error", "Could not find user.")
    posts = list(_mentions(request).get(id(account), []))
    return _page(request, posts, "pagination_token", 100)


def _mentions(request: SimRequest) -> dict[int, list[Post]]:
    """Posts by the accounts they mention, oldest first: built once, not scanned per call."""
    def build() -> dict[int, list[Post]]:
        index: dict[int, list[Post]] = {}
        for post in request.server.world.posts["x"]:
            for account in dict.fromkeys(id(m) for m in post.mentions):
                index.setdefault(account, []).append(post)
        return index
    return request.server.cached("x_mentions", build)


def _conversations(request: SimRequest) -> dict[str, list[Post]]:
    """Every reply by its conversation (its root's id), oldest first: built once."""
    def build() -> dict[str, list[Post]]:
        index: dict[str, list[Post]] = {}
        for post in request.server.world.posts["x"]:
            if post.parent is not None:
                index.setdefault(post.root.post_id, []).append(post)
        return index
    return request.server.cached("x_conversations", build)


def _search(recent: bool) -> Any:
    def handler(request: SimRequest) -> SimResponse:
        query = request.arg("query") or ""
        if not query.startswith("conversation_id:"):
            return _invalid("query", query, "The simulator only answers conversation_id: queries")
        start = request.arg("start_time")
        if recent and start:
            floor = request.server.world.now - timedelta(days=RECENT_SEARCH_DAYS)
            when = parse_timestamp(start)
            if when is not None and when < floor:
                return _invalid("start_time", start,
                                f"Invalid 'start_time':'{start}'. 'start_time' must be on or "
                                f"after {floor.strftime('%Y-%m-%dT%H:%MZ')}")
        conversation = query.split(":", 1)[1]
        # "all replies to the original post" (docs.x.com): the root itself is not a result
        posts = list(_conversations(request).get(conversation, []))
        if recent and not start:
            floor = request.server.world.now - timedelta(days=RECENT_SEARCH_DAYS)
            posts = [p for p in posts if p.created_at >= floor]
        return _page(request, posts, "next_token", 100 if recent else 500)

    return handler


def _authorized(handler: Any, family: str) -> Any:
    """Bearer token required; per-endpoint x-rate-limit-* headers (reset in epoch seconds)."""

    def wrapped(request: SimRequest) -> SimResponse:
        if request.bearer != request.server.credentials["x"][1]:
            return _error(401, "Unauthorized", "Unauthorized")
        rate = request.server.count_request("x", (RATE_LIMIT, RATE_WINDOW_S), bucket=family)
        if rate.exceeded:
            response = SimResponse(429, {"title": "Too Many Requests",
                                         "detail": "Too Many Requests",
                                         "type": "about:blank", "status": 429})
        else:
            response = handler(request)
        response.headers.update({
            "x-rate-limit-limit": str(rate.limit),
            "x-rate-limit-remaining": str(rate.remaining),
            "x-rate-limit-reset": str(rate.resets_at),
        })
        return response

    return wrapped


def routes() -> list[Route]:
    table = [
        (r"/2/users/by", _users_by, "users"),
        (r"/2/users/(\d+)/tweets", _user_tweets, "tweets"),
        (r"/2/users/(\d+)/mentions", _user_mentions, "mentions"),
        (r"/2/tweets/search/recent", _search(recent=True), "recent"),
        (r"/2/tweets/search/all", _search(recent=False), "all"),
    ]
    api = [Route("GET", pattern, _authorized(handler, family), "x")
           for pattern, handler, family in table]
    return api + x_web.routes()  # the web app the browser spider drives


def brand_entry(brand_id: str, base_url: str) -> list[str] | None:
    """The brand's entry in the written config: its accounts here."""
    return list(IDS.brand_handles.get(brand_id, [])) or None


def config_section(base_url: str) -> dict[str, Any]:
    """Local and fast; full-archive search, as a Pro plan has, so the whole window is reached
    (tests switch to recent search to see the plan's limit detected)."""
    return {"base_url": base_url, "search_path": "/2/tweets/search/all",
            "web_url": f"{base_url}{x_web.PREFIX}", "scroll_pause_seconds": 0.2,
            "requests_per_second": 50.0, "concurrency": 8}
