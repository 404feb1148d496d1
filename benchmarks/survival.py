"""Time to first response, censoring included: Kaplan-Meier per brand and platform.

A pending or ignored post may still be answered, so its response time is only known to be
longer than its age at the judging run's `as_of`: it is right-censored there. Dropping those
posts (as the plain median over answered posts does) makes slow brands look fast. The
estimator is scipy's (`stats.ecdf` on `CensoredData`, Greenwood variance, log-log intervals);
this module only feeds it and reads the numbers the report needs. Definitions:
docs/statistics.md.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from benchmarks import queries, sqlfiles

if TYPE_CHECKING:
    import duckdb

CONFIDENCE = 0.95
DAY_SECONDS = 86_400
# Greenwood's log-log interval is undefined where S(t) is 0 or 1; scipy says so with this
# warning and returns NaN there, which we turn into "no interval".
_UNDEFINED_INTERVAL = "The confidence interval is undefined at some observations"


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % interval; any part is None where it cannot be given."""

    value: float | None
    low: float | None
    high: float | None


NO_ESTIMATE = Estimate(None, None, None)


@dataclass(frozen=True)
class SurvivalRow:
    """Time-to-first-response figures for one brand on one platform (or 'all')."""

    brand_id: str
    platform: str
    posts: int  # customer posts: events + censored
    answered: int  # events
    censored: int  # pending + ignored, censored at their age at as_of
    km_median_seconds: Estimate  # value None: no posts, or fewer than half ever answered
    within_sla: Estimate  # KM probability of an answer within the SLA
    within_24h: Estimate  # KM probability of an answer within 24 hours
    median_response_seconds: Estimate  # answered posts only, order-statistic interval

    @property
    def median_not_reached(self) -> bool:
        """True when there are posts but the KM curve never falls to one half."""
        return self.posts > 0 and self.km_median_seconds.value is None


class KaplanMeier:
    """The product-limit estimate of P(first response within t) from censored times.

    Pass every post's time in seconds and whether it was answered (an event) or not
    (censored at that time). Ties put events before censorings, as usual.
    """

    def __init__(self, seconds: Sequence[float] | np.ndarray,
                 answered: Sequence[bool] | np.ndarray) -> None:
        times = np.asarray(seconds, dtype=float)
        events = np.asarray(answered, dtype=bool)
        if len(times) == 0:
            raise ValueError("Kaplan-Meier needs at least one observation")
        self.times, self.events = times, events
        self.last_time = float(times.max())
        fit = stats.ecdf(stats.CensoredData(uncensored=times[events], right=times[~events]))
        self.sf = fit.sf
        self.cdf = fit.cdf
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _UNDEFINED_INTERVAL, RuntimeWarning)
            self.cdf_band = fit.cdf.confidence_interval(CONFIDENCE, method="log-log")
            self.sf_band = fit.sf.confidence_interval(CONFIDENCE, method="log-log")

    def answered_within(self, seconds: float) -> Estimate:
        """P(first response <= seconds) with its 95 % log-log interval.

        None beyond the follow-up: past the longest observed time the curve is unknown, not
        flat, unless every post was answered by then (S = 0).
        """
        if seconds > self.last_time and float(self.sf.evaluate(self.last_time)) > 0:
            return NO_ESTIMATE
        value = float(self.cdf.evaluate(seconds))
        if value in (0.0, 1.0):
            return self._exact_within(seconds, value)
        return Estimate(value, _number(self.cdf_band.low.evaluate(seconds)),
                        _number(self.cdf_band.high.evaluate(seconds)))

    def _exact_within(self, seconds: float, value: float) -> Estimate:
        """At 0 % and 100 % the log-log band collapses (or is undefined), so "0 % (0-0 %)"
        would claim certainty from a handful of posts. There the curve is a plain binomial
        share: of the posts whose fate at `seconds` is known (answered by then, or followed
        beyond it), k were answered by then; the Clopper-Pearson exact 95 % interval of k/n
        stays informative at both ends and contains the estimate."""
        answered_by = int(np.count_nonzero(self.events & (self.times <= seconds)))
        known = answered_by + int(np.count_nonzero(self.times > seconds))
        if known == 0:
            return Estimate(value, None, None)
        interval = stats.binomtest(answered_by, known).proportion_ci(CONFIDENCE, "exact")
        return Estimate(value, min(value, float(interval.low)), max(value, float(interval.high)))

    def median(self) -> Estimate:
        """The KM median: the first time S(t) <= 1/2, with the Brookmeyer-Crowley interval.

        The interval is where the pointwise 95 % band of S(t) crosses 1/2: its lower end is
        the first time the band's lower curve is <= 1/2, its upper end the first time its
        upper curve is. A None end means the curve never gets there in the data.
        """
        times = np.asarray(self.sf.quantiles, dtype=float)
        survival = np.asarray(self.sf.evaluate(times), dtype=float)
        low = np.asarray(self.sf_band.low.evaluate(times), dtype=float)
        high = np.asarray(self.sf_band.high.evaluate(times), dtype=float)
        # Where the band is undefined (S = 0 or 1) it collapses to the estimate.
        low = np.where(np.isnan(low), survival, low)
        high = np.where(np.isnan(high), survival, high)
        return Estimate(_first_time_at_most_half(times, survival),
                        _first_time_at_most_half(times, low),
                        _first_time_at_most_half(times, high))


