"""The HTML report over a hand-built dataset: numbers, order, escaping, self-containment.

The dataset is written with `benchmarks.store` like a crawl would, with hostile text where a
stranger controls it (post text, handle, display name, URL, failure reason).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from benchmarks import queries, store
from benchmarks.config import AuditConfig, parse_config
from benchmarks.errors import NoCrawlYet
from benchmarks.recorder import RunWindow, recording
from benchmarks.run_stats import RunStats
from reports.context import build_context
from reports.filters import count, duration, interval, percent
from reports.render import render_html, render_report

AS_OF = datetime(2026, 10, 10, tzinfo=UTC)
T0 = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
GENERATED = datetime(2026, 10, 10, 8, 30, tzinfo=UTC)
HOSTILE_TEXT = '<script>alert("x")</script><img src=x onerror=alert(1)>{{ 7*7 }} & "quotes"'
HOSTILE_HANDLE = "evil<script>alert(2)</script>.bsky.social"
HOSTILE_NAME = '"><img src=x onerror=alert(3)>'

RAW_CONFIG: dict[str, Any] = {
    "audit": {"name": "Airlines, October", "client": "acme", "since": "2026-10-01",
              "until": "2026-10-09", "sla_minutes": 60, "ignore_after_hours": 72,
              "as_of": "2026-10-10T00:00:00Z"},
    "brands": [
        {"id": "globex", "name": "Globex Airways", "bluesky": ["globex.com"]},
        {"id": "acme", "name": "Acme Air", "bluesky": ["acmeair.bsky.social"],
         "mastodon": ["acmeair@mastodon.social"]},
        {"id": "initech", "name": "Initech Wings", "bluesky": ["initech.bsky.social"],
         "mastodon": ["initech@mastodon.social"]},
    ],
}

ACCOUNTS = [
    # platform, account_id, handle, display_name, followers, brand
    ("bluesky", "did:plc:acme", "acmeair.bsky.social", "Acme Air", 80_000, "acme"),
    ("bluesky", "did:plc:globex", "globex.com", "Globex", 120_000, "globex"),
    ("bluesky", "did:plc:initech", "initech.bsky.social", "Initech", 5_000, "initech"),
    ("mastodon", "acmeair@mastodon.social", "acmeair@mastodon.social", "Acme", 900, "acme"),
    ("mastodon", "initech@mastodon.social", "initech@mastodon.social", "Initech", 40, "initech"),
    ("bluesky", "did:plc:evil", HOSTILE_HANDLE, HOSTILE_NAME, 50_000, None),
    ("bluesky", "did:plc:c1", "ana.bsky.social", "Ana", 300, None),
    ("bluesky", "did:plc:c2", "ben.bsky.social", "Ben", 12_000, None),
    ("bluesky", "did:plc:c3", "cho.bsky.social", "Cho", 900, None),
    ("bluesky", "did:plc:c4", "dee.bsky.social", None, None, None),
    ("bluesky", "did:plc:c5", "eli.bsky.social", "Eli", 75, None),
    ("mastodon", "max@example.social", "max@example.social", "Max", 10, None),
]

# platform, post_id, author, created_at, parent, text, url (None: a bsky.app link)
POSTS: list[tuple[str, str, str, datetime, str | None, str, str | None]] = [
    ("bluesky", "acme-1", "did:plc:acme", T0, None, "Our autumn schedule is out", None),
    ("bluesky", "r-on-time", "did:plc:c1", T0 + timedelta(minutes=10), "acme-1", "Bag?", None),
    ("bluesky", "a-on-time", "did:plc:acme", T0 + timedelta(minutes=30), "r-on-time", "DM", None),
    ("bluesky", "r-late", "did:plc:c2", T0 + timedelta(minutes=20), "acme-1", "Refund?", None),
    ("bluesky", "a-late", "did:plc:acme", T0 + timedelta(hours=5), "r-late", "Sorry!", None),
    ("bluesky", "r-hostile", "did:plc:evil", T0 + timedelta(hours=1), "acme-1", HOSTILE_TEXT,
     None),
    ("bluesky", "r-ignored-cho", "did:plc:c3", T0 + timedelta(hours=2), "acme-1",
     "word " * 100, "javascript:alert(4)"),
    ("bluesky", "r-ignored-dee", "did:plc:c4", T0 + timedelta(hours=3), "acme-1", "Hello?", None),
    ("bluesky", "r-ignored-ben", "did:plc:c2", T0 + timedelta(hours=4), "acme-1", "Still?", None),
    ("bluesky", "r-pending", "did:plc:c5", datetime(2026, 10, 9, 12, tzinfo=UTC), "acme-1",
     "Anyone there?", None),
    ("bluesky", "globex-1", "did:plc:globex", T0, None, "Fly with us", None),
    *[("bluesky", f"g-r{i}", f"did:plc:c{i}", T0 + timedelta(minutes=i), "globex-1", "Q", None)
      for i in range(1, 5)],
    *[("bluesky", f"g-a{i}", "did:plc:globex", T0 + timedelta(minutes=20 + i), f"g-r{i}", "A",
       None) for i in range(1, 4)],
    ("bluesky", "initech-1", "did:plc:initech", T0, None, "News", None),
    ("bluesky", "i-r1", "did:plc:c1", T0 + timedelta(hours=1), "initech-1", "Late?", None),
    ("bluesky", "i-a1", "did:plc:initech", T0 + timedelta(hours=9), "i-r1", "Yes", None),
    ("mastodon", "m-acme-1", "acmeair@mastodon.social", T0, None, "Bonjour", None),
    ("mastodon", "m-r1", "max@example.social", T0 + timedelta(hours=1), "m-acme-1", "Q", None),
    ("mastodon", "m-a1", "acmeair@mastodon.social", T0 + timedelta(hours=4), "m-r1", "A", None),
]

STATS = {
    "bluesky": {"requests": 120, "responses": {"200": 115, "429": 3, "500": 2},
                "items": {"posts": 900, "accounts": 80}, "retries": 5, "failures": 1,
                "mentions": "skipped",
                "notes": ["Mention search refused without login (HTTP 403): customer posts "
                          "that only mention a brand are not counted."]},
    "mastodon": {"requests": 40, "responses": {"200": 40}, "items": {"posts": 30},
                 "retries": 0, "failures": 0, "mentions": "searched", "notes": []},
}


def build_dataset(db: Path) -> tuple[duckdb.DuckDBPyConnection, AuditConfig]:
    """Write ACCOUNTS and POSTS as one finished-with-failures run; returns (con, config)."""
    config = parse_config(RAW_CONFIG, db.parent / "audit.toml")
    con = store.connect(db)
    assert config.since is not None and config.client is not None
    window = RunWindow(config.name, config.client, config.since, config.until,
                       config.sla_minutes * 60, config.ignore_after_hours * 3600, AS_OF)
    with recording(con, window, [(b.id, b.name) for b in config.brands], AS_OF) as run:
        run.upsert_accounts([
            {"platform": a[0], "account_id": a[1], "handle": a[2], "display_name": a[3],
             "followers": a[4], "brand_id": a[5], "fetched_at": AS_OF} for a in ACCOUNTS])
        brand_of = {(a[0], a[1]): a[5] for a in ACCOUNTS}
        rows = []
        for platform, post_id, author, created, parent, text, url in POSTS:
            brand = brand_of[platform, author]
            rows.append({"platform": platform, "post_id": post_id,
                         "url": url or f"https://bsky.app/profile/x/post/{post_id}",
                         "author_id": author, "created_at": created, "text": text,
                         "parent_id": parent, "brand_id": brand, "by_brand": brand is not None,
                         "like_count": 0, "reply_count": 0, "repost_count": 0,
                         "language": "en", "fetched_at": AS_OF})
        run.upsert_posts(rows)
        run.record_failures([
            {"platform": "bluesky", "brand_id": "acme", "status": 500,
             "url": f"https://public.api.bsky.app/xrpc/page?{i}",
             "reason": "<b>server error</b> after 3 retries", "occurred_at": AS_OF}
            for i in range(60)])
        run.stats = RunStats.from_dict(STATS)  # bluesky's failure makes the run partial
    return con, config


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection,
                                                               AuditConfig]:
    return build_dataset(tmp_path_factory.mktemp("report") / "audit.duckdb")


@pytest.fixture(scope="module")
def report_file(dataset: tuple[duckdb.DuckDBPyConnection, AuditConfig],
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    con, config = dataset
    return render_report(con, config, tmp_path_factory.mktemp("out") / "report.html",
                         generated_at=GENERATED, version="9.9.9")


@pytest.fixture(scope="module")
def page(report_file: Path) -> Page:
    return Page(report_file.read_text(encoding="utf-8"))


class Page(HTMLParser):
    """The rendered report as tags, attributes and the text of each data-metric cell."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: dict[tuple[str, str, str], str] = {}
        self.text: list[str] = []
        self._row: dict[str, str | None] = {}
        self._cell: list[str] | None = None
        self._cell_key: tuple[str, str, str] | None = None
        self._depth = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "tr":
            self._row = found
        if self._cell is not None:
            self._depth += 1
        elif "data-metric" in found and self._row.get("data-brand"):
            self._cell, self._depth = [], 0
            self._cell_key = (str(self._row["data-brand"]), str(self._row.get("data-platform")),
                              str(found["data-metric"]))

    def handle_endtag(self, tag: str) -> None:
        if self._cell is not None:
            if self._depth == 0:
                assert self._cell_key is not None
                self.cells[self._cell_key] = " ".join("".join(self._cell).split())
                self._cell = None
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, platform: str) -> list[str]:
        """Brand ids of the comparison rows for one platform, in page order."""
        return [str(a["data-brand"]) for t, a in self.tags
                if t == "tr" and a.get("data-platform") == platform and "data-brand" in a]


