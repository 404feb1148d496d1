"""The simulator's HTTP server: routing, fault injection, sessions, request log.

Platform modules register routes (`Route`) that turn a `SimRequest` into a `SimResponse`;
this module knows nothing of any platform's shapes. It binds to 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.simulator.world import World


@dataclass
class SimRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    match: re.Match[str]
    server: SimServer

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name: str, default: int, maximum: int) -> int:
        try:
            return max(1, min(int(self.arg(name) or default), maximum))
        except ValueError:
            return default

    @property
    def bearer(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None


@dataclass
class SimResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


Handler = Callable[[SimRequest], SimResponse]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: Handler
    platform: str


@dataclass(frozen=True)
class RateWindow:
    """One request counted against a fixed-window budget, as the platforms' limits work."""

    limit: int
    seconds: int
    used: int  # requests in this window, this one included
    resets_at: int  # epoch seconds when the window ends

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def retry_after(self) -> int:
        """Whole seconds until the window ends, at least 1 (a `Retry-After` value)."""
        return max(1, self.resets_at - int(time.time()))


@dataclass(frozen=True)
class Faults:
    """Which answers go wrong. Rates are the share of distinct URLs whose first attempt fails."""

    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_bad_json: float = 0.0
    always_fail: tuple[str, ...] = ()  # URL substrings answered 500 every time
    freeze_after: int | None = None  # after this many requests, stop answering (SimServer.freeze)

    @classmethod
    def parse(cls, spec: str) -> Faults:
        """'429=0.1,500=0.05,badjson=0.05,fail=<substring>,freeze=<requests>' (each part
        optional)."""
        rates: dict[str, float] = {}
        always: list[str] = []
        freeze = None
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, _, value = part.partition("=")
            if key == "fail":
                always.append(value)
            elif key in ("429", "500", "badjson"):
                rates[key] = float(value)
            elif key == "freeze":
                freeze = int(value)
            else:
                raise ValueError(f"unknown fault {key!r}: use 429=, 500=, badjson=, fail= or "
                                 "freeze=")
        return cls(rates.get("429", 0.0), rates.get("500", 0.0), rates.get("badjson", 0.0),
                   tuple(always), freeze)


