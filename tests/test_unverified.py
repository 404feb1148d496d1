"""Unknown is not ignored: a customer post whose thread could not be fetched is `unverified`.

First a hand-built thread whose every status was worked out on paper, with and without the
failures of the judging run; then a whole crawl against the simulator with some thread
requests failing every time, compared with the ground truth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

import duckdb
import pytest
import tomli_w

from benchmarks import queries, store
from benchmarks.recorder import RunRecorder, RunWindow, recording
from benchmarks.survival import survival_input
from crawler.items import FetchFailure
from crawler.simulator.server import SimServer
from crawler.simulator.world import Post
from tests.test_end_to_end import Key, crawl, crawled_rows, last_run, truth_rows

AS_OF = datetime(2026, 10, 10, tzinfo=UTC)
T0 = datetime(2026, 10, 2, 10, 0, tzinfo=UTC)

ACCOUNTS = [("did:a1", "acme"), *[(f"did:c{i}", None) for i in range(1, 5)]]

# post_id, author, created_at, parent_id, root_id, mentions
POSTS = [
    ("P1", "did:a1", T0, None, "P1", []),
    ("R1", "did:c1", T0 + timedelta(minutes=30), "P1", "P1", []),
    ("A-R1", "did:a1", T0 + timedelta(minutes=60), "R1", "P1", []),  # R1 on time, 1800 s
    ("R2", "did:c2", T0 + timedelta(hours=1), "P1", "P1", []),  # unanswered, under P1
    ("Z", "did:c2", AS_OF - timedelta(hours=2), "P1", "P1", []),  # young, under P1
    ("M1", "did:c3", T0 + timedelta(hours=2), None, "M1", ["did:a1"]),  # its own thread
    ("M2", "did:c4", T0 + timedelta(hours=3), None, "M2", ["did:a1"]),  # no failure here
    ("P2", "did:a1", T0, None, "P2", []),
    ("R3", "did:c3", T0 + timedelta(hours=1), "P2", "P2", []),
    ("R3-C", "did:c4", T0 + timedelta(hours=2), "R3", "P2", []),  # a cut below R3 failed
    ("Y", "did:c2", AS_OF - timedelta(hours=1), "P2", "P2", []),  # young, P2 did not fail
    # a mention found by search whose parent and root were never stored; its root failed
    ("X", "did:c1", T0 + timedelta(hours=4), "Q", "P3", ["did:a1"]),
]

BEFORE = {"R1": "on_time", "R2": "ignored", "Z": "pending", "M1": "ignored",
          "M2": "ignored", "R3": "ignored", "Y": "pending", "X": "ignored"}
AFTER = BEFORE | {"R2": "unverified", "Z": "unverified", "M1": "unverified",
                  "R3": "unverified", "X": "unverified"}


def failure(thread_post_id: str | None, url: str = "https://bsky.test/thread",
            platform: str = "bluesky") -> FetchFailure:
    return FetchFailure(platform=platform, url=url, reason="HTTP 500", status=500,
                        occurred_at=AS_OF, brand_id="acme", thread_post_id=thread_post_id)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect(tmp_path / "unverified.duckdb")
    window = RunWindow("hand-built", "acme", datetime(2026, 10, 1, tzinfo=UTC), None,
                       3600, 72 * 3600, AS_OF)
    brand_of = dict(ACCOUNTS)
    with recording(con, window, [("acme", "Acme")]) as run:
        run.upsert_accounts([{"platform": "bluesky", "account_id": a, "handle": a,
                              "brand_id": b, "fetched_at": AS_OF} for a, b in ACCOUNTS])
        run.upsert_posts([
            {"platform": "bluesky", "post_id": post_id, "author_id": author,
             "created_at": created, "text": "text", "parent_id": parent, "root_id": root,
             "fetched_at": AS_OF, "brand_id": brand_of[author],
             "by_brand": brand_of[author] is not None, "mentions": mentions}
            for post_id, author, created, parent, root, mentions in POSTS])
    return con


def statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select post_id, status from customer_posts").fetchall())


def test_a_failed_thread_makes_its_unanswered_posts_unverified(
        con: duckdb.DuckDBPyConnection) -> None:
    assert statuses(con) == BEFORE
    [(run_id,)] = con.execute("select run_id from audit_params").fetchall()
    RunRecorder(con, run_id).record_failures([
        failure("P1"), failure("M1"), failure("R3-C"), failure("P3"),
        failure(None, "https://bsky.test/profile"),  # not a thread: touches nothing
        failure("M2", platform="mastodon"),  # another platform's post of the same id
    ])
    # A failure of another run is not this judgement's: M2 stays ignored.
    con.execute("insert into fetch_failures (run_id, platform, url, reason, occurred_at, "
                "thread_post_id) values (?, 'bluesky', 'u', 'HTTP 500', ?, 'M2')",
                [run_id + 1, AS_OF])
    assert statuses(con) == AFTER
    # the answered post in the failed thread keeps its answer
    [(first,)] = con.execute("select first_response_id from customer_posts "
                             "where post_id = 'R1'").fetchall()
    assert first == "A-R1"


def test_unverified_posts_leave_the_denominator(con: duckdb.DuckDBPyConnection) -> None:
    [(run_id,)] = con.execute("select run_id from audit_params").fetchall()
    before = {r["platform"]: r for r in queries.brand_metrics(con)}["bluesky"]
    assert (before["customer_posts"], before["answered"], before["ignored"],
            before["pending"], before["unverified"]) == (8, 1, 5, 2, 0)
    assert before["response_rate"] == pytest.approx(1 / 6)
    RunRecorder(con, run_id).record_failures(
        [failure("P1"), failure("M1"), failure("R3-C"), failure("P3")])
    rows = {r["platform"]: r for r in queries.brand_metrics(con)}
    after = rows["bluesky"]
    assert (after["customer_posts"], after["answered"], after["ignored"], after["pending"],
            after["unverified"]) == (8, 1, 1, 1, 5)
    assert after["response_rate"] == pytest.approx(1 / 2)  # R1 of R1 and M2
    assert after["within_sla_rate"] == pytest.approx(1 / 2)
    assert rows["all"]["unverified"] == 5
    # Kaplan-Meier neither counts them as events nor censors them: they are left out.
    assert sorted(survival_input(con)["status"]) == ["ignored", "on_time", "pending"]


# A whole crawl ------------------------------------------------------------------------------

PLATFORMS = ("bluesky", "reddit", "x")


def descendants(post: Post) -> list[Post]:
    found, stack = [], list(post.children)
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(child.children)
    return found


def failing_threads(server: SimServer) -> dict[str, list[Post]]:
    """Per platform, a few threads to fail every time: customer posts that mention a brand
    and have replies, and a brand post with replies. The answered ones are answered below a
    reply, not directly: the brand's answer is then read from its own timeline, but without
    the thread it hangs from nothing, so the post looked ignored (the fault run that turned
    26 answered posts into ignored ones)."""
    status: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (platform, post_id, _), (judged, _) in truth_rows(server).items():
        status[platform, post_id].add(judged)
    chosen: dict[str, list[Post]] = {}
    for platform in PLATFORMS:
        posts = [p for p in server.world.posts[platform]
                 if p.children and p.created_at >= server.world.window_start
                 and p.created_at <= server.world.now]
        mentions = [p for p in posts if not p.author.brand_id and p.parent is None
                    and any(m.brand_id for m in p.mentions)]
        answered = [p for p in mentions if status[platform, p.post_id] & {"on_time", "late"}
                    and not any(c.author.brand_id for c in p.children)]
        brand_roots = [p for p in posts if p.author.brand_id and p.parent is None]
        ignored = [p for p in mentions if "ignored" in status[platform, p.post_id]]
        chosen[platform] = answered[:3] + ignored[:2] + brand_roots[:1]
    return chosen


def fault_for(platform: str, post: Post) -> str:
    """A URL substring that the platform's request for the replies below `post` carries."""
    if platform == "bluesky":
        return quote_plus(post.post_id)
    if platform == "x":  # the conversation search (its id is the root's, here the post's)
        return f"{quote_plus('conversation_id:' + post.post_id)}&"
    return f"/comments/{post.post_id.removeprefix('t3_')}"


