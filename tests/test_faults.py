"""Faults of the machine, through the command line: full disks, read-only places, a stalled
server, killed runs, and a report at 0 % and 100 % (issue 16).

A full disk is a tmpfs of a few MB and a read-only place a tmpfs remounted read-only: both
need root (CI runs as root) and skip with a reason otherwise; a read-only place is also a
chmod-ed directory when not root.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from benchmarks import store
from crawler.cli import main
from tests.conftest import ROOT, cli, sim_logins

if TYPE_CHECKING:
    from crawler.simulator.server import SimServer

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="mounting a small tmpfs needs root (CI)")


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """mount(size) -> a directory on a fresh tmpfs of `size` (e.g. '3m'); unmounted after."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        try:
            _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
        except (OSError, subprocess.CalledProcessError) as e:
            pytest.skip(f"cannot mount a tmpfs here: {e}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def read_only(directory: Path) -> None:
    """Make `directory` (a mount point from small_disk, when root) read-only."""
    if IS_ROOT:
        _mount("-o", "remount,ro", str(directory))
    else:
        directory.chmod(0o555)


def fill(directory: Path, leave_bytes: int = 0) -> None:
    """Fill the file system of `directory` but `leave_bytes`."""
    st = os.statvfs(directory)
    free = st.f_bavail * st.f_frsize - leave_bytes
    with open(directory / "filler", "wb") as f:
        while free > 0:
            chunk = min(free, 1 << 20)
            try:
                f.write(b"\0" * chunk)
                f.flush()
            except OSError:
                break
            free -= chunk


def one_line_error(output: str) -> str:
    """The error line of a failed command; asserts there is no traceback."""
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, output
    return lines[0]


# A report at 0 % and 100 %, with a right-to-left override in an author's handle -------------

def twcs_16_rows(path: Path) -> Path:
    """16 TWCS rows: AcmeHelp answers all 4 of its customers within minutes (a rate of 100 %
    whose Wilson bound was once 0.9999999999999998 and crashed the chart), BoltCare none of
    its 7; one customer's handle and every BoltCare post carry U+202E."""
    t0 = datetime(2017, 10, 2, 9, 0, tzinfo=UTC)

    def ts(d: datetime) -> str:
        return d.strftime("%a %b %d %H:%M:%S +0000 %Y")

    rows: list[tuple[object, ...]] = []
    for i in range(4):
        asked, answer = 100 + 2 * i, 101 + 2 * i
        rows.append((asked, f"{200 + i}", "True", ts(t0 + timedelta(hours=i)),
                     f"@AcmeHelp my order {i} is late", answer, ""))
        rows.append((answer, "AcmeHelp", "False", ts(t0 + timedelta(hours=i, minutes=5)),
                     f"@{200 + i} sorry, we are on it", "", asked))
    for i in range(7):
        author = "\u202egnp.exe" if i == 0 else f"{300 + i}"
        rows.append((110 + i, author, "True", ts(t0 + timedelta(hours=i)),
                     f"@BoltCare \u202egnp.exe my bill {i}", "", ""))
    rows.append((120, "BoltCare", "False", ts(t0 + timedelta(days=7)), "New plans", "", ""))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["tweet_id", "author_id", "inbound", "created_at", "text",
                         "response_tweet_id", "in_response_to_tweet_id"])
        writer.writerows(rows)
    return path


def imported(where: Path) -> Path:
    """The 16-row file imported into where/t.duckdb; returns its written config."""
    config = where / "t.toml"
    result = CliRunner().invoke(main, [
        "import", "twcs", str(twcs_16_rows(where / "t16.csv")), "--db", str(where / "t.duckdb"),
        "--client", "boltcare", "--write-config", str(config)])
    assert result.exit_code == 0, result.output
    return config


def test_a_16_row_file_at_100_and_0_percent_renders_with_bidi_shown(tmp_path: Path) -> None:
    config = imported(tmp_path)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "\u202e" not in html  # neither in texts nor in authors' handles
    assert '<span class="handle">@[U+202E]gnp.exe</span>' in html
    assert "[U+202E]gnp.exe my bill" in html


# Outputs written whole or not at all ---------------------------------------------------------

