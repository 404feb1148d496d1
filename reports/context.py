"""The report's typed context: every number and text the HTML shows, and where it came from.

Templates only format what is here, so what the client reads can be tested without parsing
HTML. Each field carries a `help` string in its metadata (`dataclasses.fields(X)[i].metadata`).
`build_context` fills it from the metric views; see README.md, "What is measured".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from benchmarks import queries
from reports import dataset
from reports.charts import Chart
from reports.documented import documented
from reports.stats_context import StatisticsContext, build_statistics
from reports.summary import executive_summary
from reports.untrusted import shorten, web_url
from reports.visuals import audit_charts, posting_week_trend

if TYPE_CHECKING:
    import duckdb

    from benchmarks.config import AuditConfig, Brand

IGNORED_SHOWN = 20
FAILURES_SHOWN = 50
TEXT_CHARS = 280
PLATFORM_LABELS = {"bluesky": "Bluesky", "mastodon": "Mastodon",
                   "discourse": "Discourse", "trustpilot": "Trustpilot", "reddit": "Reddit",
                   "youtube": "YouTube", "wordpress": "WordPress blogs",
                   "facebook": "Facebook Pages", "x": "X"}


@dataclass(frozen=True)
class MetricCell:
    """A share of judged posts; None when nothing could be judged (shown as "no data")."""

    value: float | None = documented("the share in [0, 1]")
    low: float | None = documented("lower bound of the Wilson 95 % interval, if there is one")
    high: float | None = documented("upper bound of the Wilson 95 % interval, if there is one")


@dataclass(frozen=True)
class BrandRow:
    """One brand on one platform (or 'all'): a row of brand_metrics, ready to show."""

    brand_id: str = documented("the brand's id in the config")
    name: str = documented("the brand's display name")
    is_client: bool = documented("True for the audit's client, whose row is highlighted")
    platform: str = documented("platform id, or 'all' for every platform together")
    has_accounts: bool = documented("False when no account of the brand was crawled here")
    customer_posts: int = documented("customer posts addressed to the brand in the window")
    on_time: int = documented("answered within the SLA")
    late: int = documented("answered after the SLA")
    ignored: int = documented("unanswered and older than the ignore threshold")
    pending: int = documented("unanswered and too recent to judge; in no rate")
    answered: int = documented("on_time + late")
    response_rate: MetricCell = documented("answered / (answered + ignored), Wilson 95 %")
    within_sla: MetricCell = documented("on_time / (answered + ignored)")
    median_response_seconds: float | None = documented("median first response, answered posts")
    p90_response_seconds: float | None = documented("90th percentile first response")
    no_data: str | None = documented("why nothing could be judged; None when something was")
    negative_reviews: int = documented("customer posts rated 1-2 stars (Trustpilot reviews)")
    negative_response_rate: float | None = documented(
        "answered / (answered + ignored) over reviews rated 1-2 stars; None if none judged")

    @property
    def judged(self) -> int:
        """Posts in the rates' denominator: answered + ignored."""
        return self.answered + self.ignored


@dataclass(frozen=True)
class PlatformBreakdown:
    """Every brand's row on one platform."""

    platform: str = documented("platform id")
    label: str = documented("platform name as the reader knows it")
    rows: tuple[BrandRow, ...] = documented("client first, then competitors by response rate")

    @property
    def rated(self) -> bool:
        """True where customers rate (reviews): the negative-review rate is shown too."""
        return any(row.negative_reviews for row in self.rows)


@dataclass(frozen=True)
class IgnoredPost:
    """A customer post the client left unanswered, as the ignored-post list shows it."""

    platform: str = documented("platform id")
    url: str | None = documented("http(s) link to the post; None when missing or not a web URL")
    author_handle: str | None = documented("the author's handle when crawled (untrusted text)")
    author_name: str | None = documented("the author's display name (untrusted text)")
    author_followers: int | None = documented("the author's followers when crawled")
    created_at: datetime = documented("when the post was written (UTC)")
    text: str = documented(f"the post's text, whitespace collapsed, at most {TEXT_CHARS} chars")
    truncated: bool = documented("True when the text was cut")


@dataclass(frozen=True)
class CoverageNote:
    """What the judging run fetched on one platform, from runs.stats."""

    platform: str = documented("platform id")
    label: str = documented("platform name as the reader knows it")
    crawled: bool = documented("False when the run holds no stats for this platform")
    requests: int = documented("HTTP requests made")
    responses: tuple[tuple[str, int], ...] = documented("(HTTP status, count), by status")
    retries: int = documented("requests retried after 429, 5xx or a network error")
    failures: int = documented("pages that still failed after retries")
    mentions: str = documented("mention search: searched, skipped or not applicable")
    notes: tuple[str, ...] = documented("plain-language coverage notes from the crawler")


