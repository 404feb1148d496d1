"""WordPress brand blogs to items: REST API JSON, or the RSS feed and article pages where a
site switched the API off. Pure.

Ids come from the site's own home URL (the REST index's `home`, the feed's channel link), so
a blog keeps its ids whichever way it was read: an article is `{home}/?p={id}` (WordPress's
own short link) and a comment `{home}/?p={article}#comment-{id}`. Registered users are the
brand's accounts (`{home}/?author={id}` from the API, `{home}/author/{nicename}/` from the
page markup, which only shows the nicename); visitors are keyed `guest:{name}@{home}`, and a
visitor name listed in the brand's `staff` is a brand account too. See docs/methodology.md, per
platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from w3lib.html import remove_tags, replace_entities
from w3lib.url import url_query_cleaner

from crawler.items import Account, Post
from crawler.parsers.common import parse_timestamp

PLATFORM = "wordpress"
# Query arguments WordPress adds to a page's links for one visitor (its "Cancel reply" link
# drops the same ones): the page is the same without them.
VISITOR_ARGS = ("replytocom", "unapproved", "moderation-hash")


@dataclass
class Parsed:
    """Posts and the accounts that wrote them (brand accounts with their brand_id)."""

    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)


@dataclass(frozen=True)
class FeedItem:
    link: str
    published: datetime


def article_id(home: str, article: object) -> str:
    return f"{home}/?p={article}"


def comment_id(home: str, article: object, comment: object) -> str:
    return f"{home}/?p={article}#comment-{comment}"


def guest_id(home: str, name: str) -> str:
    return f"guest:{name}@{home}"


def text_of(rendered: str) -> str:
    """Rendered HTML as plain text (untrusted: the report escapes it)."""
    return replace_entities(remove_tags(rendered or "")).strip()


def rebase(url: str, home: str, site: str) -> str:
    """A link the site printed (under its home URL) as a URL under the configured site URL.

    They are the same on a real blog; they differ only where the site is reached through
    another address than the one it calls itself (a local copy, the simulator)."""
    return site + url[len(home):] if url.startswith(home) else url


def parse_home(data: Any) -> str | None:
    """The site's home URL from the REST index (`/wp-json/`), or None if it is not WordPress."""
    home = data.get("home") if isinstance(data, dict) else None
    return home.rstrip("/") if isinstance(home, str) and home.startswith("http") else None


def _author(home: str, account_id: str, name: str | None, brand_id: str | None,
            fetched_at: datetime, source_url: str, url: str | None = None) -> Account:
    # A blog commenter has a display name and no handle (a nicename is a URL slug, not a name
    # readers know), so the report never shows them as an '@handle'.
    return Account(platform=PLATFORM, account_id=account_id, handle=None, display_name=name,
                   followers=None, fetched_at=fetched_at, source_url=source_url, url=url,
                   brand_id=brand_id)


def parse_posts(data: Any, home: str, fetched_at: datetime, source_url: str,
                brand_id: str) -> Parsed:
    """A `/wp/v2/posts` page: the brand's articles, each by a registered (brand) user."""
    parsed = Parsed()
    for row in data if isinstance(data, list) else []:
        created = parse_timestamp(row.get("date_gmt"))  # GMT without a zone suffix
        if created is None or row.get("id") is None:
            continue
        author = f"{home}/?author={row.get('author', 0)}"
        title = text_of((row.get("title") or {}).get("rendered", ""))
        body = text_of((row.get("content") or {}).get("rendered", ""))
        post_id = article_id(home, row["id"])
        parsed.posts.append(Post(
            platform=PLATFORM, post_id=post_id, author_id=author, created_at=created,
            text=f"{title}\n\n{body}".strip(), fetched_at=fetched_at, source_url=source_url,
            url=row.get("link"), root_id=post_id, brand_id=brand_id))
        parsed.accounts.append(_author(home, author, None, brand_id, fetched_at, source_url))
    return parsed


def parse_comments(data: Any, home: str, staff: tuple[str, ...], fetched_at: datetime,
                   source_url: str, brand_id: str) -> Parsed:
    """A `/wp/v2/comments?post=…` page. A top-level comment (parent 0) replies to the article."""
    parsed = Parsed()
    for row in data if isinstance(data, list) else []:
        created = parse_timestamp(row.get("date_gmt"))
        article, number = row.get("post"), row.get("id")
        if created is None or article is None or number is None:
            continue
        name = (row.get("author_name") or "").strip()
        user = row.get("author") or 0
        owner: str | None
        if user:
            author, owner = f"{home}/?author={user}", brand_id
        else:
            author, owner = guest_id(home, name), brand_id if name in staff else None
        parent = row.get("parent") or 0
        parsed.posts.append(Post(
            platform=PLATFORM, post_id=comment_id(home, article, number), author_id=author,
            created_at=created, text=text_of((row.get("content") or {}).get("rendered", "")),
            fetched_at=fetched_at, source_url=source_url, url=row.get("link"),
            parent_id=comment_id(home, article, parent) if parent else article_id(home, article),
            root_id=article_id(home, article), brand_id=brand_id))
        parsed.accounts.append(_author(home, author, name or None, owner, fetched_at,
                                       source_url, row.get("author_url") or None))
    return parsed


