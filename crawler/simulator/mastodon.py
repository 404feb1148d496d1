"""The Mastodon REST endpoints the spider uses, as one instance (mastodon.social) serves them.

Shapes follow the recorded payloads in tests/fixtures/mastodon/: Status and Account entities,
`Link` pagination on account statuses, and a context whose descendants come in depth-first
order, cut for anonymous clients at 60 posts and depth 20 as the real server does.
"""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import Account, Post

DOMAIN = "mastodon.social"
ANONYMOUS_DESCENDANTS, ANONYMOUS_DEPTH, SIGNED_IN_DESCENDANTS = 60, 20, 4096
RATE_LIMIT, RATE_WINDOW_S = 300, 300


class _MastodonIds:
    """`user@domain` for accounts; ActivityPub URIs with time-ordered snowflake ids for posts."""

    brand_handles = {"acme": ["acmeair@mastodon.social"], "globex": ["globex@fosstodon.org"],
                     "initech": ["initech@mastodon.social"]}
    customer_domains = ["mastodon.social", "fosstodon.org", "hachyderm.io"]
    hostile_handle = "evil@hachyderm.io"
    # Accounts with the `bot` flag: Globex's auto-acknowledgement account, flight trackers.
    automated_handles = {"globex": "globexcare@fosstodon.org"}
    bot_handles = ["flightalerts@botsin.space", "delaywatch@mastodon.social"]
    panel_handle = "{id}@mastodon.social"  # a generated panel brand's (world.PanelBrand)

    def customer_handle(self, user: str, domain: str) -> str:
        return f"{user}@{domain}"

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        return handle, str(rng.randrange(10**17, 10**18))

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        snowflake = str((int(created_at.timestamp() * 1000) << 16) | rng.randrange(65536))
        user, domain = author.key.split("@")
        return f"https://{domain}/users/{user}/statuses/{snowflake}", snowflake


IDS = _MastodonIds()

# The token the simulator accepts (its instance, the token): see SIM_CREDENTIALS.
CREDENTIALS = {"mastodon": ("mastodon.social", "sim-mastodon-token")}


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def acct(account: Account) -> str:
    """How this instance names an account: bare for its own users, user@domain for others."""
    user, domain = account.key.split("@")
    return user if domain == DOMAIN else account.key


def account_entity(account: Account, statuses: int = 0) -> dict[str, Any]:
    user, domain = account.key.split("@")
    return {
        "id": account.native_id, "username": user, "acct": acct(account),
        "display_name": account.display_name, "locked": False, "bot": account.automated,
        "discoverable": True, "indexable": False, "group": False,
        "created_at": "2022-11-07T00:00:00.000Z", "note": "",
        "url": f"https://{domain}/@{user}", "uri": f"https://{domain}/users/{user}",
        "avatar": f"https://files.{domain}/avatars/{account.native_id}.png",
        "avatar_static": f"https://files.{domain}/avatars/{account.native_id}.png",
        "header": f"https://{domain}/headers/original/missing.png",
        "header_static": f"https://{domain}/headers/original/missing.png",
        "followers_count": account.followers, "following_count": 138,
        "statuses_count": statuses, "last_status_at": "2026-11-01", "hide_collections": False,
        "noindex": False, "emojis": [], "roles": [], "fields": [],
    }


def _content(post: Post) -> str:
    """The status HTML: escaped text, with mentions as h-card links like real servers."""
    text = html.escape(post.text, quote=False)
    for account in post.mentions:
        user, domain = account.key.split("@")
        link = (f'<span class="h-card" translate="no"><a href="https://{domain}/@{user}" '
                f'class="u-url mention">@<span>{user}</span></a></span>')
        text = text.replace(f"@{account.key}", link, 1)
    return f"<p>{text}</p>"


