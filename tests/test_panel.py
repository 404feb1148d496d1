"""The simulator's generated panel (`replyaudit simulate --brands N`): stable brands from the
seed, the demo brands' world untouched, and a crawl of a small panel equal to the ground truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.config import load_config
from crawler.simulator import PLATFORM_MODULES
from crawler.simulator.server import SimServer
from crawler.simulator.world import generate_panel, generate_world
from tests.conftest import TEST_NOW
from tests.test_end_to_end import assert_same, crawl, crawled_rows, last_run, truth_rows

# The platforms whose simulator modules host panel brands (see docs/scale.md).
PANEL_PLATFORMS = {"bluesky", "mastodon", "x", "youtube", "trustpilot", "facebook", "wordpress"}


def test_the_panel_is_stable_and_a_larger_one_starts_with_the_smaller() -> None:
    panel = generate_panel(7, 12)
    assert [b.id for b in panel] == [f"brand{i:03d}" for i in range(1, 13)]
    assert generate_panel(7, 12) == panel == generate_panel(7, 30)[:12]
    assert len({b.name for b in generate_panel(7, 300)}) == 300
    assert generate_panel(8, 12) != panel  # traits come from the seed


def test_a_panel_adds_to_the_demo_world_and_changes_nothing_in_it() -> None:
    ids = {p: m.IDS for p, m in PLATFORM_MODULES.items()}

    def posts(brands: int) -> dict[tuple[str, str], tuple[object, ...]]:
        world = generate_world(3, TEST_NOW, ids, brands=brands)
        return {(p.platform, p.post_id): (p.created_at, p.author.key, p.text,
                                          p.parent.post_id if p.parent else None)
                for posts in world.posts.values() for p in posts}

    demo, with_panel = posts(0), posts(4)
    assert {k: with_panel[k] for k in demo} == demo
    added = {platform for platform, _ in set(with_panel) - set(demo)}
    assert added == PANEL_PLATFORMS


@pytest.mark.crawl
def test_a_panel_crawled_in_one_process_equals_the_ground_truth(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    # The platforms' own rate limits lifted: twelve more brands would spend Mastodon's window.
    server = simulator(1, brands=12, rate_limits={p: (1_000_000, 60) for p in PLATFORM_MODULES})
    config = sim_config(server)
    panel = [b for b in load_config(config).brands if b.id.startswith("brand")]
    assert [b.id for b in panel] == [f"brand{i:03d}" for i in range(1, 13)]
    assert {p for b in panel for p in PLATFORM_MODULES if b.handles(p)} == PANEL_PLATFORMS
    crawl(config)
    want = truth_rows(server)
    assert {(p, b) for p, _, b in want if b.startswith("brand")} == {
        (p, b.id) for p in PANEL_PLATFORMS for b in panel}
    assert_same(crawled_rows(config.parent / "audit.duckdb"), want)
    assert last_run(config.parent / "audit.duckdb")["status"] == "finished"
