"""Facebook Pages through the Graph API: the page node, its posts and every comment below.

Shapes follow the Graph API reference (developers.facebook.com/docs/graph-api/reference/
page/feed and object/comments): ids `{page}_{post}` and `{post}_{comment}`, timestamps like
`2026-10-05T09:00:00+0000`, `{"data": [...], "paging": {"cursors": {...}, "next": ...}}`,
comments in chronological order with `filter=stream`, a reply's `parent`, two levels only (a
reply to a reply is filed under the top-level comment), `from` left out for some people,
usage as percentages of an hourly budget in `x-app-usage` (error code 4 once it is spent),
and a post's `updated_time` (when asked for) moved by every comment below it.
A token is required: without a valid one the API answers OAuthException code 190.
"""

from __future__ import annotations

import base64
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import (
    ANNOUNCEMENTS,
    DEMO_BRANDS,
    Account,
    Post,
    customer_name,
    each_day,
)

if TYPE_CHECKING:
    from crawler.simulator.world import WorldSettings, _Builder

PLATFORM = "facebook"
VERSION = "v23.0"
PAGES = {"acme": ("AcmeAir", "104958162837001"), "globex": ("GlobexAirways", "104958162837002"),
         "initech": ("InitechAirlines", "104958162837003")}
# An app's budget: calls per rolling window (seconds); tests shrink it to see the pauses.
USAGE_BUDGET, USAGE_WINDOW_S = 5000, 3600
HIDDEN_FROM = 0.1  # share of visitors' comments served without `from`


class _FacebookIds:
    """Ids are assigned once the tree is built: a comment's id starts with its post's. The
    number in them is drawn when the post is written, from its day's stream."""

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        return handle, handle

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        native = str(rng.randrange(10**15, 10**16))
        return f"pending:{native}", native

    def populate(self, b: _Builder, settings: WorldSettings) -> None:
        _populate(b, settings)


IDS = _FacebookIds()

# The Page token the simulator accepts: see SIM_CREDENTIALS.
CREDENTIALS = {PLATFORM: ("", "sim-facebook-page-token")}


