"""Readers and runs share a dataset without meeting, and a run that fetched nothing says so.

A run writes a working copy and publishes it in one rename (benchmarks/snapshot.py,
docs/dataset.md "Reading while a run writes"): a researcher holding the dataset open
read-only never stops a run, two waiting runs both go through, and a run that raises leaves
the published file as it was. A run against a platform that does not answer exits with code
3, names the connection failure and records no week (docs/benchmarks.md). The runs are real
`replyaudit` processes crawling a simulator over HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from crawler.simulator.server import SimServer
from tests.conftest import ROOT, cli, sim_logins
from tests.test_benchmark import FAST, panel_for

# A researcher: holds one read-only connection and queries it until told to stop (a file
# appears), then prints the run counts it saw. Any error ends it with a traceback.
READER = """
import sys, time
from pathlib import Path
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
seen = set()
print("held", flush=True)
while not Path(sys.argv[2]).exists():
    [(runs,)] = con.execute("select count(*) from runs").fetchall()
    con.execute("select count(*) from brand_metrics").fetchall()
    seen.add(runs)
    time.sleep(0.05)
print(sorted(seen), flush=True)
con.close()
"""


def start_cli(*args: str) -> subprocess.Popen[str]:
    """`replyaudit ARGS` in the background, with the environment tests.conftest.cli gives."""
    env = {**os.environ, **sim_logins(), "REPLYAUDIT_RETRY_BACKOFF_SECONDS": "0.1"}
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.crawl
def test_a_reader_never_stops_two_waiting_runs(simulator: Callable[..., SimServer],
                                               tmp_path: Path) -> None:
    server = simulator(12, rate_limits=FAST)
    panel = panel_for(server, tmp_path / "panel.toml")
    db = tmp_path / "panel.duckdb"
    first = cli("benchmark", "run", str(panel), "--db", str(db))
    assert first.returncode == 0, first.stderr[-3000:]

    stop = tmp_path / "stop-reading"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdout.readline().strip() == "held"
    runs = [start_cli("benchmark", "run", str(panel), "--db", str(db), "--wait", "600")
            for _ in range(2)]
    queries = []
    while any(r.poll() is None for r in runs):  # researchers query all along
        queries.append(cli("query", "--db", str(db), "select count(*) as runs from runs"))
        time.sleep(0.5)
    outputs = [r.communicate() for r in runs]
    stop.touch()
    seen, reader_errors = reader.communicate(timeout=60)

    for run, (_, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr[-3000:]
        assert "being written" not in stderr and "Traceback" not in stderr
    assert reader.returncode == 0, reader_errors[-3000:]
    assert seen.strip() == "[1]"  # its connection kept the file it opened: one run, whole
    assert queries and all(q.returncode == 0 for q in queries), [q.stderr for q in queries]
    assert {q.stdout.splitlines()[1] for q in queries} <= {"1", "2", "3"}
    found = read(db, "select run_id, status from runs order by run_id")
    assert [r[0] for r in found] == [1, 2, 3]
    assert all(status in ("finished", "partial") for _, status in found)  # none `running`
    assert read(db, "select count(distinct run_id) from brand_metrics_history") == [(3,)]
    assert not (tmp_path / "panel.duckdb.writing").exists()


@pytest.mark.crawl
def test_a_run_killed_mid_way_leaves_the_published_dataset_whole(
        simulator: Callable[..., SimServer], tmp_path: Path) -> None:
    import signal

    server = simulator(12, rate_limits=FAST)
    panel = panel_for(server, tmp_path / "panel.toml")
    db = tmp_path / "panel.duckdb"
    first = cli("benchmark", "run", str(panel), "--db", str(db))
    assert first.returncode == 0, first.stderr[-3000:]
    before = db.read_bytes()
    killed = start_cli("benchmark", "run", str(panel), "--db", str(db))
    work = tmp_path / "panel.duckdb.writing"
    deadline = time.monotonic() + 60
    while not work.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # well into its crawl
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    assert db.read_bytes() == before  # never half-written
    assert read(db, "select run_id from runs") == [(1,)]  # the killed run never showed
    after = cli("benchmark", "run", str(panel), "--db", str(db))
    assert after.returncode == 0, after.stderr[-3000:]
    assert read(db, "select count(distinct run_id) from brand_metrics_history") == [(2,)]
    assert not work.exists()


@pytest.mark.crawl
def test_a_run_against_a_stopped_simulator_fails_with_code_3_and_no_week(
        simulator: Callable[..., SimServer], tmp_path: Path) -> None:
    server = simulator(12)
    panel = panel_for(server, tmp_path / "panel.toml")
    server.stop()  # nothing listens on its port any more: every connection is refused
    db = tmp_path / "offline.duckdb"
    result = cli("benchmark", "run", str(panel), "--db", str(db))
    assert result.returncode == 3, result.stderr[-3000:]
    port = server.base_url.rsplit(":", 1)[1].rstrip("/")
    assert f"Could not reach bluesky at 127.0.0.1:{port}: connection refused;" in result.stderr
    assert "check the handle" not in result.stderr
    assert "Nothing was added to the history" in result.stderr
    assert "Traceback" not in result.stderr
    assert read(db, "select status from runs") == [("failed",)]
    assert read(db, "select count(*) from brand_metrics_history") == [(0,)]
    again = cli("benchmark", "report", str(panel), "--db", str(db))
    assert again.returncode == 1 and "holds no benchmark run yet" in again.stderr


@pytest.mark.crawl
def test_a_partial_week_is_kept_and_marked(simulator: Callable[..., SimServer],
                                           tmp_path: Path) -> None:
    from benchmarks import history

    server = simulator(2, faults="fail=initech", rate_limits=FAST)
    panel = panel_for(server, tmp_path / "panel.toml")
    db = tmp_path / "partial.duckdb"
    result = cli("benchmark", "run", str(panel), "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert read(db, "select status from runs") == [("partial",)]
    con = duckdb.connect(str(db), read_only=True)
    try:
        weeks = history.weekly(con)
    finally:
        con.close()
    assert weeks and {w["run_status"] for w in weeks} == {"partial"}
    out = tmp_path / "week.html"
    report = cli("benchmark", "report", str(panel), "--db", str(db), "-o", str(out))
    assert report.returncode == 0, report.stderr[-3000:]
    assert "Partial weeks:" in out.read_text(encoding="utf-8")


# The snapshot itself, without a crawl ---------------------------------------------------


def test_a_run_publishes_while_a_reader_holds_the_old_file(tmp_path: Path) -> None:
    from benchmarks import store
    from benchmarks.snapshot import writing

    db = tmp_path / "held.duckdb"
    with writing(db) as work:
        store.connect(work).close()
    hold = ("import sys, time, duckdb\ncon = duckdb.connect(sys.argv[1], read_only=True)\n"
            "print('held', flush=True); sys.stdin.readline()\n"
            "print(con.execute('select count(*) from brands').fetchall()[0][0], flush=True)")
    reader = subprocess.Popen([sys.executable, "-c", hold, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdout.readline().strip() == "held"
    with writing(db) as work:  # no wait: the reader holds no lock of the run's
        con = store.connect(work)
        con.execute("insert into brands (brand_id, name) values ('a', 'A')")
        con.close()
    seen, _ = reader.communicate("\n", timeout=30)
    assert seen.strip() == "0"  # the reader's file stayed as it was
    assert read(db, "select count(*) from brands") == [(1,)]


def test_a_run_that_raises_or_dies_leaves_the_dataset_as_it_was(tmp_path: Path) -> None:
    from benchmarks import store
    from benchmarks.snapshot import working_path, writing

    db = tmp_path / "kept.duckdb"
    with writing(db) as work:
        store.connect(work).close()
    before = db.read_bytes()
    with pytest.raises(RuntimeError), writing(db) as work:
        con = store.connect(work)
        con.execute("insert into brands (brand_id, name) values ('a', 'A')")
        con.close()
        raise RuntimeError("the crawl died")
    assert db.read_bytes() == before and not working_path(db).exists()
    # A run killed outright leaves its working copy behind; the next run starts afresh.
    working_path(db).write_bytes(b"half a database")
    with writing(db) as work:
        assert work.read_bytes() == before
    assert read(db, "select count(*) from brands") == [(0,)]


def test_network_failures_are_named_and_a_run_that_fetched_nothing_failed() -> None:
    from twisted.internet import error

    from benchmarks.run_stats import ItemCounts, PlatformStats, RunStats
    from crawler.fetch_errors import account_lookup_advice, network_failure

    assert network_failure(error.ConnectionRefusedError()) == "connection refused"
    assert network_failure(error.DNSLookupError()) == "DNS lookup failed"
    assert network_failure(error.TimeoutError()) == "timed out"
    assert network_failure(ValueError()) is None
    assert account_lookup_advice(404) == "check the handle in the config"
    assert "handle" not in account_lookup_advice(503)

    down = PlatformStats(requests=3, failures=3, notes=["Could not reach bluesky"])
    fine = PlatformStats(requests=3, items=ItemCounts(posts=5, accounts=1))
    skipped = PlatformStats(skipped=True)
    assert RunStats({"bluesky": down, "facebook": skipped}).status == "failed"
    assert RunStats({"bluesky": down}).failure_causes() == ["Could not reach bluesky"]
    assert RunStats({"bluesky": down, "mastodon": fine}).status == "partial"
    assert RunStats({"mastodon": fine, "facebook": skipped}).status == "finished"