def parse_feed(xml: str) -> tuple[str | None, list[FeedItem]]:
    """The RSS 2.0 feed: the site's home (channel link) and each article's link and date."""
    selector = Selector(text=xml, type="xml")
    selector.remove_namespaces()
    home = (selector.xpath("/rss/channel/link/text()").get() or "").strip().rstrip("/") or None
    items = []
    for item in selector.xpath("/rss/channel/item"):
        link = (item.xpath("link/text()").get() or "").strip()
        try:
            published = parsedate_to_datetime(item.xpath("pubDate/text()").get() or "")
        except (TypeError, ValueError):
            continue
        if link and published.tzinfo is not None:
            items.append(FeedItem(link, published))
    return home, items


def commented_article(link: str) -> str:
    """The article page a comment's permalink (`…/slug/comment-page-N/#comment-M`, as the
    comments feed lists it) belongs to: without its fragment and comment page."""
    return re.sub(r"comment-page-\d+/$", "", link.split("#", 1)[0])


def comment_pages(page: str, url: str) -> list[str]:
    """Links to the article's other comment pages (`…/comment-page-N/`) in the page at `url`,
    resolved against it and canonical: without fragment and without the arguments WordPress
    adds for one visitor (`replytocom`, `unapproved`, `moderation-hash`).

    "Reply" links are `rel="nofollow"` and point at the comment's page with `?replytocom=`:
    followed, they would fetch every comment page once per comment on it. A comment's own
    permalink (`…#comment-N`) is not followed either: it names a page the navigation links
    to (or, on a one-page thread, this page as `comment-page-1/`). Links that do not parse
    as URLs are skipped."""
    found = set()
    for link in Selector(text=page).css("#comments a[href]"):
        href = link.attrib["href"]
        if ("nofollow" in (link.attrib.get("rel") or "").lower().split()
                or re.search(r"#comment-\d+$", href)):
            continue
        try:
            absolute = urljoin(url, href.strip())
            if "/comment-page-" in urlsplit(absolute).path:
                found.add(url_query_cleaner(absolute, VISITOR_ARGS, remove=True))
        except ValueError:
            continue
    return sorted(found)


def is_whole_page(page: str) -> bool:
    """Whether an HTML page arrived whole: WordPress themes end every page with `</html>`
    (a caching plugin may add a comment after it)."""
    return re.search(r"</html\s*>", page[-4096:], re.IGNORECASE) is not None


def is_whole_feed(xml: str) -> bool:
    """Whether the RSS feed arrived whole (it ends with `</rss>`)."""
    return re.search(r"</rss\s*>\s*$", xml[-1024:]) is not None


def parse_article_page(page: str, home: str, staff: tuple[str, ...], fetched_at: datetime,
                       source_url: str, brand_id: str) -> Parsed:
    """An article page: the article and every comment in WordPress's comment list markup.

    A comment's parent is the `li.comment` it is nested in (inside `ol.children`); a
    registered user's comment carries the classes `byuser comment-author-<nicename>`.
    """
    parsed = Parsed()
    selector = Selector(text=page)
    article = selector.css("article[id^='post-']")
    number = (article.attrib.get("id") or "").removeprefix("post-")
    created = parse_timestamp(article.css("time.entry-date.published::attr(datetime)").get()
                              or article.css("time::attr(datetime)").get())
    if not number.isdigit() or created is None:
        return parsed
    root = article_id(home, number)
    author_link = article.css(".author a::attr(href)").get() or ""
    nicename = author_link.rstrip("/").rsplit("/", 1)[-1]
    author = f"{home}/author/{nicename}/"
    title = text_of(article.css(".entry-title").get() or "")
    body = text_of(article.css(".entry-content").get() or "")
    parsed.posts.append(Post(
        platform=PLATFORM, post_id=root, author_id=author, created_at=created,
        text=f"{title}\n\n{body}".strip(), fetched_at=fetched_at, source_url=source_url,
        url=source_url, root_id=root, brand_id=brand_id))
    parsed.accounts.append(_author(home, author, article.css(".author a::text").get(), brand_id,
                                   fetched_at, source_url))
    for li in selector.css("li.comment"):
        number_c = (li.attrib.get("id") or "").removeprefix("comment-")
        body_sel = li.xpath("./article | ./div[contains(@class, 'comment-body')]")
        stamp = parse_timestamp(body_sel.css(".comment-metadata time::attr(datetime)").get())
        if not number_c.isdigit() or stamp is None:
            continue
        name = " ".join(body_sel.css(".comment-author .fn ::text").getall()).strip()
        classes = (li.attrib.get("class") or "").split()
        nicenames = [c.removeprefix("comment-author-") for c in classes
                     if c.startswith("comment-author-")]
        owner: str | None
        if "byuser" in classes and nicenames:
            author_c, owner = f"{home}/author/{nicenames[0]}/", brand_id
        else:
            author_c, owner = guest_id(home, name), brand_id if name in staff else None
        parent = li.xpath(
            "ancestor::li[contains(concat(' ', @class, ' '), ' comment ')][1]/@id").get()
        parsed.posts.append(Post(
            platform=PLATFORM, post_id=comment_id(home, number, number_c), author_id=author_c,
            created_at=stamp, text=text_of(body_sel.css(".comment-content").get() or ""),
            fetched_at=fetched_at, source_url=source_url,
            url=f"{source_url}#comment-{number_c}",
            parent_id=(comment_id(home, number, parent.removeprefix("comment-")) if parent
                       else root),
            root_id=root, brand_id=brand_id))
        parsed.accounts.append(_author(home, author_c, name or None, owner, fetched_at,
                                       source_url))
    return parsed
