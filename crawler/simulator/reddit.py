"""The Reddit OAuth API endpoints the spider uses, over the world's Reddit conversations.

Shapes follow the recorded payloads in tests/fixtures/reddit/: `Listing`s of `t3`/`t1`
things with `after` cursors, `/comments/{id}` as `[Listing(t3), Listing(t1 trees)]` with
nested `replies` Listings cut by `limit` (a `more` stub naming the comments left out) and by
`depth` (a "continue this thread" stub, id `_`), `/api/morechildren`'s flat `things`,
`[deleted]` authors, and the `X-Ratelimit-*` headers (reset in seconds from now). Every API
request needs a bearer token from the app-only OAuth flow (`/api/v1/access_token`).

The world: each demo brand's subreddit, where customers post (addressed to the brand) and
the brand's accounts, flaired staff and (for Acme) moderators answer; brand announcements;
brand comments on customers' submissions in r/travel; customers' submissions there that
mention a brand account (and one that only looks like it does); a fan-run moderator at Initech's
subreddit who is not the brand; deleted comments; one long and one deep thread to be cut.
"""

from __future__ import annotations

import base64
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import ANNOUNCEMENTS, Account, Post, day_number, each_day

if TYPE_CHECKING:
    from crawler.simulator.world import WorldSettings, _Builder

RATE_LIMIT, RATE_WINDOW_S = 1000, 600  # what Reddit grants an OAuth client per 10 minutes
MAX_LIMIT, MAX_DEPTH = 500, 10
DELETED = "[deleted]"
ELSEWHERE = "travel"  # where customers post without addressing a brand


@dataclass(frozen=True)
class RedditBrand:
    accounts: tuple[str, ...]  # listed in the config
    subreddit: str
    flair: str | None = None  # the flair its staff wear in its subreddit
    staff: tuple[str, ...] = ()  # flaired staff, not listed: recognised by flair
    moderators: tuple[str, ...] = ()  # its subreddit's moderators
    moderators_are_brand: bool = False  # the config counts them (`moderators = true`)


BRANDS = {
    "acme": RedditBrand(("AcmeAirHelp",), "acmeair", "Acme Staff", ("Acme_Jo",),
                        ("acmeair_mods",), True),
    "globex": RedditBrand(("GlobexAirways", "GlobexSupport"), "globex", "Official",
                          ("Globex_Sam",)),
    # A fan-run subreddit: its moderator distinguishes comments but does not speak for Initech.
    "initech": RedditBrand(("InitechAir",), "initechair", moderators=("initech_fanmod",)),
}


class _RedditIds:
    """Lower-case usernames for accounts; fullnames (`t3_`/`t1_` + base36) for posts."""

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        return handle.lower(), f"t2_{_base36(rng.randrange(36**6, 36**8))}"

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        # The kind prefix is set once the post's place is known (see populate).
        native = _base36(rng.randrange(36**6, 36**7))
        return native, native

    def populate(self, b: _Builder, settings: WorldSettings) -> None:
        _populate(b, settings)


IDS = _RedditIds()

# The app the simulator accepts (client id, client secret): see SIM_CREDENTIALS.
CREDENTIALS = {"reddit": ("sim-reddit-client-id", "sim-reddit-client-secret")}


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


# The world ---------------------------------------------------------------------------------


def _populate(b: _Builder, settings: WorldSettings) -> None:
    """Accounts from the platform's stream, then conversations day by day (world.each_day),
    so Reddit travels in time as the timelines do."""
    rng = b.rng
    listed: dict[str, list[Account]] = {}
    in_sub: dict[str, list[Account]] = {}  # everyone who answers for the brand in its subreddit
    for brand_id, brand in BRANDS.items():
        listed[brand_id] = [b.account(h, h, rng.randint(2_000, 90_000), brand_id)
                            for h in brand.accounts]
        staff = [b.account(h, h, 0, brand_id) for h in brand.staff]
        mods = [b.account(h, h, 0, brand_id if brand.moderators_are_brand else None)
                for h in brand.moderators]
        in_sub[brand_id] = listed[brand_id] + staff + (mods if brand.moderators_are_brand else [])
    for i in range(settings.customers_per_platform):
        b.account(f"traveller_{i:03d}", f"traveller_{i:03d}", 0, None)
    b.account(DELETED, DELETED, 0, None)
    for day in each_day(b, settings):
        _day(b, day, listed, in_sub)
    for post in b.posts:
        # Reddit counts whole seconds; the kind prefix follows the post's place.
        post.created_at = post.created_at.replace(microsecond=0)
        if post.author.handle == DELETED:
            post.kind = ""  # a deleted comment's text is gone: nobody can read a hand-off
        post.post_id = f"{'t1' if post.parent else 't3'}_{post.native_id}"
    _unlisted_only_on_their_day(b.posts, listed)