@dataclass(frozen=True)
class FetchFailure:
    """One page the judging run could not fetch (a row of fetch_failures)."""

    platform: str = documented("platform id")
    brand_id: str | None = documented("the brand being crawled, if known")
    url: str = documented("the URL requested (shown as text, never linked)")
    status: int | None = documented("HTTP status; None for a network error")
    reason: str = documented("why it failed")
    occurred_at: datetime = documented("when it failed (UTC)")


@dataclass(frozen=True)
class RunInfo:
    """One crawl run in the dataset."""

    run_id: int = documented("runs.run_id")
    status: str = documented("running, finished, partial or failed")
    started_at: datetime = documented("when the run started (UTC)")
    finished_at: datetime | None = documented("when it finished; None if it never did")


@dataclass(frozen=True)
class Definitions:
    """The thresholds the definitions footnote quotes: the judging run's, not the config's."""

    sla_minutes: float = documented("an answer later than this is late")
    ignore_after_hours: float = documented("unanswered posts older than this are ignored")


@dataclass(frozen=True)
class Provenance:
    """What the report was computed from, for its footer."""

    window_start: datetime = documented("first instant of the window (UTC)")
    window_end: datetime | None = documented("end of the window, exclusive; None = open")
    as_of: datetime = documented("the instant every status was judged at")
    platforms: tuple[str, ...] = documented("platform labels the audit covers")
    runs: tuple[RunInfo, ...] = documented("every run in the dataset, oldest first")
    judging_run_id: int = documented("the run whose window and thresholds judge the posts")
    row_counts: tuple[tuple[str, int], ...] = documented("(what, rows) in the dataset")


@dataclass(frozen=True)
class ReportContext:
    """Everything report.html renders."""

    title: str = documented("the audit's name from the config")
    client_name: str | None = documented("the client brand's display name")
    generated_at: datetime = documented("when the report was rendered (UTC)")
    version: str = documented("replyaudit version that rendered it")
    definitions: Definitions = documented("thresholds quoted by the definitions")
    headline: tuple[BrandRow, ...] = documented("all platforms: client first, then by rate")
    client_rank: int | None = documented("client's rank by response rate; None if unrated")
    platforms: tuple[PlatformBreakdown, ...] = documented("one table per platform in use")
    ignored: tuple[IgnoredPost, ...] = documented(f"client's top {IGNORED_SHOWN} ignored posts")
    coverage: tuple[CoverageNote, ...] = documented("per platform: what the run fetched")
    failures: tuple[FetchFailure, ...] = documented(f"first {FAILURES_SHOWN} fetch failures")
    failures_total: int = documented("fetch failures of the judging run, uncapped")
    provenance: Provenance = documented("window, platforms, runs and row counts")
    statistics: StatisticsContext = documented("censored response times, tests, post classes")
    summary: tuple[str, ...] = documented("the executive summary, one sentence per item")
    charts: tuple[Chart, ...] = documented("rate, answer speed, weekday and hour (static SVG)")
    trends: tuple[Chart, ...] = documented("response rate by week of posting, if 2+ weeks")

    @property
    def client(self) -> BrandRow | None:
        """The client's headline row (always first), if the audit has a client."""
        return next((row for row in self.headline if row.is_client), None)


