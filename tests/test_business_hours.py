"""The business clock, worked out on paper: a weekend, a holiday, a DST change, a post sent
while the desk was closed and answered before it opened.

Acme's desk: Europe/London, Mon-Fri 09:00-17:00, closed on 2026-12-25. SLA 3 hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import duckdb
import pytest

from benchmarks import queries, store
from benchmarks.recorder import RunWindow, recording

AS_OF = datetime(2027, 1, 10, tzinfo=UTC)
H = 3600.0


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# post id: (customer post, acme's answer), both UTC
THREADS = {
    # Fri 16:00 GMT -> Mon 10:00 GMT: Fri 16-17 and Mon 09-10 open, 2 h; 66 h on the calendar
    "weekend": ("2026-12-04 16:00", "2026-12-07 10:00"),
    # Thu 24 Dec 16:00 -> Mon 28 Dec 10:00: Thu 16-17, Fri 25 a holiday, Mon 09-10: 2 h
    "holiday": ("2026-12-24 16:00", "2026-12-28 10:00"),
    # Fri 27 Mar 16:00 GMT -> Mon 30 Mar 10:00 UTC = 11:00 BST (clocks went forward on Sunday
    # the 29th): Fri 16-17 and Mon 09-11 local, 3 h
    "dst": ("2026-03-27 16:00", "2026-03-30 10:00"),
    # Saturday, answered Saturday: the clock had not started, 0 s
    "closed": ("2026-12-05 10:00", "2026-12-05 11:00"),
    # Mon 09:00 -> 13:00 all open: 4 h, past the 3 h SLA on either clock
    "open": ("2026-12-07 09:00", "2026-12-07 13:00"),
}
BUSINESS = {"weekend": 2 * H, "holiday": 2 * H, "dst": 3 * H, "closed": 0.0, "open": 4 * H}
STATUS = {"weekend": "on_time", "holiday": "on_time", "dst": "on_time", "closed": "on_time",
          "open": "late"}


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect(tmp_path / "hours.duckdb")
    window = RunWindow("hours", "acme", datetime(2026, 3, 1, tzinfo=UTC), None,
                       int(3 * H), 72 * 3600, AS_OF)
    with recording(con, window, [("acme", "Acme")]) as run:
        run.upsert_accounts([
            {"platform": "bluesky", "account_id": account, "handle": account,
             "brand_id": brand, "fetched_at": AS_OF}
            for account, brand in (("did:acme", "acme"), ("did:cust", None))])
        posts = []
        for name, (asked, answered) in THREADS.items():
            posts.append(post(name, "did:cust", at(asked), None, mentions=["did:acme"]))
            posts.append(post(f"re-{name}", "did:acme", at(answered), name, brand_id="acme",
                              by_brand=True))
        run.upsert_posts(posts)
    return con


def post(post_id: str, author_id: str, created_at: datetime, parent_id: str | None,
         **columns: object) -> dict[str, object]:
    return {"platform": "bluesky", "post_id": post_id, "author_id": author_id,
            "created_at": created_at, "text": "help?", "parent_id": parent_id,
            "fetched_at": AS_OF, **columns}


def judged(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, float, float | None]]:
    return {r["post_id"]: (r["status"], r["response_seconds"], r["business_response_seconds"])
            for r in queries.rows(con, "select * from customer_posts")}


def test_without_business_hours_the_calendar_decides(con: duckdb.DuckDBPyConnection) -> None:
    got = judged(con)
    assert got["weekend"] == ("late", 66 * H, None)
    assert got["closed"] == ("on_time", 1 * H, None)
    metrics = queries.rows(con, "select * from brand_metrics where platform = 'all'")[0]
    assert metrics["median_business_response_seconds"] is None


def test_business_clock_skips_nights_weekends_holidays_and_follows_dst(
        con: duckdb.DuckDBPyConnection) -> None:
    con.execute("insert into business_hours values ('acme', 'Europe/London', [1, 2, 3, 4, 5], "
                "time '09:00', time '17:00', [date '2026-12-25'])")
    got = judged(con)
    assert {k: v[2] for k, v in got.items()} == BUSINESS
    assert {k: v[0] for k, v in got.items()} == STATUS
    # the calendar figure stays beside it
    assert got["dst"][1] == (at("2026-03-30 10:00") - at("2026-03-27 16:00")).total_seconds()
    metrics = queries.rows(con, "select * from brand_metrics where platform = 'all'")[0]
    assert metrics["median_business_response_seconds"] == 2 * H  # of 0, 2, 2, 3, 4 h
    assert metrics["on_time"] == 4 and metrics["late"] == 1


def test_the_macro_by_itself(con: duckdb.DuckDBPyConnection) -> None:
    def seconds(t0: str, t1: str, days: list[int], opens: time, closes: time,
                holidays: list[date], tz: str = "Europe/London") -> float:
        [(value,)] = con.execute("select business_seconds($t0, $t1, $tz, $days, $opens, "
                                 "$closes, $holidays)",
                                 {"t0": at(t0), "t1": at(t1), "tz": tz, "days": days,
                                  "opens": opens, "closes": closes,
                                  "holidays": holidays}).fetchall()
        return value

    weekdays = [1, 2, 3, 4, 5]
    # a whole working week in New York, where clocks fell back on Sunday 1 Nov 2026
    assert seconds("2026-10-31 00:00", "2026-11-07 00:00", weekdays, time(9), time(17), [],
                   "America/New_York") == 5 * 8 * H
    # autumn DST in London (25 Oct 2026): Fri 16:00 BST = 15:00 UTC -> Mon 10:00 GMT
    assert seconds("2026-10-23 15:00", "2026-10-26 10:00", weekdays, time(9), time(17),
                   []) == 2 * H
    # an answer before the post: nothing
    assert seconds("2026-12-07 12:00", "2026-12-07 11:00", weekdays, time(9), time(17),
                   []) == 0


def test_config_values_are_read_and_validated() -> None:
    from benchmarks import business_hours
    from benchmarks.errors import ConfigError

    hours = business_hours.parse("a.toml", "audit.business_hours", {
        "timezone": "Europe/London", "days": "Mon-Fri", "hours": "09:00-17:00",
        "holidays": ["2026-12-25", date(2026, 12, 26)]})
    assert hours == business_hours.BusinessHours("Europe/London", (1, 2, 3, 4, 5), time(9),
                                                 time(17), (date(2026, 12, 25),
                                                            date(2026, 12, 26)))
    wrap = business_hours.parse("a.toml", "k", {"timezone": "Asia/Dubai", "days": "Sun-Thu",
                                                "hours": "08:30-24:00"})
    assert wrap.days == (1, 2, 3, 4, 7) and wrap.opens == time(8, 30)
    assert business_hours.parse("a.toml", "k", {"timezone": "UTC", "days": "mon,wed, Fri",
                                                "hours": "10:00-12:00"}).days == (1, 3, 5)
    bad = [
        ({"timezone": "Mars/Olympus", "days": "Mon-Fri", "hours": "09:00-17:00"}, "k.timezone"),
        ({"timezone": "UTC", "days": "Mon-Fry", "hours": "09:00-17:00"}, "k.days"),
        ({"timezone": "UTC", "days": "Mon-Fri", "hours": "17:00-09:00"}, "k.hours"),
        ({"timezone": "UTC", "days": "Mon-Fri", "hours": "9-5"}, "k.hours"),
        ({"timezone": "UTC", "days": "Mon-Fri", "hours": "09:00-17:00",
          "holidays": ["25/12/2026"]}, "k.holidays"),
        ({"timezone": "UTC", "days": "Mon-Fri"}, "k.hours"),
        ({"timezone": "UTC", "days": "Mon-Fri", "hours": "09:00-17:00", "open": 1}, "k.open"),
    ]
    for value, key in bad:
        with pytest.raises(ConfigError) as e:
            business_hours.parse("a.toml", "k", value)
        assert e.value.key == key and str(e.value).startswith(f"a.toml: {key}: expected")


def test_the_config_sets_hours_for_every_brand_and_a_brand_may_override(
        tmp_path: Path) -> None:
    from benchmarks.config import load_config

    path = tmp_path / "a.toml"
    path.write_text("""
[audit]
name = "Hours"
client = "acme"
days = 7
business_hours = { timezone = "Europe/London", days = "Mon-Fri", hours = "09:00-17:00" }

[[brands]]
id = "acme"
bluesky = ["acme.example"]

[[brands]]
id = "globex"
bluesky = ["globex.example"]

[brands.business_hours]
timezone = "America/New_York"
days = "Mon-Sat"
hours = "08:00-20:00"
holidays = ["2026-11-26"]
""", encoding="utf-8")
    config = load_config(path)
    hours = config.business_hours()
    assert hours["acme"].timezone == "Europe/London" and hours["acme"].days == (1, 2, 3, 4, 5)
    assert hours["globex"].days == (1, 2, 3, 4, 5, 6)
    assert hours["globex"].holidays == (date(2026, 11, 26),)
