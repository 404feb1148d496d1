"""How long `replyaudit import twcs` takes on a file the size of the full TWCS (2.8 M rows),
and how much memory it needs.

Run: `make bench-import` (or `python -m tests.perf.bench_import --rows 2811774`). Not a test:
speed is measured here and reported, never asserted in the suite.

The file is the real 5,000-row head (tests/fixtures/twcs/twcs_head5000.csv) replicated with
every tweet id shifted by a multiple of 10,000 per copy, written in the original's layout
(index column, float reply ids). Threads, texts and timestamps repeat; ids never collide.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "twcs" / "twcs_head5000.csv"
SHIFT = 10_000  # above the fixture's largest tweet id (7,630)


def read_fixture() -> list[list[str]]:
    """The fixture's records; records end at LF only (one text holds bare CRs)."""
    with FIXTURE.open(encoding="utf-8", newline="") as f:
        text = f.read()
    # The csv module ends a record at a bare CR too, so protect them the way the importer does.
    rows = list(csv.reader(text.replace("\r", "\x01").splitlines(keepends=True)))
    return [[field.replace("\x01", "\r") for field in row] for row in rows[1:]]


def shifted(value: str, offset: int, as_float: bool) -> str:
    if not value:
        return value
    if as_float:
        return f"{int(float(value)) + offset}.0"
    return ",".join(str(int(v) + offset) for v in value.split(","))


def build(out: Path, rows: int) -> int:
    """Write `rows` records (rounded up to whole copies of the fixture); returns the count."""
    records = read_fixture()
    copies = -(-rows // len(records))
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["", "tweet_id", "author_id", "inbound", "created_at", "text",
                         "response_tweet_id", "in_response_to_tweet_id"])
        n = 0
        for copy in range(copies):
            offset = copy * SHIFT
            for _, tweet_id, author, inbound, created, text, responses, parent in records:
                if author.isdigit():  # customers are numbers: keep them distinct per copy too
                    author = str(int(author) + offset * 100)
                writer.writerow([n, int(tweet_id) + offset, author, inbound, created, text,
                                 shifted(responses, offset, False),
                                 shifted(parent, offset, True)])
                n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_811_774, help="rows in the built file")
    parser.add_argument("--keep", type=Path, default=None, help="keep the file and db here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        csv_path, db = work / "twcs_bench.csv", work / "twcs_bench.duckdb"
        db.unlink(missing_ok=True)
        started = time.monotonic()
        n = build(csv_path, args.rows)
        print(f"built {csv_path.name}: {n:,} rows, {csv_path.stat().st_size / 1e6:,.0f} MB "
              f"in {time.monotonic() - started:.1f} s")
        for attempt in ("first import", "same file again"):
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "crawler.cli", "import", "twcs",
                            str(csv_path), "--db", str(db)], check=True)
            wall = time.monotonic() - started
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{attempt}: {wall:.1f} s wall, peak RSS so far {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
