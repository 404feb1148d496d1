"""Brand blogs on WordPress: the public REST API and, where a site switched it off, the RSS
feed and article pages with WordPress's standard comment markup.

Shapes follow the WordPress REST API handbook (developer.wordpress.org/rest-api/reference/
posts and comments): `date_gmt` without a zone, `X-WP-Total`/`X-WP-TotalPages` headers, `400
rest_post_invalid_page_number` past the last page, `401 rest_cannot_access` where a plugin
disables the API.

The theme pages (no recorded WordPress page is in the project's sample) are written from
WordPress 6.x's own template functions in `wp-includes/comment-template.php`,
`class-walker-comment.php` and `link-template.php`/`general-template.php`, and from what a
real 6.1 blog served (the issue that asked for them): `Walker_Comment::html5_comment()` for
each comment (`li.comment` with `byuser`/`comment-author-<nicename>`, `even`/`odd alt`,
`depth-N`, nested `ol.children`); `get_comment_reply_link()` for its "Reply" link
(`rel='nofollow'`, the comment's page with `?replytocom=ID#respond`, `data-*` attributes);
`get_comment_link()` for its permalink (`comment-page-N/#comment-ID` when comments are
paged); `comment_form()` with `get_cancel_comment_reply_link()`, whose "Cancel reply" link is
the request URI without `replytocom` (host-relative) plus `#respond`; and
`the_comments_pagination()`, i.e. `paginate_links()` over `comment-page-N/` with its
defaults (end_size 1, mid_size 2, previous/next links), which copies the query arguments
of the address asked for (so `replytocom`) onto every page link. The bare permalink shows
the newest comment page (`default_comments_page = newest`).
Each brand's blog is served under `/wp/<brand>` but declares its real home URL, which the
crawler uses for its ids (as on a real site, where the two are the same).
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.wordpress_site import (
    FEED_ITEMS,
    Site,
    all_below,
    article_page,
    comments_feed,
    feed,
    permalink,
    site_for,
    site_of,
    slug,
    staff_of,
)
from crawler.simulator.wordpress_site import (
    SITES as SITES,  # the demo brands' blogs, for the tests
)
from crawler.simulator.world import ANNOUNCEMENTS, DEMO_BRANDS, Account, Post, each_day

if TYPE_CHECKING:
    from crawler.simulator.world import WorldSettings, _Builder

PLATFORM = "wordpress"


class _WordPressIds:
    """Ids are assigned once the tree is built (a comment's id names its article)."""

    # The crawl reads the articles of the window with their comments; a brand's comment
    # under an older article is not reached (REST cannot list a guest's comments).
    reached_from_roots = True

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        return handle, ""

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        return f"pending:{rng.random()}", ""

    def populate(self, b: _Builder, settings: WorldSettings) -> None:
        _populate(b, settings)


IDS = _WordPressIds()


def _populate(b: _Builder, settings: WorldSettings) -> None:
    """Accounts from the platform's stream, then articles day by day (world.each_day), so
    the blogs travel in time as the timelines do."""
    customers = [b.account(f"visitor{i:03d}", f"Traveller {i}", 0, None)
                 for i in range(settings.customers_per_platform // 2)]
    for account in customers:
        account.native_id = "0"
    people = {brand_id: _blog_people(b, brand_id, name) for brand_id, name, _, _ in DEMO_BRANDS}
    for day in each_day(b, settings):
        for brand_id, (editor, answerers) in people.items():
            _blog_day(b, settings, day, brand_id, editor, answerers)
    # A generated panel (world.PanelBrand): a blog each (wordpress_site.site_for), from its
    # own streams.
    for brand in b.world.panel:
        b.panel_stream(brand)
        people[brand.id] = _blog_people(b, brand.id, brand.name)
    for brand in b.world.panel:
        for day in each_day(b, settings, f":{brand.id}"):
            _blog_day(b, settings, day, brand.id, *people[brand.id])
    _assign_ids(b.posts)


def _blog_people(b: _Builder, brand_id: str, name: str) -> tuple[Account, list[Account]]:
    """A blog's editor, and who answers comments: its support user and its staff as guests."""
    site, staff_name = site_for(brand_id), staff_of(brand_id)
    assert site is not None
    editor = b.account(f"{site.home}/?author=1", name, 0, brand_id)
    editor.native_id = "1"
    support = b.account(f"{site.home}/?author=2", f"{name} Support", 0, brand_id)
    support.native_id = "2"
    staff = b.account(f"guest:{staff_name}", staff_name, 0, brand_id)
    staff.native_id = "0"
    return editor, [support, staff]


def _blog_day(b: _Builder, settings: WorldSettings, day: datetime, brand_id: str,
              editor: Account, answerers: list[Account]) -> None:
    """A blog's articles of `day`, their comments and the brand's answers."""
    t = day
    while True:
        t += timedelta(days=b.rng.expovariate(settings.brand_posts_per_day))
        if t >= day + timedelta(days=1):
            break
        article = b.post(editor, t, b.rng.choice(ANNOUNCEMENTS))
        for _ in range(b.rng.randint(0, 5)):
            comment = b.post(b.customer(), t + b.delay(0.4), b.complaint(), parent=article)
            b.maybe_answer(comment, brand_id, answerers)


# Ids count from here: minutes (articles) and seconds (comments) since, so that a post keeps
# its id whatever `now` the world is generated for (WordPress counts rows; any increasing
# number will do for the crawler).
ID_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _assign_ids(posts: list[Post]) -> None:
    """WordPress stores seconds; ids grow with time per site, articles and comments apart
    (the next free number when two fall on the same minute or second)."""
    used: set[tuple[str, bool, int]] = set()
    for post in sorted(posts, key=lambda p: p.created_at):
        post.created_at = post.created_at.replace(microsecond=0)
        site = site_of(post)
        seconds = int((post.created_at - ID_EPOCH).total_seconds())
        number = seconds if post.parent else seconds // 60
        while (site.brand_id, post.parent is None, number) in used:
            number += 1
        used.add((site.brand_id, post.parent is None, number))
        post.native_id = str(number)
        if post.parent is None:
            post.post_id = f"{site.home}/?p={post.native_id}"
        else:
            post.post_id = f"{site.home}/?p={post.root.native_id}#comment-{post.native_id}"


# Shapes --------------------------------------------------------------------------------------


def _gmt(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def post_object(article: Post) -> dict[str, Any]:
    site = site_of(article)
    local = article.created_at.astimezone(site.zone).strftime("%Y-%m-%dT%H:%M:%S")
    text = html.escape(article.text)
    return {
        "id": int(article.native_id), "date": local, "date_gmt": _gmt(article.created_at),
        "guid": {"rendered": f"{site.home}/?p={article.native_id}"},
        "modified": local, "modified_gmt": _gmt(article.created_at), "slug": slug(article),
        "status": "publish", "type": "post", "link": permalink(article),
        "title": {"rendered": text.split(":")[0]},
        "content": {"rendered": f"<p>{text}</p>\n", "protected": False},
        "excerpt": {"rendered": f"<p>{text}</p>\n", "protected": False},
        "author": int(article.author.native_id), "featured_media": 0, "comment_status": "open",
        "ping_status": "closed", "sticky": False, "template": "", "format": "standard",
        "meta": {"footnotes": ""}, "categories": [1], "tags": [],
        "_links": {"replies": [{
            "embeddable": True,
            "href": f"{site.home}/wp-json/wp/v2/comments?post={article.native_id}"}]},
    }


def comment_object(comment: Post) -> dict[str, Any]:
    site = site_of(comment)
    article = comment.root
    parent = comment.parent
    return {
        "id": int(comment.native_id), "post": int(article.native_id),
        "parent": 0 if parent is None or parent is article else int(parent.native_id),
        "author": int(comment.author.native_id or 0), "author_name": comment.author.display_name,
        "author_url": "",
        "date": comment.created_at.astimezone(site.zone).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_gmt": _gmt(comment.created_at),
        "content": {"rendered": f"<p>{html.escape(comment.text)}</p>\n"},
        "link": f"{permalink(article)}#comment-{comment.native_id}", "status": "approved",
        "type": "comment",
        "author_avatar_urls": {"48": "https://secure.gravatar.com/avatar/?s=48&d=mm&r=g"},
        "meta": [],
    }


# Routes --------------------------------------------------------------------------------------


def _site(request: SimRequest) -> Site | None:
    return site_for(request.match.group(1))


def _articles(request: SimRequest, site: Site) -> list[Post]:
    """The site's articles, newest first (WordPress's default order)."""
    def build() -> dict[str, list[Post]]:
        index: dict[str, list[Post]] = {}
        for p in request.server.world.posts[PLATFORM]:
            if p.parent is None:
                index.setdefault(site_of(p).brand_id, []).append(p)
        return index
    posts = list(request.server.cached("wordpress_articles", build).get(site.brand_id, []))
    return sorted(posts, key=lambda p: p.created_at, reverse=True)


def _rest_error(status: int, code: str, message: str) -> SimResponse:
    return SimResponse(status, {"code": code, "message": message, "data": {"status": status}})


def _disabled() -> SimResponse:
    return _rest_error(401, "rest_cannot_access",
                       "Only authenticated users can access the REST API.")


def _paged(request: SimRequest, rows: list[Any]) -> tuple[list[Any], dict[str, str]] | SimResponse:
    # Sites may lower the 100 maximum; a test does (state "page_caps") to see paging work.
    cap = request.server.state.get("page_caps", {}).get(PLATFORM, 100)
    per_page = request.int_arg("per_page", 10, cap)
    page = request.int_arg("page", 1, 10**6)
    total_pages = max(1, -(-len(rows) // per_page))
    if page > total_pages and rows:
        return _rest_error(400, "rest_post_invalid_page_number", "The page number requested "
                           "is larger than the number of pages available.")
    headers = {"X-WP-Total": str(len(rows)), "X-WP-TotalPages": str(total_pages)}
    return rows[(page - 1) * per_page: page * per_page], headers


def _when(value: str | None, site: Site | None = None) -> datetime | None:
    """An ISO 8601 argument; without a zone, in UTC or (given `site`) the site's time."""
    if not value:
        return None
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=site.zone if site else UTC)


def _index(request: SimRequest) -> SimResponse:
    site = _site(request)
    if site is None:
        return _rest_error(404, "rest_no_route", "No route was found matching the URL.")
    if not site.rest:
        return _disabled()
    return SimResponse(body={
        "name": f"{site.brand_id} blog", "description": "News", "url": site.home,
        "home": site.home, "gmt_offset": site.zone.utcoffset(None).total_seconds() / 3600,
        "timezone_string": "", "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
        "authentication": [], "routes": {},
    })


def _posts(request: SimRequest) -> SimResponse:
    site = _site(request)
    if site is None or not site.rest:
        return _disabled()
    after, before = _when(request.arg("after")), _when(request.arg("before"))
    include = set((request.arg("include") or "").split(",")) - {""}
    rows = [a for a in _articles(request, site)
            if (after is None or a.created_at > after)
            and (before is None or a.created_at < before)
            and (not include or a.native_id in include)]
    paged = _paged(request, rows)
    if isinstance(paged, SimResponse):
        return paged
    page, headers = paged
    return SimResponse(body=[post_object(a) for a in page], headers=headers)


def _comments(request: SimRequest) -> SimResponse:
    site = _site(request)
    if site is None or not site.rest:
        return _disabled()
    wanted = request.arg("post")
    articles = {a.native_id: a for a in _articles(request, site)}
    if wanted is None:  # every comment of the site, as WordPress lists them without `post`
        below = [c for a in articles.values() for c in all_below(a)]
    else:
        article = articles.get(wanted)
        below = all_below(article) if article else []
    # `after`/`before` compare the comment's local date (comment_date), as WordPress does.
    after, before = (_when(request.arg(k), site) for k in ("after", "before"))
    rows = sorted((c for c in below if (after is None or c.created_at > after)
                   and (before is None or c.created_at < before)),
                  key=lambda c: (c.created_at, int(c.native_id)), reverse=True)
    paged = _paged(request, rows)
    if isinstance(paged, SimResponse):
        return paged
    page, headers = paged
    return SimResponse(body=[comment_object(c) for c in page], headers=headers)


def _feed(request: SimRequest) -> SimResponse:
    site = _site(request)
    if site is None:
        return SimResponse(404, raw=b"Not found", headers={"Content-Type": "text/html"})
    return _feed_page(request, _articles(request, site), lambda chunk: feed(site, chunk))


def _comments_feed(request: SimRequest) -> SimResponse:
    """`/comments/feed/`: the site's latest comments, newest first, FEED_ITEMS a page."""
    site = _site(request)
    if site is None:
        return SimResponse(404, raw=b"Not found", headers={"Content-Type": "text/html"})
    comments = sorted((c for a in _articles(request, site) for c in all_below(a)),
                      key=lambda c: (c.created_at, int(c.native_id)), reverse=True)
    return _feed_page(request, comments, lambda chunk: comments_feed(site, chunk))


def _feed_page(request: SimRequest, items: list[Any],
               render: Callable[[list[Any]], str]) -> SimResponse:
    """Page `paged` of a feed, FEED_ITEMS a page; past the last page, WordPress's 404."""
    page = request.int_arg("paged", 1, 10**6)
    chunk = items[(page - 1) * FEED_ITEMS: page * FEED_ITEMS]
    if page > 1 and not chunk:
        return SimResponse(404, raw=b"<html><body>Page not found</body></html>",
                           headers={"Content-Type": "text/html; charset=UTF-8"})
    return SimResponse(raw=render(chunk).encode(),
                       headers={"Content-Type": "application/rss+xml; charset=UTF-8"})


def _article(request: SimRequest) -> SimResponse:
    site = _site(request)
    native = request.match.group(2).rsplit("-", 1)[-1]
    articles = _articles(request, site) if site else []
    article = next((a for a in articles if a.native_id == native), None)
    if article is None:
        return SimResponse(404, raw=b"<html><body>Page not found</body></html>",
                           headers={"Content-Type": "text/html; charset=UTF-8"})
    number = request.match.group(3)
    per_page = request.server.state.get("page_caps", {}).get(PLATFORM)
    page = article_page(article, int(number) if number else None, per_page, request.path,
                        request.arg("replytocom"))
    return SimResponse(raw=page.encode(),
                       headers={"Content-Type": "text/html; charset=UTF-8"})


def routes() -> list[Route]:
    site = r"/wp/([a-z0-9_-]+)"
    table = [
        (rf"{site}/wp-json/?", _index),
        (rf"{site}/wp-json/wp/v2/posts", _posts),
        (rf"{site}/wp-json/wp/v2/comments", _comments),
        (rf"{site}/feed/?", _feed),
        (rf"{site}/comments/feed/?", _comments_feed),
        (rf"{site}/\d{{4}}/\d{{2}}/([a-z0-9-]+)/(?:comment-page-(\d+)/)?", _article),
    ]
    return [Route("GET", pattern, _cut_off(handler), PLATFORM) for pattern, handler in table]


def _cut_off(handler: Callable[[SimRequest], SimResponse]) -> Callable[[SimRequest], SimResponse]:
    """Paths a test lists in state["wordpress_cut_off"] answer 200 with half their body, on
    every attempt (a server or proxy that dies mid-answer)."""

    def serve(request: SimRequest) -> SimResponse:
        response = handler(request)
        if (response.status != 200
                or request.path not in request.server.state.get("wordpress_cut_off", ())):
            return response
        if response.raw is not None:
            raw, headers = response.raw, response.headers
        else:
            raw = json.dumps(response.body).encode()
            headers = response.headers | {"Content-Type": "application/json; charset=UTF-8"}
        return SimResponse(raw=raw[: len(raw) // 2], headers=headers)

    return serve


def brand_entry(brand_id: str, base_url: str) -> dict[str, Any]:
    """The brand's `wordpress` config entry: its blog as the simulator serves it, and the
    name its staff comment under without logging in."""
    return {"sites": [f"{base_url}/wp/{brand_id}"], "staff": [staff_of(brand_id)]}


# A panel brand's entry is written the same way (simulator/config.py).
panel_entry = brand_entry


def config_section(base_url: str) -> dict[str, Any]:
    """The blogs are local: no need to go slowly."""
    return {"requests_per_second": 50.0, "concurrency": 4}
