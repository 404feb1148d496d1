"""Kaplan-Meier time to first response, checked against a table worked by hand.

The hand-worked example (hours): six customer posts; four answered after 1, 2, 2 and 5 h
(events), two still unanswered at ages 3 h and 4 h (censored).

    t   at risk n  answered d  censored  S(t) = prod (1 - d/n)   Greenwood sum d/(n(n-d))
    1   6          1           0         5/6                     1/30
    2   5          2           0         5/6 * 3/5 = 1/2         1/30 + 2/15 = 1/6
    3   3          0           1         1/2
    4   2          0           1         1/2
    5   1          1           0         0

P(answered within t) = 1 - S(t). The log-log 95 % interval of S(t) is S^exp(±1.96 sqrt(v))
with v = Greenwood sum / (ln S)^2:
    t = 1: v = (1/30) / ln(5/6)^2 = 1.00277,  S in [0.273123, 0.974712],
           so P(within 1 h) = 1/6 in [0.025288, 0.726877]
    t = 2: v = (1/6) / ln(1/2)^2 = 0.34690,   S in [0.110948, 0.803709]
KM median = first t with S(t) <= 1/2 = 2 h. Its interval (Brookmeyer-Crowley): the lower
band is already <= 1/2 at 1 h (0.273); the upper band first is at 5 h, where S = 0 and
the band collapses onto it (0.975 at 1 h, 0.804 at 2-4 h). So 2 h in [1 h, 5 h].
P(within 24 h) = 1 (S(5 h) = 0), an estimate at the edge whose log-log interval is
undefined: no interval.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.survival import KaplanMeier, median_with_interval, survival_rows
from tests.stats_data import CustomerPost, build

H = 3600.0
HAND_TIMES = [1 * H, 2 * H, 2 * H, 5 * H, 3 * H, 4 * H]
HAND_ANSWERED = [True, True, True, True, False, False]


def test_the_hand_worked_table() -> None:
    km = KaplanMeier(HAND_TIMES, HAND_ANSWERED)
    within_1h = km.answered_within(1 * H)
    assert within_1h.value == pytest.approx(1 / 6)
    assert within_1h.low == pytest.approx(0.025288, abs=1e-6)
    assert within_1h.high == pytest.approx(0.726877, abs=1e-6)
    within_2h = km.answered_within(2 * H)
    assert within_2h.value == pytest.approx(1 / 2)
    assert (within_2h.low, within_2h.high) == (pytest.approx(1 - 0.803709, abs=1e-6),
                                               pytest.approx(1 - 0.110948, abs=1e-6))
    assert km.answered_within(3.5 * H) == within_2h  # censorings do not move the curve
    assert km.answered_within(24 * H).value == pytest.approx(1.0)
    # At 100 % the log-log band is undefined: the exact binomial interval of the 4 posts
    # whose fate at 24 h is known (all answered), lower end 0.025 ** (1/4).
    assert (km.answered_within(24 * H).low, km.answered_within(24 * H).high) == \
        (pytest.approx(0.397635, abs=1e-6), 1.0)
    median = km.median()
    assert (median.value, median.low, median.high) == (2 * H, 1 * H, 5 * H)


def test_beyond_the_follow_up_the_curve_is_unknown() -> None:
    # Answered after 1 h, one post unanswered at 2 h: P(within 3 h) is not known.
    km = KaplanMeier([1 * H, 2 * H], [True, False])
    assert km.answered_within(2 * H).value == pytest.approx(0.5)
    assert km.answered_within(3 * H).value is None
    # an answer and a censoring at the last time: past it the curve is unknown too
    km = KaplanMeier([1 * H, 2 * H, 2 * H], [True, True, False])
    assert km.answered_within(2 * H).value == pytest.approx(2 / 3)
    assert km.answered_within(3 * H).value is None
    # and more than half unanswered: the median is not reached
    km = KaplanMeier([1 * H, 2 * H, 3 * H], [True, False, False])
    assert km.median().value is None


def test_ties_put_events_before_censorings() -> None:
    # At 1 h one post answered and one censored: both were at risk, S(1 h) = 1 - 1/3.
    km = KaplanMeier([1 * H, 1 * H, 2 * H], [True, False, True])
    assert km.answered_within(1 * H).value == pytest.approx(1 / 3)
    assert km.answered_within(2 * H).value == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=40))
def test_without_censoring_km_is_the_empirical_cdf(minutes: list[int]) -> None:
    seconds = [m * 60.0 for m in minutes]
    km = KaplanMeier(seconds, [True] * len(seconds))
    data = np.asarray(seconds)
    for t in sorted({*seconds, 0.0, max(seconds) + 1}):
        assert km.answered_within(t).value == pytest.approx(float(np.mean(data <= t)))
    # the KM median is then the smallest t with F(t) >= 1/2
    assert km.median().value == float(np.quantile(data, 0.5, method="inverted_cdf"))


def test_median_response_interval_is_the_order_statistic_one() -> None:
    # n = 12, B ~ Binomial(12, 1/2): P(B <= 2) = (1 + 12 + 66) / 4096 = 0.0193 <= 0.025 and
    # P(B <= 3) = 299 / 4096 = 0.073 > 0.025, so [x(3), x(10)] covers the median with
    # probability 1 - 2 * 79/4096 = 96.1 %.
    hours = [7, 1, 12, 3, 9, 2, 11, 5, 4, 10, 8, 6]
    got = median_with_interval([h * H for h in hours])
    assert (got.value, got.low, got.high) == (6.5 * H, 3 * H, 10 * H)
    assert median_with_interval([1 * H, 2 * H, 4 * H, 5 * H]).low is None  # n < 6: no 95 %
    assert median_with_interval([]).value is None


def test_survival_rows_censor_pending_and_ignored_posts_at_their_age(tmp_path: Path) -> None:
    day = timedelta(days=10)
    posts = [CustomerPost("acme", day, timedelta(hours=h)) for h in (1, 2, 2, 5)]
    posts += [CustomerPost("acme", timedelta(hours=h)) for h in (3, 4)]  # pending
    posts += [CustomerPost("globex", timedelta(days=4)),  # ignored: censored at 96 h
              CustomerPost("globex", day, timedelta(minutes=30))]
    con = build(tmp_path / "km.duckdb", [("acme", "Acme"), ("globex", "Globex")], "acme",
                posts)
    rows = {(r.brand_id, r.platform): r for r in survival_rows(con)}
    acme = rows["acme", "all"]
    assert acme == replace(rows["acme", "bluesky"], platform="all")  # one platform only
    assert (acme.posts, acme.answered, acme.censored) == (6, 4, 2)
    hand = KaplanMeier(HAND_TIMES, HAND_ANSWERED)
    assert acme.km_median_seconds == hand.median()
    assert acme.within_sla == hand.answered_within(H)
    assert acme.within_24h.value == pytest.approx(1.0)
    assert acme.median_response_seconds.value == 2 * H
    globex = rows["globex", "all"]
    assert (globex.posts, globex.answered, globex.censored) == (2, 1, 1)
    assert globex.within_24h.value == pytest.approx(0.5)  # the ignored post is at risk to 96 h
    assert globex.km_median_seconds.value == 1800.0
