"""Reddit: the brands' subreddits and accounts through the OAuth API, with whole comment trees.

Reddit refuses anonymous `.json` requests from most networks, so the spider uses the
app-only OAuth flow: a token from `auth_url` (client id and secret from the environment
variables the config names), then every request to `base_url` with it. Without credentials
it says so and crawls nothing.

Per brand: each listed account's profile and its posts in the window (`/user/{name}/overview`,
newest first), the subtree below each of its comments and the whole thread of each of its
submissions; the submissions in the window that mention it (`/search`: Reddit's search
covers submissions, not comments) with their threads; each of the brand's subreddits'
submissions in the window (`/r/{sub}/new`) with their whole threads. Trees Reddit cuts are
completed: `more` stubs through `/api/morechildren`, "continue this thread" stubs by
fetching that comment's subtree. An incremental benchmark run reads again only the threads
whose comment count changed and the young brand comments' subtrees (docs/benchmarks.md).
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import scrapy

from crawler import __version__
from crawler.parsers import reddit as parse
from crawler.spiders.base import PlatformSpider, json_callback, request_of

if TYPE_CHECKING:
    from datetime import datetime

    from scrapy.http import Response
    from twisted.python.failure import Failure

    from benchmarks.config import Brand

PAGE = 100  # the largest listing page Reddit serves
MORE_CHILDREN = 100  # the most ids one /api/morechildren request may name
DEPTH = 10  # the deepest comment tree Reddit returns in one response
MAX_RENEWALS = 3  # new tokens one request may wait for before it counts as refused


def authorized(method: Callable[..., Iterable[Any]]) -> Callable[..., Iterator[Any]]:
    """Repeat a request refused with 401 under a fresh token before `method` sees it: with
    the current one if it was sent with an older one, else after a renewal (a few times at
    most: a token refused again and again means the app lost access)."""

    @functools.wraps(method)
    def wrapper(self: RedditSpider, response: Response, **kwargs: Any) -> Iterator[Any]:
        if response.status != 401:
            yield from method(self, response, **kwargs)
        elif self.token and response.meta.get("token_generation") != self.token_generation:
            yield request_of(response).replace(dont_filter=True)  # signed again as it goes out
        elif response.meta.get("renewals", 0) < MAX_RENEWALS:
            yield from self.renew(request_of(response))
        else:
            yield from self.record_failure(request_of(response), "HTTP 401", 401)

    return wrapper


class RedditSpider(PlatformSpider):
    name = "reddit"

    def __init__(self, *args: Any, credentials: tuple[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._credentials = credentials
        self.token: str | None = None
        self.token_generation = 0  # how many tokens this run has had
        self.waiting: list[scrapy.Request] = []  # requests held while a token is renewed
        self.rules = [
            parse.BrandRules(
                brand_id=b.id, accounts=frozenset(b.handles(self.name)),
                subreddits=frozenset(b.platform_options(self.name).get("subreddits", ())),
                flairs=frozenset(f.lower() for f in b.platform_options(self.name).get(
                    "flairs", ())),
                moderators=bool(b.platform_options(self.name).get("moderators")))
            for b in self.config.brands if b.handles(self.name)]
        self.requested: set[str] = set()  # thread and subtree URLs asked for in this run

    # Authorisation -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self._credentials is None:
            options = self.platform_settings.options
            self.note(f"Reddit was not crawled: its API needs an app's client id and secret "
                      f"(set {options['client_id_env']} and {options['client_secret_env']}; "
                      "create a 'script' or 'web' app at https://www.reddit.com/prefs/apps).")
            return
        yield self.token_request()

    def token_request(self) -> scrapy.Request:
        """The app-only OAuth token (client credentials grant). The secret is never logged."""
        assert self._credentials is not None
        client_id, secret = self._credentials
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
        return scrapy.FormRequest(
            f"{self.platform_settings.options['auth_url'].rstrip('/')}/api/v1/access_token",
            formdata={"grant_type": "client_credentials"}, callback=self.on_token,
            errback=self.on_token_error, dont_filter=True,
            headers={"Authorization": f"Basic {basic}", "User-Agent": self.reddit_user_agent()},
            meta={"download_slot": self.name, "platform": self.name, "brand_id": None,
                  "handle_httpstatus_list": [400, 401, 403]})

    def on_token(self, response: Response) -> Iterator[Any]:
        first = self.token is None and not self.waiting
        try:
            data = json.loads(response.body)
        except ValueError:
            data = {}
        if response.status != 200 or not data.get("access_token"):
            yield from self.no_token(f"HTTP {response.status}", first)
            return
        self.token = str(data["access_token"])
        self.token_generation += 1
        waiting, self.waiting = self.waiting, []
        for request in waiting:
            yield request.replace(dont_filter=True)
        if first:
            for brand in self.starting_brands():
                for handle in brand.handles(self.name):
                    yield from self.start_account(brand, handle)
                for sub in brand.platform_options(self.name).get("subreddits", ()):
                    yield self.get(f"/r/{sub}/new", {"limit": PAGE}, self.on_subreddit, brand.id,
                                   cb_kwargs={"sub": sub, "page": 1})

    def on_token_error(self, failure: Failure) -> Iterator[Any]:
        first = self.token is None and not self.waiting
        yield from self.on_error(failure)
        yield from self.no_token(failure.getErrorMessage() or "network error", first)

    def no_token(self, why: str, first: bool) -> Iterator[Any]:
        """No token: before the crawl, nothing is crawled; during it, what waited for a new
        token is recorded as not fetched."""
        if first:
            self.note(f"Reddit refused the app credentials ({why}): Reddit was not crawled. "
                      "Check the client id and secret.")
        else:
            self.note(f"Reddit refused to renew the app's token ({why}): the requests waiting "
                      "for it are recorded as failures.")
        waiting, self.waiting = self.waiting, []
        for request in waiting:
            yield from self.record_failure(request, f"no token ({why})", 401)

    def renew(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """Hold `request` until a new token arrives (tokens expire after a day)."""
        renewals = request.meta.get("renewals", 0) + 1
        self.waiting.append(request.replace(meta={**request.meta, "renewals": renewals}))
        if len(self.waiting) == 1:
            yield self.token_request()

    def reddit_user_agent(self) -> str:
        """Reddit's required form, `<platform>:<app id>:<version> (by /u/<username>)`."""
        username = self.platform_settings.options["username"]
        contact = f"by /u/{username}" if username else self.settings.get("USER_AGENT")
        return f"python:replyaudit:{__version__} ({contact})"

    def authorize(self, request: scrapy.Request) -> None:
        """Sign `request` as it is sent (crawler.middlewares.SendTimeAuthMiddleware)."""
        request.headers["Authorization"] = f"bearer {self.token}"
        request.meta["token_generation"] = self.token_generation

    def get(self, path: str, params: dict[str, Any], callback: Callable[..., Any],
            brand_id: str | None, **kwargs: Any) -> scrapy.Request:
        query = urlencode({**params, "raw_json": 1})
        meta = {"handle_httpstatus_list": [401], "send_time_auth": True,
                **kwargs.pop("meta", {})}
        return self.api_request(f"{self.platform_settings.base_url}{path}?{query}", callback,
                                brand_id, meta=meta,
                                headers={"User-Agent": self.reddit_user_agent()}, **kwargs)

    # Brand accounts ------------------------------------------------------------------------

    def start_account(self, brand: Brand, handle: str) -> Iterable[scrapy.Request]:
        yield self.get(f"/user/{handle}/about", {}, self.on_about, brand.id,
                       cb_kwargs={"handle": handle}, meta={"account_handle": handle})

    @authorized
    @json_callback
    def on_about(self, response: Response, data: Any, handle: str) -> Iterator[Any]:
        account = parse.parse_about(data, self.now(), response.url, response.meta["brand_id"])
        if account is not None:
            yield account
        yield self.overview(handle, response.meta["brand_id"], None, 1)
        yield self.search(handle, response.meta["brand_id"], None, 1)

    def overview(self, handle: str, brand_id: str, after: str | None,
                 page: int) -> scrapy.Request:
        params: dict[str, Any] = {"sort": "new", "limit": PAGE}
        if after:
            params["after"] = after
        return self.get(f"/user/{handle}/overview", params, self.on_overview, brand_id,
                        cb_kwargs={"handle": handle, "page": page})

    @authorized
    @json_callback
    def on_overview(self, response: Response, data: Any, handle: str, page: int) -> Iterator[Any]:
        """The account's submissions and comments: each in the window brings its replies."""
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_listing(data, self.rules, self.now(), response.url, brand_id)
        for post, account in zip(parsed.posts, parsed.accounts, strict=True):
            if post.author_id != handle or not self.in_window(post):
                continue
            yield account
            yield post
            if post.parent_id is None:
                if self.incremental is None or self.wants(post):
                    yield from self.thread(post.post_id, brand_id)
            else:
                yield from self.replies_below(post, parsed.link_comments.get(post.post_id),
                                              brand_id)
        yield from self.next_page(parsed, page, f"u/{handle}",
                                  lambda after: self.overview(handle, brand_id, after, page + 1),
                                  self.paging_floor(handle))

    def wants(self, submission: Any) -> bool:
        """Read a submission's thread: it has comments and is new to the dataset, or (in an
        incremental run) its comment count changed since it was stored."""
        if self.incremental is None or not self.incremental.is_stored(submission.post_id):
            return bool(submission.reply_count)
        return self.incremental.grew(submission.post_id, submission.reply_count)

    def replies_below(self, comment: Any, link_comments: int | None,
                      brand_id: str) -> Iterator[scrapy.Request]:
        """The subtree below a brand account's comment. Incremental: in a thread already in
        the dataset, the whole thread when its comment count changed; elsewhere (an ancestor
        never stored, so no count to compare) the subtree when the comment is new, has a
        pending reply, or is young enough to be answered still."""
        plan, link = self.incremental, comment.root_id or ""
        if plan is None:
            yield from self.subtree(link, comment.post_id, brand_id)
        elif plan.is_stored(link) and link_comments is not None:
            if plan.grew(link, link_comments):
                yield from self.thread(link, brand_id)
        elif (plan.is_new(comment.created_at) or comment.post_id in plan.pending
              or comment.post_id in plan.young):
            yield from self.subtree(link, comment.post_id, brand_id)

    # Mentions ------------------------------------------------------------------------------

    def search(self, handle: str, brand_id: str, after: str | None, page: int) -> scrapy.Request:
        params: dict[str, Any] = {"q": f'"u/{handle}"', "sort": "new", "type": "link",
                                  "limit": PAGE}
        if after:
            params["after"] = after
        return self.get("/search", params, self.on_search, brand_id,
                        cb_kwargs={"handle": handle, "page": page})

    @authorized
    @json_callback
    def on_search(self, response: Response, data: Any, handle: str, page: int) -> Iterator[Any]:
        """Submissions that mention the account, with their threads. Search matches words
        loosely, so only a real `u/<handle>` in the text counts."""
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("audit/mentions/searched", 1)
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_listing(data, self.rules, self.now(), response.url, brand_id)
        for post, account in zip(parsed.posts, parsed.accounts, strict=True):
            if not self.in_window(post):
                continue
            if handle not in post.mentions:
                self.crawler.stats.inc_value("audit/mentions/not_a_mention")
                continue
            yield account
            yield post
            if self.wants(post):
                yield from self.thread(post.post_id, brand_id)
        yield from self.next_page(parsed, page, f"the search for u/{handle}",
                                  lambda after: self.search(handle, brand_id, after, page + 1))

    # Subreddits ----------------------------------------------------------------------------

    @authorized
    @json_callback
    def on_subreddit(self, response: Response, data: Any, sub: str, page: int) -> Iterator[Any]:
        """Newest submissions first; each in the window is addressed to the brand."""
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_listing(data, self.rules, self.now(), response.url, brand_id)
        for post, account in zip(parsed.posts, parsed.accounts, strict=True):
            if not self.in_window(post):
                continue
            yield account
            yield post
            if self.wants(post):
                yield from self.thread(post.post_id, brand_id)
        yield from self.next_page(parsed, page, f"r/{sub}", lambda after: self.get(
            f"/r/{sub}/new", {"limit": PAGE, "after": after}, self.on_subreddit, brand_id,
            cb_kwargs={"sub": sub, "page": page + 1}))

    def next_page(self, parsed: parse.Parsed, page: int, what: str,
                  request: Callable[[str], scrapy.Request],
                  floor: datetime | None = None) -> Iterator[scrapy.Request]:
        """The next (older) page while the window (or `floor`) goes on and the page budget
        lasts."""
        oldest = parsed.oldest
        if not parsed.after or oldest is None or oldest < (floor or self.window_start):
            return
        if page < self.config.max_pages_per_account:
            yield request(parsed.after)
        else:
            self.note(f"Reddit: stopped after {page} pages of {what} "
                      "(crawl.max_pages_per_account); older posts in the window are missing.")

    def in_window(self, post: Any) -> bool:
        return post.created_at >= self.window_start and (
            self.window_end is None or post.created_at < self.window_end)

    # Comment trees -------------------------------------------------------------------------

    def comments_params(self) -> dict[str, Any]:
        return {"limit": self.platform_settings.options["comment_limit"], "depth": DEPTH,
                "sort": "old"}

    def thread(self, link: str, brand_id: str | None) -> Iterator[scrapy.Request]:
        """A submission with its whole comment tree, once per run."""
        path = f"/comments/{link.removeprefix('t3_')}"
        if path not in self.requested:
            self.requested.add(path)
            yield self.get(path, self.comments_params(), self.on_comments, brand_id,
                           cb_kwargs={"with_submission": True}, thread_post_id=link)

    def subtree(self, link: str, comment: str, brand_id: str | None) -> Iterator[scrapy.Request]:
        """A comment with every reply below it (not its submission or ancestors)."""
        path = f"/comments/{link.removeprefix('t3_')}/_/{comment.removeprefix('t1_')}"
        if path not in self.requested:
            self.requested.add(path)
            yield self.get(path, self.comments_params(), self.on_comments, brand_id,
                           cb_kwargs={"with_submission": False}, thread_post_id=comment)

    @authorized
    @json_callback
    def on_comments(self, response: Response, data: Any, with_submission: bool) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_comments(data, self.rules, self.now(), response.url, brand_id,
                                      with_submission)
        yield from self.emit(parsed, brand_id)

    @authorized
    @json_callback
    def on_more(self, response: Response, data: Any, link_id: str) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_more_children(data, link_id, self.rules, self.now(), response.url,
                                           brand_id)
        yield from self.emit(parsed, brand_id)

    def emit(self, parsed: parse.Parsed, brand_id: str | None) -> Iterator[Any]:
        """The posts and their authors, then requests for whatever the tree left out."""
        yield from parsed.accounts
        yield from parsed.posts
        for stub in parsed.more:
            if stub.continues_thread:
                yield from self.subtree(stub.link_id, stub.parent_id, brand_id)
                continue
            for i in range(0, len(stub.children), MORE_CHILDREN):
                ids = stub.children[i:i + MORE_CHILDREN]
                yield self.get("/api/morechildren",
                               {"api_type": "json", "link_id": stub.link_id,
                                "children": ",".join(ids), "limit_children": "false"},
                               self.on_more, brand_id, cb_kwargs={"link_id": stub.link_id},
                               thread_post_id=stub.parent_id)
