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
import re
from collections.abc import Callable
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


def article_page(article: Post, page: int | None = None, per_page: int | None = None,
                 request_uri: str | None = None, replytocom: str | None = None) -> str:
    """The article as a WordPress 6.x classic theme prints it (see the module docstring).

    With `per_page` (the "break comments into pages" setting) only that many top-level
    comments show, oldest page first; the bare permalink shows the newest page, as WordPress
    does by default. `request_uri` is the path the page was asked for (the host-relative
    "Cancel reply" link repeats it) and `replytocom` the comment a visitor clicked "Reply"
    under (WordPress copies it onto the pagination links)."""
    site = site_of(article)
    title = html.escape(article.text.split(":")[0])
    author = article.author
    base = permalink(article)
    top = _by_time(article.children)
    pages = max(1, -(-len(top) // per_page)) if per_page else 1
    page = min(page or pages, pages)
    here = f"{base}comment-page-{page}/" if per_page else base  # get_comment_link's base

    def item(comment: Post, depth: int, parity: list[int]) -> str:
        parity[0] += 1
        classes = ["comment"]
        if comment.author.native_id not in ("", "0"):
            classes += ["byuser", f"comment-author-{_nicename(comment.author)}"]
        classes += ["even" if parity[0] % 2 else "odd alt"]
        if depth == 1:
            classes.append("thread-even" if parity[1] % 2 == 0 else "thread-odd thread-alt")
            parity[1] += 1
        classes.append(f"depth-{depth}")
        if comment.children:
            classes.append("parent")
        number = comment.native_id
        name = html.escape(comment.author.display_name)
        stamp = comment.created_at.astimezone(site.zone)
        children = "".join(item(c, depth + 1, parity) for c in _by_time(comment.children))
        return (
            f'<li id="comment-{number}" class="{" ".join(classes)}">\n'
            f'<article id="div-comment-{number}" class="comment-body">\n'
            '<footer class="comment-meta">\n<div class="comment-author vcard">'
            "<img alt='' src='https://secure.gravatar.com/avatar/?s=32&#038;d=mm&#038;r=g' "
            "class='avatar avatar-32 photo' height='32' width='32' loading='lazy' "
            f"decoding='async'/>\t\t\t\t\t\t<b class=\"fn\">{name}</b> "
            '<span class="says">says:</span>\t\t\t\t\t</div><!-- .comment-author -->\n'
            f'<div class="comment-metadata">\n<a href="{here}#comment-{number}"><time '
            f'datetime="{stamp.isoformat()}">{stamp:%B %-d, %Y at %-I:%M %p}</time></a>'
            "\t\t\t\t\t</div><!-- .comment-metadata -->\n</footer><!-- .comment-meta -->\n"
            f'<div class="comment-content">\n<p>{html.escape(comment.text)}</p>\n'
            "</div><!-- .comment-content -->\n"
            f"<div class=\"reply\"><a rel='nofollow' class='comment-reply-link' "
            f"href='{here}?replytocom={number}#respond' data-commentid=\"{number}\" "
            f'data-postid="{article.native_id}" data-belowelement="div-comment-{number}" '
            f'data-respondelement="respond" data-replyto="Reply to {name}" '
            f"aria-label='Reply to {name}'>Reply</a></div>\n"
            "</article><!-- .comment-body -->\n"
            + (f'<ol class="children">\n{children}</ol><!-- .children -->\n' if children
               else "")
            + "</li><!-- #comment-## -->\n"
        )

    if per_page:
        top = top[(page - 1) * per_page: page * per_page]
    comments = "".join(item(c, 1, [0, 0]) for c in top)
    navigation = _comments_pagination(base, page, pages, replytocom)
    replying = next((c for c in _all_below(article) if c.native_id == replytocom), None)
    cancel = (request_uri or base).split("?")[0]
    published = article.created_at.astimezone(site.zone)
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{title} &#8211; {site.brand_id} blog</title>\n"
        f'<link rel="canonical" href="{base}" />\n</head>\n'
        f'<body class="post-template-default single single-post postid-{article.native_id} '
        'single-format-standard">\n<main id="main" class="site-main">\n'
        f'<article id="post-{article.native_id}" class="post-{article.native_id} post '
        'type-post status-publish format-standard hentry category-news">\n'
        f'<header class="entry-header">\n<h1 class="entry-title">{title}</h1>'
        '<div class="entry-meta"><span class="posted-on">Posted on <a href="'
        f'{base}" rel="bookmark"><time class="entry-date published updated" '
        f'datetime="{published.isoformat()}">{published:%B %-d, %Y}</time></a></span>'
        '<span class="byline"> by <span class="author vcard"><a class="url fn n" '
        f'href="{site.home}/author/{_nicename(author)}/">{html.escape(author.display_name)}'
        "</a></span></span></div><!-- .entry-meta -->\n</header><!-- .entry-header -->\n"
        f'<div class="entry-content">\n<p>{html.escape(article.text)}</p>\n'
        "</div><!-- .entry-content -->\n</article><!-- #post-"
        f"{article.native_id} -->\n"
        '<div id="comments" class="comments-area">\n'
        f'<h2 class="comments-title">{len(_all_below(article))} thoughts on '
        f"&ldquo;<span>{title}</span>&rdquo;</h2>\n"
        f"{navigation}"
        f'<ol class="comment-list">\n{comments}</ol><!-- .comment-list -->\n{navigation}'
        '<div id="respond" class="comment-respond">\n'
        '<h3 id="reply-title" class="comment-reply-title">Leave a Reply'
        + (f" to {html.escape(replying.author.display_name)}" if replying else "")
        + f' <small><a rel="nofollow" id="cancel-comment-reply-link" href="{cancel}#respond"'
        + ("" if replying else ' style="display:none;"')
        + ">Cancel reply</a></small></h3>"
        f'<form action="{site.home}/wp-comments-post.php" method="post" id="commentform" '
        'class="comment-form" novalidate><p class="comment-notes"><span id="email-notes">Your '
        "email address will not be published.</span></p>"
        '<p class="comment-form-comment"><label for="comment">Comment</label> <textarea '
        'id="comment" name="comment" cols="45" rows="8" maxlength="65525" required>'
        '</textarea></p><p class="form-submit"><input name="submit" type="submit" '
        'id="submit" class="submit" value="Post Comment" /> '
        f"<input type='hidden' name='comment_post_ID' value='{article.native_id}' "
        "id='comment_post_ID' />\n<input type='hidden' name='comment_parent' "
        f"id='comment_parent' value='{replying.native_id if replying else 0}' />\n"
        "</p></form>\t</div><!-- #respond -->\n"
        "</div><!-- #comments -->\n</main><!-- #main -->\n</body>\n</html>\n"
    )


def _comments_pagination(base: str, page: int, pages: int, replytocom: str | None) -> str:
    """What `the_comments_pagination()` prints: `paginate_links()` with its defaults
    (end_size 1, mid_size 2, dots between), each link `comment-page-N/` under the permalink,
    carrying the query arguments of the URL asked for (here `replytocom`)."""
    if pages < 2:
        return ""
    query = f"?replytocom={replytocom}" if replytocom else ""

    def href(number: int) -> str:
        return f"{base}comment-page-{number}/{query}#comments"

    links, dots = [], False
    if page > 1:
        links.append(f'<a class="prev page-numbers" href="{href(page - 1)}">'
                     "&laquo; Previous</a>")
    for number in range(1, pages + 1):
        if number == page:
            links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
            dots = True
        elif number <= 1 or number > pages - 1 or abs(number - page) <= 2:
            links.append(f'<a class="page-numbers" href="{href(number)}">{number}</a>')
            dots = True
        elif dots:
            links.append('<span class="page-numbers dots">&hellip;</span>')
            dots = False
    if page < pages:
        links.append(f'<a class="next page-numbers" href="{href(page + 1)}">Next &raquo;</a>')
    return ('<nav class="navigation comments-pagination" aria-label="Comments">\n'
            '<h2 class="screen-reader-text">Comments navigation</h2>\n'
            f'<div class="nav-links">{chr(10).join(links)}</div>\n</nav>\n')


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
    return {"sites": [f"{base_url}/wp/{brand_id}"], "staff": [STAFF[brand_id]]}


def config_section(base_url: str) -> dict[str, Any]:
    """The blogs are local: no need to go slowly."""
    return {"requests_per_second": 50.0, "concurrency": 4}
