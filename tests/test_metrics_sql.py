"""The metric SQL against a hand-built thread whose every status was worked out on paper."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from benchmarks import queries, store
from benchmarks.recorder import RunRecorder, RunWindow, recording

AS_OF = datetime(2026, 10, 10, tzinfo=UTC)
T0 = datetime(2026, 10, 2, 10, 0, tzinfo=UTC)

ACCOUNTS = [
    # platform, account_id, handle, followers, brand
    ("bluesky", "did:a1", "acmeair.bsky.social", 50_000, "acme"),
    ("bluesky", "did:a2", "acmehelp.bsky.social", 900, "acme"),
    ("bluesky", "did:g1", "globex.com", 70_000, "globex"),
    ("mastodon", "acme@mastodon.social", "acme@mastodon.social", 10, "acme"),
    *[("bluesky", f"did:c{i}", f"c{i}.bsky.social", i * 100, None) for i in range(1, 6)],
]

# post_id, author, created_at, parent, mentions
POSTS = [
    ("P0", "did:a1", datetime(2026, 9, 30, 20, 0, tzinfo=UTC), None, []),
    ("R0", "did:c3", datetime(2026, 9, 30, 23, 0, tzinfo=UTC), "P0", []),  # before the window
    ("P1", "did:a1", T0, None, []),
    ("R1", "did:c1", T0 + timedelta(minutes=30), "P1", []),
    ("A-R1", "did:a2", T0 + timedelta(minutes=60), "R1", []),  # on time: 1800 s
    ("C", "did:c5", T0 + timedelta(minutes=45), "R1", ["did:a1"]),  # chat that mentions
    ("A-C", "did:a2", T0 + timedelta(hours=4, minutes=45), "C", []),  # late: 14400 s
    ("R2", "did:c2", T0 + timedelta(hours=1), "P1", []),
    ("F", "did:c3", T0 + timedelta(hours=1, minutes=10), "R2", []),  # not addressed
    ("A-F", "did:a1", T0 + timedelta(hours=3), "F", []),  # answers R2 below F: 7200 s
    ("SELF", "did:a2", T0 + timedelta(hours=2), "P1", []),  # the brand's own reply
    ("R3", "did:c4", datetime(2026, 10, 3, 9, 0, tzinfo=UTC), "P1", []),
    ("G-R3", "did:g1", datetime(2026, 10, 3, 9, 5, tzinfo=UTC), "R3", []),  # other brand
    ("R4", "did:c5", datetime(2026, 10, 9, 12, 0, tzinfo=UTC), "P1", []),  # pending (12 h)
    ("M1", "did:c1", datetime(2026, 10, 4, 8, 0, tzinfo=UTC), None, ["did:a1", "did:g1"]),
    ("G-M1", "did:g1", datetime(2026, 10, 4, 8, 30, tzinfo=UTC), "M1", []),
    ("R5", "did:c4", datetime(2026, 10, 10, 5, 0, tzinfo=UTC), "P1", []),  # after as_of
    # a competitor's reply to Acme that mentions it: between brands, never a customer post
    ("G-P1", "did:g1", datetime(2026, 10, 5, 9, 0, tzinfo=UTC), "P1", ["did:a1"]),
    ("R6", "did:c3", datetime(2026, 10, 8, 0, 0, tzinfo=UTC), "P1", []),
    ("A-R6", "did:a1", datetime(2026, 10, 10, 6, 0, tzinfo=UTC), "R6", []),  # after as_of
]

EXPECTED = {
    ("R1", "acme"): ("on_time", 1800.0),
    ("C", "acme"): ("late", 14400.0),
    ("R2", "acme"): ("late", 7200.0),
    ("R3", "acme"): ("ignored", None),
    ("R4", "acme"): ("pending", None),
    ("M1", "acme"): ("ignored", None),
    ("R6", "acme"): ("pending", None),
    ("M1", "globex"): ("on_time", 1800.0),
}


def post(post_id: str, author_id: str, created_at: datetime, parent_id: str | None,
         **columns: object) -> dict[str, object]:
    """A posts row by column name: a Bluesky post with no counts, fetched at AS_OF."""
    return {"platform": "bluesky", "post_id": post_id, "author_id": author_id,
            "created_at": created_at, "text": "text", "parent_id": parent_id, "like_count": 0,
            "reply_count": 0, "repost_count": 0, "language": "en", "fetched_at": AS_OF,
            **columns}


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect(tmp_path / "hand.duckdb")
    window = RunWindow("hand-built", "acme", datetime(2026, 10, 1, tzinfo=UTC), None,
                       3600, 72 * 3600, AS_OF)
    with recording(con, window, [("acme", "Acme"), ("globex", "Globex")]) as run:
        run.upsert_accounts([{"platform": p, "account_id": a, "handle": h, "display_name": h,
                              "followers": f, "brand_id": b, "fetched_at": AS_OF}
                             for p, a, h, f, b in ACCOUNTS])
        brand_of = {a: b for _, a, _, _, b in ACCOUNTS}
        run.upsert_posts([post(post_id, author, created, parent, brand_id=brand_of[author],
                               by_brand=brand_of[author] is not None, mentions=mentioned)
                          for post_id, author, created, parent, mentioned in POSTS])
    return con


def test_statuses_follow_the_definitions(con: duckdb.DuckDBPyConnection) -> None:
    got = {(r[0], r[1]): (r[2], r[3]) for r in con.execute(
        "select post_id, brand_id, status, response_seconds from customer_posts").fetchall()}
    assert got == EXPECTED


def test_first_response_names_the_earliest_brand_post(con: duckdb.DuckDBPyConnection) -> None:
    got = dict(con.execute("select post_id, first_response_id from customer_posts "
                           "where brand_id = 'acme' and status in ('on_time', 'late')").fetchall())
    assert got == {"R1": "A-R1", "C": "A-C", "R2": "A-F"}


def test_questions_and_response_time_buckets(con: duckdb.DuckDBPyConnection) -> None:
    # R1 answered in 30 min, R2 in 2 h, R3 ignored, R4 pending: all questions
    con.executemany("insert into post_classes (platform, post_id, class, sentiment, classifier,"
                    " classified_at) values ('bluesky', ?, ?, null, 'hand', ?)",
                    [(p, c, AS_OF) for p, c in [("R1", "question"), ("R2", "question"),
                                                ("R3", "question"), ("R4", "question"),
                                                ("C", "complaint"), ("M1", "other")]])
    rows = {r["brand_id"]: r for r in queries.rows(
        con, "select * from brand_metrics where platform = 'all'")}
    acme = rows["acme"]
    assert acme["question_posts"] == 4
    assert acme["question_response_rate"] == pytest.approx(2 / 3)  # pending R4 not judged
    assert acme["median_question_response_seconds"] == pytest.approx((1800 + 7200) / 2)
    buckets = ("answered_within_1h", "answered_1h_to_8h", "answered_8h_to_24h",
               "answered_1d_to_3d", "answered_after_3d")
    # R1 1800 s; R2 7200 s and C 14400 s; the unanswered bucket is `ignored` (R3, M1)
    assert [acme[b] for b in buckets] == [1, 2, 0, 0, 0]
    assert sum(acme[b] for b in buckets) + acme["ignored"] == acme["answered"] + acme["ignored"]
    assert [rows["globex"][b] for b in buckets] == [1, 0, 0, 0, 0]  # M1 in 1800 s
    assert rows["globex"]["question_posts"] == 0
    assert rows["globex"]["question_response_rate"] is None


def test_posts_between_brands_are_counted_apart(con: duckdb.DuckDBPyConnection) -> None:
    got = {(r[0], r[1]): r[2] for r in con.execute(
        "select brand_id, platform, between_brands from brand_metrics").fetchall()}
    assert got[("acme", "bluesky")] == got[("acme", "all")] == 1  # G-P1
    assert got[("acme", "mastodon")] == 0
    assert got[("globex", "all")] == 0
    assert con.execute("select count(*) from customer_posts where post_id = 'G-P1'"
                       ).fetchone() == (0,)


def wilson(answered: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    p = answered / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_brand_metrics(con: duckdb.DuckDBPyConnection) -> None:
    rows = {(r["brand_id"], r["platform"]): r for r in queries.brand_metrics(con)}
    acme = rows["acme", "all"]
    assert acme == rows["acme", "bluesky"] | {"platform": "all"}
    assert (acme["customer_posts"], acme["on_time"], acme["late"], acme["ignored"],
            acme["pending"], acme["answered"]) == (7, 1, 2, 2, 2, 3)
    assert acme["response_rate"] == pytest.approx(3 / 5)
    assert acme["within_sla_rate"] == pytest.approx(1 / 5)
    low, high = wilson(3, 5)
    assert (acme["response_rate_low"], acme["response_rate_high"]) == (
        pytest.approx(low), pytest.approx(high))
    times = [1800.0, 7200.0, 14400.0]
    assert acme["median_response_seconds"] == statistics.median(times)
    # p90 by linear interpolation between order statistics (numpy's and R's default, type 7)
    assert acme["p90_response_seconds"] == pytest.approx(
        statistics.quantiles(times, n=10, method="inclusive")[8])
    globex = rows["globex", "all"]
    assert (globex["customer_posts"], globex["on_time"], globex["response_rate"]) == (1, 1, 1.0)
    # A platform where the brand has an account but nothing to judge: no data, not 0 %.
    empty = rows["acme", "mastodon"]
    assert empty["customer_posts"] == 0
    assert empty["response_rate"] is None and empty["within_sla_rate"] is None


def test_rerunning_with_other_thresholds_uses_the_macro(con: duckdb.DuckDBPyConnection) -> None:
    # A 3-hour SLA turns R2 (2 h) on time; judged a week later, R4 becomes ignored, R6 late.
    later = AS_OF + timedelta(days=7)
    got = dict(con.execute(
        "select post_id, status from customer_posts_at(?, null, 10800, 259200, ?) "
        "where brand_id = 'acme'", [datetime(2026, 10, 1, tzinfo=UTC), later]).fetchall())
    assert got["R2"] == "on_time"
    assert got["R6"] == "late"  # its answer came at 10-10 06:00, 54 h later
    assert got["R4"] == "ignored"
    assert got["R5"] == "ignored"  # created after the first as_of, a week old by then


def test_a_post_the_platform_addresses_to_a_brand_counts(
        con: duckdb.DuckDBPyConnection) -> None:
    # A review of acme: no parent, no mention, answered below by acme 2 h later; a reply by
    # another customer under it is not addressed (it answers the customer, not the brand).
    created = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
    rows = [post(post_id, author, created + delay, parent, root_id="REV", addressed_to=to)
            for post_id, author, delay, parent, to in [
                ("REV", "did:c2", timedelta(0), None, [("acme", "review")]),
                ("REV-C", "did:c3", timedelta(minutes=5), "REV", []),
                ("REV-A", "did:a2", timedelta(hours=2), "REV-C", [])]]
    RunRecorder(con, 1).upsert_posts(rows)
    got = con.execute("select post_id, brand_id, status, response_seconds from customer_posts "
                      "where post_id like 'REV%'").fetchall()
    assert got == [("REV", "acme", "late", 7200.0)]
    RunRecorder(con, 1).upsert_posts(rows)
    [(count,)] = con.execute("select count(*) from post_addressees").fetchall()
    assert count == 1


def test_upsert_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    before = con.execute("select * from posts order by post_id").fetchall()
    RunRecorder(con, 1).upsert_posts(queries.rows(con, "select * from posts"))
    after = con.execute("select * from posts order by post_id").fetchall()
    assert after == before
    [(count,)] = con.execute("select count(*) from posts").fetchall()
    assert count == len(POSTS)


def test_unknown_parent_never_erases_a_known_one(con: duckdb.DuckDBPyConnection) -> None:
    [row] = queries.rows(con, "select * from posts where post_id = 'R1'")
    RunRecorder(con, 1).upsert_posts([row | {"parent_id": None, "root_id": None}])
    [(parent,)] = con.execute("select parent_id from posts where post_id = 'R1'").fetchall()
    assert parent == "P1"


def test_migrate_twice_does_nothing(tmp_path: Path) -> None:
    path = tmp_path / "twice.duckdb"
    store.connect(path).close()
    con = store.connect(path)
    applied = con.execute("select version from _migrations order by version").fetchall()
    assert applied == [(version,) for version, _, _ in store.migrations()]


def test_negative_reviews_have_their_own_response_rate(con: duckdb.DuckDBPyConnection) -> None:
    # Five reviews of acme on Trustpilot, worked out on paper (SLA 1 h, ignored after 72 h,
    # judged 10-10 00:00): two of the three rated 1-2 stars can be judged, one was answered.
    run = RunRecorder(con, 1)
    run.upsert_accounts([{"platform": "trustpilot", "account_id": "BU1", "handle": "acme.com",
                          "display_name": "Acme", "brand_id": "acme", "fetched_at": AS_OF}])
    day = datetime(2026, 10, 3, 9, 0, tzinfo=UTC)
    reviews = [  # post_id, created_at, rating, reply after
        ("NEG1", day, 1, timedelta(minutes=30)),  # on time
        ("NEG2", day, 2, None),  # ignored
        ("NEG3", datetime(2026, 10, 9, 12, 0, tzinfo=UTC), 1, None),  # pending: in no rate
        ("POS", day, 5, timedelta(hours=5)),  # late
        ("MID", day, 3, timedelta(hours=1)),  # on time
    ]
    rows = []
    for post_id, created, rating, reply in reviews:
        rows.append(post(post_id, f"consumer-{post_id}", created, None, platform="trustpilot",
                         root_id=post_id, brand_id="acme", rating=rating,
                         addressed_to=[("acme", "review")]))
        if reply is not None:
            rows.append(post(f"{post_id}#reply", "BU1", created + reply, post_id,
                             platform="trustpilot", text="thanks", root_id=post_id,
                             brand_id="acme", by_brand=True))
    run.upsert_posts(rows)
    metrics = {(r["brand_id"], r["platform"]): r for r in queries.brand_metrics(con)}
    trustpilot = metrics["acme", "trustpilot"]
    assert (trustpilot["customer_posts"], trustpilot["response_rate"]) == (5, 0.75)
    assert (trustpilot["negative_reviews"], trustpilot["negative_response_rate"]) == (3, 0.5)
    everything = metrics["acme", "all"]
    assert (everything["negative_reviews"], everything["negative_response_rate"]) == (3, 0.5)
    bluesky = metrics["acme", "bluesky"]  # nothing rated there: no rate, not 0 %
    assert (bluesky["negative_reviews"], bluesky["negative_response_rate"]) == (0, None)
    ratings = dict(con.execute("select post_id, rating from customer_posts "
                               "where platform = 'trustpilot'").fetchall())
    assert ratings == {"NEG1": 1, "NEG2": 2, "NEG3": 1, "POS": 5, "MID": 3}
