"""X (Twitter) in a real Chromium with the user's own session: opt-in (`collect = "browser"`).

It opens each brand's profile ("Posts & replies"), a search for '@handle', and the thread
below every brand post and mention with replies, scrolls slowly, and keeps the GraphQL
responses the pages load (never the page's markup), parsed by the same pure parser as
`replyaudit import har`. It needs a Playwright storage-state file the user exported from
their own logged-in browser; it never logs in, and it stops at the first login wall or
challenge. Every request but the document, its scripts and the data calls is aborted.
See docs/platforms.md, "X (Twitter)": X's terms restrict automated access.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import scrapy

from crawler.parsers import x as parse
from crawler.spiders.base import PlatformSpider, failed_request, request_of

if TYPE_CHECKING:
    from playwright.async_api import Page
    from playwright.async_api import Request as BrowserRequest
    from playwright.async_api import Response as BrowserResponse
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from benchmarks.config import Brand
    from crawler.items import Post

WALLS = {"/i/flow/login": "a login wall", "/login": "a login wall",
         "/account/access": "a challenge"}


def abort_request(request: BrowserRequest) -> bool:
    """Keep the document, its scripts and the GraphQL data calls; abort the rest."""
    if request.resource_type in ("document", "script"):
        return False
    return not (request.resource_type in ("xhr", "fetch") and "/graphql/" in request.url)


class XBrowserSpider(PlatformSpider):
    """Registered as 'x_browser'; it records everything under platform 'x'."""

    name = "x_browser"
    custom_settings: dict[str, Any] = {
        # The user's own browser session at a human pace, like the HAR it replaces; robots.txt
        # addresses anonymous crawlers (docs/platforms.md: the user answers for the right
        # to collect).
        "ROBOTSTXT_OBEY": False,
        "DOWNLOAD_HANDLERS": {
            "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
            "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
        },
        "PLAYWRIGHT_ABORT_REQUEST": abort_request,
    }

    def __init__(self, *args: Any, storage_state: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, name="x", **kwargs)
        options = self.platform_settings.options
        self.storage_state = storage_state
        self.web = options["web_url"].rstrip("/")
        self.pause_ms = 1000 * float(options["scroll_pause_seconds"])
        self.max_scrolls = int(options["max_scrolls"])
        self.captured: dict[int, list[tuple[int, str]]] = {}  # page -> (status, body)
        self.brand_of: dict[str, str] = {}  # brand account id -> brand id
        self.anchor_ids: set[str] = set()
        self.opened: set[str] = set()  # focal tweet ids
        self.threads: list[tuple[Post, str]] = []  # waiting until every profile is read
        self.stopped = False

    async def start(self) -> AsyncIterator[scrapy.Request]:
        env = self.platform_settings.options["storage_state_env"]
        problem = None
        if not self.storage_state:
            problem = f"set {env} to the storage-state file exported from your logged-in browser"
        elif not Path(self.storage_state).is_file():
            problem = f"the file {env} names does not exist"
        if problem:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("audit/mentions/skipped", 1)
            self.note(f"X browser collection needs your own session: {problem}. X was skipped.")
            return
        accounts = [(b, h) for b in self.config.brands for h in b.handles("x")]
        self.profiles_pending = len(accounts)
        for brand, handle in accounts:
            yield self.open(f"/{handle}/with_replies", "profile", brand, handle=handle)

    def open(self, path: str, kind: str, brand: Brand | str, thread_post_id: str | None = None,
             **cb: Any) -> scrapy.Request:
        brand_id = brand if isinstance(brand, str) else brand.id
        return self.api_request(
            f"{self.web}{path}", self.on_page, brand_id, cb_kwargs={"kind": kind, **cb},
            dont_filter=True, thread_post_id=thread_post_id,
            meta={"playwright": True, "playwright_include_page": True,
                  "playwright_context": "x-session",
                  "playwright_context_kwargs": {"storage_state": self.storage_state},
                  "playwright_page_event_handlers": {"response": "capture"}})

    async def capture(self, response: BrowserResponse) -> None:
        """Every GraphQL answer a page loads, kept per page."""
        if "/graphql/" not in response.url:
            return
        try:
            body = await response.text()
        except Exception:  # the page closed first; nothing to keep
            return
        self.captured.setdefault(id(response.frame.page), []).append((response.status, body))

    async def on_page(self, response: Response, kind: str, **cb: Any) -> AsyncIterator[Any]:
        page: Page = response.meta["playwright_page"]
        try:
            wall = next((what for path, what in WALLS.items() if path in page.url), None)
            if wall is None and not self.stopped:
                bodies = await self.scroll(page, kind, cb.get("handle"))
        finally:
            await page.close()
        if self.stopped:
            return
        if wall is not None or any(status in (401, 403) for status, _ in bodies):
            for failure in self.stop(response, wall or "a refused session"):
                yield failure
            return
        parsed = parse.Parsed()
        for _, body in bodies:
            found = parse.parse_graphql(_json(body), self.now(), response.url)
            parsed.posts += found.posts
            parsed.accounts += found.accounts
        for item in getattr(self, f"read_{kind}")(parsed, response.meta["brand_id"], **cb):
            yield item

    async def scroll(self, page: Page, kind: str, handle: str | None) -> list[tuple[int, str]]:
        """Scroll at a human pace until the page loads nothing new or reaches the window's
        start (timelines come newest first; a profile's, judged by its own tweets only)."""
        idle, seen = 0, 0
        for _ in range(self.max_scrolls):
            await page.wait_for_timeout(self.pause_ms * random.uniform(0.8, 1.3))
            bodies = self.captured.get(id(page), [])
            new, seen = bodies[seen:], len(bodies)
            idle = 0 if new else idle + 1
            if idle >= 2 or (kind != "thread" and new and self.before_window(new, handle)):
                break
            await page.mouse.wheel(0, 2400)
        return self.captured.pop(id(page), [])

    def before_window(self, bodies: list[tuple[int, str]], handle: str | None) -> bool:
        """Whether the newest pages lie wholly before the window's start. A profile shows a
        pinned tweet and the (possibly old) tweets its owner answered: only the owner's
        tweets count, and only when none of them is recent enough."""
        parsed = [parse.parse_graphql(_json(b), self.now(), "") for _, b in bodies]
        owners = {a.account_id for p in parsed for a in p.accounts
                  if handle and (a.handle or "").lower() == handle.lower()}
        times = [post.created_at for p in parsed for post in p.posts
                 if handle is None or post.author_id in owners]
        return bool(times) and max(times) < self.window_start

    def stop(self, response: Response, what: str) -> Any:
        """The first login wall or challenge ends X collection; it never logs in itself."""
        self.stopped = True
        env = self.platform_settings.options["storage_state_env"]
        self.note(f"X showed {what}: the session in {env} is missing, expired or challenged. "
                  "X collection stopped there; log in to x.com in your own browser, export a "
                  "fresh storage state and run again.")
        return self.record_failure(request_of(response), what)

    # What each kind of page gives ----------------------------------------------------------

    def read_profile(self, parsed: parse.Parsed, brand_id: str, handle: str) -> Any:
        me = next((a for a in parsed.accounts if (a.handle or "").lower() == handle.lower()),
                  None)
        if me is not None:
            me.brand_id = brand_id
            self.brand_of[me.account_id] = brand_id
            yield me
            own = [p for p in parsed.posts if p.author_id == me.account_id and self.in_window(p)]
            yield from own
            self.anchor_ids.update(p.post_id for p in own)
            self.threads += [(p, brand_id) for p in own if (p.reply_count or 0) > 0]
        else:
            self.note(f"Could not open the X account {handle}: check the screen name.")
        yield from self.profile_done()

    def profile_done(self) -> Iterator[scrapy.Request]:
        """Once every profile is read, every brand account id is known: only then are
        searches and threads opened, so no thread is judged without knowing whose is whose."""
        self.profiles_pending -= 1
        if self.profiles_pending == 0 and not self.stopped:
            for brand in self.config.brands:
                for name in brand.handles("x"):
                    yield self.open(f"/search?q={quote('@' + name)}&f=live", "search", brand)
            for post, owner in self.threads:
                yield from self.thread(post, owner)

    def read_search(self, parsed: parse.Parsed, brand_id: str) -> Any:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("audit/mentions/searched", 1)
        mentions = [p for p in parsed.posts if self.in_window(p)
                    and p.author_id not in self.brand_of
                    and any(self.brand_of.get(m) == brand_id for m in p.mentions)]
        yield from self.with_authors(parsed, mentions)
        self.anchor_ids.update(p.post_id for p in mentions)
        for post in mentions:
            if (post.reply_count or 0) > 0:
                yield from self.thread(post, brand_id)

    def read_thread(self, parsed: parse.Parsed, brand_id: str) -> Any:
        def is_anchor(post: Post) -> bool:
            return parse.is_anchor(post, self.brand_of, self.window_start, self.window_end)

        yield from self.with_authors(
            parsed, parse.in_anchored_subtrees(parsed.posts, is_anchor, self.anchor_ids))

    def thread(self, post: Post, brand_id: str) -> Any:
        if post.post_id not in self.opened and not self.stopped:
            self.opened.add(post.post_id)
            yield self.open(f"/i/web/status/{post.post_id}", "thread", brand_id,
                            thread_post_id=post.post_id)

    def with_authors(self, parsed: parse.Parsed, posts: list[Post]) -> Any:
        authors = {p.author_id for p in posts}
        yield from (a for a in parsed.accounts
                    if a.account_id in authors and a.account_id not in self.brand_of)
        yield from posts

    def in_window(self, post: Post) -> bool:
        return post.created_at >= self.window_start and (
            self.window_end is None or post.created_at < self.window_end)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failed_request(failure)
        page = request.meta.get("playwright_page")
        if page is not None:
            asyncio.ensure_future(page.close())
        yield from super().on_error(failure)
        if request.cb_kwargs.get("kind") == "profile":
            yield from self.profile_done()


def _json(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return {}
