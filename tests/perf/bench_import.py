"""How long `replyaudit import twcs` + `replyaudit metrics` (brand_metrics) take on a file the
size of the full TWCS (2.8 M rows), beside plain DuckDB doing the same load and the same
per-brand figures, and how much memory each needs.

Run: `make bench-import` (or `python -m tests.perf.bench_import --rows 2811774`; `ROWS=500000
make bench-import` while iterating). Not a test: speed is measured here and reported, never
asserted in the suite. The per-brand counts (customer posts, on time, late, ignored, pending,
median response) of the project and the baseline are asserted equal, then the ratio of their
wall and CPU times is printed. Each step is its own process: the project's two commands, and
the baseline's load and figures (tests/perf/plain_twcs.sql).

The file is the real 5,000-row head (tests/fixtures/twcs/twcs_head5000.csv) replicated with
every tweet id shifted by a multiple of 10,000 per copy, written in the original's layout
(index column, float reply ids). Threads, texts and timestamps repeat; ids never collide.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "twcs" / "twcs_head5000.csv"
SHIFT = 10_000  # above the fixture's largest tweet id (7,630)
PLAIN_SQL = Path(__file__).with_name("plain_twcs.sql")
SLA_SECONDS, IGNORE_AFTER_SECONDS = 3600, 72 * 3600  # the import's defaults
COMPARED = ("customer_posts", "on_time", "late", "ignored", "pending")


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


def timed(command: list[str], out: Path | None = None) -> tuple[float, float, float]:
    """Run `command` (its stdout into `out` when given); (wall seconds, CPU seconds of all
    its threads, peak RSS in MiB: 1 GB is 954 MiB). CPU time moves less than wall time on a
    shared machine."""
    started = time.monotonic()
    with (out.open("w") if out else open(os.devnull, "w")) as stdout:
        child = subprocess.Popen(command, stdout=stdout)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return (time.monotonic() - started, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024)


def plain_load(csv_path: Path, db: Path) -> None:
    """The baseline's load: the bytes made readable (plain DuckDB ends a record at any CR, and
    TWCS has bare CRs inside unquoted texts), then one CREATE TABLE AS over read_csv."""
    readable = csv_path.with_suffix(".plain.csv")
    readable.write_bytes(
        csv_path.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\x01"))
    con = duckdb.connect(str(db))
    con.execute(_plain_statements()[0], {"path": str(readable)})
    con.close()
    readable.unlink()


def plain_figures(db: Path) -> None:
    """The baseline's per-brand figures, printed as CSV."""
    con = duckdb.connect(str(db))
    con.execute(_plain_statements()[1], {"sla_seconds": SLA_SECONDS,
                                         "ignore_after_seconds": IGNORE_AFTER_SECONDS})
    result = con.execute("select * from brand_figures order by brand_id")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([d[0] for d in result.description or []])
    writer.writerows(result.fetchall())
    con.close()


def _plain_statements() -> list[str]:
    return PLAIN_SQL.read_text(encoding="utf-8").split("\n;\n")[:2]


def per_brand(path: Path, platform: str | None) -> dict[str, tuple[object, ...]]:
    """brand -> the compared figures, from a CSV of brand_metrics (`platform` row) or of the
    baseline (no platform column)."""
    with path.open(encoding="utf-8", newline="") as f:
        found = {}
        for row in csv.DictReader(f):
            if platform and row["platform"] != platform:
                continue
            median = row["median_response_seconds"]
            found[row["brand_id"]] = (*(int(row[c]) for c in COMPARED),
                                      float(median) if median else None)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_811_774, help="rows in the built file")
    parser.add_argument("--keep", type=Path, default=None, help="keep the file and dbs here")
    parser.add_argument("--again", action="store_true",
                        help="also time importing the same file a second time")
    parser.add_argument("--plain-step", nargs=2, metavar=("STEP", "PATH"), default=None,
                        help=argparse.SUPPRESS)  # the baseline's steps, run as children
    args = parser.parse_args()
    if args.plain_step:
        step, path = args.plain_step
        if step == "load":
            csv_path, db = path.split(os.pathsep)
            plain_load(Path(csv_path), Path(db))
        else:
            plain_figures(Path(path))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        csv_path, db = work / "twcs_bench.csv", work / "twcs_bench.duckdb"
        config, plain_db = work / "twcs_bench.toml", work / "twcs_plain.duckdb"
        for old in (db, plain_db):
            old.unlink(missing_ok=True)
        started = time.monotonic()
        n = build(csv_path, args.rows)
        print(f"built {csv_path.name}: {n:,} rows, {csv_path.stat().st_size / 1e6:,.0f} MB "
              f"in {time.monotonic() - started:.1f} s")
        cli = [sys.executable, "-m", "crawler.cli"]
        me = [sys.executable, "-m", "tests.perf.bench_import", "--plain-step"]
        project_csv, plain_csv = work / "project_metrics.csv", work / "plain_metrics.csv"
        steps = {
            "project import twcs": timed([*cli, "import", "twcs", str(csv_path), "--db",
                                          str(db), "--write-config", str(config)]),
            "project brand_metrics": timed([*cli, "metrics", str(config), "--format", "csv"],
                                           project_csv),
            "plain DuckDB load": timed([*me, "load", f"{csv_path}{os.pathsep}{plain_db}"]),
            "plain DuckDB figures": timed([*me, "figures", str(plain_db)], plain_csv),
        }
        for name, (wall, cpu, peak_mb) in steps.items():
            print(f"{name:<24} {wall:6.1f} s wall, {cpu:6.1f} s CPU, peak RSS {peak_mb:6,.0f} MiB")
        project = per_brand(project_csv, "x")
        plain = per_brand(plain_csv, None)
        assert project == plain, "the project and plain DuckDB disagree: " + str(
            {b: (project.get(b), plain.get(b)) for b in project.keys() | plain.keys()
             if project.get(b) != plain.get(b)})
        posts = sum(v[0] for v in project.values())
        print(f"per-brand figures equal for {len(project)} brands ({posts:,} customer posts: "
              f"{', '.join(COMPARED)}, median response)")
        for i, what in ((0, "wall"), (1, "CPU")):
            project_s = steps["project import twcs"][i] + steps["project brand_metrics"][i]
            plain_s = steps["plain DuckDB load"][i] + steps["plain DuckDB figures"][i]
            print(f"import + brand_metrics, {what}: project {project_s:.1f} s, plain DuckDB "
                  f"{plain_s:.1f} s, ratio {project_s / plain_s:.2f}")
        if args.again:
            wall, cpu, peak_mb = timed([*cli, "import", "twcs", str(csv_path), "--db", str(db)])
            print(f"{'same file again':<24} {wall:6.1f} s wall, {cpu:6.1f} s CPU, "
                  f"peak RSS {peak_mb:6,.0f} MiB")


if __name__ == "__main__":
    main()