def _day(b: _Builder, day: datetime, listed: dict[str, list[Account]],
         in_sub: dict[str, list[Account]]) -> None:
    """Every conversation that starts on `day` (midnight UTC), played out in full."""
    rng, end = b.rng, day + timedelta(days=1)

    def speaker() -> Account:
        """A customer who can be seen (a deleted author's text says nothing)."""
        while True:
            who = b.customer()
            if who.handle != DELETED:
                return who

    for brand_id, brand in BRANDS.items():
        # Customers' submissions in the brand's subreddit: addressed to it.
        t = day
        while (t := t + timedelta(days=rng.expovariate(1.2))) < end:
            post = b.post(b.customer(), t, b.complaint(), addressed_to=brand_id)
            b.maybe_answer(post, brand_id, in_sub[brand_id])
            for _ in range(rng.randint(0, 2)):
                # A comment that mentions the brand is found in its thread (Reddit's search
                # does not cover comments), so only on the submission's own day: a thread
                # the crawl reads then holds it (see _unlisted_only_on_their_day).
                roll, at = rng.random(), t + b.delay(0.3)
                mentioned = listed[brand_id][0] if roll < 0.3 and at < end else None
                text = (f"u/{mentioned.handle} can you help here?" if mentioned
                        else "Following, same problem.")
                chat = b.post(speaker() if mentioned else b.customer(), at, text, parent=post)
                if mentioned is not None:
                    chat.mentions = [mentioned]
                    b.maybe_answer(chat, brand_id, in_sub[brand_id])
            for mod in (a for a in b.world.accounts["reddit"] if a.handle in brand.moderators):
                if not brand.moderators_are_brand and rng.random() < 0.3:
                    b.post(mod, t + b.delay(0.2), "Please use the weekly megathread.",
                           parent=post)
        # Announcements by the brand in its subreddit: replies to them are addressed.
        t = day
        while (t := t + timedelta(days=rng.expovariate(0.4))) < end:
            root = b.post(listed[brand_id][0], t, rng.choice(ANNOUNCEMENTS),
                          addressed_to=brand_id)
            for _ in range(rng.randint(0, 4)):
                reply = b.post(b.customer(), t + b.delay(0.4), b.complaint(), parent=root)
                b.maybe_answer(reply, brand_id, listed[brand_id])
        # The brand's listed account answering customers' submissions elsewhere.
        t = day
        while (t := t + timedelta(days=rng.expovariate(0.5))) < end:
            question = b.post(speaker(), t, "Which airline has the best legroom?")
            pitch = b.post(rng.choice(listed[brand_id]), t + b.delay(0.5),
                           "Our new seats have 34 inches of pitch, happy to help!",
                           parent=question)
            for _ in range(rng.randint(0, 3)):
                reply = b.post(b.customer(), pitch.created_at + b.delay(0.4), b.complaint(),
                               parent=pitch)
                b.maybe_answer(reply, brand_id, listed[brand_id])
        # Customers naming the brand's account in submissions elsewhere: found by search.
        t = day
        while (t := t + timedelta(days=rng.expovariate(0.3))) < end:
            mention = b.post(speaker(), t, f"u/{listed[brand_id][0].handle} {b.complaint()}")
            mention.mentions = [listed[brand_id][0]]
            b.maybe_answer(mention, brand_id, listed[brand_id])
    number = day_number(day)
    if number % 7 == 2:
        # A search for u/AcmeAirHelp also matches another name that starts alike: no mention.
        b.post(speaker(), day + timedelta(hours=rng.randint(1, 23)),
               f"Is u/{BRANDS['acme'].accounts[0]}Desk legit? Looks like a scam account.")
    if number % 14 == 6:
        _long_thread(b, listed["acme"], day + timedelta(hours=rng.uniform(1, 12)))


def _unlisted_only_on_their_day(posts: list[Post], listed: dict[str, list[Account]]) -> None:
    """Staff and moderators (recognised by flair, not listed) answer in threads the crawl
    reads whole: a subreddit's submissions. A crawl that starts at midnight UTC reads a
    thread when it reads its submission, so their answers stay on the submission's UTC day;
    a later one is written by the brand's listed account (whose posts the crawl lists)."""
    for post in posts:
        brand_id = post.author.brand_id
        if (brand_id is None or post.author in listed[brand_id]
                or post.created_at.date() == post.root.created_at.date()):
            continue
        post.author = listed[brand_id][0]