@needs_root
def test_a_report_to_a_full_disk_keeps_the_previous_one(tmp_path: Path,
                                                        small_disk: Callable[[str], Path]) -> None:
    config = imported(tmp_path)
    disk = small_disk("1m")
    out = disk / "report.html"
    runner = CliRunner()
    assert runner.invoke(main, ["report", str(config), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    fill(disk)
    result = runner.invoke(main, ["report", str(config), "-o", str(out)])
    assert result.exit_code == 1
    line = one_line_error(result.output)
    assert f"cannot write {out}: No space left on device (errno 28)" in line
    assert out.read_bytes() == before
    assert sorted(p.name for p in disk.iterdir()) == ["filler", "report.html"]


def test_a_report_to_a_read_only_place_says_so(tmp_path: Path,
                                               small_disk: Callable[[str], Path]) -> None:
    config = imported(tmp_path)
    place = small_disk("1m") if IS_ROOT else tmp_path / "ro"
    place.mkdir(exist_ok=True)
    read_only(place)
    result = CliRunner().invoke(main, ["report", str(config), "-o", str(place / "r.html")])
    assert result.exit_code == 1
    line = one_line_error(result.output)
    reason = "Read-only file system (errno 30)" if IS_ROOT else "Permission denied (errno 13)"
    assert f"cannot write {place / 'r.html'}: {reason}" in line
    assert list(place.iterdir()) == []


@pytest.mark.crawl
@needs_root
def test_stats_crawl_and_benchmark_run_on_a_read_only_dataset(
        tmp_path: Path, small_disk: Callable[[str], Path], simulator: Callable[..., SimServer],
        sim_config: Callable[[SimServer], Path]) -> None:
    disk = small_disk("20m")
    config = imported(tmp_path)
    shutil.copy(tmp_path / "t.duckdb", disk / "t.duckdb")
    text = config.read_text(encoding="utf-8").replace('db = "t.duckdb"', f'db = "{disk}/t.duckdb"')
    config.write_text(text, encoding="utf-8")
    sim = sim_config(simulator())
    sim.write_text(sim.read_text(encoding="utf-8").replace(
        'db = "audit.duckdb"', f'db = "{disk}/audit.duckdb"'), encoding="utf-8")
    store.connect(disk / "audit.duckdb").close()
    read_only(disk)
    files = sorted(p.name for p in disk.iterdir())
    # stats only reads (what it cannot decide and store there, it leaves undecided)
    result = cli("stats", str(config))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    for args, db in ((["crawl", str(sim)], "audit.duckdb"),
                     (["benchmark", "run", str(sim)], "audit.duckdb")):
        result = cli(*args)
        assert result.returncode == 1, (args, result.stderr)
        line = one_line_error(result.stderr)
        assert f"cannot write {disk / db}: Read-only file system (errno 30)" in line, line
    assert sorted(p.name for p in disk.iterdir()) == files


# A full disk mid-crawl -----------------------------------------------------------------------

@pytest.mark.crawl
@needs_root
def test_a_crawl_whose_disk_fills_stops_at_the_first_failed_write(
        small_disk: Callable[[str], Path], simulator: Callable[..., SimServer],
        sim_config: Callable[[SimServer], Path]) -> None:
    disk = small_disk("40m")
    config = sim_config(simulator())
    config.write_text(config.read_text(encoding="utf-8").replace(
        'db = "audit.duckdb"', f'db = "{disk}/audit.duckdb"'), encoding="utf-8")
    store.connect(disk / "audit.duckdb").close()
    fill(disk, leave_bytes=3 << 20)
    result = cli("crawl", str(config))
    ended = datetime.now()  # noqa: DTZ005 - Scrapy's log lines are in local time
    assert result.returncode == 1, result.stderr
    line = one_line_error(result.stderr)
    assert f"cannot write {disk / 'audit.duckdb'}: No space left on device (errno 28)" in line
    assert result.stderr.count("cannot write") == 2, result.stderr  # the log line, the error
    assert "Dropped" not in result.stderr
    [failed_at] = [datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
                   for line in result.stderr.splitlines() if "stopping the crawl" in line]
    assert (ended - failed_at).total_seconds() < 10  # stopped within seconds of the failure
    assert "nothing was published" in line  # the run wrote a copy, which was discarded
    (disk / "filler").unlink()
    con = store.connect(disk / "audit.duckdb")
    try:
        assert con.execute("select count(*) from runs").fetchone() == (0,)  # as it was
    finally:
        con.close()


# A stalled server ----------------------------------------------------------------------------

@pytest.mark.crawl
def test_a_frozen_server_is_reported_and_the_deadline_keeps_the_rest(
        simulator: Callable[..., SimServer], sim_config: Callable[[SimServer], Path]) -> None:
    server = simulator(faults="freeze=40")
    config = sim_config(server)
    started = time.monotonic()
    result = cli("crawl", str(config), "--deadline", "0.25",
                 extra_env={"REPLYAUDIT_STALL_SECONDS": "3"})
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert server.frozen
    assert re.search(r"  \w+: no answer for \d+ s \(\d+ requests? waiting\)", result.stderr), \
        result.stderr
    assert "stopped at the run's deadline (0.25 min)" in result.stderr
    assert took < 150, took  # the deadline, then one download timeout (30 s) or two
    con = store.connect(config.parent / "audit.duckdb", read_only=True)
    try:
        [(status, stats)] = con.execute("select status, stats from runs").fetchall()
    finally:
        con.close()
    assert status == "partial"
    assert "deadline" in stats


def test_the_simulator_freezes_and_thaws(simulator: Callable[..., SimServer]) -> None:
    import urllib.request

    server = simulator(faults="freeze=1")
    url = f"{server.base_url}/robots.txt"
    assert urllib.request.urlopen(url, timeout=5).status == 200
    with pytest.raises(OSError):  # held: no answer within the timeout
        urllib.request.urlopen(url, timeout=1)
    assert server.frozen
    server.thaw()
    assert urllib.request.urlopen(url, timeout=5).status == 200


# Killed runs ---------------------------------------------------------------------------------

@pytest.mark.crawl
def test_a_killed_crawl_never_leaves_a_run_running(
        tmp_path: Path, simulator: Callable[..., SimServer],
        sim_config: Callable[[SimServer], Path]) -> None:
    """A run writes a working copy (benchmarks/snapshot.py): killed, it publishes nothing, and
    the next run discards the copy. Datasets written in place by older versions keep their
    `running` rows until the next writing open marks them interrupted (the test below)."""
    config = sim_config(simulator(faults="freeze=5"))
    env = {**os.environ, **sim_logins(), "REPLYAUDIT_STALL_SECONDS": "0"}
    crawl = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", str(config)],
                             cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    assert crawl.stderr is not None
    assert "Crawling" in crawl.stderr.readline()
    time.sleep(4)  # its run is recorded and its spiders wait on the frozen server
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=30)
    crawl.stderr.close()
    db = config.parent / "audit.duckdb"
    assert not db.exists()  # nothing was published
    assert (config.parent / "audit.duckdb.writing").exists()  # its copy, left behind
    fresh = sim_config(simulator())
    result = cli("crawl", str(fresh), extra_env={"REPLYAUDIT_STALL_SECONDS": "0"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert not (config.parent / "audit.duckdb.writing").exists()  # discarded by the next run
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("select status from runs").fetchall() == [("finished",)]
    finally:
        con.close()


def test_a_run_still_held_by_a_live_process_stays_running(tmp_path: Path) -> None:
    from benchmarks.lock import exclusive

    db = tmp_path / "a.duckdb"
    con = store.connect(db)
    con.execute("insert into runs (started_at, config_name, status, window_start, sla_seconds,"
                " ignore_after_seconds) values (now(), 'x', 'running', now(), 60, 60)")
    con.close()
    with exclusive(db):  # a crawl of this process holds the lock
        store.connect(db).close()
    con = store.connect(db, read_only=True)
    assert con.execute("select status from runs").fetchall() == [("running",)]
    con.close()
    store.connect(db).close()  # nobody holds it now
    con = store.connect(db, read_only=True)
    assert con.execute("select status from runs").fetchall() == [("interrupted",)]
    con.close()


def test_the_report_classifies_what_a_killed_run_left_unclassified(tmp_path: Path) -> None:
    config = imported(tmp_path)
    db = tmp_path / "t.duckdb"
    con = store.connect(db)
    con.execute("delete from post_classes")
    con.close()
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Classified 11 customer posts" in result.output
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from post_classes").fetchall() == [(11,)]
    finally:
        con.close()