def build_context(con: duckdb.DuckDBPyConnection, config: AuditConfig, generated_at: datetime,
                  version: str) -> ReportContext:
    """Read the metric views and the judging run into a ReportContext.

    Pass an open connection to the config's dataset. Raises benchmarks.errors.NoCrawlYet when
    it holds no finished or partial run.
    """
    metrics = {(r["brand_id"], r["platform"]): r
               for r in queries.brand_metrics(con, [b.id for b in config.brands])}
    run = dataset.judging_run(con)
    platforms = config.platforms_in_use()
    headline = _ranked([_brand_row(b, "all", metrics, config.client) for b in config.brands])
    client = headline[0] if headline and headline[0].is_client else None
    failures, failures_total = dataset.fetch_failures(con, run["run_id"], FAILURES_SHOWN)
    definitions = Definitions(sla_minutes=run["sla_seconds"] / 60,
                              ignore_after_hours=run["ignore_after_seconds"] / 3600)
    return ReportContext(
        title=config.name,
        client_name=client.name if client else None,
        generated_at=generated_at,
        version=version,
        definitions=definitions,
        headline=headline,
        client_rank=_rank(client, headline),
        platforms=tuple(
            PlatformBreakdown(p, label(p), _ranked([_brand_row(b, p, metrics, config.client)
                                                    for b in config.brands]))
            for p in platforms
        ),
        ignored=tuple(_ignored_post(r) for r in dataset.ignored_posts(
            con, client.brand_id, IGNORED_SHOWN)) if client else (),
        coverage=tuple(_coverage(p, run["stats"].get(p)) for p in platforms),
        failures=tuple(FetchFailure(**r) for r in failures),
        failures_total=failures_total,
        provenance=Provenance(
            window_start=run["window_start"],
            window_end=run["window_end"],
            as_of=run["as_of"],
            platforms=tuple(label(p) for p in platforms),
            runs=tuple(RunInfo(**r) for r in dataset.runs(con)),
            judging_run_id=run["run_id"],
            row_counts=(("customer posts (counted per brand)",
                         sum(row.customer_posts for row in headline)),
                        *dataset.row_counts(con)),
        ),
        statistics=build_statistics(con, config, [row.brand_id for row in headline]),
        summary=executive_summary(headline, definitions.sla_minutes,
                                  definitions.ignore_after_hours),
        charts=audit_charts(con, headline),
        trends=posting_week_trend(con, headline),
    )


def label(platform: str) -> str:
    """A platform id as readers know it: 'bluesky' -> 'Bluesky'."""
    return PLATFORM_LABELS.get(platform, platform.title())


def _brand_row(brand: Brand, platform: str, metrics: dict[tuple[str, str], dict[str, Any]],
               client: str | None) -> BrandRow:
    found = metrics.get((brand.id, platform))
    row = found or dict.fromkeys(queries.METRIC_COLUMNS)
    reason = None
    if found is None:  # brand_metrics has a row wherever the brand has a crawled account
        configured = platform == "all" or bool(brand.handles(platform))
        reason = "not crawled" if configured else f"no account on {label(platform)}"
    elif row["response_rate"] is None:
        reason = (f"{row['pending']} too recent to judge" if row["pending"]
                  else "no customer posts in the window")
    return BrandRow(
        brand_id=brand.id, name=brand.name, is_client=brand.id == client, platform=platform,
        has_accounts=found is not None,
        **{k: row[k] or 0 for k in ("customer_posts", "on_time", "late", "ignored", "pending",
                                    "answered")},
        response_rate=MetricCell(row["response_rate"], row["response_rate_low"],
                                 row["response_rate_high"]),
        within_sla=MetricCell(row["within_sla_rate"], None, None),
        median_response_seconds=row["median_response_seconds"],
        p90_response_seconds=row["p90_response_seconds"],
        no_data=reason,
        negative_reviews=row["negative_reviews"] or 0,
        negative_response_rate=row["negative_response_rate"],
    )


def _ranked(rows: list[BrandRow]) -> tuple[BrandRow, ...]:
    """Client first, then the best response rate; brands without data last, by name."""
    def key(row: BrandRow) -> tuple[bool, bool, float, str]:
        rate = row.response_rate.value
        return (not row.is_client, rate is None, -(rate or 0.0), row.name.casefold())
    return tuple(sorted(rows, key=key))


def _rank(client: BrandRow | None, rows: tuple[BrandRow, ...]) -> int | None:
    """1 + the number of brands with a strictly higher response rate than the client."""
    if client is None or client.response_rate.value is None:
        return None
    mine = client.response_rate.value
    return 1 + sum(1 for r in rows if r.response_rate.value is not None
                   and r.response_rate.value > mine)


def _ignored_post(row: dict[str, Any]) -> IgnoredPost:
    text, truncated = shorten(row["text"] or "", TEXT_CHARS)
    return IgnoredPost(
        platform=row["platform"], url=web_url(row["url"]), author_handle=row["author_handle"],
        author_name=row["author_name"], author_followers=row["author_followers"],
        created_at=row["created_at"], text=text, truncated=truncated,
    )


def _coverage(platform: str, stats: dict[str, Any] | None) -> CoverageNote:
    stats = stats or {}
    return CoverageNote(
        platform=platform, label=label(platform), crawled=bool(stats),
        requests=int(stats.get("requests", 0)),
        responses=tuple(sorted((str(k), int(v)) for k, v in stats.get("responses", {}).items())),
        retries=int(stats.get("retries", 0)), failures=int(stats.get("failures", 0)),
        mentions=str(stats.get("mentions", "not applicable")),
        notes=tuple(str(n) for n in stats.get("notes", ())),
    )
