"""Hand-built datasets for the statistics tests, written with benchmarks.store like a crawl.

Every customer post replies to its brand's announcement on Bluesky; a brand answer, when
there is one, replies to the customer post after the given delay. Statuses then follow from
the definitions with a 1-hour SLA and a 72-hour ignore threshold, judged at AS_OF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from benchmarks import store

AS_OF = datetime(2026, 10, 20, tzinfo=UTC)
WINDOW_START = datetime(2026, 10, 1, tzinfo=UTC)
SLA_SECONDS = 3600
IGNORE_AFTER_SECONDS = 72 * 3600


@dataclass(frozen=True)
class CustomerPost:
    """One post addressed to `brand`, `age` old at AS_OF, answered after `answer_after`."""

    brand: str
    age: timedelta
    answer_after: timedelta | None = None
    text: str = "Where is my bag?"


def build(db: Path, brands: list[tuple[str, str]], client: str | None,
          posts: list[CustomerPost]) -> duckdb.DuckDBPyConnection:
    """Write one finished run with `brands` [(id, name)] and `posts`; returns the connection."""
    con = store.connect(db)
    window = store.RunWindow("stats", client, WINDOW_START, None, SLA_SECONDS,
                             IGNORE_AFTER_SECONDS, AS_OF)
    run_id = store.start_run(con, window, brands, started_at=AS_OF)
    accounts = [("bluesky", f"did:{b}", f"{b}.bsky.social", b, 1000, b, None, AS_OF, run_id)
                for b, _ in brands]
    accounts += [("bluesky", f"did:c{i}", f"c{i}.bsky.social", f"C{i}", i, None, None, AS_OF,
                  run_id) for i in range(len(posts))]
    store.upsert_accounts(con, accounts)
    rows = [("bluesky", f"{b}-root", None, f"did:{b}", WINDOW_START, "News", None, None, b,
             True, 0, 0, 0, "en", AS_OF, run_id) for b, _ in brands]
    for i, post in enumerate(posts):
        created = AS_OF - post.age
        rows.append(("bluesky", f"q{i}", None, f"did:c{i}", created, post.text,
                     f"{post.brand}-root", None, post.brand, False, 0, 0, 0, "en", AS_OF,
                     run_id))
        if post.answer_after is not None:
            rows.append(("bluesky", f"a{i}", None, f"did:{post.brand}",
                         created + post.answer_after, "On it", f"q{i}", None, post.brand, True,
                         0, 0, 0, "en", AS_OF, run_id))
    store.upsert_posts(con, rows)
    store.finish_run(con, run_id, "finished", {})
    return con
