"""The brand blogs themselves: where each lives, and the pages its WordPress theme serves
(article pages with threaded, paged comments, and the RSS feed) for sites whose REST API is
switched off. Where the markup comes from: crawler/simulator/wordpress.py's docstring.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.simulator.world import Account, Post

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
PANEL_ID = re.compile(r"brand\d{3}$")  # a generated panel brand's id (world.PanelBrand)
_PANEL_SITES: dict[str, Site] = {}


def site_for(brand_id: str) -> Site | None:
    """A demo brand's blog (SITES), or a panel brand's: `https://blog.<id>.example`, REST on."""
    if brand_id in SITES:
        return SITES[brand_id]
    if not PANEL_ID.match(brand_id):
        return None
    return _PANEL_SITES.setdefault(brand_id, Site(brand_id, f"https://blog.{brand_id}.example",
                                                  rest=True, offset_hours=0))


def staff_of(brand_id: str) -> str:
    """The name a brand's staff comment under without logging in."""
    return STAFF.get(brand_id) or f"{brand_id.capitalize()} Care"


def site_of(post: Post) -> Site:
    brand_id = post.root.author.brand_id
    assert brand_id is not None
    site = site_for(brand_id)
    assert site is not None
    return site


def slug(article: Post) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", article.text.split(":")[0].lower()).strip("-")
    return f"{words}-{article.native_id}"


def permalink(article: Post, base: str | None = None) -> str:
    site = site_of(article)
    local = article.created_at.astimezone(site.zone)
    return f"{base or site.home}/{local:%Y/%m}/{slug(article)}/"


def nicename(account: Account) -> str:
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
    top = by_time(article.children)
    pages = max(1, -(-len(top) // per_page)) if per_page else 1
    page = min(page or pages, pages)
    here = f"{base}comment-page-{page}/" if per_page else base  # get_comment_link's base

    def item(comment: Post, depth: int, parity: list[int]) -> str:
        parity[0] += 1
        classes = ["comment"]
        if comment.author.native_id not in ("", "0"):
            classes += ["byuser", f"comment-author-{nicename(comment.author)}"]
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
        children = "".join(item(c, depth + 1, parity) for c in by_time(comment.children))
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
    replying = next((c for c in all_below(article) if c.native_id == replytocom), None)
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
        f'href="{site.home}/author/{nicename(author)}/">{html.escape(author.display_name)}'
        "</a></span></span></div><!-- .entry-meta -->\n</header><!-- .entry-header -->\n"
        f'<div class="entry-content">\n<p>{html.escape(article.text)}</p>\n'
        "</div><!-- .entry-content -->\n</article><!-- #post-"
        f"{article.native_id} -->\n"
        '<div id="comments" class="comments-area">\n'
        f'<h2 class="comments-title">{len(all_below(article))} thoughts on '
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


def by_time(posts: list[Post]) -> list[Post]:
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
        f"<slash:comments>{len(all_below(a))}</slash:comments>\n"
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


def comments_feed(site: Site, comments: list[Post]) -> str:
    """The site's comments feed (`/comments/feed/`), newest first, as WordPress writes it:
    each comment's permalink (`get_comment_link()`, on an unpaged thread) and date."""
    items = "".join(
        "<item>\n"
        f"<title>Comment on {html.escape(c.root.text.split(':')[0])} by "
        f"{html.escape(c.author.display_name)}</title>\n"
        f"<link>{permalink(c.root)}#comment-{c.native_id}</link>\n"
        f"<dc:creator><![CDATA[{c.author.display_name}]]></dc:creator>\n"
        f"<pubDate>{format_datetime(c.created_at.astimezone(UTC))}</pubDate>\n"
        f'<guid isPermaLink="false">{permalink(c.root)}#comment-{c.native_id}</guid>\n'
        f"<description><![CDATA[{c.text}]]></description>\n"
        "</item>\n"
        for c in comments)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>Comments for {site.brand_id} blog</title>\n<link>{site.home}</link>\n"
        "<description>News</description>\n"
        f"{items}</channel>\n</rss>\n"
    )


def all_below(post: Post) -> list[Post]:
    out, stack = [], list(post.children)
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(child.children)
    return out

