"""The reports' typed contexts: every number and text the HTML shows, and where it came from.

Templates only format what is here, so what the client reads can be tested without parsing
HTML. Each field carries a `help` string in its metadata (`dataclasses.fields(X)[i].metadata`).
This module only declares the shapes: `reports.context.build_context` fills `ReportContext`
from the metric views, `reports.benchmark.build_benchmark_context` fills `BenchmarkContext`
from the weekly history. What the numbers mean: docs/methodology.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.documented import documented

if TYPE_CHECKING:
    from datetime import date, datetime

    from reports.charts import Chart
    from reports.stats_context import StatisticsContext

IGNORED_SHOWN = 20
FAILURES_SHOWN = 50
TEXT_CHARS = 280
# Fewer judged posts than this and a rate's interval is wider than 30 points: such a brand is
# shown, but listed as "too few to rank" instead of ranked (best competitor, rank, movement).
MIN_JUDGED_TO_RANK = 30
# First-response buckets (quintly's), each with its upper end, then the unanswered bucket.
BUCKETS = (("answered_within_1h", "within 1 h"), ("answered_1h_to_8h", "1–8 h"),
           ("answered_8h_to_24h", "8–24 h"), ("answered_1d_to_3d", "1–3 days"),
           ("answered_after_3d", "after 3 days"), ("ignored", "unanswered"))


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
    between_brands: int = documented("posts to the brand by another brand's account; uncounted")
    question_posts: int = documented("customer posts the classifier calls a question")
    question_response_rate: float | None = documented(
        "response rate over questions (Socialbakers' QRR); None if none judged")
    median_question_response_seconds: float | None = documented(
        "median first response of answered questions (Socialbakers' QRT)")
    answered_within_1h: int = documented("answered within 1 h (inclusive)")
    answered_1h_to_8h: int = documented("answered after 1 h, within 8 h")
    answered_8h_to_24h: int = documented("answered after 8 h, within 24 h")
    answered_1d_to_3d: int = documented("answered after 1 day, within 3 days")
    answered_after_3d: int = documented("answered after 3 days")
    median_business_response_seconds: float | None = documented(
        "median first response counted in the brand's open hours; None without business hours")
    median_human_response_seconds: float | None = documented(
        "median first response written by a person (automated replies passed over)")
    redirected: int = documented("answered posts whose first response moved them to a private "
                                 "channel (DM, e-mail, phone, a web form)")
    redirect_rate: float | None = documented("redirected / answered; None if none answered")
    handoffs: int = documented("customer posts that only confirm a hand-off; in no rate")
    bot_posts: int = documented("posts to the brand by accounts flagged automated; uncounted")

    @property
    def judged(self) -> int:
        """Posts in the rates' denominator: answered + ignored."""
        return self.answered + self.ignored

    @property
    def rankable(self) -> bool:
        """True when enough posts were judged to rank the brand (MIN_JUDGED_TO_RANK)."""
        return self.response_rate.value is not None and self.judged >= MIN_JUDGED_TO_RANK

    @property
    def buckets(self) -> tuple[tuple[str, str, int], ...]:
        """(key, label, posts) per first-response bucket, unanswered last; sums to judged."""
        return tuple((key, text, getattr(self, key)) for key, text in BUCKETS)


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
    customer_posts: int = documented("customer posts on the platform, every brand's together")
    unverified: int = documented("of those, posts that could not be checked: their thread "
                                 "could not be fetched (brand_metrics.unverified)")


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
    client_rank: int | None = documented(
        f"client's rank by response rate among brands with {MIN_JUDGED_TO_RANK}+ judged posts; "
        "None when the client has fewer")
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
    min_judged_to_rank: int = documented("judged posts a brand needs to be ranked")

    @property
    def client(self) -> BrandRow | None:
        """The client's headline row (always first), if the audit has a client."""
        return next((row for row in self.headline if row.is_client), None)

    @property
    def judging_run(self) -> RunInfo:
        """The run that judged every post (the coverage section's subject)."""
        return next(r for r in self.provenance.runs if r.run_id == self.provenance.judging_run_id)

    @property
    def rankable(self) -> tuple[BrandRow, ...]:
        """Headline rows with enough judged posts to rank."""
        return tuple(row for row in self.headline if row.rankable)

    @property
    def too_few(self) -> tuple[BrandRow, ...]:
        """Headline rows with a rate but too few judged posts to rank."""
        return tuple(row for row in self.headline
                     if row.response_rate.value is not None and not row.rankable)

    @property
    def between_brands(self) -> int:
        """Posts between brands of the audit, not counted (all brands together)."""
        return sum(row.between_brands for row in self.headline)

    @property
    def bot_posts(self) -> int:
        """Posts to the brands by accounts flagged automated, not counted."""
        return sum(row.bot_posts for row in self.headline)


@dataclass(frozen=True)
class RankedBrand:
    """A brand's line in this week's ranking, with where it stood the week before."""

    row: BrandRow = documented("this week's all-platform metrics")
    rank: int | None = documented(
        "1 + ranked brands with a strictly higher rate; None if too few judged posts")
    previous_rank: int | None = documented("the same, the previous recorded week")
    previous_rate: float | None = documented("response rate the previous recorded week")

    @property
    def rate_change(self) -> float | None:
        """Change of the response rate since the previous week, as a share (0.05 = 5 points)."""
        rate = self.row.response_rate.value
        if rate is None or self.previous_rate is None:
            return None
        return rate - self.previous_rate

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) since the previous week."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(frozen=True)
class BenchmarkContext:
    """Everything benchmark.html renders."""

    title: str = documented("the panel's name")
    client_name: str | None = documented("the client's name, if the panel has one")
    generated_at: datetime = documented("when the report was rendered (UTC)")
    version: str = documented("replyaudit version that rendered it")
    week: date = documented("Monday of the latest recorded week")
    previous_week: date | None = documented("Monday of the week before it that has a run")
    weeks: int = documented("weeks recorded in the history")
    as_of: datetime = documented("when this week's statuses were judged")
    sla_minutes: float = documented("an answer later than this is late")
    ranking: tuple[RankedBrand, ...] = documented("this week, client first, then by rate")
    summary: tuple[str, ...] = documented("the week in plain words")
    trends: tuple[Chart, ...] = documented("response rate and within-SLA share per week")
    platforms: tuple[PlatformBreakdown, ...] = documented("this week's table per platform")
    coverage: tuple[CoverageNote, ...] = documented("per platform: what this week's run fetched")
    judging_run: RunInfo = documented("this week's judging run")
    failures: tuple[FetchFailure, ...] = documented(f"first {FAILURES_SHOWN} fetch failures")
    failures_total: int = documented("fetch failures of this week's run, uncapped")
    skipped_weeks: tuple[date, ...] = documented("weeks whose run fetched nothing: no point")
    min_judged_to_rank: int = documented("judged posts a brand needs to be ranked")

    @property
    def between_brands(self) -> int:
        """Posts between brands of the panel this week, not counted."""
        return sum(item.row.between_brands for item in self.ranking)

    @property
    def bot_posts(self) -> int:
        """Posts to the panel's brands by accounts flagged automated, not counted."""
        return sum(item.row.bot_posts for item in self.ranking)

    @property
    def headline(self) -> tuple[BrandRow, ...]:
        """This week's all-platform rows, in ranking order (as ReportContext.headline)."""
        return tuple(item.row for item in self.ranking)
