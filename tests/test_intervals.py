"""Intervals contain their estimate and stay informative at 0 % and 100 %.

A brand that answered all (or none) of n posts once crashed the report: Wilson's upper end
came out as 0.9999999999999998 below a rate of 1.0 (n = 4, 10, 14, 19, ...), the chart got a
negative error bar and no report was written.
"""

from __future__ import annotations

from importlib import resources

import duckdb
import pytest
from scipy import stats

from benchmarks.survival import KaplanMeier
from reports.charts import RateBar, rate_chart

RATES = (0.0, 0.1, 1 / 3, 0.5, 0.9, 1.0)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    sql = resources.files("benchmarks").joinpath("sql/metrics/intervals.sql")
    con.execute(sql.read_text(encoding="utf-8"))
    return con


def test_wilson_contains_the_rate_for_every_n_up_to_1000(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""
        with cases as (
            select n, round(n * rate)::bigint as k
            from range(1, 1001) as t(n), unnest($rates) as r(rate)
        )
        select n, k, k / n as rate, wilson_low(k, n) as low, wilson_high(k, n) as high
        from cases
    """, {"rates": list(RATES)}).fetchall()
    assert len(rows) == 1000 * len(RATES)
    bad = [(n, k, low, rate, high) for n, k, rate, low, high in rows
           if not 0.0 <= low <= rate <= high <= 1.0]
    assert bad == []
    # informative at both ends: never a zero-width interval
    assert all(high > low for _, _, _, low, high in rows)


def test_wilson_hand_worked(con: duckdb.DuckDBPyConnection) -> None:
    # 0 of 32: lower 0, upper z^2 / (n + z^2) = 3.8415 / 35.8415
    [(low, high)] = con.execute("select wilson_low(0, 32), wilson_high(0, 32)").fetchall()
    assert (low, high) == (0.0, pytest.approx(3.841459 / 35.841459, abs=1e-6))
    # 19 of 19, the first n where the unclamped upper end fell below 1.0
    [(low, high)] = con.execute("select wilson_low(19, 19), wilson_high(19, 19)").fetchall()
    assert (low, high) == (pytest.approx(19 / (19 + 3.841459), abs=1e-6), 1.0)
    # nothing judged: no interval
    assert con.execute("select wilson_low(0, 0), wilson_high(0, null)").fetchall() == \
        [(None, None)]


@pytest.mark.parametrize("n", [4, 10, 14, 19, 1000])
def test_the_rate_chart_draws_every_brand_at_0_and_100(con: duckdb.DuckDBPyConnection,
                                                       n: int) -> None:
    bars = []
    for k in (0, n):
        [(low, high)] = con.execute("select wilson_low($k, $n), wilson_high($k, $n)",
                                    {"k": k, "n": n}).fetchall()
        bars.append(RateBar(name=f"{k} of {n}", rate=k / n, low=low, high=high, judged=n,
                            is_client=k == 0))
    chart = rate_chart(bars)
    assert "<svg" in str(chart.svg)


@pytest.mark.parametrize("n", [1, 5, 32, 200])
def test_km_share_within_the_sla_is_exact_at_the_ends(n: int) -> None:
    # none answered within the hour, everyone followed for a day
    none = KaplanMeier([86_400.0] * n, [False] * n).answered_within(3600)
    assert (none.value, none.low) == (0.0, 0.0)
    assert none.high == pytest.approx(1 - 0.025 ** (1 / n))
    # everyone answered within the hour
    every = KaplanMeier([60.0] * n, [True] * n).answered_within(3600)
    assert (every.value, every.high) == (1.0, 1.0)
    assert every.low == pytest.approx(0.025 ** (1 / n))
    # the same as scipy's exact binomial interval
    exact = stats.binomtest(0, n).proportion_ci(0.95, "exact")
    assert none.high == pytest.approx(exact.high)
