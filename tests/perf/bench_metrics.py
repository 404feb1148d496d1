"""How long the metric views take over a large synthetic dataset.

Run: `make bench` (or `python -m tests.perf.bench_metrics --posts 10000000`); the last step is
a pseudonymised Parquet export of the whole dataset. Not a test:
speed is measured here and reported, never asserted in the suite.

The data is generated in SQL: brand threads with customer replies, customer chatter under
them, mentions, and brand answers in sub-threads, in the shape the crawler stores.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import significance, store, survival
from benchmarks.export import export
from benchmarks.recorder import RunWindow, recording

GENERATE = Path(__file__).with_name("generate_posts.sql")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000_000, help="approximate post count")
    args = parser.parse_args()
    roots = max(1, args.posts // 13)  # 1 root + 6 replies + 3 answers + 2 chats + ~0.3 + 1 mention
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        con = store.connect(path)
        run_window = RunWindow("bench", "b0", datetime(2026, 9, 1, tzinfo=UTC), None,
                               3600, 72 * 3600, datetime(2026, 11, 15, tzinfo=UTC))
        started = time.perf_counter()
        with recording(con, run_window, []):
            con.execute(GENERATE.read_text(encoding="utf-8").replace("$roots", str(roots)))
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
        started = time.perf_counter()
        written = export(con, Path(tmp) / "export", "parquet", key=b"bench-key-" * 4)
        print(f"pseudonymised Parquet export: {time.perf_counter() - started:.1f} s, "
              f"{sum(w.rows for w in written):,} rows")
        con.close()
    # Linux reports the peak resident set in KiB.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak RSS of this process: {peak:.1f} GiB")


if __name__ == "__main__":
    main()
