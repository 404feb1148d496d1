"""Mastodon: account lookup, statuses, reply contexts and (with a token) mention search.

Each account is read from its own instance, or from `base_url` when set. An access token is
only ever sent to one host: `base_url` when set, otherwise `token_instance`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import scrapy

from crawler.parsers import mastodon as parse
from crawler.spiders.base import PlatformSpider, json_callback

if TYPE_CHECKING:
    from scrapy.http import Response

    from benchmarks.config import Brand

PAGE = 40  # the largest page Mastodon serves


class MastodonSpider(PlatformSpider):
    name = "mastodon"

    def __init__(self, *args: Any, access_token: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = self.platform_settings.options
        self._token = access_token
        base = self.platform_settings.base_url
        self.token_host = base or (f"https://{options['token_instance']}"
                                   if options["token_instance"] else "")
        self.domains: dict[str, str] = {}  # host -> the instance's domain
        self.waiting: dict[str, list[tuple[Brand, str]]] = {}  # host -> accounts to look up
        self.known: dict[str, dict[str, str]] = {}  # host -> local status id -> uri
        self.contexts_requested: set[tuple[str, str]] = set()

    def host_for(self, handle: str) -> str:
        return self.platform_settings.base_url or f"https://{handle.split('@')[1]}"

    def get(self, url: str, callback: Any, brand_id: str | None, **kwargs: Any) -> scrapy.Request:
        """A GET that carries the token only when it goes to the token's own host."""
        host = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        if self._token and host == self.token_host:
            kwargs["headers"] = {"Authorization": f"Bearer {self._token}"}
        return self.api_request(url, callback, brand_id, **kwargs)

    def start_account(self, brand: Brand, handle: str) -> Iterable[scrapy.Request]:
        host = self.host_for(handle)
        if host in self.domains:
            yield self.lookup(host, brand, handle)
            return
        self.waiting.setdefault(host, []).append((brand, handle))
        if len(self.waiting[host]) == 1:
            yield self.get(f"{host}/api/v2/instance", self.on_instance, None,
                           cb_kwargs={"host": host})

    @json_callback
    def on_instance(self, response: Response, data: Any, host: str) -> Iterator[Any]:
        self.domains[host] = str(data.get("domain") or urlsplit(host).hostname).lower()
        for brand, handle in self.waiting.pop(host, []):
            yield self.lookup(host, brand, handle)

    def lookup(self, host: str, brand: Brand, handle: str) -> scrapy.Request:
        return self.get(f"{host}/api/v1/accounts/lookup?{urlencode({'acct': handle})}",
                        self.on_account, brand.id, cb_kwargs={"host": host, "handle": handle},
                        meta={"account_handle": handle})

    @json_callback
    def on_account(self, response: Response, data: Any, host: str, handle: str) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        account = parse.parse_account(data, self.domains[host], self.now(), response.url,
                                      brand_id)
        yield account
        yield self.statuses(host, data["id"], brand_id, account.account_id)
        if self._token and host == self.token_host:
            yield self.search(host, brand_id, account.account_id)
        else:
            self.skip_mentions()

    def statuses(self, host: str, account_id: str, brand_id: str, acct: str,
                 max_id: str | None = None, page: int = 1) -> scrapy.Request:
        params = {"limit": PAGE, "exclude_reblogs": "true"}
        if max_id:
            params["max_id"] = max_id
        return self.get(f"{host}/api/v1/accounts/{account_id}/statuses?{urlencode(params)}",
                        self.on_statuses, brand_id,
                        cb_kwargs={"host": host, "account_id": account_id, "acct": acct,
                                   "page": page})

    @json_callback
    def on_statuses(self, response: Response, data: Any, host: str, account_id: str, acct: str,
                    page: int) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_statuses(data, self.domains[host], self.known.get(host, {}),
                                      self.now(), response.url, brand_id)
        self.known.setdefault(host, {}).update(parsed.ids)
        own = [p for p in parsed.posts if p.author_id == acct and p.created_at >= self.window_start]
        yield from self.emit(host, parsed, own, brand_id, data)
        link = parse.next_page((response.headers.get("Link") or b"").decode("latin-1"))
        oldest = parsed.oldest
        if link and oldest is not None and oldest >= self.paging_floor(acct):
            if page < self.config.max_pages_per_account:
                # Build the next URL ourselves: only max_id is taken from the server's link.
                max_id = parse_qs(urlsplit(link).query).get("max_id", [None])[0]
                if max_id:
                    yield self.statuses(host, account_id, brand_id, acct, max_id, page + 1)
            else:
                self.note(f"Mastodon: stopped after {page} pages of {acct}'s statuses "
                          "(crawl.max_pages_per_account); older posts in the window are missing.")

    def emit(self, host: str, parsed: parse.Parsed, posts: list[Any], brand_id: str | None,
             statuses: list[dict[str, Any]]) -> Iterator[Any]:
        """The posts, their authors, and the context below each post that has replies."""
        authors = {p.author_id for p in posts}
        yield from (a for a in parsed.accounts if a.account_id in authors)
        raw = {s.get("uri"): s for s in statuses}
        for post in posts:
            yield post
            if self.wants_thread(post):
                yield from self.context(host, raw[post.post_id], brand_id)

    def context(self, host: str, status: dict[str, Any], brand_id: str | None,
                ) -> Iterator[scrapy.Request]:
        """The replies below `status`, once per run."""
        if (host, status["id"]) not in self.contexts_requested:
            self.contexts_requested.add((host, status["id"]))
            yield self.get(f"{host}/api/v1/statuses/{status['id']}/context", self.on_context,
                           brand_id, cb_kwargs={"host": host, "status": status},
                           thread_post_id=status.get("uri"))

    @json_callback
    def on_context(self, response: Response, data: Any, host: str,
                   status: dict[str, Any]) -> Iterator[Any]:
        brand_id = response.meta["brand_id"]
        parsed = parse.parse_context(data, status, self.domains[host], self.known.get(host, {}),
                                     self.now(), response.url, brand_id)
        self.known.setdefault(host, {}).update(parsed.ids)
        yield from (a for a in parsed.accounts)
        yield from parsed.posts
        by_id = {s["id"]: s for s in data.get("descendants") or [] if s.get("id")}
        for cut in parsed.cut:
            yield from self.context(host, by_id[cut], brand_id)
        if parsed.root_truncated:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("audit/threads/truncated")
            self.note("Some Mastodon threads have more replies than the 60 a server shows "
                      "without login; replies beyond them are missing. Set "
                      f"{self.platform_settings.options['access_token_env']} to lift the cap.")

    # Mentions ------------------------------------------------------------------------------

    def search(self, host: str, brand_id: str, acct: str, offset: int = 0) -> scrapy.Request:
        params = {"q": f"@{acct}", "type": "statuses", "resolve": "false", "limit": PAGE,
                  "offset": offset}
        return self.get(f"{host}/api/v2/search?{urlencode(params)}", self.on_search, brand_id,
                        cb_kwargs={"host": host, "acct": acct, "offset": offset},
                        meta={"handle_httpstatus_list": [401, 403]})

    @json_callback
    def on_search(self, response: Response, data: Any, host: str, acct: str,
                  offset: int) -> Iterator[Any]:
        assert self.crawler.stats is not None
        if response.status in (401, 403):
            self.skip_mentions(f"refused (HTTP {response.status})")
            return
        self.crawler.stats.set_value("audit/mentions/searched", 1)
        brand_id = response.meta["brand_id"]
        statuses = data.get("statuses") or []
        parsed = parse.parse_statuses(statuses, self.domains[host], self.known.get(host, {}),
                                      self.now(), response.url, brand_id)
        self.known.setdefault(host, {}).update(parsed.ids)
        in_window = [p for p in parsed.posts if p.created_at >= self.window_start
                     and (self.window_end is None or p.created_at < self.window_end)]
        mentions = [p for p in in_window if acct in p.mentions]
        self.crawler.stats.inc_value("audit/mentions/not_a_mention",
                                     len(in_window) - len(mentions))
        yield from self.emit(host, parsed, mentions, brand_id, statuses)
        oldest = parsed.oldest
        if len(statuses) == PAGE and oldest is not None and oldest >= self.paging_floor(None):
            yield self.search(host, brand_id, acct, offset + PAGE)

    def skip_mentions(self, why: str = "needs an access token") -> None:
        assert self.crawler.stats is not None
        if self.crawler.stats.get_value("audit/mentions/searched"):
            return
        self.crawler.stats.set_value("audit/mentions/skipped", 1)
        env = self.platform_settings.options["access_token_env"]
        self.note(f"Mastodon mention search {why}: customer posts that only mention a brand "
                  f"are not counted on Mastodon. Set {env} (and token_instance) to include them.")
