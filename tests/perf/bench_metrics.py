"""How long the metric views take over a large synthetic dataset.

Run: `make bench` (or `python -m tests.perf.bench_metrics --posts 10000000`). Not a test:
speed is measured here and reported, never asserted in the suite.

The data is generated in SQL: brand threads with customer replies, customer chatter under
them, mentions, and brand answers in sub-threads, in the shape the crawler stores.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import significance, store, survival

GENERATE = """
insert into accounts
select 'bluesky', 'brand' || i, 'brand' || i || '.example', null, 100000, 'b' || (i // 2),
       null, now(), 1
from range(20) t(i);
insert into brands select 'b' || i, 'Brand ' || i from range(10) t(i);
insert into accounts
select 'bluesky', 'c' || i, 'c' || i || '.example', null, (i * 7919) % 50000, null, null, now(), 1
from range(200000) t(i);

-- Each root: a brand post; 6 customer replies; every other reply gets an answer from the
-- brand a few minutes to two days later; every third reply gets customer chatter, and the
-- brand answers under the chatter a third of the time. Plus one mention per root.
create temp table roots as
select i as r, 'brand' || (i % 20) as author,
       timestamptz '2026-09-01' + to_seconds((i * 37) % 5184000) as t
from range($roots) t(i);

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand, fetched_at, run_id)
select 'bluesky', 'p' || r, author, t, null, 'p' || r, true, now(), 1 from roots;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand, fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j, 'c' || ((r * 6 + j) % 200000), t + to_seconds(60 * (j + 1)),
       'p' || r, 'p' || r, false, now(), 1
from roots, range(6) s(j);

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand, fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j || '-a', author,
       t + to_seconds(60 * (j + 1) + (r * 13 + j * 101) % 172800), 'p' || r || '-' || j,
       'p' || r, true, now(), 1
from roots, range(6) s(j) where (r + j) % 2 = 0;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand, fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j || '-c', 'c' || ((r * 11 + j) % 200000),
       t + to_seconds(60 * (j + 2)), 'p' || r || '-' || j, 'p' || r, false, now(), 1
from roots, range(6) s(j) where (r + j) % 3 = 1;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand, fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j || '-c-a', author,
       t + to_seconds(60 * (j + 3) + (r * 7) % 90000), 'p' || r || '-' || j || '-c', 'p' || r,
       true, now(), 1
from roots, range(6) s(j) where (r + j) % 3 = 1 and r % 3 = 0;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand, fetched_at, run_id)
select 'bluesky', 'm' || r, 'c' || ((r * 3) % 200000), t + to_seconds(30), null, 'm' || r, false,
       now(), 1
from roots;
insert into post_mentions select 'bluesky', 'm' || r, 'brand' || ((r + 1) % 20) from roots;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000_000, help="approximate post count")
    args = parser.parse_args()
    roots = max(1, args.posts // 13)  # 1 root + 6 replies + 3 answers + 2 chats + ~0.3 + 1 mention
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        con = store.connect(path)
        run_window = store.RunWindow("bench", "b0", datetime(2026, 9, 1, tzinfo=UTC), None,
                                     3600, 72 * 3600, datetime(2026, 11, 15, tzinfo=UTC))
        run_id = store.start_run(con, run_window, [])
        started = time.perf_counter()
        con.execute(GENERATE.replace("$roots", str(roots)))
        store.finish_run(con, run_id, "finished", {})
        [(posts,)] = con.execute("select count(*) from posts").fetchall()
        print(f"generated {posts:,} posts in {time.perf_counter() - started:.1f} s")
        for name, sql in [
            ("customer_posts (count by status)",
             "select status, count(*) from customer_posts group by all"),
            ("brand_metrics (all rows)", "select * from brand_metrics"),
        ]:
            started = time.perf_counter()
            result = con.execute(sql).fetchall()
            print(f"{name}: {time.perf_counter() - started:.2f} s, {len(result)} rows")
        brands = [f"b{i}" for i in range(10)]
        for name, measure in [
            ("survival_rows (Kaplan-Meier, every brand and platform)",
             lambda: survival.survival_rows(con, brands)),
            ("client_comparisons (b0 against 9 competitors)",
             lambda: significance.client_comparisons(con, "b0", brands[1:])),
        ]:
            started = time.perf_counter()
            result = measure()
            print(f"{name}: {time.perf_counter() - started:.2f} s, {len(result)} rows")
        con.close()


if __name__ == "__main__":
    main()
