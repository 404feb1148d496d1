"""`replyaudit stats`: classifies what is missing, prints every section, names the fix."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner

from benchmarks import store
from crawler.cli import main
from tests.stats_data import AS_OF, CustomerPost, build

BRANDS = [("acme", "Acme Air"), ("globex", "Globex")]


def write_config(tmp_path: Path, client: str | int = "acme") -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(tomli_w.dumps({
        "audit": {"name": "Stats", "client": client, "since": "2026-10-01", "sla_minutes": 60,
                  "ignore_after_hours": 72, "as_of": AS_OF.isoformat(), "db": "audit.duckdb"},
        "brands": [{"id": b, "name": n, "bluesky": [f"{b}.bsky.social"]} for b, n in BRANDS],
    }), encoding="utf-8")
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    old = timedelta(days=10)
    posts = [CustomerPost("acme", old, timedelta(hours=h), "Where is my bag?") for h in (1, 2)]
    posts += [CustomerPost("acme", old, None, "Lost my bag again, awful"),
              CustomerPost("globex", old, timedelta(minutes=5), "Thanks, great crew!"),
              CustomerPost("globex", timedelta(hours=2))]
    build(tmp_path / "audit.duckdb", BRANDS, "acme", posts).close()
    return write_config(tmp_path)


def run(*args: str) -> tuple[int, str]:
    """Exit code and standard output; on failure, the error message instead."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_json_has_every_section_and_classes_are_stored(config: Path) -> None:
    result = CliRunner().invoke(main, ["stats", str(config), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "Classified 5 customer posts into post_classes.\n"
    found = json.loads(result.stdout)
    assert [(r["brand_id"], r["platform"]) for r in found["survival"]] == [
        ("acme", "all"), ("acme", "bluesky"), ("globex", "all"), ("globex", "bluesky")]
    acme = found["survival"][0]
    assert (acme["posts"], acme["answered"], acme["censored"]) == (3, 2, 1)
    assert acme["km_median_seconds"] == 7200.0  # S: 2/3 after 1 h, 1/3 after 2 h
    assert [(t["competitor_id"], t["measure"]) for t in found["tests"]] == [
        ("globex", "response_rate"), ("globex", "response_time")]
    assert {(c["brand_id"], c["class"]): c["ignored"] for c in found["classes"]} == {
        ("acme", "question"): 0, ("acme", "complaint"): 1, ("globex", "praise"): 0}
    con = store.connect(config.parent / "audit.duckdb", read_only=True)
    assert con.execute("select count(*) from post_classes").fetchall() == [(5,)]


def test_csv_prints_one_section(config: Path) -> None:
    code, out = run("stats", str(config), "--format", "csv", "--section", "tests")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["measure"] for r in rows] == ["response_rate", "response_time"]
    assert {"p_value", "p_adjusted", "significant", "test"} <= set(rows[0])


def test_table_prints_the_three_tables(config: Path) -> None:
    code, out = run("stats", str(config))
    assert code == 0, out
    assert "Kaplan-Meier" in out and "against each competitor" in out
    assert "Which kind of post gets ignored" in out


def test_a_missing_database_names_the_fix(tmp_path: Path) -> None:
    code, out = run("stats", str(write_config(tmp_path)))
    assert code == 1
    assert "does not exist yet. Run: replyaudit crawl" in out
    assert not (tmp_path / "audit.duckdb").exists()  # not created by asking


def test_no_finished_crawl_names_the_fix(tmp_path: Path) -> None:
    store.connect(tmp_path / "audit.duckdb").close()
    code, out = run("stats", str(write_config(tmp_path)))
    assert code == 1 and "holds no finished crawl. Run: replyaudit crawl" in out


def test_a_bad_config_exits_2(tmp_path: Path) -> None:
    code, out = run("stats", str(write_config(tmp_path, client=7)))
    assert code == 2 and "audit.client" in out
