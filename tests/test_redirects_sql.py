"""Redirects, hand-offs and automated replies in the metric SQL, worked out by hand.

Acme redirects c1 to DMs, c1 confirms ("Done, sent you a DM"): a hand-off, no request. c2
says the same words without being redirected: a post like any other. Five customers get the
same template within 30 s (automated); one of them also gets a person's answer later. Acme's
bot account (flagged automated by the platform) answers c8 first, a person later. A bot
customer's post is no customer post.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from benchmarks import queries, reply_kinds, store
from benchmarks.recorder import RunWindow, recording

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 10, 20, tzinfo=UTC)
TEMPLATE = "Thanks for reaching out! A member of our team will get back to you shortly."
CUSTOMERS = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "spambot"]
BRAND = {"acme": "acme", "acmebot": "acme"}
FLAGGED = {"acmebot", "spambot"}  # the platform says these accounts are automated

# post id, author, minutes after T0, parent, mentions acme, text
POSTS = [
    ("Q1", "c1", 0, None, True, "My flight was cancelled and nobody tells me anything"),
    ("A1", "acme", 10, "Q1", False,
     "Sorry to hear that! Please DM us your booking reference and we'll take a look."),
    ("H1", "c1", 20, "A1", False, "Done, sent you a DM"),
    ("Q2", "c2", 60, None, True, "When will my refund arrive?"),
    ("A2", "acme", 90, "Q2", False, "Your refund was issued today; it takes 5 days to show."),
    ("H2", "c2", 100, "A2", False, "Done, sent you a DM"),
    *[(f"Q{i}", f"c{i}", 120 + i, None, True, f"Where is my bag number {i}?")
      for i in range(3, 8)],
    *[(f"T{i}", "acme", 120 + i + 0.5, f"Q{i}", False, TEMPLATE) for i in range(3, 8)],
    ("P3", "acme", 240, "Q3", False, "Found it: your bag is on tonight's flight to Oslo."),
    ("Q8", "c8", 300, None, True, "Is the lounge open during the strike?"),
    ("B8", "acmebot", 301, "Q8", False, "We got your message and will reply soon."),
    ("P8", "acme", 350, "Q8", False, "Yes, the lounge stays open until 22:00."),
    ("Q9", "spambot", 310, None, True, "Win a free cruise!!! click here"),
]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect(tmp_path / "redirects.duckdb")
    window = RunWindow("redirects", "acme", datetime(2026, 10, 1, tzinfo=UTC), None,
                       3600, 72 * 3600, AS_OF)
    with recording(con, window, [("acme", "Acme")]) as run:
        run.upsert_accounts([{"platform": "bluesky", "account_id": a, "handle": a,
                              "brand_id": BRAND.get(a), "automated": a in FLAGGED,
                              "fetched_at": AS_OF}
                             for a in [*BRAND, *CUSTOMERS]])
        run.upsert_posts([
            {"platform": "bluesky", "post_id": post_id, "author_id": author,
             "created_at": T0 + timedelta(minutes=minutes), "text": text,
             "parent_id": parent, "root_id": _root(post_id), "fetched_at": AS_OF,
             "brand_id": BRAND.get(author), "by_brand": author in BRAND,
             "mentions": ["acme"] if mentions else []}
            for post_id, author, minutes, parent, mentions, text in POSTS])
    reply_kinds.decide_all(con, now=AS_OF)
    return con


def _root(post_id: str) -> str | None:
    parents = {p[0]: p[3] for p in POSTS}
    root = post_id
    while parents[root] is not None:
        root = parents[root]
    return None if root == post_id else root


def test_every_brand_reply_has_a_kind(con: duckdb.DuckDBPyConnection) -> None:
    got = {r["post_id"]: (r["kind"], r["channel"], r["automated"])
           for r in queries.rows(con, "select * from brand_replies")}
    assert got == {"A1": ("redirect", "dm", False), "A2": ("public", None, False),
                   "P3": ("public", None, False), "P8": ("public", None, False),
                   "B8": ("public", None, True),  # the platform flags the account
                   **{f"T{i}": ("public", None, True) for i in range(3, 8)}}


def test_handoffs_first_kinds_and_human_times(con: duckdb.DuckDBPyConnection) -> None:
    rows = {r["post_id"]: r for r in queries.rows(con, "select * from customer_posts")}
    assert rows["H1"]["status"] == "handoff"  # confirms the DM acme asked c1 for
    assert rows["H2"]["status"] == "ignored"  # same words, but nobody redirected c2
    assert (rows["Q1"]["status"], rows["Q1"]["first_response_kind"],
            rows["Q1"]["first_response_channel"]) == ("on_time", "redirect", "dm")
    assert rows["Q2"]["first_response_kind"] == "public"
    # Q3: the template came after 30 s, a person after 2 h minus 3 minutes
    assert rows["Q3"]["response_seconds"] == 30
    assert rows["Q3"]["human_response_seconds"] == (240 - 123) * 60
    assert rows["Q4"]["first_human_response_at"] is None
    assert rows["Q4"]["human_response_seconds"] is None
    # Q8: the bot account after 60 s, a person after 50 min
    assert (rows["Q8"]["response_seconds"], rows["Q8"]["human_response_seconds"]) == (60, 3000)
    assert "Q9" not in rows  # a bot's post is no customer post


def test_brand_metrics_count_redirects_and_handoffs(con: duckdb.DuckDBPyConnection) -> None:
    acme = queries.rows(con, "select * from brand_metrics where platform = 'all'")[0]
    assert acme["handoffs"] == 1
    assert acme["answered"] == 8  # Q1, Q2, Q3-Q7, Q8
    assert acme["ignored"] == 1  # H2
    assert acme["redirected"] == 1
    assert acme["redirect_rate"] == pytest.approx(1 / 8)
    # the handoff left the denominator: 8 answered of 9 judged
    assert acme["response_rate"] == pytest.approx(8 / 9)
    # human answers: Q1 600 s, Q2 1800 s, Q8 3000 s, Q3 7020 s
    assert acme["median_human_response_seconds"] == pytest.approx((1800 + 3000) / 2)
    assert acme["bot_posts"] == 1  # Q9


def test_deciding_again_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    before = con.execute("select * from reply_kinds order by all").fetchall()
    assert reply_kinds.classify_replies(con, now=AS_OF) == 0
    assert reply_kinds.judge_handoffs(con, now=AS_OF) == 0
    assert con.execute("select * from reply_kinds order by all").fetchall() == before