def _long_thread(b: _Builder, acme: list[Account], t: datetime) -> None:
    """A busy thread in Acme's subreddit: more top-level comments than one response holds,
    and a back-and-forth deeper than Reddit's depth limit."""
    root = b.post(b.customer(), t, "Megathread: the storm cancellations", addressed_to="acme")
    for i in range(40):
        comment = b.post(b.customer(), t + timedelta(minutes=3 * i + 1), b.complaint(),
                         parent=root)
        if comment is not None and i % 3 == 0:
            b.maybe_answer(comment, "acme", acme)
    parent: Post | None = root
    for step in range(14):
        if parent is None:
            return
        author = acme[0] if step % 2 else b.customer()
        parent = b.post(author, parent.created_at + timedelta(minutes=b.rng.randint(2, 40)),
                        "Thanks!" if author.brand_id else "One more question…", parent=parent)


# Shapes ------------------------------------------------------------------------------------


def _brand_of_sub(post: Post) -> RedditBrand | None:
    brand = post.root.addressed_to
    return BRANDS.get(brand) if brand else None


def _subreddit(post: Post) -> str:
    brand = _brand_of_sub(post)
    return brand.subreddit if brand else ELSEWHERE


def _flair(post: Post) -> str | None:
    brand = _brand_of_sub(post)
    if brand and post.author.handle in brand.staff:
        return brand.flair
    return None


def _distinguished(post: Post) -> str | None:
    brand = _brand_of_sub(post)
    return "moderator" if brand and post.author.handle in brand.moderators else None


def _author_fields(post: Post) -> dict[str, Any]:
    if post.author.handle == DELETED:
        return {"author": DELETED, "author_flair_text": None, "author_flair_css_class": None}
    return {"author": post.author.handle, "author_fullname": post.author.native_id,
            "author_flair_text": _flair(post), "author_flair_css_class": None,
            "author_flair_type": "text", "author_premium": False, "author_is_blocked": False}


def _permalink(post: Post) -> str:
    root = post.root
    base = f"/r/{_subreddit(post)}/comments/{root.native_id}/thread/"
    return base if post is root else f"{base}{post.native_id}/"


def _common(post: Post) -> dict[str, Any]:
    sub = _subreddit(post)
    return {
        "id": post.native_id, "name": post.post_id, "created": float(post.created_at.timestamp()),
        "created_utc": float(post.created_at.timestamp()), "subreddit": sub,
        "subreddit_id": f"t5_{_base36(sum(map(ord, sub)) * 7919)}",
        "subreddit_name_prefixed": f"r/{sub}", "subreddit_type": "public",
        "score": post.likes, "ups": post.likes, "downs": 0, "gilded": 0, "edited": False,
        "distinguished": _distinguished(post), "stickied": False, "locked": False,
        "archived": False, "likes": None, "saved": False, "user_reports": [],
        "mod_reports": [], "num_reports": None, "approved_by": None, "banned_by": None,
        "removal_reason": None, "total_awards_received": 0, "all_awardings": [],
        "permalink": _permalink(post), **_author_fields(post),
    }


def _count(post: Post) -> int:
    stack, n = list(post.children), 0
    while stack:
        child = stack.pop()
        n += 1
        stack.extend(child.children)
    return n


def submission(post: Post) -> dict[str, Any]:
    deleted = post.author.handle == DELETED
    sub = _subreddit(post)
    return {"kind": "t3", "data": {
        **_common(post), "title": "[deleted]" if deleted else post.text.split(".")[0][:120],
        "selftext": "[deleted]" if deleted else post.text, "selftext_html": None,
        "num_comments": _count(post), "is_self": True, "domain": f"self.{sub}",
        "url": f"https://www.reddit.com{_permalink(post)}", "over_18": False,
        "link_flair_text": None, "upvote_ratio": 0.97, "hidden": False, "thumbnail": "self",
    }}


def comment(post: Post, replies: dict[str, Any] | str = "") -> dict[str, Any]:
    deleted = post.author.handle == DELETED
    body = ("[removed]" if int(post.native_id, 36) % 3 == 0 else "[deleted]") if deleted \
        else post.text
    assert post.parent is not None
    return {"kind": "t1", "data": {
        **_common(post), "body": body, "body_html": None, "link_id": post.root.post_id,
        "parent_id": post.parent.post_id, "replies": replies, "controversiality": 0,
        "collapsed": False, "score_hidden": False, "send_replies": True,
        "is_submitter": post.author is post.root.author, "depth": post.depth() - 1,
    }}