def test_hostile_text_is_shown_as_text_never_as_markup(page: Page) -> None:
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.html
    assert HOSTILE_TEXT in "".join(page.text)  # the reader sees exactly what was posted
    assert HOSTILE_NAME in "".join(page.text) and HOSTILE_HANDLE in "".join(page.text)
    assert "&lt;b&gt;server error&lt;/b&gt;" in page.html
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "b", "link",
                       "image", "foreignobject"}
    # SVG only as the generated charts, one per figure.
    assert page.html.count("<svg ") == page.html.count('<figure class="chart"') >= 3
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    assert not re.search(r"<\s*(script|img)", page.html, re.IGNORECASE)  # only as &lt;…


def test_headline_and_platform_numbers_match_brand_metrics(
        dataset: tuple[duckdb.DuckDBPyConnection, AuditConfig], page: Page) -> None:
    con, config = dataset
    metrics = queries.brand_metrics(con, [b.id for b in config.brands])
    assert len(metrics) == 8  # 3 brands × all, 3 on Bluesky, 2 on Mastodon
    for row in metrics:
        cells = {metric: text for (brand, platform, metric), text in page.cells.items()
                 if (brand, platform) == (row["brand_id"], row["platform"])}
        if row["response_rate"] is None:
            assert cells["response_rate"].startswith("no data")
        else:
            assert cells["response_rate"] == interval(
                row["response_rate"], row["response_rate_low"], row["response_rate_high"])
        assert cells["within_sla_rate"] == percent(row["within_sla_rate"])
        assert cells["median_response_seconds"] == duration(row["median_response_seconds"])
        assert cells["p90_response_seconds"] == duration(row["p90_response_seconds"])
        for volume in ("customer_posts", "answered", "ignored", "pending"):
            assert cells[volume] == count(row[volume])
    acme = next(r for r in metrics if r["brand_id"] == "acme" and r["platform"] == "all")
    assert (acme["on_time"], acme["late"], acme["ignored"], acme["pending"]) == (1, 2, 4, 1)
    assert page.cells["acme", "all", "response_rate"] == "43 % (16–75 %)"


