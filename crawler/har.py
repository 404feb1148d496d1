"""`replyaudit import har`: the X web app's GraphQL responses in a browser's saved HAR file,
loaded into the dataset as one recorded run.

A consultant who may look at X in their own browser can save what it loaded (developer tools,
Network, "Save all as HAR") and import it: every response from x.com or twitter.com whose path
is `/i/api/graphql/<query id>/<Operation>` goes through the same pure parser the browser
spider uses (`crawler/parsers/x.py`). Nothing is fetched. Re-importing the same file adds a
run row and no post twice. See docs/platforms.md, "X (Twitter)".
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import store
from benchmarks.config import AuditConfig
from benchmarks.derived import derive
from benchmarks.errors import ReplyauditError
from benchmarks.recorder import RunWindow, recording
from benchmarks.run_stats import ItemCounts, PlatformStats
from crawler.items import Account, Post
from crawler.parsers import x as parse
from crawler.parsers.common import parse_timestamp

X_HOSTS = ("x.com", "twitter.com")


class HarError(ReplyauditError):
    """A file that is not a readable HAR; the message names the file and what was expected."""

    usage = True


@dataclass(frozen=True)
class HarResponse:
    url: str
    status: int
    started_at: datetime | None
    text: str | None  # None when the browser saved no body (or an undecodable one)


@dataclass
class HarContents:
    """What the X GraphQL responses in one HAR file hold, merged."""

    posts: dict[str, Post] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    operations: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0
    other_entries: int = 0
    captured_at: datetime | None = None  # when the last X response was loaded


def graphql_operation(url: str, hosts: tuple[str, ...] = X_HOSTS) -> str | None:
    """'TweetDetail' for https://x.com/i/api/graphql/<query id>/TweetDetail?…; None for any
    other URL (other hosts, other X calls)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not any(host == h or host.endswith(f".{h}") for h in hosts):
        return None
    segments = parts.path.strip("/").split("/")
    if "graphql" not in segments or segments[-1] == "graphql":
        return None
    return segments[-1]


