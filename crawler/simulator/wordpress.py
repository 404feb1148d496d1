"""Brand blogs on WordPress: the public REST API and, where a site switched it off, the RSS
feed and article pages with WordPress's standard comment markup.

Shapes follow the WordPress REST API handbook (developer.wordpress.org/rest-api/reference/
posts and comments): `date_gmt` without a zone, `X-WP-Total`/`X-WP-TotalPages` headers, `400
rest_post_invalid_page_number` past the last page, `401 rest_cannot_access` where a plugin
disables the API; the page markup is what `wp_list_comments()` prints in HTML5 themes
(`li.comment` with `byuser`/`comment-author-<nicename>` classes, nested `ol.children`).
Each brand's blog is served under `/wp/<brand>` but declares its real home URL, which the
crawler uses for its ids (as on a real site, where the two are the same).
"""

from __future__ import annotations

import html
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import ANNOUNCEMENTS, DEMO_BRANDS, Account, Post

if TYPE_CHECKING:
    from crawler.simulator.world import WorldSettings, _Builder

PLATFORM = "wordpress"
FEED_ITEMS = 10  # WordPress's default posts_per_rss


class Site:
    """One brand blog: its home URL, whether its REST API is on, and its local time zone."""

    def __init__(self, brand_id: str, home: str, rest: bool, offset_hours: int) -> None:
        self.brand_id, self.home, self.rest = brand_id, home, rest
        self.zone = timezone(timedelta(hours=offset_hours))


SITES = {
    "acme": Site("acme", "https://blog.acmeair.example", rest=True, offset_hours=0),
    "globex": Site("globex", "https://news.globex.example", rest=True, offset_hours=-5),
    # REST API disabled by a security plugin, blog in a sub-directory, site time UTC+2.
    "initech": Site("initech", "https://initech-airlines.example/blog", rest=False,
                    offset_hours=2),
}
STAFF = {"acme": "Acme Team", "globex": "Globex Social Team", "initech": "Initech Care"}


class _WordPressIds:
    """Ids are assigned once the tree is built (a comment's id names its article)."""

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        return handle, ""

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        return f"pending:{rng.random()}", ""

    def populate(self, b: _Builder, settings: WorldSettings) -> None:
        _populate(b, settings)


IDS = _WordPressIds()