def test_a_platform_without_judged_posts_shows_no_data_not_zero(page: Page) -> None:
    assert page.cells["initech", "mastodon", "response_rate"] == (
        "no data no customer posts in the window")
    assert page.cells["globex", "mastodon", "response_rate"] == "no data no account on Mastodon"
    assert page.cells["globex", "mastodon", "within_sla_rate"] == "—"
    assert page.cells["globex", "mastodon", "customer_posts"] == "—"  # not measured, not 0
    assert page.cells["initech", "mastodon", "customer_posts"] == "0"
    assert "0 %" not in page.cells["initech", "mastodon", "response_rate"]


def test_client_first_then_competitors_by_response_rate(page: Page) -> None:
    # Globex answered 3 of 4, Initech 1 of 1: Initech first despite its wide interval.
    assert page.rows("all") == ["acme", "initech", "globex"]
    assert page.rows("bluesky") == ["acme", "initech", "globex"]
    assert page.rows("mastodon") == ["acme", "globex", "initech"]  # no data: by name


def test_ignored_posts_widest_reach_first_and_only_web_links(page: Page) -> None:
    followers = [a["data-followers"] for t, a in page.tags if t == "tr" and "data-followers" in a]
    assert followers == ["50000", "12000", "900", ""]  # unknown reach last
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("class") == "post-link"]
    assert links == [f"https://bsky.app/profile/x/post/{p}"
                     for p in ("r-hostile", "r-ignored-ben", "r-ignored-dee")]
    assert "javascript:" not in page.html
    assert "word " * 50 in page.html and "word " * 60 not in page.html  # cut near 280 chars


