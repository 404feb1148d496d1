"""Client-vs-competitor tests: Fisher and log-rank checked by independent arithmetic, Holm by
hand, and a gap that is only "significant" before the correction."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest

from benchmarks.significance import (
    BrandSample,
    Comparison,
    client_comparisons,
    compare,
    holm,
)
from tests.stats_data import CustomerPost, build

H = 3600.0


def sample(answered_hours: list[float], censored_hours: list[float], ignored: int = 0,
           ) -> BrandSample:
    return BrandSample(tuple(h * H for h in answered_hours + censored_hours),
                       (True,) * len(answered_hours) + (False,) * len(censored_hours), ignored)


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Sum of the hypergeometric probabilities of every table as likely as or less likely
    than [[a, b], [c, d]] with the same margins."""
    row1, col1, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> float:
        return math.comb(col1, x) * math.comb(n - col1, row1 - x) / math.comb(n, row1)

    observed = prob(a)
    return sum(p for x in range(max(0, row1 + col1 - n), min(row1, col1) + 1)
               if (p := prob(x)) <= observed * (1 + 1e-9))


def logrank_p(first: BrandSample, second: BrandSample) -> float:
    """Mantel's log-rank: sum over event times of O - E and the hypergeometric variance."""
    observations = [(t, e, 0) for t, e in zip(first.seconds, first.answered, strict=True)]
    observations += [(t, e, 1) for t, e in zip(second.seconds, second.answered, strict=True)]
    o_minus_e = variance = 0.0
    for t in sorted({t for t, e, _ in observations if e}):
        at_risk = [g for s, _, g in observations if s >= t]
        n, n1 = len(at_risk), at_risk.count(0)
        d = sum(1 for s, e, _ in observations if s == t and e)
        d1 = sum(1 for s, e, g in observations if s == t and e and g == 0)
        o_minus_e += d1 - d * n1 / n
        if n > 1:
            variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    chi2 = o_minus_e ** 2 / variance
    return math.erfc(math.sqrt(chi2 / 2))  # chi-square, 1 degree of freedom


def test_fisher_on_response_rate_matches_the_hypergeometric_sum() -> None:
    client = sample([1, 2], [80] * 8, ignored=8)  # 2 answered, 8 ignored
    rival = sample([1] * 9, [80], ignored=1)  # 9 answered, 1 ignored
    [rate, _] = compare(client, {"rival": rival})
    assert rate.measure == "response_rate"
    assert (rate.client_value, rate.competitor_value) == (0.2, 0.9)
    assert rate.p_value == pytest.approx(fisher_two_sided(2, 8, 9, 1))
    assert rate.p_value == pytest.approx(0.005477, abs=1e-6)


def test_pending_posts_are_not_in_the_rate_test() -> None:
    client = sample([1, 2], [80, 80, 5, 6], ignored=2)  # two ignored, two pending
    rival = sample([1, 1], [80], ignored=1)
    [rate, _] = compare(client, {"rival": rival})
    assert rate.client_value == 0.5
    assert rate.p_value == pytest.approx(fisher_two_sided(2, 2, 2, 1))


def test_log_rank_on_censored_times_matches_the_textbook_sums() -> None:
    client = sample([1, 3, 5, 30], [2, 72, 90], ignored=2)
    rival = sample([0.5, 0.5, 1, 2, 4], [6])
    [_, time] = compare(client, {"rival": rival})
    assert time.measure == "response_time"
    assert time.p_value == pytest.approx(logrank_p(client, rival), rel=1e-9)
    assert time.competitor_value == 1 * H  # KM median: S drops to 1/2 at 1 h (3 of 6)


def test_holm_by_hand() -> None:
    # sorted: 0.01 * 4 = 0.04; 0.03 * 3 = 0.09; 0.04 * 2 = 0.08 -> 0.09 (monotone); 0.5 * 1
    raw = [0.04, 0.01, 0.5, 0.03]
    found = holm([Comparison(str(i), "response_rate", "t", None, None, p, None)
                  for i, p in enumerate(raw)])
    assert [c.p_adjusted for c in found] == pytest.approx([0.09, 0.04, 0.5, 0.09])
    assert [c.significant for c in found] == [False, True, False, False]


def test_a_raw_p_below_005_is_not_significant_after_correction() -> None:
    # 2 of 10 against 8 of 10: Fisher p = 0.023 on its own. The rivals answer slowly (40 h),
    # so the log-rank p's are near 0.05 too, and Holm over four tests lifts every p above it.
    client = sample([1, 2], [80] * 8, ignored=8)
    rival = sample([40] * 8, [80] * 2, ignored=2)
    found = compare(client, {"rival": rival, "twin": rival})
    rate = found[0]
    assert rate.p_value == pytest.approx(fisher_two_sided(2, 8, 8, 2))
    assert rate.p_value == pytest.approx(0.023014, abs=1e-6)
    assert rate.p_adjusted == pytest.approx(4 * 0.023014, abs=1e-5)  # the smallest of four
    assert not any(c.significant for c in found)
    # the same data against one rival only: two tests, and the rate gap holds
    alone = compare(client, {"rival": rival})
    assert alone[0].p_adjusted == pytest.approx(2 * 0.023014, abs=1e-5)
    assert alone[0].significant


def test_untestable_comparisons_stay_out_of_the_family() -> None:
    client = sample([1, 2], [80], ignored=1)
    [rate, time, *others] = compare(client, {"empty": BrandSample(),
                                             "rival": sample([1], [80], ignored=1)})
    assert rate.p_value is None and rate.untestable and not rate.significant
    assert time.p_value is None and time.untestable == "no customer posts on one side"
    assert all(c.p_adjusted is not None for c in others)
    # Holm over two tests only: each adjusted p is at most twice its raw p
    assert all(c.p_adjusted <= 2 * c.p_value + 1e-12 for c in others)  # type: ignore[operator]


def test_client_comparisons_from_the_dataset(tmp_path: Path) -> None:
    old = timedelta(days=10)
    posts = [CustomerPost("acme", old, timedelta(hours=30)) for _ in range(4)]
    posts += [CustomerPost("acme", old) for _ in range(16)]  # ignored
    posts += [CustomerPost("fast", old, timedelta(minutes=10)) for _ in range(18)]
    posts += [CustomerPost("fast", old) for _ in range(2)]
    posts += [CustomerPost("alike", old, timedelta(hours=20)) for _ in range(5)]
    posts += [CustomerPost("alike", old) for _ in range(15)]
    con = build(tmp_path / "sig.duckdb", [("acme", "A"), ("fast", "F"), ("alike", "L")],
                "acme", posts)
    found = {(c.competitor_id, c.measure): c
             for c in client_comparisons(con, "acme", ["fast", "alike"])}
    assert found["fast", "response_rate"].significant
    assert found["fast", "response_time"].significant
    assert found["fast", "response_rate"].p_value == pytest.approx(fisher_two_sided(4, 16, 18, 2))
    assert not found["alike", "response_rate"].significant
    assert not found["alike", "response_time"].significant
    assert found["alike", "response_rate"].p_adjusted == pytest.approx(1.0)
