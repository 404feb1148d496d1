"""Fill the audit report's context (reports.model.ReportContext) from the dataset.

`build_context` reads the metric views and the judging run; `brand_row` and `ranked` turn
metric rows into the tables' rows, and the weekly benchmark report uses them too. What the
numbers mean: docs/methodology.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from benchmarks import platforms as registry
from benchmarks import queries
from reports import dataset
from reports.model import (
    BUCKETS,
    FAILURES_SHOWN,
    IGNORED_SHOWN,
    MIN_JUDGED_TO_RANK,
    TEXT_CHARS,
    BrandRow,
    CoverageNote,
    Definitions,
    FetchFailure,
    IgnoredPost,
    MetricCell,
    PlatformBreakdown,
    Provenance,
    ReportContext,
    RunInfo,
)
from reports.stats_context import build_statistics
from reports.summary import executive_summary
from reports.untrusted import shorten, web_url
from reports.visuals import audit_charts, posting_week_trend

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    import duckdb

    from benchmarks.config import AuditConfig, Brand


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
    headline = ranked([brand_row(b, "all", metrics, config.client) for b in config.brands])
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
        client_rank=rank(client, headline),
        platforms=tuple(
            PlatformBreakdown(p, label(p), ranked([brand_row(b, p, metrics, config.client)
                                                    for b in config.brands]))
            for p in platforms
        ),
        ignored=tuple(_ignored_post(r) for r in dataset.ignored_posts(
            con, client.brand_id, IGNORED_SHOWN)) if client else (),
        coverage=tuple(coverage_note(p, run["stats"].get(p), [
            metrics[b.id, p] for b in config.brands if (b.id, p) in metrics])
            for p in platforms),
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
        trends=posting_week_trend(con, headline, run["window_start"], run["window_end"],
                                  run["as_of"], run["ignore_after_seconds"]),
        min_judged_to_rank=MIN_JUDGED_TO_RANK,
    )


def label(platform: str) -> str:
    """A platform id as readers know it: its registry entry's label, e.g. 'X'."""
    return registry.label(platform)


def brand_row(brand: Brand, platform: str, metrics: dict[tuple[str, str], dict[str, Any]],
              client: str | None) -> BrandRow:
    """The brand's row on `platform` ('all' for every platform together).

    `metrics` maps (brand id, platform) to a brand_metrics row (queries.METRIC_COLUMNS);
    a missing entry gives a row of zeros whose `no_data` says why. `client` is the client's
    brand id, or None.
    """
    found = metrics.get((brand.id, platform))
    row = found or dict.fromkeys(queries.METRIC_COLUMNS)
    reason = None
    if found is None:  # brand_metrics has a row wherever the brand has a crawled account
        configured = platform == "all" or bool(brand.handles(platform))
        reason = "not crawled" if configured else f"no account on {label(platform)}"
    elif row["response_rate"] is None:
        reason = (f"{row['pending']} too recent to judge" if row["pending"]
                  else f"{row['unverified']} could not be checked" if row["unverified"]
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
        negative_reviews=row.get("negative_reviews") or 0,
        negative_response_rate=row.get("negative_response_rate"),
        between_brands=row.get("between_brands") or 0,
        question_posts=row.get("question_posts") or 0,
        question_response_rate=row.get("question_response_rate"),
        median_question_response_seconds=row.get("median_question_response_seconds"),
        median_business_response_seconds=row.get("median_business_response_seconds"),
        median_human_response_seconds=row.get("median_human_response_seconds"),
        redirected=row.get("redirected") or 0,
        redirect_rate=row.get("redirect_rate"),
        handoffs=row.get("handoffs") or 0,
        bot_posts=row.get("bot_posts") or 0,
        # The weekly history predates the buckets: there they read as zero, never shown.
        **{key: row.get(key) or 0 for key, _ in BUCKETS if key != "ignored"},
    )


def ranked(rows: list[BrandRow]) -> tuple[BrandRow, ...]:
    """Client first, then ranked brands by response rate, then those with too few judged
    posts to rank (by rate too), then brands without data, by name."""
    def key(row: BrandRow) -> tuple[bool, bool, bool, float, str]:
        rate = row.response_rate.value
        return (not row.is_client, rate is None, not row.rankable, -(rate or 0.0),
                row.name.casefold())
    return tuple(sorted(rows, key=key))


def rank(row: BrandRow | None, rows: tuple[BrandRow, ...]) -> int | None:
    """1 + the number of rankable `rows` with a strictly higher response rate than `row`.

    None when there is no row or it has too few judged posts to rank (MIN_JUDGED_TO_RANK).
    """
    if row is None or not row.rankable or row.response_rate.value is None:
        return None
    mine = row.response_rate.value
    return 1 + sum(1 for r in rows if r.rankable and r.response_rate.value is not None
                   and r.response_rate.value > mine)


def _ignored_post(row: dict[str, Any]) -> IgnoredPost:
    text, truncated = shorten(row["text"] or "", TEXT_CHARS)
    return IgnoredPost(
        platform=row["platform"], url=web_url(row["url"]), author_handle=row["author_handle"],
        author_name=row["author_name"], author_followers=row["author_followers"],
        created_at=row["created_at"], text=text, truncated=truncated,
    )


def coverage_note(platform: str, stats: dict[str, Any] | None,
                  metrics: Sequence[dict[str, Any]] = ()) -> CoverageNote:
    """What a run fetched on `platform`, from its runs.stats entry (None: not crawled);
    `metrics`, the platform's brand_metrics rows, say how many posts could not be checked."""
    stats = stats or {}
    return CoverageNote(
        platform=platform, label=label(platform), crawled=bool(stats),
        requests=int(stats.get("requests", 0)),
        responses=tuple(sorted((str(k), int(v)) for k, v in stats.get("responses", {}).items())),
        retries=int(stats.get("retries", 0)), failures=int(stats.get("failures", 0)),
        mentions=str(stats.get("mentions", "not applicable")),
        notes=tuple(str(n) for n in stats.get("notes", ())),
        customer_posts=sum(int(m["customer_posts"] or 0) for m in metrics),
        unverified=sum(int(m["unverified"] or 0) for m in metrics),
    )
