"""Hand-built datasets for the statistics tests, recorded like a crawl (benchmarks.recorder).

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
from benchmarks.recorder import RunWindow, recording

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
    window = RunWindow("stats", client, WINDOW_START, None, SLA_SECONDS, IGNORE_AFTER_SECONDS,
                       AS_OF)
    posted = {"like_count": 0, "reply_count": 0, "repost_count": 0, "language": "en",
              "fetched_at": AS_OF}
    with recording(con, window, brands, started_at=AS_OF) as run:
        accounts = [{"platform": "bluesky", "account_id": f"did:{b}",
                     "handle": f"{b}.bsky.social", "display_name": b, "followers": 1000,
                     "brand_id": b, "fetched_at": AS_OF} for b, _ in brands]
        accounts += [{"platform": "bluesky", "account_id": f"did:c{i}",
                      "handle": f"c{i}.bsky.social", "display_name": f"C{i}", "followers": i,
                      "fetched_at": AS_OF} for i in range(len(posts))]
        run.upsert_accounts(accounts)
        rows = [{"platform": "bluesky", "post_id": f"{b}-root", "author_id": f"did:{b}",
                 "created_at": WINDOW_START, "text": "News", "brand_id": b, "by_brand": True,
                 **posted} for b, _ in brands]
        for i, post in enumerate(posts):
            created = AS_OF - post.age
            rows.append({"platform": "bluesky", "post_id": f"q{i}", "author_id": f"did:c{i}",
                         "created_at": created, "text": post.text,
                         "parent_id": f"{post.brand}-root", "brand_id": post.brand,
                         "by_brand": False, **posted})
            if post.answer_after is not None:
                rows.append({"platform": "bluesky", "post_id": f"a{i}",
                             "author_id": f"did:{post.brand}",
                             "created_at": created + post.answer_after, "text": "On it",
                             "parent_id": f"q{i}", "brand_id": post.brand, "by_brand": True,
                             **posted})
        run.upsert_posts(rows)
    return con
