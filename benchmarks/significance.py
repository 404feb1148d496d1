"""Is the client's gap to each competitor real or noise? Two tests per competitor, one family.

- Response rate (answered vs ignored; pending left out as in brand_metrics): Fisher's exact
  test, two-sided. Exact at any sample size, where a two-proportion z-test is not with the
  handful of posts a small brand gets.
- Response time: the log-rank test on the censored times of survival_input (answered =
  event, pending and ignored censored at their age), which uses every post instead of
  dropping the unanswered ones the way a test on answered times alone would.

All tests of one report form one family, corrected with Holm's step-down method
(statsmodels `multipletests`), which controls the family-wise error rate at 5 % without
assuming the tests are independent. A gap is significant only when its corrected p < 0.05.
Definitions: docs/statistics.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from benchmarks.survival import KaplanMeier, group_mask, survival_input

if TYPE_CHECKING:
    import duckdb

ALPHA = 0.05
RATE_TEST = "Fisher's exact test (two-sided)"
TIME_TEST = "log-rank test"
CORRECTION = "Holm"


@dataclass(frozen=True)
class BrandSample:
    """What the tests need of one brand: censored times, which were answered, and how many
    of the unanswered were ignored (the rest are pending)."""

    seconds: Sequence[float] | np.ndarray = ()
    answered: Sequence[bool] | np.ndarray = ()
    ignored: int = 0

    @property
    def posts(self) -> int:
        return len(self.seconds)

    @property
    def answered_count(self) -> int:
        return int(np.count_nonzero(np.asarray(self.answered, dtype=bool)))


@dataclass(frozen=True)
class Comparison:
    """The client against one competitor on one measure."""

    competitor_id: str
    measure: str  # response_rate | response_time
    test: str  # RATE_TEST or TIME_TEST
    client_value: float | None  # response rate, or KM median seconds (None: not reached)
    competitor_value: float | None
    p_value: float | None  # None: not testable (see `untestable`)
    p_adjusted: float | None  # Holm-corrected over every testable comparison
    untestable: str | None = None  # why there is no test

    @property
    def significant(self) -> bool:
        """True only when the corrected p-value is below ALPHA."""
        return self.p_adjusted is not None and self.p_adjusted < ALPHA


def as_record(comparison: Comparison, client_id: str) -> dict[str, Any]:
    """The comparison flattened for CSV and JSON, with its verdict."""
    return {"client_id": client_id, **asdict(comparison),
            "significant": comparison.significant}


def compare(client: BrandSample, competitors: dict[str, BrandSample]) -> list[Comparison]:
    """Rate and time comparisons against each competitor (in the given order), Holm-corrected."""
    found: list[Comparison] = []
    for competitor_id, other in competitors.items():
        found.append(_rate_comparison(competitor_id, client, other))
        found.append(_time_comparison(competitor_id, client, other))
    return holm(found)


def holm(comparisons: Sequence[Comparison]) -> list[Comparison]:
    """Fill p_adjusted with Holm's correction over the comparisons that have a p-value."""
    tested = [i for i, c in enumerate(comparisons) if c.p_value is not None]
    found = list(comparisons)
    if tested:
        _, adjusted, _, _ = multipletests([comparisons[i].p_value for i in tested],
                                          alpha=ALPHA, method="holm")
        for i, p in zip(tested, adjusted, strict=True):
            found[i] = replace(found[i], p_adjusted=float(p))
    return found


def samples(columns: dict[str, np.ndarray], brand_ids: Sequence[str],
            platform: str = "all") -> dict[str, BrandSample]:
    """Each brand's sample on one platform ('all': every platform) from survival_input."""
    found = {}
    for brand_id in brand_ids:
        mask = group_mask(columns, brand_id, platform)
        found[brand_id] = BrandSample(columns["seconds"][mask], columns["answered"][mask],
                                      int(np.count_nonzero(columns["status"][mask] == "ignored")))
    return found


def client_comparisons(con: duckdb.DuckDBPyConnection, client_id: str,
                       competitor_ids: Sequence[str], platform: str = "all",
                       columns: dict[str, np.ndarray] | None = None) -> list[Comparison]:
    """The client against each competitor on `platform`, as the report shows them.

    Pass `columns` (survival_input) when it was already read.
    """
    columns = survival_input(con) if columns is None else columns
    found = samples(columns, [client_id, *competitor_ids], platform)
    return compare(found[client_id], {c: found[c] for c in competitor_ids})


def _rate_comparison(competitor_id: str, client: BrandSample, other: BrandSample) -> Comparison:
    mine, theirs = _rate(client), _rate(other)
    p_value, untestable = None, None
    if mine is None or theirs is None:
        untestable = "no judged posts (answered or ignored) on one side"
    else:
        table = [[client.answered_count, client.ignored], [other.answered_count, other.ignored]]
        p_value = float(stats.fisher_exact(table, alternative="two-sided").pvalue)
    return Comparison(competitor_id, "response_rate", RATE_TEST, mine, theirs, p_value, None,
                      untestable)


def _time_comparison(competitor_id: str, client: BrandSample, other: BrandSample) -> Comparison:
    mine, theirs = _km_median(client), _km_median(other)
    p_value, untestable = None, None
    if not client.posts or not other.posts:
        untestable = "no customer posts on one side"
    elif client.answered_count + other.answered_count == 0:
        untestable = "no answered post on either side"
    else:
        p_value = float(stats.logrank(_censored(client), _censored(other)).pvalue)
    return Comparison(competitor_id, "response_time", TIME_TEST, mine, theirs, p_value, None,
                      untestable)


def _rate(sample: BrandSample) -> float | None:
    judged = sample.answered_count + sample.ignored
    return sample.answered_count / judged if judged else None


def _km_median(sample: BrandSample) -> float | None:
    return KaplanMeier(sample.seconds, sample.answered).median().value if sample.posts else None


def _censored(sample: BrandSample) -> stats.CensoredData:
    times = np.asarray(sample.seconds, dtype=float)
    events = np.asarray(sample.answered, dtype=bool)
    return stats.CensoredData(uncensored=times[events], right=times[~events])