def read_har(path: Path) -> list[HarResponse]:
    """Every entry of a HAR 1.2 file (log.entries[].request.url / response.content.text,
    base64 when `content.encoding` says so)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise HarError(f"{path}: not found") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise HarError(f"{path}: expected a HAR file (JSON), got unreadable content: {e}") from None
    entries = (document.get("log") or {}).get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: log.entries: expected the list of a HAR file's requests")
    found = []
    for entry in entries:
        request = entry.get("request") or {}
        response = entry.get("response") or {}
        content = response.get("content") or {}
        found.append(HarResponse(
            url=str(request.get("url") or ""),
            status=int(response.get("status") or 0),
            started_at=parse_timestamp(entry.get("startedDateTime")),
            text=_body(content),
        ))
    return found


def _body(content: dict[str, Any]) -> str | None:
    text = content.get("text")
    if not isinstance(text, str):
        return None
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return text


def parse_har(path: Path, now: datetime, hosts: tuple[str, ...] = X_HOSTS) -> HarContents:
    """Parse every X GraphQL response in the file; items are stamped with the time their
    response was loaded (`now` when the HAR does not say)."""
    contents = HarContents()
    for response in read_har(path):
        operation = graphql_operation(response.url, hosts)
        if operation is None:
            contents.other_entries += 1
            continue
        contents.operations[operation] += 1
        contents.statuses[str(response.status)] += 1
        loaded_at = response.started_at or now
        try:
            data = json.loads(response.text) if response.text is not None else None
        except ValueError:
            data = None
        if response.status != 200 or not isinstance(data, dict):
            contents.unreadable += 1
            continue
        if contents.captured_at is None or loaded_at > contents.captured_at:
            contents.captured_at = loaded_at
        parsed = parse.parse_graphql(data, loaded_at, response.url)
        contents.skipped.update(parsed.skipped)
        for post in parsed.posts:
            contents.posts[post.post_id] = _newer(contents.posts.get(post.post_id), post)
        for account in parsed.accounts:
            known = contents.accounts.get(account.account_id)
            if known is None or account.followers is not None:
                contents.accounts[account.account_id] = _newer(known, account)
    return contents


def _newer(old: Any, new: Any) -> Any:
    return new if old is None or new.fetched_at >= old.fetched_at else old


@dataclass(frozen=True)
class ImportResult:
    run_id: int
    status: str  # finished | partial (some X responses were unreadable)
    stats: dict[str, Any]  # runs.stats as stored: RunStats.as_dict()


def import_har(path: Path, config: AuditConfig, db: Path | None = None,
               now: datetime | None = None) -> ImportResult:
    """Load the file into `db` (default: the config's) as one run judged at the moment the
    HAR was captured (or the config's `as_of`), with the config's brands and window."""
    if not any(b.handles("x") for b in config.brands):
        raise HarError(f"{config.path}: brands[].x: expected the brands' X screen names "
                       "(e.g. x = [\"AcmeAir\"]): without them no post can be judged")
    now = now or datetime.now(UTC)
    # x.com and twitter.com, and the host of the config's web_url (the simulator's, in tests)
    web_host = (urlsplit(config.platforms["x"].options["web_url"]).hostname or "").lower()
    contents = parse_har(path, now, (*X_HOSTS, web_host))
    brand_of = {h.lower(): b.id for b in config.brands for h in b.handles("x")}
    notes = _notes(path, contents, brand_of)
    found_handles = set()
    for account in contents.accounts.values():
        brand_id = brand_of.get((account.handle or "").lower())
        if brand_id:
            account.brand_id = brand_id
            found_handles.add((account.handle or "").lower())
    for handle, brand_id in sorted(brand_of.items()):
        if handle not in found_handles:
            notes.append(f"X account @{handle} ({config.brand(brand_id).name}) is not in "
                         f"{path.name}: its posts and answers are missing, so its customers' "
                         "posts may look ignored. Open its profile and replies before saving.")
    captured = contents.captured_at or now
    window = RunWindow.from_config(config, config.as_of or captured)
    posts = _sample(contents, window.window_start, window.window_end)
    outside = len(contents.posts) - len(posts)
    if outside:
        notes.append(f"{outside} X posts in {path.name} are outside the sample (outside the "
                     "window, or above a brand post or mention rather than below it) and were "
                     "not stored: a customer post reached only through its answer would "
                     "inflate the response rate.")
    authors = {p.author_id for p in posts}
    accounts = [a for a in contents.accounts.values() if a.brand_id or a.account_id in authors]
    con = store.connect(db or config.db)
    try:
        store.check_x_source(con, "x")
        with recording(con, window, [(b.id, b.name) for b in config.brands], now,
                       config.business_hours()) as run:
            with run.batch():
                run.upsert_accounts(accounts)
                run.upsert_posts(posts)
                run.mark_brand_posts(parse.PLATFORM)
            run.stats.platforms[parse.PLATFORM] = PlatformStats(
                source=f"HAR file {path.name}",
                requests=sum(contents.operations.values()),
                responses=dict(sorted(contents.statuses.items())),
                operations=dict(sorted(contents.operations.items())),
                items=ItemCounts(posts=len(posts), accounts=len(accounts)),
                skipped=dict(sorted((contents.skipped | {"outside_sample": outside}).items())),
                failures=contents.unreadable,  # any makes the run partial
                mentions="searched" if contents.operations["SearchTimeline"] else "skipped",
                notes=notes,
            )
        derive(con)  # post classes, reply kinds, hand-offs: as after a crawl
    finally:
        con.close()
    return ImportResult(run.run_id, run.stats.status, run.stats.as_dict())


def _sample(contents: HarContents, start: datetime, end: datetime | None) -> list[Post]:
    """The sample frame every X collection follows (docs/methodology.md, "What is
    crawled"): brand posts in the window and customer posts in the window that mention a
    brand, with the reply trees below them; never what lies above them."""
    brands = {a.account_id for a in contents.accounts.values() if a.brand_id}

    def is_anchor(post: Post) -> bool:
        return parse.is_anchor(post, brands, start, end)

    return parse.in_anchored_subtrees(list(contents.posts.values()), is_anchor, set())


def _notes(path: Path, contents: HarContents, brand_of: dict[str, str]) -> list[str]:
    notes = []
    if not contents.operations:
        notes.append(f"{path.name} holds no X GraphQL responses: nothing was imported. Save "
                     "the HAR while x.com is open in the browser's developer tools.")
    if contents.unreadable:
        notes.append(f"{contents.unreadable} X responses in {path.name} had no readable JSON "
                     "body (an error answer, or a body the browser did not save).")
    if contents.operations and not contents.operations["SearchTimeline"]:
        notes.append("No X search results in the HAR file: customer posts that only mention "
                     "a brand are counted only where a thread that was opened shows them. "
                     "Search for '@handle' on x.com before saving to include them.")
    return notes
