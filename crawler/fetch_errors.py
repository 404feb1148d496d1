"""What a failed request says about its cause, in words a person acts on.

A spider's errback gets either an HTTP answer (HttpError: the platform answered, so the
network works and the request itself was refused) or a network failure (nothing answered:
the connection was refused, the name did not resolve, the request timed out). Only a 404 or
410 for an account lookup points at the handle in the config; a network failure points at
the network or the platform's `base_url`. See docs/config.md, "When a run fetches nothing".
"""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from twisted.internet import error
from twisted.web._newclient import ResponseFailed


def _scrapy(name: str) -> tuple[type[BaseException], ...]:
    """Scrapy's own download exception `name`: Scrapy 2.14+ wraps Twisted's in these."""
    found = getattr(scrapy_errors, name, None)
    return (found,) if isinstance(found, type) else ()


# Most specific first: ConnectionRefusedError and DNSLookupError are ConnectErrors too.
NETWORK_FAILURES: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str],
                        ...] = (
    ((*_scrapy("DownloadConnectionRefusedError"), error.ConnectionRefusedError),
     "connection refused"),
    ((*_scrapy("CannotResolveHostError"), error.DNSLookupError), "DNS lookup failed"),
    ((*_scrapy("DownloadTimeoutError"),), "timed out"),
    (error.DNSLookupError, "DNS lookup failed"),
    (error.TCPTimedOutError, "connection timed out"),
    (error.TimeoutError, "timed out"),
    (error.NoRouteError, "no route to host"),
    (error.ConnectionLost, "connection lost"),
    ((*_scrapy("ResponseDataLossError"), *_scrapy("DownloadFailedError"), ResponseFailed),
     "connection closed before an answer"),
    (error.ConnectError, "could not connect"),
)


def network_failure(exception: BaseException) -> str | None:
    """'connection refused', 'DNS lookup failed', 'timed out', …: what kept the request from
    getting any answer; None when the failure is not a network one (e.g. an HTTP status).
    The exceptions it was raised from are looked at too."""
    seen: BaseException | None = exception
    while seen is not None:
        for kind, words in NETWORK_FAILURES:
            if isinstance(seen, kind):
                return words
        seen = seen.__cause__
    return None


def account_lookup_advice(status: int | None) -> str:
    """What to check when an account lookup got HTTP `status`."""
    if status in (404, 410):
        return "check the handle in the config"
    if status in (401, 403):
        return "check the platform's credentials or token"
    if status == 429:
        return "the platform's rate limit was spent; run again later"
    return "the platform answered with an error; try again later"
