"""Every bad file a user can hand a command (issue 15): one line naming the file and the fix,
a non-zero exit, no traceback, and nothing changed on disk."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from benchmarks import store
from tests.conftest import cli

CONFIG = """
[audit]
name = "Bad files"
client = "acme"
days = 30
db = "{db}"

[[brands]]
id = "acme"
bluesky = ["acme.bsky.social"]

[platforms.bluesky]
base_url = "http://127.0.0.1:9"
"""


def disk(directory: Path) -> dict[str, str]:
    """Every file under `directory` with its checksum: what 'nothing changed' compares."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def one_line(result_stderr: str) -> str:
    lines = [line for line in result_stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def good_dataset(path: Path) -> bytes:
    store.connect(path).close()
    return path.read_bytes()


def empty(path: Path) -> None:
    path.write_bytes(b"")


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(15).randbytes(50_000))


def truncated(path: Path) -> None:
    whole = good_dataset(path)
    path.write_bytes(whole[: len(whole) // 3])


def truncated_near_its_end(path: Path) -> None:
    """Cut inside the last block: DuckDB opens it and reads its catalog without complaint."""
    whole = good_dataset(path)
    path.write_bytes(whole[:-8000])


def other_application(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table orders as select range as id from range(1000)")
    con.close()


BAD = {"empty": empty, "random bytes": random_bytes, "truncated": truncated,
       "truncated near its end": truncated_near_its_end,
       "another application's": other_application}
FIX = {"empty": "empty file", "random bytes": "not a DuckDB database file",
       "truncated": "Restore it from a backup",
       "truncated near its end": "Restore it from a backup",
       "another application's": "another application"}
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "schema": lambda db, cfg: ["schema", "--db", str(db)],
    "query": lambda db, cfg: ["query", "--db", str(db), "select count(*) from posts"],
    "metrics": lambda db, cfg: ["metrics", str(cfg)],
    "report": lambda db, cfg: ["report", str(cfg), "-o", str(db.parent / "report.html")],
    "crawl": lambda db, cfg: ["crawl", str(cfg)],
    "export": lambda db, cfg: ["export", "--db", str(db), "--out", str(db.parent / "export")],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_dataset_file_is_refused_in_one_line(tmp_path: Path, kind: str,
                                                   command: str) -> None:
    db = tmp_path / "audit.duckdb"
    BAD[kind](db)
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG.format(db=db.name), encoding="utf-8")
    before = disk(tmp_path)
    result = cli(*COMMANDS[command](db, config))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert str(db.name) in line and "is not a replyaudit dataset" in line
    assert FIX[kind] in line
    assert "Nothing was changed" in line
    assert result.stdout == ""
    assert disk(tmp_path) == before


def test_a_dataset_named_by_the_config_may_not_be_a_directory(tmp_path: Path) -> None:
    (tmp_path / "audit.duckdb").mkdir()
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG.format(db="audit.duckdb"), encoding="utf-8")
    before = disk(tmp_path)
    for command in ("crawl", "metrics"):
        result = cli(command, str(config))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        line = one_line(result.stderr)
        assert "audit.db" in line and "directory" in line and str(config) in line
    assert disk(tmp_path) == before


def test_an_empty_duckdb_database_is_taken_but_not_read(tmp_path: Path) -> None:
    """A DuckDB file without tables (a first run killed before its first table) is not
    another application's data: a crawl may fill it; reading it says to crawl first."""
    db = tmp_path / "audit.duckdb"
    duckdb.connect(str(db)).close()
    result = cli("schema", "--db", str(db))
    assert result.returncode != 0
    assert "empty DuckDB database" in one_line(result.stderr)
    store.connect(db).close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert store.schema_version(con) > 0
    finally:
        con.close()


def big_config(brands: int) -> str:
    head = CONFIG.split("[[brands]]")[0].format(db="audit.duckdb")
    return head.replace('client = "acme"', 'client = "b0"') + "".join(
        f'[[brands]]\nid = "b{i}"\nbluesky = ["b{i}.bsky.social"]\n' for i in range(brands))


@pytest.mark.parametrize(("old", "new", "key", "expected"), [
    ("days = 30", "days = 100000000", "audit.days", "up to 3,660"),
    ("days = 30", "sla_minutes = 99999999999999999\ndays = 30", "audit.sla_minutes",
     "up to 43,200"),
    ("days = 30", "ignore_after_hours = 10000000\ndays = 30", "audit.ignore_after_hours",
     "up to 8,760"),
    ("days = 30", 'since = "2026-10-01"\nuntil = "9999-12-31"', "audit.until",
     "a date from 1990-01-01 to 2199-12-31"),
    ("days = 30", 'days = 30\nas_of = "9999-12-31T00:00:00Z"', "audit.as_of", "an instant from"),
    ('base_url = "http://127.0.0.1:9"', 'base_url = "http://127.0.0.1:9"\n'
     "requests_per_second = inf", "platforms.bluesky.requests_per_second", "up to 100"),
    ('base_url = "http://127.0.0.1:9"', 'base_url = "http://127.0.0.1:9"\n'
     "requests_per_second = nan", "platforms.bluesky.requests_per_second", "up to 100"),
    ('base_url = "http://127.0.0.1:9"', 'base_url = "http://127.0.0.1:9"\nconcurrency = 100000',
     "platforms.bluesky.concurrency", "up to 64"),
    ("[platforms.bluesky]", "[crawl]\nmax_pages_per_account = 1000000000000\n"
     "[platforms.bluesky]", "crawl.max_pages_per_account", "up to 100,000"),
])
def test_config_numbers_out_of_range_are_refused_before_the_crawl(
        tmp_path: Path, old: str, new: str, key: str, expected: str) -> None:
    assert old in CONFIG
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG.replace(old, new).format(db="audit.duckdb"), encoding="utf-8")
    before = disk(tmp_path)
    result = cli("crawl", str(config))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert line.startswith(f"Error: {config}: {key}: expected") and expected in line
    assert disk(tmp_path) == before