def _populate(b: _Builder, settings: WorldSettings) -> None:
    """Accounts from the platform's stream, then each day's posts and comments from that
    day's own (world.each_day): the same seed with a later `now` is the same world later."""
    rng = b.rng
    for i in range(settings.customers_per_platform // 2):
        b.account(str(rng.randrange(10**14, 10**15)), customer_name(i), 0, None)
    pages: dict[str, Account] = {}
    for brand_id, name, _, _ in DEMO_BRANDS:
        username, page_id = PAGES[brand_id]
        pages[brand_id] = b.account(page_id, name, rng.randint(20_000, 900_000), brand_id)
        pages[brand_id].handle = username
    # The sample is the posts published in the window with every comment below them.
    for day in each_day(b, settings):
        for brand_id, page in pages.items():
            _page_day(b, settings, day, brand_id, page)
    # A generated panel (world.PanelBrand): a page each (`Brand001Page`, a numeric id from its
    # place), from its own streams.
    for index, brand in enumerate(b.world.panel, 1):
        b.panel_stream(brand)
        pages[brand.id] = b.account(f"2049581628{index:05d}", brand.name,
                                    b.rng.randint(20_000, 900_000), brand.id)
        pages[brand.id].handle = f"{brand.camel}Page"
    for brand in b.world.panel:
        for day in each_day(b, settings, f":{brand.id}"):
            _page_day(b, settings, day, brand.id, pages[brand.id])
    _flatten(b.posts)
    _assign_ids(b.posts)


def _page_day(b: _Builder, settings: WorldSettings, day: datetime, brand_id: str,
              page: Account) -> None:
    """A page's posts of `day` with their comments and its answers."""
    t = day
    while (t := t + timedelta(days=b.rng.expovariate(
            settings.brand_posts_per_day * 1.5))) < day + timedelta(days=1):
        post = b.post(page, t, b.rng.choice(ANNOUNCEMENTS))
        for _ in range(b.rng.randint(0, 6)):
            comment = b.post(b.customer(), t + b.delay(0.3), b.complaint(), parent=post)
            b.maybe_answer(comment, brand_id, [page])


def _flatten(posts: list[Post]) -> None:
    """Facebook threads are two levels deep: a reply to a reply is filed under the top-level
    comment, and that is the only parent the API reports."""
    for post in sorted(posts, key=lambda p: p.created_at):
        if post.parent is not None and post.depth() > 2:
            top = post.parent
            while top.depth() > 1:
                top = top.parent  # type: ignore[assignment]
            post.parent.children.remove(post)
            post.parent = top
            top.children.append(post)


def _assign_ids(posts: list[Post]) -> None:
    for post in posts:
        post.created_at = post.created_at.replace(microsecond=0)
        if post.parent is None:
            post.post_id = f"{post.author.key}_{post.native_id}"
        else:
            post.post_id = f"{post.root.native_id}_{post.native_id}"


# Shapes --------------------------------------------------------------------------------------


def _time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _from(account: Account) -> dict[str, str]:
    return {"name": account.display_name, "id": account.key}


def _hidden(post: Post) -> bool:
    """Whether the API leaves `from` out for this comment (never for the page's own)."""
    return not post.author.brand_id and int(post.native_id) % 100 < HIDDEN_FROM * 100


def post_object(post: Post, fields: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "created_time": _time(post.created_at), "message": post.text,
        "permalink_url": f"https://www.facebook.com/{post.author.handle}/posts/"
                         f"{post.native_id}"}
    if "updated_time" in fields.split(","):
        body["updated_time"] = _time(updated_time(post))
    return body | {"id": post.post_id}


def updated_time(post: Post) -> datetime:
    """A post's `updated_time`: when it was written or last commented on (a reply to a
    comment included), whichever is later."""
    latest, stack = post.created_at, list(post.children)
    while stack:
        child = stack.pop()
        latest = max(latest, child.created_at)
        stack.extend(child.children)
    return latest


def comment_object(comment: Post) -> dict[str, Any]:
    body: dict[str, Any] = {"id": comment.post_id}
    if not _hidden(comment):
        body["from"] = _from(comment.author)
    body.update({"created_time": _time(comment.created_at), "message": comment.text,
                 "comment_count": len(comment.children)})
    parent = comment.parent
    if parent is not None and parent.parent is not None:
        body["parent"] = {"created_time": _time(parent.created_at), "message": parent.text,
                          "id": parent.post_id}
        if not _hidden(parent):
            body["parent"]["from"] = _from(parent.author)
    return body


def _error(status: int, message: str, kind: str, code: int) -> SimResponse:
    return SimResponse(status, {"error": {"message": message, "type": kind, "code": code,
                                          "fbtrace_id": "AsimulatedTraceId"}})


def _cursor(index: int) -> str:
    return base64.b64encode(f"index:{index}".encode()).decode()


def _index_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor).decode().split(":")[1])
    except (ValueError, IndexError):
        return 0


def _page(request: SimRequest, rows: list[Any], path: str) -> dict[str, Any]:
    """One page of a Graph edge with cursor paging, like the real `paging` object."""
    # The API may return fewer than asked; a test caps it (state "page_caps") to see paging.
    cap = request.server.state.get("page_caps", {}).get(PLATFORM, 100)
    limit = request.int_arg("limit", 25, cap)
    start = _index_of(request.arg("after"))
    chunk = rows[start:start + limit]
    body: dict[str, Any] = {"data": chunk}
    if chunk:
        paging: dict[str, Any] = {"cursors": {"before": _cursor(start),
                                              "after": _cursor(start + len(chunk))}}
        if start + limit < len(rows):
            keep = {k: v[0] for k, v in request.query.items() if k != "after"}
            paging["next"] = (f"https://graph.facebook.com/{VERSION}/{path}?"
                              + urlencode(keep | {"after": _cursor(start + len(chunk))}))
        body["paging"] = paging
    return body


def _state(request: SimRequest) -> dict[str, Any]:
    world = request.server.world

    def build() -> dict[str, Any]:
        pages = {a.key: a for a in world.brand_accounts(PLATFORM)}
        pages.update({a.handle: a for a in list(pages.values())})
        return {"pages": pages, "posts": {p.post_id: p for p in world.posts[PLATFORM]}}
    return request.server.cached("facebook_index", build)