def _populate(b: _Builder, settings: WorldSettings) -> None:
    rng, world = b.rng, b.world
    customers = [b.account(f"visitor{i:03d}", f"Traveller {i}", 0, None)
                 for i in range(settings.customers_per_platform // 2)]
    for account in customers:
        account.native_id = "0"
    # The sample is the articles published in the window (with every comment below them), so
    # the world's blogs start there: the truth's "under a brand post in the window" then
    # means the same thing.
    start = world.window_start
    for brand_id, name, _, _ in DEMO_BRANDS:
        site = SITES[brand_id]
        editor = b.account(f"{site.home}/?author=1", name, 0, brand_id)
        editor.native_id = "1"
        support = b.account(f"{site.home}/?author=2", f"{name} Support", 0, brand_id)
        support.native_id = "2"
        staff = b.account(f"guest:{STAFF[brand_id]}", STAFF[brand_id], 0, brand_id)
        staff.native_id = "0"
        answerers = [support, staff]
        t = start
        while True:
            t += timedelta(days=rng.expovariate(settings.brand_posts_per_day))
            if t > world.now:
                break
            article = b.post(editor, t, rng.choice(ANNOUNCEMENTS))
            for _ in range(rng.randint(0, 5)):
                comment = b.post(b.customer(), t + b.delay(0.4), b.complaint(), parent=article)
                b.maybe_answer(comment, brand_id, answerers)
    _assign_ids(b.posts)


def _assign_ids(posts: list[Post]) -> None:
    """WordPress stores seconds; ids count up per site, articles and comments apart."""
    counters: dict[str, list[int]] = {}
    for post in sorted(posts, key=lambda p: p.created_at):
        post.created_at = post.created_at.replace(microsecond=0)
        site = site_of(post)
        articles, comments = counters.setdefault(site.brand_id, [100, 5000])
        if post.parent is None:
            counters[site.brand_id][0] = articles + 1
            post.native_id = str(articles + 1)
            post.post_id = f"{site.home}/?p={post.native_id}"
        else:
            counters[site.brand_id][1] = comments + 1
            post.native_id = str(comments + 1)
            post.post_id = f"{site.home}/?p={post.root.native_id}#comment-{post.native_id}"


def site_of(post: Post) -> Site:
    brand_id = post.root.author.brand_id
    assert brand_id is not None
    return SITES[brand_id]


# Shapes --------------------------------------------------------------------------------------


def _slug(article: Post) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", article.text.split(":")[0].lower()).strip("-")
    return f"{words}-{article.native_id}"


def permalink(article: Post, base: str | None = None) -> str:
    site = site_of(article)
    local = article.created_at.astimezone(site.zone)
    return f"{base or site.home}/{local:%Y/%m}/{_slug(article)}/"


def _gmt(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def post_object(article: Post) -> dict[str, Any]:
    site = site_of(article)
    local = article.created_at.astimezone(site.zone).strftime("%Y-%m-%dT%H:%M:%S")
    text = html.escape(article.text)
    return {
        "id": int(article.native_id), "date": local, "date_gmt": _gmt(article.created_at),
        "guid": {"rendered": f"{site.home}/?p={article.native_id}"},
        "modified": local, "modified_gmt": _gmt(article.created_at), "slug": _slug(article),
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


def _nicename(account: Account) -> str:
    return account.display_name.lower().replace(" ", "-")


def article_page(article: Post, page: int | None = None, per_page: int | None = None) -> str:
    """The article as a classic theme prints it, with `wp_list_comments()` markup.

    With `per_page` (the "break comments into pages" setting) only that many top-level
    comments show, oldest page first; the bare permalink shows the newest page, as
    WordPress does by default, with "Older/Newer Comments" links between pages."""
    site = site_of(article)
    title = html.escape(article.text.split(":")[0])
    author = article.author

    def item(comment: Post, depth: int) -> str:
        classes = ["comment", f"depth-{depth}"]
        if comment.author.native_id not in ("", "0"):
            classes += ["byuser", f"comment-author-{_nicename(comment.author)}"]
        if comment.children:
            classes.append("parent")
        stamp = comment.created_at.astimezone(site.zone)
        children = "".join(item(c, depth + 1) for c in _by_time(comment.children))
        return (
            f'<li id="comment-{comment.native_id}" class="{" ".join(classes)}">\n'
            f'<article id="div-comment-{comment.native_id}" class="comment-body">\n'
            '<footer class="comment-meta"><div class="comment-author vcard">'
            '<img alt="" src="https://secure.gravatar.com/avatar/?s=32&amp;d=mm" class="avatar" '
            f'height="32" width="32"><b class="fn">{html.escape(comment.author.display_name)}'
            '</b> <span class="says">says:</span></div>\n<div class="comment-metadata">'
            f'<a href="{permalink(article)}#comment-{comment.native_id}"><time datetime="'
            f'{stamp.isoformat()}">{stamp:%B %d, %Y at %I:%M %p}</time></a></div></footer>\n'
            f'<div class="comment-content"><p>{html.escape(comment.text)}</p></div>\n'
            '<div class="reply"><a rel="nofollow" class="comment-reply-link" href="#">Reply</a>'
            "</div></article>\n"
            + (f'<ol class="children">\n{children}</ol>\n' if children else "")
            + "</li>\n"
        )

    top = _by_time(article.children)
    pages = max(1, -(-len(top) // per_page)) if per_page else 1
    page = min(page or pages, pages)
    if per_page:
        top = top[(page - 1) * per_page: page * per_page]
    comments = "".join(item(c, 1) for c in top)
    links = "".join(
        f'<div class="nav-{side}"><a href="{permalink(article)}comment-page-{number}/#comments">'
        f"{label} Comments</a></div>"
        for side, number, label in (("previous", page - 1, "Older"), ("next", page + 1, "Newer"))
        if 1 <= number <= pages)
    navigation = ('<nav class="navigation comment-navigation" aria-label="Comments">'
                  f'<div class="nav-links">{links}</div></nav>\n') if links else ""
    published = article.created_at.astimezone(site.zone)
    return (
        '<!DOCTYPE html>\n<html lang="en-US"><head><meta charset="UTF-8">'
        f"<title>{title}</title>"
        f'<link rel="canonical" href="{permalink(article)}"></head>\n'
        f'<body class="post-template-default single single-post postid-{article.native_id}">\n'
        f'<article id="post-{article.native_id}" class="post-{article.native_id} post '
        'type-post status-publish format-standard hentry">\n'
        f'<header class="entry-header"><h1 class="entry-title">{title}</h1>'
        '<div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
        f'datetime="{published.isoformat()}">{published:%B %d, %Y}</time></span> '
        '<span class="byline"><span class="author vcard"><a class="url fn n" '
        f'href="{site.home}/author/{_nicename(author)}/">{html.escape(author.display_name)}'
        "</a></span></span></div></header>\n"
        f'<div class="entry-content"><p>{html.escape(article.text)}</p></div>\n</article>\n'
        '<div id="comments" class="comments-area">\n'
        f'<h2 class="comments-title">{len(article.children)} thoughts on “{title}”</h2>\n'
        f'<ol class="comment-list">\n{comments}</ol>\n{navigation}</div>\n</body></html>\n'
    )


def _by_time(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda p: (p.created_at, int(p.native_id)))


def feed(site: Site, articles: list[Post]) -> str:
    """The site's RSS 2.0 feed (`/feed/`), newest first, as WordPress writes it."""
    items = "".join(
        "<item>\n"
        f"<title>{html.escape(a.text.split(':')[0])}</title>\n"
        f"<link>{permalink(a)}</link>\n"
        f"<dc:creator><![CDATA[{a.author.display_name}]]></dc:creator>\n"
        f"<pubDate>{format_datetime(a.created_at.astimezone(UTC))}</pubDate>\n"
        f'<guid isPermaLink="false">{site.home}/?p={a.native_id}</guid>\n'
        f"<description><![CDATA[{a.text}]]></description>\n"
        f"<slash:comments>{len(_all_below(a))}</slash:comments>\n"
        "</item>\n"
        for a in articles)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">\n<channel>\n'
        f"<title>{site.brand_id} blog</title>\n<link>{site.home}</link>\n"
        "<description>News</description>\n<language>en-US</language>\n"
        f"{items}</channel>\n</rss>\n"
    )


def _all_below(post: Post) -> list[Post]:
    out, stack = [], list(post.children)
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(child.children)
    return out


# Routes --------------------------------------------------------------------------------------


def _site(request: SimRequest) -> Site | None:
    return SITES.get(request.match.group(1))


def _articles(request: SimRequest, site: Site) -> list[Post]:
    """The site's articles, newest first (WordPress's default order)."""
    posts = [p for p in request.server.world.posts[PLATFORM]
             if p.parent is None and site_of(p) is site]
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


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


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
    rows = [a for a in _articles(request, site)
            if (after is None or a.created_at > after)
            and (before is None or a.created_at < before)]
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
    article = articles.get(wanted or "")
    rows = sorted(_all_below(article) if article else [],
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
    page = request.int_arg("paged", 1, 10**6)
    articles = _articles(request, site)
    chunk = articles[(page - 1) * FEED_ITEMS: page * FEED_ITEMS]
    if page > 1 and not chunk:
        return SimResponse(404, raw=b"<html><body>Page not found</body></html>",
                           headers={"Content-Type": "text/html; charset=UTF-8"})
    return SimResponse(raw=feed(site, chunk).encode(),
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
    page = article_page(article, int(number) if number else None, per_page)
    return SimResponse(raw=page.encode(),
                       headers={"Content-Type": "text/html; charset=UTF-8"})


def routes() -> list[Route]:
    site = r"/wp/([a-z0-9_-]+)"
    table = [
        (rf"{site}/wp-json/?", _index),
        (rf"{site}/wp-json/wp/v2/posts", _posts),
        (rf"{site}/wp-json/wp/v2/comments", _comments),
        (rf"{site}/feed/?", _feed),
        (rf"{site}/\d{{4}}/\d{{2}}/([a-z0-9-]+)/(?:comment-page-(\d+)/)?", _article),
    ]
    return [Route("GET", pattern, handler, PLATFORM) for pattern, handler in table]


def brand_entry(brand_id: str, base_url: str) -> dict[str, Any]:
    """The brand's `wordpress` config entry: its blog as the simulator serves it, and the
    name its staff comment under without logging in."""
    return {"sites": [f"{base_url}/wp/{brand_id}"], "staff": [STAFF[brand_id]]}


def config_section(base_url: str) -> dict[str, Any]:
    """The blogs are local: no need to go slowly."""
    return {"requests_per_second": 50.0, "concurrency": 4}