@pytest.mark.crawl
def test_posts_in_threads_that_failed_are_unverified_never_ignored(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    probe = simulator(1)
    failing = failing_threads(probe)
    spec = ",".join(f"fail={fault_for(p, post)}" for p, posts in failing.items()
                    for post in posts)
    server = simulator(1, faults=spec)
    config = sim_config(server)
    crawl(only(config, set(PLATFORMS)))
    db = config.parent / "audit.duckdb"
    run = last_run(db)
    assert run["status"] == "partial"
    # The world's posts whose answer could be in a failed request: each failed post, its
    # ancestors and every post below it.
    touched: set[tuple[str, str]] = set()
    for platform, posts in failing.items():
        for post in posts:
            touched |= {(platform, p.post_id) for p in [post, *descendants(post)]}
            ancestor = post.parent
            while ancestor is not None:
                touched.add((platform, ancestor.post_id))
                ancestor = ancestor.parent
    want = {k: v for k, v in truth_rows(server).items() if k[0] in PLATFORMS}
    got = crawled_rows(db)
    in_failed: dict[Key, tuple[str, float | None]] = {
        k: v for k, v in got.items() if (k[0], k[1]) in touched}
    # Nothing crawled is new, and nothing outside a failed thread is missing or judged apart.
    assert set(got) <= set(want)
    assert {k: v for k, v in got.items() if k not in in_failed} == {
        k: v for k, v in want.items() if (k[0], k[1]) not in touched}
    # In a failed thread: never ignored; unverified unless an answer was read after all.
    assert in_failed, "the failed threads hold stored customer posts"
    for key, (status, seconds) in in_failed.items():
        assert status != "ignored", key
        assert status == "unverified" or (status, seconds) == want[key], key
    # The fault that turned answered posts into ignored ones: they are unverified now.
    assert any(want[k][0] in ("on_time", "late") and v[0] == "unverified"
               for k, v in in_failed.items())
    assert any(want[k][0] == "ignored" and v[0] == "unverified" for k, v in in_failed.items())
    # X included: the mentions held for a conversation whose search failed are stored.
    assert {k[0] for k, v in in_failed.items() if v[0] == "unverified"} == set(PLATFORMS)
    con = duckdb.connect(str(db), read_only=True)
    try:
        named = set(con.execute("select platform, thread_post_id from fetch_failures "
                                "where thread_post_id is not null").fetchall())
        # Each failed thread is named by its post; Reddit's branch requests under a failed
        # submission fail too, named by the comment whose replies they fetch.
        assert {(p, post.post_id) for p, posts in failing.items() for post in posts} <= named
        assert named <= touched
        unverified = dict(con.execute(
            "select platform, sum(unverified) from brand_metrics where platform <> 'all' "
            "group by platform").fetchall())
    finally:
        con.close()
    assert sum(unverified.values()) == sum(1 for v in got.values() if v[0] == "unverified")


def only(config: Path, platforms: set[str]) -> Path:
    """The simulator's config with every brand's other platforms removed."""
    import tomllib

    doc = tomllib.loads(config.read_text(encoding="utf-8"))
    others = set(doc["platforms"]) - platforms
    doc["brands"] = [{k: v for k, v in b.items() if k not in others} for b in doc["brands"]]
    config.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return config


def test_the_report_names_the_real_share_that_could_not_be_checked(tmp_path: Path) -> None:
    from reports.context import build_context
    from reports.render import render_html
    from tests.test_report import GENERATED, build_dataset

    con, config = build_dataset(tmp_path / "audit.duckdb")
    ignored = [r[0] for r in con.execute(
        "select post_id from customer_posts where platform = 'bluesky' and status = 'ignored' "
        "order by post_id").fetchall()]
    [(run_id, total)] = con.execute(
        "select (select run_id from audit_params), count(*) from customer_posts "
        "where platform = 'bluesky'").fetchall()
    RunRecorder(con, run_id).record_failures([failure(post_id) for post_id in ignored[:2]])
    context = build_context(con, config, GENERATED, "9.9.9")
    [bluesky] = [c for c in context.coverage if c.platform == "bluesky"]
    assert (bluesky.unverified, bluesky.customer_posts) == (2, total)
    text = " ".join(render_html(context).split())
    assert f"2 of {total} Bluesky posts could not be checked" in text