def median_with_interval(answered_seconds: Sequence[float] | np.ndarray) -> Estimate:
    """Median response time of answered posts with a distribution-free 95 % interval.

    The median interpolates like brand_metrics (`quantile_cont`). The interval is the
    order-statistic (binomial) one, `scipy.stats.quantile_test`: exact coverage of at least
    95 % for any continuous distribution, no resampling and so no seed; its ends are observed
    response times. Fewer than 6 answers cannot give a 95 % interval: the ends are None.
    """
    values = np.asarray(answered_seconds, dtype=float)
    if len(values) == 0:
        return NO_ESTIMATE
    median = float(np.median(values))
    interval = stats.quantile_test(values, q=median, p=0.5).confidence_interval(CONFIDENCE)
    return Estimate(median, _number(interval.low), _number(interval.high))


def summarize(brand_id: str, platform: str, seconds: Sequence[float] | np.ndarray,
              answered: Sequence[bool] | np.ndarray, sla_seconds: float) -> SurvivalRow:
    """Every figure of one SurvivalRow from the group's censored response times."""
    times = np.asarray(seconds, dtype=float)
    events = np.asarray(answered, dtype=bool)
    if len(times) == 0:
        return SurvivalRow(brand_id, platform, 0, 0, 0, NO_ESTIMATE, NO_ESTIMATE, NO_ESTIMATE,
                           NO_ESTIMATE)
    km = KaplanMeier(times, events)
    answered_count = int(np.count_nonzero(events))
    return SurvivalRow(
        brand_id=brand_id, platform=platform, posts=len(times), answered=answered_count,
        censored=len(times) - answered_count, km_median_seconds=km.median(),
        within_sla=km.answered_within(sla_seconds), within_24h=km.answered_within(DAY_SECONDS),
        median_response_seconds=median_with_interval(times[events]),
    )


def survival_input(con: duckdb.DuckDBPyConnection) -> dict[str, np.ndarray]:
    """sql/stats/survival_input.sql as column arrays: brand_id, platform, status, answered,
    seconds. Arrays, not row dicts: an imported dataset has millions of customer posts."""
    sql = sqlfiles.load("stats/survival_input.sql")
    return con.execute(sql).fetchnumpy()


def group_mask(columns: dict[str, np.ndarray], brand_id: str, platform: str) -> np.ndarray:
    """Which rows of survival_input belong to the brand on the platform ('all': any)."""
    mask = columns["brand_id"] == brand_id
    return mask if platform == "all" else mask & (columns["platform"] == platform)


def survival_rows(con: duckdb.DuckDBPyConnection, brand_ids: list[str] | None = None,
                  columns: dict[str, np.ndarray] | None = None) -> list[SurvivalRow]:
    """One SurvivalRow per row of brand_metrics (same brands, platforms and order).

    Pass `columns` (survival_input) when it was already read: on a large dataset the view
    takes seconds. Raises benchmarks.errors.NoCrawlYet before the first finished crawl.
    """
    metrics = queries.brand_metrics(con, brand_ids)
    [(sla_seconds,)] = con.execute("select sla_seconds from audit_params").fetchall()
    columns = survival_input(con) if columns is None else columns
    found = []
    for m in metrics:
        mask = group_mask(columns, m["brand_id"], m["platform"])
        found.append(summarize(m["brand_id"], m["platform"], columns["seconds"][mask],
                               columns["answered"][mask], sla_seconds))
    return found


def as_record(row: SurvivalRow) -> dict[str, Any]:
    """The row flattened for CSV and JSON: each Estimate as NAME, NAME_low, NAME_high."""
    record: dict[str, Any] = {}
    for name, value in vars(row).items():
        if isinstance(value, Estimate):
            record.update({name: value.value, f"{name}_low": value.low,
                           f"{name}_high": value.high})
        else:
            record[name] = value
    return record


def _first_time_at_most_half(times: np.ndarray, curve: np.ndarray) -> float | None:
    # A tolerance: 1/2 reached through floating-point products (e.g. 5/6 * 3/5) counts.
    reached = np.nonzero(curve <= 0.5 + 1e-12)[0]
    return float(times[reached[0]]) if len(reached) else None


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number
