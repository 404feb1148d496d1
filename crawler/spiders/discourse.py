"""Discourse: a brand's community forum, read through its public JSON.

For each forum: the members of the brand's `staff_groups` (brand accounts); the topic list
(`/latest.json`, or each configured category's `/c/{slug}/{id}.json`), page by page, newest
activity first, until the topics' last activity is older than the window (pinned topics stay
on top whatever their age, so they never stop the walk); every topic active in the window
(`/t/{id}.json`), and, for a long topic whose first page holds only part of its post stream,
the rest by id (`/t/{id}/posts.json`). A topic is parsed once all its posts are in, because
a reply may point at any post of it. An incremental benchmark run reads only the topics
active since the previous run (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.parsers import discourse as parse
from crawler.spiders.base import PlatformSpider, failed_request, json_callback

if TYPE_CHECKING:
    from datetime import datetime

    from scrapy.http import Response
    from twisted.python.failure import Failure

    from benchmarks.config import Brand

CHUNK = 20  # posts per /t/{id}/posts.json request: the size of Discourse's own pages
MEMBERS_PAGE = 50  # the page size Discourse's own group pages use


@dataclass
class _Topic:
    """A long topic waiting for its remaining post chunks."""

    first_page: dict[str, Any]
    source_url: str
    waiting: int
    more_posts: list[dict[str, Any]] = field(default_factory=list)


class DiscourseSpider(PlatformSpider):
    name = "discourse"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics_requested: set[tuple[str, int]] = set()
        self.waiting: dict[tuple[str, int], _Topic] = {}

    def url(self, forum: str, path: str) -> str:
        """The request URL: the forum's own, or under `base_url` when one is set."""
        base = self.platform_settings.base_url
        return f"{base}/{forum.split('://', 1)[1]}{path}" if base else f"{forum}{path}"

    def start_account(self, brand: Brand, forum: str) -> Iterable[scrapy.Request]:
        options = brand.platform_options(self.name)
        rules = parse.BrandRules(brand.id, frozenset(options.get("staff_groups", ())))
        for group in rules.staff_groups:
            yield self.members(forum, group, rules.brand_id, offset=0)
        for listing in [f"/c/{c}.json" for c in options.get("categories", ())] or ["/latest.json"]:
            yield self.listing(forum, listing, rules, page=0)

    def members(self, forum: str, group: str, brand_id: str, offset: int) -> scrapy.Request:
        query = urlencode({"offset": offset, "limit": MEMBERS_PAGE})
        return self.api_request(self.url(forum, f"/groups/{group}/members.json?{query}"),
                                self.on_members, brand_id,
                                cb_kwargs={"forum": forum, "group": group},
                                meta={"handle_httpstatus_list": [403, 404]})

    @json_callback
    def on_members(self, response: Response, data: Any, forum: str, group: str) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        if response.status in (403, 404):
            self.note(f"Discourse: the members of group {group!r} on {forum} are not public "
                      f"(HTTP {response.status}); only members with it as their primary group "
                      "were recognised as answering for the brand.")
            return
        accounts, next_offset = parse.parse_group_members(data, forum, brand_id, self.now(),
                                                          response.url)
        yield from accounts
        if next_offset is not None and accounts:
            yield self.members(forum, group, brand_id, next_offset)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """A forum that answers its first topic list with 401/403 needs a login: said so
        (rather than "check the URL"), recorded, and the other forums go on."""
        request = failed_request(failure)
        status = failure.value.response.status if isinstance(failure.value, HttpError) else None
        if request.meta.get("forum_listing") and status in (401, 403):
            self.note(f"Discourse: {request.meta['forum_listing']} requires a login (HTTP "
                      f"{status}); its topics are not counted.")
            yield from self.record_failure(request, f"HTTP {status}", status)
            return
        yield from super().on_error(failure)

    def listing(self, forum: str, path: str, rules: parse.BrandRules,
                page: int) -> scrapy.Request:
        query = f"?{urlencode({'page': page})}" if page else ""
        return self.api_request(self.url(forum, path) + query, self.on_listing, rules.brand_id,
                                cb_kwargs={"forum": forum, "path": path, "rules": rules,
                                           "page": page},
                                meta={"account_handle": forum, "forum_listing": forum}
                                if page == 0 else {})

    @json_callback
    def on_listing(self, response: Response, data: Any, forum: str, path: str,
                   rules: parse.BrandRules, page: int) -> Iterator[Any]:
        topics = parse.parse_topic_list(data)
        older_than_window = False
        since = self.active_since(forum)
        for topic in topics.topics:
            active = topic.last_activity is not None and topic.last_activity >= since
            if active:
                yield from self.topic(forum, topic, rules)
            elif not topic.pinned:
                older_than_window = True
        if topics.next_page is None or older_than_window or not topics.topics:
            return
        if page + 1 < self.config.max_pages_per_account:
            yield self.listing(forum, path, rules, topics.next_page)
        else:
            self.note(f"Discourse: stopped after {page + 1} pages of {forum}{path} "
                      "(crawl.max_pages_per_account); older topics in the window are missing.")

    def active_since(self, forum: str) -> datetime:
        """Topics active since then are read: the window start, or in an incremental run the
        previous run's instant (a new post bumps its topic; nothing else changes what is
        measured), unless nothing was stored from this forum before (new to the panel)."""
        if self.incremental is None or not any(
                k.startswith(f"{forum}/p/") for k in self.incremental.stored):
            return self.window_start
        return max(self.window_start, self.incremental.since)

    def topic(self, forum: str, topic: parse.TopicRef,
              rules: parse.BrandRules) -> Iterator[scrapy.Request]:
        """The topic, once per run (a topic can be listed in two categories)."""
        if (forum, topic.topic_id) not in self.topics_requested:
            self.topics_requested.add((forum, topic.topic_id))
            yield self.api_request(self.url(forum, f"/t/{topic.topic_id}.json"), self.on_topic,
                                   rules.brand_id, cb_kwargs={"forum": forum, "rules": rules})

    @json_callback
    def on_topic(self, response: Response, data: Any, forum: str,
                 rules: parse.BrandRules) -> Iterator[Any]:
        missing = parse.missing_post_ids(data)
        if not missing:
            yield from self.emit(forum, rules, data, [], response.url)
            return
        key = (forum, int(data["id"]))
        chunks = [missing[i:i + CHUNK] for i in range(0, len(missing), CHUNK)]
        self.waiting[key] = _Topic(data, response.url, len(chunks))
        # A chunk that fails leaves the topic's replies incomplete: its failure names the
        # topic's first post (the stream's first id), the customer post it would answer.
        opener = parse.post_id(forum, data["post_stream"]["stream"][0])
        for ids in chunks:
            query = urlencode([("post_ids[]", i) for i in ids])
            request = self.api_request(self.url(forum, f"/t/{key[1]}/posts.json?{query}"),
                                       self.on_chunk, rules.brand_id,
                                       cb_kwargs={"key": key, "rules": rules},
                                       thread_post_id=opener)
            yield request.replace(errback=self.on_chunk_error)

    def on_chunk(self, response: Response, key: tuple[str, int],
                 rules: parse.BrandRules) -> Iterator[Any]:
        try:
            data = json.loads(response.body)
        except ValueError:
            outcome = list(self.malformed(response))
            yield from outcome
            if any(isinstance(o, scrapy.Request) for o in outcome):
                return  # retried: this chunk is still on its way
            data = {}
        self.waiting[key].more_posts.extend(parse.chunk_posts(data))
        yield from self.chunk_done(key, rules)

    def on_chunk_error(self, failure: Failure) -> Iterator[Any]:
        yield from self.on_error(failure)
        request = failed_request(failure)
        yield from self.chunk_done(request.cb_kwargs["key"], request.cb_kwargs["rules"])

    def chunk_done(self, key: tuple[str, int], rules: parse.BrandRules) -> Iterator[Any]:
        """Parse the topic once its last chunk has arrived (or failed, recorded)."""
        waiting = self.waiting[key]
        waiting.waiting -= 1
        if waiting.waiting == 0:
            del self.waiting[key]
            yield from self.emit(key[0], rules, waiting.first_page, waiting.more_posts,
                                 waiting.source_url)

    def emit(self, forum: str, rules: parse.BrandRules, topic: dict[str, Any],
             more_posts: list[dict[str, Any]], source_url: str) -> Iterator[Any]:
        parsed = parse.parse_topic(topic, more_posts, forum, rules, self.now(), source_url)
        yield from parsed.accounts
        yield from parsed.posts