def _listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "dist": len(children), "modhash": None,
                                        "geo_filter": "", "children": children,
                                        "before": None}}


def _more(parent: Post, left_out: list[Post]) -> dict[str, Any]:
    return {"kind": "more", "data": {
        "count": sum(1 + _count(p) for p in left_out), "name": left_out[0].post_id,
        "id": left_out[0].native_id, "parent_id": parent.post_id,
        "depth": parent.depth(), "children": [p.native_id for p in left_out]}}


def _continue(parent: Post) -> dict[str, Any]:
    return {"kind": "more", "data": {"count": 0, "name": "t1__", "id": "_",
                                     "parent_id": parent.post_id, "depth": parent.depth(),
                                     "children": []}}


class _TreeCut:
    """Renders comment forests as Reddit does: at most `limit` comments, `depth` levels."""

    def __init__(self, limit: int, depth: int) -> None:
        self.limit, self.depth, self.shown = limit, depth, 0

    def forest(self, parent: Post, posts: list[Post], level: int) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for i, post in enumerate(posts):
            if level >= self.depth:
                items.append(_continue(parent))
                break
            if self.shown >= self.limit:
                items.append(_more(parent, posts[i:]))
                break
            self.shown += 1
            kids = _ordered(post.children)
            items.append(comment(post, self.forest(post, kids, level + 1) if kids else ""))
        return _listing(items)


def _ordered(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda p: (p.created_at, p.native_id))


# Routes ------------------------------------------------------------------------------------


def _error(status: int, message: str) -> SimResponse:
    return SimResponse(status, {"message": message, "error": status})


def _index(request: SimRequest) -> dict[str, Any]:
    world = request.server.world
    return request.server.cached("reddit_index", lambda: {
        "posts": {p.native_id: p for p in world.posts["reddit"]},
        "accounts": {a.key: a for a in world.accounts["reddit"]},
    })


def _token(request: SimRequest) -> SimResponse:
    client_id, secret = request.server.credentials["reddit"]
    expected = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
    if request.headers.get("authorization") != expected:
        return SimResponse(401, {"message": "Unauthorized", "error": 401})
    if (request.body or {}).get("grant_type") != "client_credentials":
        return SimResponse(200, {"error": "unsupported_grant_type"})
    # Real tokens last a day; the simulator's last `session_seconds`, so tests can expire them.
    return SimResponse(body={"access_token": request.server.issue_token("reddit"),
                             "token_type": "bearer",
                             "expires_in": int(request.server.session_seconds), "scope": "*"})


def _page(things: list[Post], request: SimRequest, render: Any) -> SimResponse:
    """Newest first, `limit` per page, `after` = the fullname of the last thing shown."""
    things = sorted(things, key=lambda p: (p.created_at, p.native_id), reverse=True)
    after = request.arg("after")
    if after:
        names = [p.post_id for p in things]
        things = things[names.index(after) + 1:] if after in names else []
    limit = request.int_arg("limit", 25, 100)
    page = things[:limit]
    cursor = page[-1].post_id if len(things) > limit else None
    return SimResponse(body=_listing([render(p) for p in page], cursor))


def _about(request: SimRequest) -> SimResponse:
    account = _index(request)["accounts"].get(request.match.group(1).lower())
    if account is None or account.handle == DELETED:
        return _error(404, "Not Found")
    return SimResponse(body={"kind": "t2", "data": {
        "name": account.handle, "id": account.native_id.removeprefix("t2_"),
        "created_utc": 1420070400.0, "link_karma": 1200, "comment_karma": 8800,
        "total_karma": 10000, "is_employee": False, "verified": True, "has_verified_email": True,
        "subreddit": {"display_name": f"u_{account.handle}", "title": account.display_name,
                      "subscribers": account.followers, "subreddit_type": "user"}}})


def _overview(request: SimRequest) -> SimResponse:
    account = _index(request)["accounts"].get(request.match.group(1).lower())
    if account is None or account.handle == DELETED:
        return _error(404, "Not Found")
    posts = [p for p in request.server.world.posts["reddit"] if p.author is account]
    return _page(posts, request, lambda p: _with_link(comment(p), p) if p.parent
                 else submission(p))


def _with_link(thing: dict[str, Any], post: Post) -> dict[str, Any]:
    """A comment in a user's listing carries its submission's fields, as Reddit's do
    (the recorded overview: link_id, link_title, link_author, num_comments, …)."""
    root = post.root
    thing["data"].update({
        "link_title": submission(root)["data"]["title"], "num_comments": _count(root),
        "link_author": DELETED if root.author.handle == DELETED else root.author.handle,
        "link_permalink": f"https://www.reddit.com{_permalink(root)}",
        "link_url": f"https://www.reddit.com{_permalink(root)}"})
    return thing