class SimServer:
    """A running simulator: `base_url`, the world it serves, and what it was asked."""

    def __init__(self, world: World, routes: list[Route], faults: Faults | None = None,
                 port: int = 0, credentials: dict[str, tuple[str, str]] | None = None,
                 session_seconds: float = 7200.0, request_log_path: str | None = None) -> None:
        self.world = world
        self.routes = [(r, re.compile(r.pattern)) for r in routes]
        self.faults = faults or Faults()
        self.credentials = credentials or {}
        self.session_seconds = session_seconds
        self.sessions: dict[str, tuple[str, float]] = {}  # token -> (kind, expires)
        self.attempts: Counter[str] = Counter()
        self.request_log: list[tuple[str, str, int]] = []
        # One JSON line per answered request (time, platform, path, status) when a path is
        # given: how tests and benchmarks check rates from outside the crawl.
        self._log_file = (open(request_log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
                          if request_log_path else None)
        self.state: dict[str, Any] = {}  # per-platform scratch space (rate-limit counters, …)
        self._lock = threading.Lock()
        self._answering = threading.Event()  # cleared: the server is frozen
        self._answering.set()
        self._served = 0
        self._stopping = False
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    def count_request(self, platform: str, default: tuple[int, int],
                      bucket: str = "") -> RateWindow:
        """Count a request against `platform`'s budget of `default` = (requests, seconds), or
        the one a test set in state["rate_limits"]; `bucket` separates per-endpoint budgets."""
        limit, seconds = self.state.get("rate_limits", {}).get(platform, default)
        window = int(time.time()) // seconds
        key = f"rate:{platform}:{bucket}:{window}"
        with self._lock:
            used = self.state[key] = self.state.get(key, 0) + 1
        return RateWindow(limit, seconds, used, (window + 1) * seconds)

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """A value built once per server from its world, such as a platform's index of ids:
        the world never changes while it is served."""
        with self._lock:
            if name not in self.state:
                self.state[name] = build()
            return self.state[name]

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SimServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def freeze(self) -> None:
        """Stop answering: every request is held, its connection open and silent, until
        `thaw` (or `stop`), as a stalled server does."""
        self._answering.clear()

    def thaw(self) -> None:
        """Answer again, the held requests first."""
        self._answering.set()

    @property
    def frozen(self) -> bool:
        return not self._answering.is_set()

    def _hold_while_frozen(self) -> bool:
        """Hold the request while frozen; False when the server stopped meanwhile."""
        with self._lock:
            self._served += 1
            served = self._served
        if self.faults.freeze_after is not None and served == self.faults.freeze_after + 1:
            self.freeze()
        self._answering.wait()
        return not self._stopping

    def stop(self) -> None:
        self._stopping = True
        self.thaw()  # release held requests so their threads end, unanswered
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._log_file is not None:
            self._log_file.close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Sessions ------------------------------------------------------------------------------

    def issue_token(self, kind: str, seconds: float | None = None) -> str:
        token = f"sim-{kind}-{secrets.token_hex(12)}"
        with self._lock:
            self.sessions[token] = (kind, time.time() + (seconds or self.session_seconds))
        return token

    def token_status(self, token: str | None, kind: str) -> str:
        """'valid', 'expired' or 'invalid' for a bearer token of the given kind."""
        if not token or token not in self.sessions:
            return "invalid"
        token_kind, expires = self.sessions[token]
        if token_kind != kind:
            return "invalid"
        return "valid" if time.time() < expires else "expired"

    def count(self, platform: str, status_prefix: str = "") -> int:
        return sum(1 for p, _, s in self.request_log if p == platform
                   and str(s).startswith(status_prefix))

    # Dispatch ------------------------------------------------------------------------------

    def dispatch(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[
            str, SimResponse]:
        parts = urlsplit(target)
        if parts.path == "/robots.txt":
            # Tests may set their own rules (state["robots_txt"]) to check that they are obeyed.
            rules = self.state.get("robots_txt", "User-agent: *\nAllow: /\n")
            raw = rules.encode() if isinstance(rules, str) else rules
            return "-", SimResponse(raw=raw, headers={"Content-Type": "text/plain"})
        for route, regex in self.routes:
            match = regex.fullmatch(parts.path)
            if route.method != method or match is None:
                continue
            fault = self._fault(method, target)
            if fault is not None:
                return route.platform, fault
            try:
                payload = json.loads(body) if body else None
            except ValueError:
                if "x-www-form-urlencoded" not in headers.get("content-type", ""):
                    return route.platform, SimResponse(400, {"error": "InvalidRequest",
                                                             "message": "body is not JSON"})
                # A form (OAuth token requests): its fields, one value each.
                payload = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
            request = SimRequest(method, parts.path, parse_qs(parts.query), headers, payload,
                                 match, self)
            return route.platform, route.handler(request)
        return "-", SimResponse(404, {"error": "NotFound", "message": f"no route {parts.path}"})

    def _fault(self, method: str, target: str) -> SimResponse | None:
        if any(s in target for s in self.faults.always_fail):
            return SimResponse(500, {"error": "InternalServerError", "message": "simulated"})
        with self._lock:
            self.attempts[target] += 1
            first = self.attempts[target] == 1
        if not first or method != "GET":
            return None
        roll = int(hashlib.sha256(target.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        if roll < self.faults.rate_429:
            return SimResponse(429, {"error": "RateLimitExceeded", "message": "slow down"},
                               headers={"Retry-After": "1"})
        roll -= self.faults.rate_429
        if 0 <= roll < self.faults.rate_500:
            return SimResponse(500, {"error": "InternalServerError", "message": "simulated"})
        roll -= self.faults.rate_500
        if 0 <= roll < self.faults.rate_bad_json:
            return SimResponse(raw=b'{"feed": [{"post": ', headers={
                "Content-Type": "application/json"})
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                arrived = time.time()
                if not server._hold_while_frozen():
                    self.close_connection = True
                    return
                platform, response = server.dispatch(self.command, self.path, headers, body)
                with server._lock:
                    server.request_log.append((platform, self.path, response.status))
                    if server._log_file is not None:
                        server._log_file.write(json.dumps({
                            "time": round(arrived, 6), "platform": platform,
                            "path": self.path, "status": response.status}) + "\n")
                raw = response.raw
                if raw is None:
                    raw = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
                self.send_response(response.status)
                response.headers.setdefault("Content-Type", "application/json; charset=utf-8")
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass  # the request log is kept in memory; stderr stays quiet

        return _Handler
