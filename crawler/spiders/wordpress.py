"""WordPress brand blogs: the articles published in the window and every comment below them.

The public REST API first (`/wp-json/`, `/wp/v2/posts`, `/wp/v2/comments?post=`); where a
site answers 401/403/404 there (a plugin switched it off), the RSS feed lists the articles
and each article page's comment markup is read instead (following its comment pages where
the site breaks comments into pages), as far as robots.txt allows.

A 200 answer that is not what was asked for (a REST index that is not JSON, a feed or page
cut off, an interstitial page without article markup) is retried like a 500 and, if it stays
so, recorded as a failure of that URL: never read as a fact about the site.

An incremental benchmark run starts from each site's comments feed and reads only what was
commented on since the previous run (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request

from crawler.parsers import wordpress as parse
from crawler.spiders.base import PlatformSpider, json_callback, request_of

if TYPE_CHECKING:
    from scrapy.http import Response

    from benchmarks.config import Brand
    from crawler.items import Account, Post

PAGE = 100  # the most the REST API returns per page
API_OFF = [401, 403, 404]
# A site filters `after=` in its own time zone: ask from a day earlier, keep the window here.
ZONE_MARGIN = timedelta(days=1)
NOT_JSON = "REST index that is not JSON"


class WordPressSpider(PlatformSpider):
    name = "wordpress"
    # Blogs are web sites: robots.txt applies to their pages and, politely, to their API.
    custom_settings: dict[str, Any] = {"ROBOTSTXT_OBEY": True}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_requested: set[str] = set()
        # Incremental runs: whether an article not stored before is in the window (None
        # while asked), and the new comments on it waiting for the answer.
        self.articles: dict[str, bool | None] = {}
        self.held: dict[str, list[tuple[Post, Account]]] = {}

    def start_account(self, brand: Brand, handle: str) -> Iterable[scrapy.Request]:
        if self.incremental is not None:
            yield self.comments_feed(brand, handle, 1)
            return
        yield self.api_request(f"{handle}/wp-json/", self.on_index, brand.id,
                               cb_kwargs={"brand": brand, "site": handle},
                               meta={"handle_httpstatus_list": API_OFF})

    def in_window(self, post: Any) -> bool:
        return post.created_at >= self.window_start and (
            self.window_end is None or post.created_at < self.window_end)

    # REST API ------------------------------------------------------------------------------

    def on_index(self, response: Response, brand: Brand, site: str) -> Iterator[Any]:
        why = f"does not serve its REST API (HTTP {response.status})"
        try:
            home = parse.parse_home(json.loads(response.body))
        except ValueError:
            if response.status == 200:
                # Garbled, not switched off: retried, then a failure; the feed may still
                # hold the articles, so it is read either way.
                retry = get_retry_request(request_of(response), spider=self, reason=NOT_JSON)
                if retry is not None:
                    yield retry
                    return
                yield from self.record_failure(request_of(response), NOT_JSON, 200)
                why = "answered its REST index with something that is not JSON, after retries"
            home = None
        if response.status != 200 or home is None:
            self.note(f"WordPress: {site} {why}; its articles were read from the RSS feed and "
                      "the article pages.")
            yield self.feed(brand, site, 1)
            return
        yield self.posts(brand, site, home, 1)

    def posts(self, brand: Brand, site: str, home: str, page: int) -> scrapy.Request:
        params: dict[str, Any] = {"after": (self.window_start - ZONE_MARGIN).strftime(
            "%Y-%m-%dT%H:%M:%S"), "per_page": PAGE, "page": page, "orderby": "date"}
        if self.window_end is not None:
            params["before"] = (self.window_end + ZONE_MARGIN).strftime("%Y-%m-%dT%H:%M:%S")
        return self.api_request(f"{site}/wp-json/wp/v2/posts?{urlencode(params)}",
                                self.on_posts, brand.id,
                                cb_kwargs={"brand": brand, "site": site, "home": home,
                                           "page": page})

    @json_callback
    def on_posts(self, response: Response, data: Any, brand: Brand, site: str, home: str,
                 page: int) -> Iterator[Any]:
        parsed = parse.parse_posts(data, home, self.now(), response.url, brand.id)
        yield from parsed.accounts
        for post in parsed.posts:
            if self.in_window(post):
                yield post
                yield self.comments(brand, site, home, post.post_id.removeprefix(f"{home}/?p="), 1)
        if page < total_pages(response):
            if page < self.config.max_pages_per_account:
                yield self.posts(brand, site, home, page + 1)
            else:
                self.note(f"WordPress: stopped after {page} pages of {site}'s articles "
                          "(crawl.max_pages_per_account); older articles are missing.")

    def comments(self, brand: Brand, site: str, home: str, article: str,
                 page: int) -> scrapy.Request:
        params = {"post": article, "per_page": PAGE, "page": page, "orderby": "id",
                  "order": "asc"}
        return self.api_request(f"{site}/wp-json/wp/v2/comments?{urlencode(params)}",
                                self.on_comments, brand.id,
                                cb_kwargs={"brand": brand, "site": site, "home": home,
                                           "article": article, "page": page},
                                thread_post_id=parse.article_id(home, article))

    @json_callback
    def on_comments(self, response: Response, data: Any, brand: Brand, site: str, home: str,
                    article: str, page: int) -> Iterator[Any]:
        staff = brand.platform_options(self.name).get("staff", ())
        parsed = parse.parse_comments(data, home, staff, self.now(), response.url, brand.id)
        yield from parsed.accounts
        yield from parsed.posts
        if page < total_pages(response):
            yield self.comments(brand, site, home, article, page + 1)

    # Incremental runs: what was written since the previous run ------------------------------

    def comments_feed(self, brand: Brand, site: str, page: int,
                      reading: bool = False) -> scrapy.Request:
        """The site's comments feed (`/comments/feed/`), newest first: its first page says
        what the site calls itself and whether anything was written since the previous run;
        `reading` pages (a site without the REST API) lead to the articles commented on."""
        url = f"{site}/comments/feed/" + (f"?paged={page}" if page > 1 else "")
        return self.api_request(url, self.on_comments_feed, brand.id,
                                cb_kwargs={"brand": brand, "site": site, "page": page,
                                           "reading": reading},
                                meta={"handle_httpstatus_list": [404]})

    def on_comments_feed(self, response: Response, brand: Brand, site: str, page: int,
                         reading: bool) -> Iterator[Any]:
        assert self.incremental is not None
        if response.status == 404:
            if page == 1:  # no comments feed: the whole window, as in a first run
                yield from self.whole_site(brand, site)
            return
        if not parse.is_whole_feed(response.text):
            yield from self.garbled(response, "comments feed cut off or not RSS")
            return
        home, items = parse.parse_feed(response.text)
        if home is None:
            yield from self.whole_site(brand, site)
            return
        if page == 1 and not reading and not any(
                k.startswith(parse.article_id(home, "")) for k in self.incremental.stored):
            yield from self.whole_site(brand, site)  # a site new to the panel
            return
        fresh = [i for i in items if i.published > self.incremental.since]
        more = bool(items) and len(fresh) == len(items)
        if not reading:
            if fresh:
                yield self.comments_since(brand, site, home, 1, fresh, more)
            return
        yield from self.read_commented(brand, site, home, fresh, more, page)

    def read_commented(self, brand: Brand, site: str, home: str, fresh: list[parse.FeedItem],
                       more: bool, page: int) -> Iterator[scrapy.Request]:
        """The article pages with comments since the previous run; the next feed page while
        every comment on this one is new."""
        for item in fresh:
            yield from self.article(parse.rebase(parse.commented_article(item.link), home, site),
                                    brand, site, home)
        if more:
            if page < self.config.max_pages_per_account:
                yield self.comments_feed(brand, site, page + 1, reading=True)
            else:
                self.note(f"WordPress: stopped after {page} comments feed pages of {site} "
                          "(crawl.max_pages_per_account); older new comments are missing.")

    def whole_site(self, brand: Brand, site: str) -> Iterator[scrapy.Request]:
        """A site read as in a first run (new to the panel, or without a comments feed)."""
        yield self.api_request(f"{site}/wp-json/", self.on_index, brand.id,
                               cb_kwargs={"brand": brand, "site": site},
                               meta={"handle_httpstatus_list": API_OFF})

    def comments_since(self, brand: Brand, site: str, home: str, page: int,
                       feed: list[parse.FeedItem], more: bool) -> scrapy.Request:
        """The site's comments since the previous run, all articles at once (REST `after`);
        `feed` and `more`: the comments feed's first page, read instead without the API."""
        assert self.incremental is not None
        params = {"after": (self.incremental.since - ZONE_MARGIN).strftime("%Y-%m-%dT%H:%M:%S"),
                  "per_page": PAGE, "page": page, "orderby": "date_gmt", "order": "desc"}
        return self.api_request(f"{site}/wp-json/wp/v2/comments?{urlencode(params)}",
                                self.on_comments_since, brand.id,
                                cb_kwargs={"brand": brand, "site": site, "home": home,
                                           "page": page, "feed": feed, "more": more},
                                meta={"handle_httpstatus_list": API_OFF})

    def on_comments_since(self, response: Response, brand: Brand, site: str, home: str,
                          page: int, feed: list[parse.FeedItem], more: bool) -> Iterator[Any]:
        if response.status in API_OFF:
            self.note(f"WordPress: {site} does not serve its REST API (HTTP "
                      f"{response.status}); its new comments were found in its comments feed "
                      "and read from the article pages.")
            yield from self.read_commented(brand, site, home, feed, more, 1)
            return
        try:
            data = json.loads(response.body)
        except ValueError:
            yield from self.malformed(response)
            return
        yield from self.new_comments(data, brand, site, home, response.url)
        if page < total_pages(response):
            yield self.comments_since(brand, site, home, page + 1, feed, more)

    def new_comments(self, data: Any, brand: Brand, site: str, home: str,
                     url: str) -> Iterator[Any]:
        """Comments since the previous run on a stored article, or on one published in the
        window since (asked for by id, with `include`); others are under older articles."""
        assert self.incremental is not None
        staff = brand.platform_options(self.name).get("staff", ())
        parsed = parse.parse_comments(data, home, staff, self.now(), url, brand.id)
        asking = []
        for post, account in zip(parsed.posts, parsed.accounts, strict=True):
            article = post.root_id or ""
            if post.created_at <= self.incremental.since or self.articles.get(article) is False:
                continue
            if self.incremental.is_stored(article) or self.articles.get(article):
                yield account
                yield post
                continue
            if article not in self.articles:
                self.articles[article] = None
                asking.append(article.removeprefix(parse.article_id(home, "")))
            self.held.setdefault(article, []).append((post, account))
        for i in range(0, len(asking), PAGE):
            params = {"include": ",".join(asking[i:i + PAGE]), "per_page": PAGE}
            yield self.api_request(f"{site}/wp-json/wp/v2/posts?{urlencode(params)}",
                                   self.on_included, brand.id,
                                   cb_kwargs={"brand": brand, "home": home,
                                              "asked": asking[i:i + PAGE]})

    @json_callback
    def on_included(self, response: Response, data: Any, brand: Brand, home: str,
                    asked: list[str]) -> Iterator[Any]:
        """Articles new since the previous run: in the window, with their held comments."""
        parsed = parse.parse_posts(data, home, self.now(), response.url, brand.id)
        yield from parsed.accounts
        for post in parsed.posts:
            if self.in_window(post):
                self.articles[post.post_id] = True
                yield post
                for comment, account in self.held.pop(post.post_id, []):
                    yield account
                    yield comment
        for number in asked:  # older than the window, or gone
            article = parse.article_id(home, number)
            if not self.articles.get(article):
                self.articles[article] = False
                self.held.pop(article, None)

    # Without the API: the feed and the pages -----------------------------------------------

    def feed(self, brand: Brand, site: str, page: int) -> scrapy.Request:
        url = f"{site}/feed/" + (f"?paged={page}" if page > 1 else "")
        return self.api_request(url, self.on_feed, brand.id,
                                cb_kwargs={"brand": brand, "site": site, "page": page},
                                meta={"handle_httpstatus_list": [404] if page > 1 else []})

    def on_feed(self, response: Response, brand: Brand, site: str, page: int) -> Iterator[Any]:
        if response.status == 404:
            return  # past the last feed page
        if not parse.is_whole_feed(response.text):
            yield from self.garbled(response, "RSS feed cut off or not RSS")
            return
        home, items = parse.parse_feed(response.text)
        if home is None:
            self.note(f"WordPress: {site} has neither a REST API nor an RSS feed; its comments "
                      "cannot be read.")
            return
        for item in items:
            if item.published >= self.window_start and (
                    self.window_end is None or item.published < self.window_end):
                yield from self.article(parse.rebase(item.link, home, site), brand, site, home)
        if items and min(i.published for i in items) >= self.window_start:
            if page < self.config.max_pages_per_account:
                yield self.feed(brand, site, page + 1)
            else:
                self.note(f"WordPress: stopped after {page} feed pages of {site} "
                          "(crawl.max_pages_per_account); older articles are missing.")

    def article(self, url: str, brand: Brand, site: str, home: str,
                article_id: str | None = None) -> Iterator[scrapy.Request]:
        """An article page (or one of its comment pages, `article_id` known), once per run."""
        if url not in self.pages_requested:
            self.pages_requested.add(url)
            yield self.api_request(url, self.on_article, brand.id,
                                   cb_kwargs={"brand": brand, "site": site, "home": home},
                                   thread_post_id=article_id)

    def on_article(self, response: Response, brand: Brand, site: str,
                   home: str) -> Iterator[Any]:
        staff = brand.platform_options(self.name).get("staff", ())
        if not parse.is_whole_page(response.text):
            yield from self.garbled(response, "article page cut off")
            return
        parsed = parse.parse_article_page(response.text, home, staff, self.now(), response.url,
                                          brand.id)
        if not parsed.posts:  # an interstitial page, or a theme this crawler does not know
            yield from self.garbled(response, "page without article markup this crawler knows")
            return
        article = parsed.posts[0]
        if self.incremental is not None and not (
                self.in_window(article) or self.incremental.is_stored(article.post_id)):
            return  # a new comment under an article older than the window
        yield from parsed.accounts
        yield from parsed.posts
        for link in parse.comment_pages(response.text, response.url):
            yield from self.article(parse.rebase(link, home, site), brand, site, home,
                                    parsed.posts[0].root_id)

    # Garbled answers -----------------------------------------------------------------------

    def garbled(self, response: Response, what: str) -> Iterator[Any]:
        """A 200 answer that is not what was asked for: retried as a 500 would be and, once
        retries are spent, a failure of its URL."""
        retry = get_retry_request(request_of(response), spider=self, reason=what)
        if retry is not None:
            yield retry
        else:
            yield from self.record_failure(request_of(response), what, response.status)


def total_pages(response: Response) -> int:
    """`X-WP-TotalPages`, or 1 when the header is missing."""
    value = (response.headers.get("X-WP-TotalPages") or b"1").decode("latin-1")
    return int(value) if value.isdigit() else 1