def status_entity(post: Post) -> dict[str, Any]:
    user, domain = post.author.key.split("@")
    return {
        "id": post.native_id, "created_at": _iso(post.created_at),
        "in_reply_to_id": post.parent.native_id if post.parent else None,
        "in_reply_to_account_id": post.parent.author.native_id if post.parent else None,
        "sensitive": False, "spoiler_text": "", "visibility": "public",
        "language": post.language, "uri": post.post_id,
        "url": f"https://{domain}/@{user}/{post.native_id}",
        "replies_count": len(post.children), "reblogs_count": post.reposts,
        "favourites_count": post.likes, "edited_at": None, "favourited": False,
        "reblogged": False, "muted": False, "bookmarked": False, "pinned": False,
        "content": _content(post), "filtered": [], "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": account_entity(post.author), "media_attachments": [],
        "mentions": [{"id": m.native_id, "username": m.key.split("@")[0],
                      "url": f"https://{m.key.split('@')[1]}/@{m.key.split('@')[0]}",
                      "acct": acct(m)} for m in post.mentions],
        "tags": [], "emojis": [], "card": None, "poll": None,
    }


def _error(status: int, message: str) -> SimResponse:
    return SimResponse(status, {"error": message})


def _index(request: SimRequest) -> dict[str, Any]:
    """Native ids to accounts and posts, built once per server."""
    world = request.server.world
    return request.server.cached("mastodon_index", lambda: {
        "accounts": {a.native_id: a for a in world.accounts["mastodon"]},
        "posts": {p.native_id: p for p in world.posts["mastodon"]},
    })


def _signed_in(request: SimRequest) -> bool:
    return request.bearer == request.server.credentials["mastodon"][1]


def _instance(request: SimRequest) -> SimResponse:
    return SimResponse(body={"domain": DOMAIN, "title": "Mastodon", "version": "4.3.0",
                             "source_url": "https://github.com/mastodon/mastodon",
                             "description": "The original server operated by the Mastodon "
                                            "gGmbH non-profit"})


def _lookup(request: SimRequest) -> SimResponse:
    wanted = (request.arg("acct") or "").removeprefix("@").lower()
    if "@" not in wanted:
        wanted = f"{wanted}@{DOMAIN}"
    for account in request.server.world.accounts["mastodon"]:
        if account.key.lower() == wanted:
            return SimResponse(body=account_entity(account))
    return _error(404, "Record not found")


def _account(request: SimRequest) -> SimResponse:
    account = _index(request)["accounts"].get(request.match.group(1))
    return SimResponse(body=account_entity(account)) if account else _error(404, "Record not found")


def _account_statuses(request: SimRequest) -> SimResponse:
    account = _index(request)["accounts"].get(request.match.group(1))
    if account is None:
        return _error(404, "Record not found")
    posts = request.server.world.posts_by("mastodon", account)
    if request.arg("exclude_replies") in ("true", "1"):
        posts = [p for p in posts if p.parent is None]
    posts.sort(key=lambda p: int(p.native_id), reverse=True)
    max_id, since_id = request.arg("max_id"), request.arg("since_id")
    if max_id:
        posts = [p for p in posts if int(p.native_id) < int(max_id)]
    if since_id:
        posts = [p for p in posts if int(p.native_id) > int(since_id)]
    limit = request.int_arg("limit", 20, 40)
    page = posts[:limit]
    headers = {}
    if page:
        base = f"{request.server.base_url}/api/v1/accounts/{account.native_id}/statuses"
        keep = {k: v[0] for k, v in request.query.items() if k not in ("max_id", "min_id",
                                                                        "since_id")}
        links = []
        if len(page) == limit:
            links.append(f'<{base}?{urlencode(keep | {"max_id": page[-1].native_id})}>; rel="next"')
        links.append(f'<{base}?{urlencode(keep | {"min_id": page[0].native_id})}>; rel="prev"')
        headers["Link"] = ", ".join(links)
    return SimResponse(body=[status_entity(p) for p in page], headers=headers)