def test_a_config_that_is_not_utf8_says_where_the_bad_byte_is(tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_bytes(CONFIG.replace('"Bad files"', '"Caf\xe9"').format(db="a.duckdb")
                       .encode("latin-1"))
    before = disk(tmp_path)
    result = cli("crawl", str(config))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert str(config) in line and "UTF-8" in line and "byte 0xe9 at line 3, column 12" in line
    assert disk(tmp_path) == before


def test_a_config_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_bytes(b"\xef\xbb\xbf" + CONFIG.format(db="a.duckdb").encode("utf-8"))
    result = cli("metrics", str(config))
    assert result.returncode != 0  # the config is fine; there is no dataset yet
    assert one_line(result.stderr) == f"Error: {tmp_path / 'a.duckdb'} does not exist yet. " \
                                      f"Run: replyaudit crawl {config}"


def test_a_config_above_the_brand_limit_is_refused_at_once(tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_text(big_config(60_000), encoding="utf-8")
    before = disk(tmp_path)
    for command in ("crawl", "metrics", "report"):
        result = cli(command, str(config))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        line = one_line(result.stderr)
        assert f"{config}: brands: expected at most 5,000 [[brands]]" in line
        assert "split a larger panel" in line
    assert disk(tmp_path) == before


def test_the_brand_limit_validates_in_seconds(tmp_path: Path) -> None:
    import time

    from benchmarks.config import MAX_BRANDS, load_config

    config = tmp_path / "audit.toml"
    config.write_text(big_config(MAX_BRANDS), encoding="utf-8")
    started = time.monotonic()
    assert len(load_config(config).brands) == MAX_BRANDS
    assert time.monotonic() - started < 10


TWCS = Path(__file__).resolve().parent / "fixtures" / "twcs" / "twcs_head5000.csv"


@pytest.mark.parametrize("where", ["in an unquoted value", "inside a quoted text"])
def test_a_twcs_file_cut_off_mid_row_loads_its_complete_rows(tmp_path: Path, where: str) -> None:
    whole = TWCS.read_bytes()
    middle = len(whole) // 2
    cut_at = (whole.index(b',"', middle) + 12 if where == "inside a quoted text"
              else whole.index(b"\n", middle) + 8)
    cut = tmp_path / "cut.csv"
    cut.write_bytes(whole[:cut_at])
    complete = tmp_path / "complete.csv"  # the same rows without the incomplete last one
    complete.write_bytes(whole[:whole.rindex(b"\n", 0, cut_at) + 1])
    expected = cli("import", "twcs", str(complete), "--db", str(tmp_path / "complete.duckdb"))
    assert expected.returncode == 0, expected.stderr
    result = cli("import", "twcs", str(cut), "--db", str(tmp_path / "cut.duckdb"))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    imported = expected.stdout.split(" tweets")[0]  # "Imported N"
    assert result.stdout.startswith(imported + " tweets")
    assert f"{cut} ends inside a record (cut short?)" in result.stdout
    assert "Rejected 1 unreadable records" in result.stdout
    con = duckdb.connect(str(tmp_path / "cut.duckdb"), read_only=True)
    try:
        [(posts,)] = con.execute("select count(*) from posts").fetchall()
        [(stats,)] = con.execute("select stats::varchar from runs").fetchall()
    finally:
        con.close()
    assert posts == int(imported.split()[-1])
    recorded = json.loads(stats)["x"]
    assert recorded["dropped_items"] == 1 and recorded["import"]["cut_short"] is True
    assert any("ends inside a record" in note for note in recorded["notes"])


HAR_CONFIG = """
[audit]
name = "HAR"
client = "acme"
days = 30
db = "audit.duckdb"

[[brands]]
id = "acme"
x = ["AcmeAir"]
"""


@pytest.mark.parametrize("entries", ["[]", '[{"request": {"url": "https://example.com/"}, '
                                           '"response": {"status": 200}}]'])
def test_a_har_without_x_responses_imports_nothing_and_says_so(tmp_path: Path,
                                                              entries: str) -> None:
    config = tmp_path / "audit.toml"
    config.write_text(HAR_CONFIG, encoding="utf-8")
    har = tmp_path / "session.har"
    har.write_text('{"log": {"entries": ' + entries + '}}', encoding="utf-8")
    before = disk(tmp_path)
    result = cli("import", "har", str(har), "--config", str(config))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert str(har) in line and "nothing was imported" in line and "Save the HAR" in line
    assert disk(tmp_path) == before  # no dataset, so no run, "finished" or otherwise
    store.connect(tmp_path / "audit.duckdb").close()  # an existing dataset: still no run
    before = disk(tmp_path)
    assert cli("import", "har", str(har), "--config", str(config)).returncode != 0
    assert disk(tmp_path) == before


def test_import_thresholds_out_of_range_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "twcs.duckdb"
    for option, value in (("--sla-minutes", "99999999999"), ("--ignore-after-hours", "9000")):
        result = cli("import", "twcs", str(TWCS), "--db", str(db), option, value)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert option in result.stderr and "range" in result.stderr
    assert not db.exists()


def test_a_twcs_file_without_tweets_leaves_no_dataset_behind(tmp_path: Path) -> None:
    header_only = tmp_path / "header.csv"
    header_only.write_bytes(TWCS.read_bytes().split(b"\n", 1)[0] + b"\n")
    before = disk(tmp_path)
    result = cli("import", "twcs", str(header_only), "--db", str(tmp_path / "twcs.duckdb"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert str(header_only) in line and "at least one tweet" in line
    # no dataset: only the writer lock's empty file may be left (benchmarks/lock.py)
    assert {k: v for k, v in disk(tmp_path).items() if not k.endswith(".lock")} == before
