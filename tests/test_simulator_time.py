"""Time travel: the same seed with a later `now` is the same world, a week on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.simulator import PLATFORM_MODULES
from crawler.simulator.truth import judge
from crawler.simulator.world import generate_world

WEEK_1 = datetime(2026, 11, 1, tzinfo=UTC)
WEEK_2 = WEEK_1 + timedelta(days=7)
# Timeline platforms share the day-by-day generation that travels in time; a platform with
# its own `populate` (forums, reviews, …) travels when it generates day by day too
# (world.each_day): today every one of them does.
IDS = {p: m.IDS for p, m in PLATFORM_MODULES.items()}


def test_a_week_later_every_post_is_still_there_and_new_ones_appear() -> None:
    before, after = generate_world(3, WEEK_1, IDS), generate_world(3, WEEK_2, IDS)
    for platform in IDS:
        then = {p.post_id: p for p in before.posts[platform]}
        now = {p.post_id: p for p in after.posts[platform]}
        kept = [i for i, p in then.items()
                if p.created_at >= WEEK_2 - timedelta(days=after.settings.history_days)]
        assert kept and all(i in now for i in kept)
        for post_id in kept:
            old, new = then[post_id], now[post_id]
            assert (old.created_at, old.text, old.author.key, old.native_id) == (
                new.created_at, new.text, new.author.key, new.native_id)
            assert (old.parent and old.parent.post_id) == (new.parent and new.parent.post_id)
            # Replies only ever get added.
            assert {c.post_id for c in old.children} <= {c.post_id for c in new.children}
        fresh = [p for i, p in now.items() if i not in then]
        assert len(fresh) > 100 and all(WEEK_1 < p.created_at <= WEEK_2 for p in fresh)
        assert max(p.created_at for p in before.posts[platform]) <= WEEK_1


def test_pending_posts_resolve_as_answers_come_in() -> None:
    before, after = generate_world(3, WEEK_1, IDS), generate_world(3, WEEK_2, IDS)
    then = {(r.platform, r.post_id, r.brand_id): r for r in judge(before)}
    later = {(r.platform, r.post_id, r.brand_id): r
             for r in judge(after, since=before.window_start)}
    pending = [k for k, r in then.items() if r.status == "pending"]
    assert pending and all(later[k].status != "pending" for k in pending)
    answered_since = [k for k in pending if later[k].status in ("on_time", "late")]
    assert answered_since, "some pending posts got their answer in the week since"
    # What was answered stays answered, with the same response time.
    for key, row in then.items():
        if row.status in ("on_time", "late"):
            assert (later[key].status, later[key].response_seconds) == (
                row.status, row.response_seconds)


def test_simulator_config_judges_at_the_worlds_now(simulator, sim_config) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.config import load_config

    server = simulator(1, now=WEEK_1)
    assert load_config(sim_config(server)).as_of == WEEK_1
