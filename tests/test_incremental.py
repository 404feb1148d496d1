"""The incremental plan on hand-checked cases, and judging at another instant (--as-of)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from benchmarks import incremental, store
from benchmarks.incremental import Anchor, IncrementalPlan
from crawler.cli import main
from tests.test_report import AS_OF, RAW_CONFIG, build_dataset

SINCE = datetime(2026, 11, 1, tzinfo=UTC)


def anchor(post_id: str, author: str, by_brand: bool, hours_before: float,
           replies: int | None = 1) -> Anchor:
    return Anchor(post_id, author, by_brand, "acme", SINCE - timedelta(hours=hours_before),
                  replies)


PLAN = IncrementalPlan(
    since=SINCE, young_seconds=72 * 3600,
    pending={"brand-root": anchor("brand-root", "did:acme", True, 200),
             "mention": anchor("mention", "did:cust", False, 30)},
    young={"young": anchor("young", "did:acme", True, 10, replies=2)},
)


def test_which_threads_an_incremental_run_fetches() -> None:
    later, earlier = SINCE + timedelta(hours=1), SINCE - timedelta(hours=1)
    assert PLAN.wants_thread("new", later, 3)  # new, with replies
    assert not PLAN.wants_thread("new-quiet", later, 0)  # new, nothing below it
    assert PLAN.wants_thread("brand-root", SINCE - timedelta(hours=200), 0)  # pending below
    assert not PLAN.wants_thread("young", earlier, 2)  # reply count unchanged
    assert PLAN.wants_thread("young", earlier, 3)  # a reply came in
    assert not PLAN.wants_thread("settled", earlier, 9)  # neither new, pending nor young


def test_how_far_back_each_listing_pages() -> None:
    # An account pages past its young posts and its pending anchors...
    assert PLAN.pages_back_to("did:acme") == SINCE - timedelta(hours=200)
    assert PLAN.pages_back_to("did:other") == SINCE - timedelta(hours=72)
    # ...unless the platform fetches pending threads directly by id (Bluesky).
    assert PLAN.pages_back_to("did:acme", finds_pending=False) == SINCE - timedelta(hours=72)
    # Mention search pages back to the oldest pending mention, else to the last run.
    assert PLAN.pages_back_to(None) == SINCE - timedelta(hours=30)
    assert PLAN.pages_back_to(None, finds_pending=False) == SINCE


def test_plan_from_a_dataset_anchors_pending_posts_and_young_brand_posts(tmp_path: Path) -> None:
    con, _ = build_dataset(tmp_path / "audit.duckdb")
    previous = incremental.previous_run(con)
    assert previous is not None and previous["as_of"] == AS_OF
    plan = incremental.plan(con, "bluesky", previous, young_seconds=9 * 86400)
    con.close()
    # r-pending replies to the brand post acme-1: the brand post is the anchor.
    assert set(plan.pending) == {"acme-1"}
    # Brand posts of the last 9 days before AS_OF (2026-10-10): all of them here.
    assert {"acme-1", "a-on-time", "a-late", "globex-1", "initech-1"} <= set(plan.young)
    assert plan.since == AS_OF


def test_plan_lists_the_customer_posts_no_brand_had_answered(tmp_path: Path) -> None:
    """Pending and ignored alike: an answer can still come to either (Facebook, YouTube and
    Trustpilot show it only in its thread)."""
    con, _ = build_dataset(tmp_path / "audit.duckdb")
    previous = incremental.previous_run(con)
    assert previous is not None
    plan = incremental.plan(con, "bluesky", previous, young_seconds=9 * 86400)
    con.close()
    assert set(plan.unanswered) == {"r-pending", "r-ignored-ben", "r-ignored-cho",
                                    "r-ignored-dee", "r-hostile", "g-r4"}
    assert plan.unanswered["g-r4"].brand_id == "globex"
    assert not plan.unanswered["r-pending"].by_brand
    assert plan.unverified == frozenset()  # nothing failed in that run


def test_an_account_new_to_the_panel_makes_its_platform_crawl_in_full(tmp_path: Path) -> None:
    con, _ = build_dataset(tmp_path / "audit.duckdb")
    known = incremental.knows_accounts(con, "bluesky", ["acmeair.bsky.social", "globex.com"])
    added = incremental.knows_accounts(con, "bluesky", ["acmeair.bsky.social", "new.bsky.social"])
    customer = incremental.knows_accounts(con, "bluesky", ["ana.bsky.social"])  # not a brand's
    mastodon = incremental.knows_accounts(con, "mastodon", ["AcmeAir@mastodon.social"])
    con.close()
    assert (known, added, customer, mastodon) == (True, False, False, True)


def test_metrics_as_of_rejudges_pending_posts(tmp_path: Path) -> None:
    build_dataset(tmp_path / "audit.duckdb")[0].close()
    config = tmp_path / "audit.toml"
    audit = RAW_CONFIG["audit"]
    config.write_text(
        "[audit]\n" + "".join(f'{k} = "{v}"\n' if isinstance(v, str) else f"{k} = {v}\n"
                              for k, v in audit.items())
        + 'db = "audit.duckdb"\n'
        + "".join(f'[[brands]]\nid = "{b["id"]}"\n' + "".join(
            f"{p} = {json.dumps(b[p])}\n" for p in ("bluesky", "mastodon") if p in b)
            for b in RAW_CONFIG["brands"]), encoding="utf-8")
    runner = CliRunner()

    def acme(*args: str) -> dict[str, object]:
        result = runner.invoke(main, ["metrics", str(config), "--format", "json", *args])
        assert result.exit_code == 0, result.output
        return next(r for r in json.loads(result.output)
                    if r["brand_id"] == "acme" and r["platform"] == "all")

    assert (acme()["pending"], acme()["ignored"]) == (1, 4)
    # Four days on, the post from 9 Oct 12:00 is older than 72 h: ignored.
    later = acme("--as-of", "2026-10-14T00:00:00Z")
    assert (later["pending"], later["ignored"]) == (0, 5)
    bad = runner.invoke(main, ["metrics", str(config), "--as-of", "2026-10-14"])
    assert bad.exit_code == 2 and "--as-of" in bad.output
    con = store.connect(tmp_path / "audit.duckdb", read_only=True)
    try:  # --as-of re-judged in this connection only; the dataset still says AS_OF
        assert con.execute("select as_of from audit_params").fetchall() == [(AS_OF,)]
    finally:
        con.close()