def test_the_file_needs_nothing_from_outside(page: Page) -> None:
    for tag, attrs in page.tags:
        assert "src" not in attrs and "srcset" not in attrs, tag
        href = attrs.get("href")
        if href is not None and not href.startswith("#"):
            assert tag == "a" and attrs.get("class") == "post-link", (tag, href)
            assert href.startswith("https://")
        assert tag != "link" and tag != "script"
    css = page.html[page.html.index("<style>"):page.html.index("</style>")]
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_coverage_footer_and_definitions(page: Page) -> None:
    text = " ".join(" ".join(page.text).split())
    assert "Mention search refused without login (HTTP 403)" in text
    assert "The first 50 of 60" in text
    assert "its status is partial" in text
    assert "Window 2026-10-01 – 2026-10-09 (UTC)" in text
    assert "Runs #1 partial (2026-10-10 00:00 UTC); judged with run #1" in text
    assert "2026-10-10 08:30 UTC by replyaudit 9.9.9" in text
    assert "answered within the SLA (60 minutes)" in text
    assert "older than 72 hours when crawled" in text
    assert "A post addressed to two brands counts for each." in text


def test_no_finished_crawl_is_an_error_the_cli_can_name(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "empty.duckdb")
    config = parse_config(RAW_CONFIG, tmp_path / "audit.toml")
    with pytest.raises(NoCrawlYet):
        build_context(con, config, GENERATED, "1")


def test_renders_from_a_read_only_dataset_as_the_cli_opens_it(tmp_path: Path) -> None:
    build_dataset(tmp_path / "audit.duckdb")[0].close()
    con = store.connect(tmp_path / "audit.duckdb", read_only=True)
    out = render_report(con, parse_config(RAW_CONFIG, tmp_path / "audit.toml"),
                        tmp_path / "nested" / "report.html")
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_render_html_is_deterministic(dataset: tuple[duckdb.DuckDBPyConnection,
                                                     AuditConfig]) -> None:
    con, config = dataset
    context = build_context(con, config, GENERATED, "9.9.9")
    assert render_html(context) == render_html(context)
    assert context.client is not None and context.client.brand_id == "acme"
    # 7 judged posts: too few to rank (reports.model.MIN_JUDGED_TO_RANK), so no rank at all.
    assert context.client_rank is None