def _new(request: SimRequest) -> SimResponse:
    sub = request.match.group(1).lower()
    posts = [p for p in request.server.world.posts["reddit"]
             if p.parent is None and _subreddit(p) == sub]
    return _page(posts, request, submission)


def _search(request: SimRequest) -> SimResponse:
    """Submissions whose title or body contain the words (loosely, as full-text search does);
    Reddit's search does not cover comments."""
    words = (request.arg("q") or "").strip('"').lower()
    posts = [p for p in request.server.world.posts["reddit"]
             if p.parent is None and words and words in p.text.lower()]
    return _page(posts, request, submission)


def _comments(request: SimRequest) -> SimResponse:
    index = _index(request)["posts"]
    root = index.get(request.match.group(1))
    focal_id = request.match.group(2)
    focal = index.get(focal_id) if focal_id else None
    if root is None or root.parent is not None or (focal_id and (
            focal is None or focal.root is not root or focal is root)):
        return _error(404, "Not Found")
    cut = _TreeCut(request.int_arg("limit", 200, MAX_LIMIT),
                   request.int_arg("depth", MAX_DEPTH, MAX_DEPTH))
    if focal is None:
        tree = cut.forest(root, _ordered(root.children), 0)
    else:
        assert focal.parent is not None
        tree = cut.forest(focal.parent, [focal], 0)
    return SimResponse(body=[_listing([submission(root)]), tree])


def _more_children(request: SimRequest) -> SimResponse:
    index = _index(request)["posts"]
    link = (request.arg("link_id") or "").removeprefix("t3_")
    wanted = [c for c in (request.arg("children") or "").split(",") if c][:100]
    things = []
    for native in wanted:
        post = index.get(native)
        if post is None or post.root.native_id != link:
            continue
        stack = [post]
        while stack:
            current = stack.pop()
            things.append(comment(current))
            stack.extend(reversed(_ordered(current.children)))
    return SimResponse(body={"json": {"errors": [], "data": {"things": things}}})


def _authorized(handler: Any) -> Any:
    """Bearer token required; Reddit's rate-limit headers on every answer. The User-Agents
    seen are kept, for tests of Reddit's rules on them."""

    def wrapped(request: SimRequest) -> SimResponse:
        state = request.server.state
        rate = request.server.count_request("reddit", (RATE_LIMIT, RATE_WINDOW_S))
        state.setdefault("reddit_user_agents", set()).add(request.headers.get("user-agent"))
        reset = rate.resets_at - int(time.time())  # Reddit counts seconds until the reset
        if request.server.token_status(request.bearer, "reddit") != "valid":
            response = _error(401, "Unauthorized")
        elif rate.exceeded:
            response = _error(429, "Too Many Requests")
            response.headers["Retry-After"] = str(rate.retry_after())
        else:
            response = handler(request)
        response.headers.update({
            "X-Ratelimit-Used": str(rate.used),
            "X-Ratelimit-Remaining": f"{rate.remaining:.1f}",
            "X-Ratelimit-Reset": str(reset),
        })
        return response

    return wrapped


def routes() -> list[Route]:
    table = [
        (r"/user/([A-Za-z0-9_-]+)/about", _about),
        (r"/user/([A-Za-z0-9_-]+)/overview", _overview),
        (r"/r/([A-Za-z0-9_]+)/new", _new),
        (r"/search", _search),
        (r"/comments/([a-z0-9]+)(?:/_/([a-z0-9]+))?/?", _comments),
        (r"/api/morechildren", _more_children),
    ]
    return [Route("POST", r"/api/v1/access_token", _token, "reddit"),
            *(Route("GET", p, _authorized(h), "reddit") for p, h in table)]


def config_section(base_url: str) -> dict[str, Any]:
    """Everything at the simulator, fast: it is local. A small comment_limit makes the long
    thread come back cut, as a real megathread does."""
    return {"base_url": base_url, "auth_url": base_url, "requests_per_second": 50.0,
            "concurrency": 8, "username": "replyaudit-demo", "comment_limit": 25}


def brand_entry(brand_id: str, base_url: str) -> dict[str, Any] | None:
    """The brand's `reddit` entry in the written config."""
    brand = BRANDS.get(brand_id)
    if brand is None:
        return None
    entry: dict[str, Any] = {"accounts": list(brand.accounts), "subreddits": [brand.subreddit]}
    if brand.flair:
        entry["flairs"] = [brand.flair]
    if brand.moderators_are_brand:
        entry["moderators"] = True
    return entry