def _status(request: SimRequest) -> SimResponse:
    post = _index(request)["posts"].get(request.match.group(1))
    return SimResponse(body=status_entity(post)) if post else _error(404, "Record not found")


def _context(request: SimRequest) -> SimResponse:
    post = _index(request)["posts"].get(request.match.group(1))
    if post is None:
        return _error(404, "Record not found")
    signed_in = _signed_in(request)
    limit = SIGNED_IN_DESCENDANTS if signed_in else ANONYMOUS_DESCENDANTS
    max_depth = None if signed_in else ANONYMOUS_DEPTH
    descendants: list[Post] = []
    stack = [(c, 1) for c in sorted(post.children, key=lambda c: int(c.native_id), reverse=True)]
    while stack and len(descendants) < limit:
        child, depth = stack.pop()
        descendants.append(child)
        if max_depth is None or depth < max_depth:
            stack.extend((c, depth + 1) for c in sorted(child.children,
                                                        key=lambda c: int(c.native_id),
                                                        reverse=True))
    ancestors: list[Post] = []
    parent = post.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    return SimResponse(body={"ancestors": [status_entity(p) for p in ancestors],
                             "descendants": [status_entity(p) for p in descendants]})


def _search(request: SimRequest) -> SimResponse:
    if request.arg("type") == "statuses" and not _signed_in(request):
        return _error(401, "The access token is invalid")
    q = (request.arg("q") or "").removeprefix("@")
    user = q.split("@")[0].lower()
    lowered = request.server.cached("mastodon_texts", lambda: [
        (p, p.text.lower()) for p in request.server.world.posts["mastodon"]])
    hits = [p for p, text in lowered if user and f"@{user}" in text]  # loose, like full-text
    hits.sort(key=lambda p: int(p.native_id), reverse=True)
    offset = int(request.arg("offset") or 0)
    limit = request.int_arg("limit", 20, 40)
    return SimResponse(body={"accounts": [], "hashtags": [],
                             "statuses": [status_entity(p) for p in hits[offset:offset + limit]]})


def _rate_limited(handler: Any) -> Any:
    """Adds Mastodon's X-RateLimit-* headers (the reset as an ISO timestamp)."""

    def wrapped(request: SimRequest) -> SimResponse:
        rate = request.server.count_request("mastodon", (RATE_LIMIT, RATE_WINDOW_S))
        if rate.exceeded:  # over budget: refused, as the real servers do
            response = SimResponse(429, {"error": "RateLimitExceeded",
                                         "message": "Too many requests"})
            response.headers["Retry-After"] = str(rate.retry_after())
        else:
            response = handler(request)
        reset = datetime.fromtimestamp(rate.resets_at, UTC)
        response.headers.update({
            "X-RateLimit-Limit": str(rate.limit),
            "X-RateLimit-Remaining": str(rate.remaining),
            "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"),
        })
        return response

    return wrapped


def routes() -> list[Route]:
    table = [
        (r"/api/v2/instance", _instance),
        (r"/api/v1/accounts/lookup", _lookup),
        (r"/api/v1/accounts/(\d+)", _account),
        (r"/api/v1/accounts/(\d+)/statuses", _account_statuses),
        (r"/api/v1/statuses/(\d+)", _status),
        (r"/api/v1/statuses/(\d+)/context", _context),
        (r"/api/v2/search", _search),
    ]
    return [Route("GET", pattern, _rate_limited(handler), "mastodon") for pattern, handler in table]


def brand_entry(brand_id: str, base_url: str) -> list[str] | None:
    """The brand's entry in the written config: its accounts here, its automated one last."""
    automated = [IDS.automated_handles[brand_id]] if brand_id in IDS.automated_handles else []
    return list(IDS.brand_handles.get(brand_id, [])) + automated or None


def config_section(base_url: str) -> dict[str, Any]:
    """Every Mastodon request to the simulator, fast: it is local."""
    return {"base_url": base_url, "requests_per_second": 50.0, "concurrency": 8}
