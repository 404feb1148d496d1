"""The report's statistics: time to first response with censoring, whether the client's gaps
are real, and which kind of post gets ignored. Typed like reports/context.py (every field
has a `help`); docs/statistics.md defines every number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from benchmarks import classify, significance, statistics, survival
from benchmarks.classifier.model import CareModel
from benchmarks.classify import CLASSES
from reports.documented import documented

if TYPE_CHECKING:
    import duckdb

    from benchmarks.config import AuditConfig
    from benchmarks.survival import Estimate

MOST_IGNORED_MIN_JUDGED = 5  # fewer judged posts make a share too noisy to single out
MEASURE_LABELS = {"response_rate": "Response rate", "response_time": "Time to first response"}


@dataclass(frozen=True)
class SurvivalLine:
    """One brand's Kaplan-Meier figures, all platforms together."""

    brand_id: str = documented("the brand's id in the config")
    name: str = documented("the brand's display name")
    is_client: bool = documented("True for the audit's client")
    posts: int = documented("customer posts: answered + censored")
    answered: int = documented("answered posts (events)")
    censored: int = documented("pending and ignored posts, censored at their age when crawled")
    km_median: Estimate = documented("KM median seconds with its 95 % interval")
    median_not_reached: bool = documented("True when fewer than half are ever answered")
    within_sla: Estimate = documented("KM P(answer within the SLA), 95 % log-log interval")
    within_24h: Estimate = documented("KM P(answer within 24 h), 95 % log-log interval")
    median_answered: Estimate = documented("median over answered posts, order-statistic CI")


@dataclass(frozen=True)
class Gap:
    """The client against one competitor on one measure, with the verdict of its test."""

    competitor_id: str = documented("the competitor's id")
    competitor_name: str = documented("the competitor's display name")
    measure: str = documented("response_rate or response_time")
    label: str = documented("the measure as the reader knows it")
    test: str = documented("the test used")
    client_value: float | None = documented("rate, or KM median seconds; None: not reached")
    competitor_value: float | None = documented("the same for the competitor")
    p_value: float | None = documented("the test's p-value; None when not testable")
    p_adjusted: float | None = documented("Holm-corrected p-value over every gap shown")
    significant: bool = documented("True only when p_adjusted < 0.05")
    untestable: str | None = documented("why there is no test, if there is none")


@dataclass(frozen=True)
class ClassCell:
    """How one brand treated one kind of post."""

    brand_id: str = documented("the brand's id")
    judged: int = documented("judged posts of this kind (answered + ignored)")
    ignored: int = documented("of which ignored")
    share: float | None = documented("ignored / judged; None when nothing was judged")


@dataclass(frozen=True)
class ClassRow:
    """One kind of post across the brands, in the order of StatisticsContext.brands."""

    label: str = documented("question, complaint, praise, other or unclassified")
    cells: tuple[ClassCell, ...] = documented("one per brand, client first")


@dataclass(frozen=True)
class StatisticsContext:
    """Everything _survival.html and _classes.html render."""

    brands: tuple[tuple[str, str], ...] = documented("(id, name), client first, as in headline")
    survival: tuple[SurvivalLine, ...] = documented("one per brand, in `brands` order")
    gaps: tuple[Gap, ...] = documented("client vs each competitor, rate then time")
    rate_test: str = documented("the response-rate test's name")
    time_test: str = documented("the response-time test's name")
    correction: str = documented("the multiple-comparison correction")
    classes: tuple[ClassRow, ...] = documented("ignored share per kind of post and brand")
    classifiers: tuple[str, ...] = documented("the classification methods of stored classes")
    classifier_accuracy: str = documented(
        "the shipped classifier's figures on held-out real posts, in one sentence")
    most_ignored: tuple[str, ClassCell] | None = documented(
        f"the client's kind of post with the highest ignored share, among kinds with at least "
        f"{MOST_IGNORED_MIN_JUDGED} judged posts; None when there is no such kind")


def build_statistics(con: duckdb.DuckDBPyConnection, config: AuditConfig,
                     brand_order: list[str]) -> StatisticsContext:
    """Read survival, tests and classes for `brand_order` (client first) on all platforms."""
    names = {b.id: b.name for b in config.brands}
    found = statistics.assemble(con, brand_order, config.client)  # as `replyaudit stats`
    rows = {r.brand_id: r for r in found.survival if r.platform == "all"}
    comparisons = found.comparisons
    shares = {(s["brand_id"], s["class"]): s for s in found.class_shares}
    labels = [c for c in (*CLASSES, "unclassified")
              if any(label == c for _, label in shares)]
    class_rows = tuple(ClassRow(label, tuple(_class_cell(shares.get((b, label)), b)
                                             for b in brand_order)) for label in labels)
    return StatisticsContext(
        brands=tuple((b, names[b]) for b in brand_order),
        survival=tuple(_survival_line(rows[b], names[b], b == config.client)
                       for b in brand_order if b in rows),
        gaps=tuple(_gap(c, names[c.competitor_id]) for c in comparisons),
        rate_test=significance.RATE_TEST,
        time_test=significance.TIME_TEST,
        correction=significance.CORRECTION,
        classes=class_rows,
        classifiers=tuple(classify.stored_classifiers(con)),
        classifier_accuracy=CareModel().accuracy_statement(),
        most_ignored=_most_ignored(class_rows, config.client),
    )


def _survival_line(row: survival.SurvivalRow, name: str, is_client: bool) -> SurvivalLine:
    return SurvivalLine(
        brand_id=row.brand_id, name=name, is_client=is_client, posts=row.posts,
        answered=row.answered, censored=row.censored, km_median=row.km_median_seconds,
        median_not_reached=row.median_not_reached, within_sla=row.within_sla,
        within_24h=row.within_24h, median_answered=row.median_response_seconds,
    )


def _gap(c: significance.Comparison, name: str) -> Gap:
    return Gap(
        competitor_id=c.competitor_id, competitor_name=name, measure=c.measure,
        label=MEASURE_LABELS[c.measure], test=c.test, client_value=c.client_value,
        competitor_value=c.competitor_value, p_value=c.p_value, p_adjusted=c.p_adjusted,
        significant=c.significant, untestable=c.untestable,
    )


def _class_cell(share: dict[str, Any] | None, brand_id: str) -> ClassCell:
    if share is None:
        return ClassCell(brand_id, 0, 0, None)
    return ClassCell(brand_id, int(share["judged"]), int(share["ignored"]),
                     share["ignored_share"])


def _most_ignored(rows: tuple[ClassRow, ...], client: str | None) -> tuple[str, ClassCell] | None:
    """The client's classified kind with the highest ignored share (ties: CLASSES order)."""
    candidates = [(row.label, cell) for row in rows if row.label in CLASSES
                  for cell in row.cells if cell.brand_id == client
                  and cell.judged >= MOST_IGNORED_MIN_JUDGED and cell.share is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda found: (found[1].share or 0.0,
                                              -CLASSES.index(found[0])))