def _node(request: SimRequest) -> SimResponse:
    page = _state(request)["pages"].get(request.match.group(1))
    if page is None:
        return _error(404, f"(#803) Some of the aliases you requested do not exist: "
                      f"{request.match.group(1)}", "OAuthException", 803)
    return SimResponse(body={"id": page.key, "name": page.display_name,
                             "followers_count": page.followers})


def _posts(request: SimRequest) -> SimResponse:
    page = _state(request)["pages"].get(request.match.group(1))
    if page is None:
        return _error(404, "(#803) Some of the aliases you requested do not exist",
                      "OAuthException", 803)
    # Without Page Public Content Access, a page token reads only its own page's posts; the
    # default simulates an app that has the feature (a test names the token's page instead).
    own = request.server.state.get("facebook_token_page")
    if own is not None and page.key != PAGES[own][1]:
        return _error(400, "(#10) This endpoint requires the 'pages_read_engagement' permission "
                      "or the 'Page Public Content Access' feature.", "OAuthException", 10)
    since, until = request.arg("since"), request.arg("until")
    posts = [p for p in request.server.world.posts_by(PLATFORM, page)
             if p.parent is None
             and (not since or p.created_at.timestamp() >= int(since))
             and (not until or p.created_at.timestamp() <= int(until))]
    posts.sort(key=lambda p: p.created_at, reverse=True)
    fields = request.arg("fields") or ""
    return SimResponse(body=_page(request, [post_object(p, fields) for p in posts],
                                  f"{page.key}/posts"))


def _comments(request: SimRequest) -> SimResponse:
    node = _state(request)["posts"].get(request.match.group(1))
    if node is None:
        return _error(400, "Unsupported get request. Object does not exist",
                      "GraphMethodException", 100)
    if request.arg("filter") == "stream":
        rows = []
        stack = list(node.children)
        while stack:
            child = stack.pop()
            rows.append(child)
            stack.extend(child.children)
    else:  # toplevel, the default
        rows = list(node.children)
    rows.sort(key=lambda c: (c.created_at, c.native_id))
    return SimResponse(body=_page(request, [comment_object(c) for c in rows],
                                  f"{node.post_id}/comments"))


def _graph(handler: Any) -> Any:
    """Token check and `x-app-usage`: calls in the rolling window as a share of the budget."""

    def wrapped(request: SimRequest) -> SimResponse:
        if request.bearer != request.server.credentials[PLATFORM][1]:
            return _error(400, "Invalid OAuth access token - Cannot parse access token",
                          "OAuthException", 190)
        state = request.server.state
        budget, window = state.get("rate_limits", {}).get(PLATFORM, (USAGE_BUDGET,
                                                                     USAGE_WINDOW_S))
        now = time.time()
        calls = [t for t in state.get("facebook_calls", []) if t > now - window]
        if len(calls) >= budget:
            response = _error(403, "(#4) Application request limit reached", "OAuthException", 4)
        else:
            calls.append(now)
            response = handler(request)
        state["facebook_calls"] = calls
        share = min(100, round(100 * len(calls) / budget))
        response.headers["x-app-usage"] = (
            f'{{"call_count":{share},"total_cputime":{share // 2},"total_time":{share // 2}}}')
        return response

    return wrapped


def routes() -> list[Route]:
    prefix = f"/facebook/{VERSION}"
    table = [
        (rf"{prefix}/(\d+_\d+)/comments", _comments),
        (rf"{prefix}/([A-Za-z0-9.]+)/posts", _posts),
        (rf"{prefix}/([A-Za-z0-9.]+)", _node),
    ]
    return [Route("GET", pattern, _graph(handler), PLATFORM) for pattern, handler in table]


def brand_entry(brand_id: str, base_url: str) -> list[str]:
    return [PAGES[brand_id][0]]


def config_section(base_url: str) -> dict[str, Any]:
    """Local and fast; a short pause so a test can watch the usage headers work."""
    return {"base_url": f"{base_url}/facebook/{VERSION}", "requests_per_second": 50.0,
            "concurrency": 4, "usage_pause_seconds": 2}
