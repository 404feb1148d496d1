"""`replyaudit query`: read-only SQL from an argument, stdin or a file, as CSV, JSON or a table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import store
from benchmarks.importers.twcs import import_twcs
from crawler.cli import main

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "twcs" / "sample.csv"
SQL = ("select post_id, created_at, by_brand, parent_id from posts "
       "where post_id in ('119237', '119238') order by post_id")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("query") / "sample.duckdb"
    con = store.connect(path)
    import_twcs(con, SAMPLE)
    con.close()
    return path


def run(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["query", "--db", str(db), *args], input=stdin)
    return result.exit_code, result.output


def test_csv_is_the_default_with_iso_timestamps_and_empty_nulls(db: Path) -> None:
    code, out = run(db, SQL)
    assert code == 0, out
    assert list(csv.reader(io.StringIO(out))) == [
        ["post_id", "created_at", "by_brand", "parent_id"],
        ["119237", "2017-10-11T06:55:44+00:00", "False", ""],
        ["119238", "2017-10-11T13:25:49+00:00", "True", "119239"],
    ]


def test_json_is_an_array_of_objects(db: Path) -> None:
    code, out = run(db, "--format", "json", SQL)
    assert code == 0, out
    assert json.loads(out) == [
        {"post_id": "119237", "created_at": "2017-10-11T06:55:44+00:00", "by_brand": False,
         "parent_id": None},
        {"post_id": "119238", "created_at": "2017-10-11T13:25:49+00:00", "by_brand": True,
         "parent_id": "119239"},
    ]


def test_table_shows_every_column(db: Path) -> None:
    code, out = run(db, "--format", "table", SQL)
    assert code == 0, out
    for text in ("post_id", "parent_id", "119238", "2017-10-11T13:25:49+00:00"):
        assert text in out


def test_sql_from_a_file_and_from_stdin(db: Path, tmp_path: Path) -> None:
    sql_file = tmp_path / "q.sql"
    sql_file.write_text("-- posts by brands\nselect count(*) as n from posts where by_brand;\n",
                        encoding="utf-8")
    assert run(db, "-f", str(sql_file)) == (0, "n\n44\n")
    assert run(db, "-f", "-", stdin="select 1 as one") == (0, "one\n1\n")
    assert run(db, "-", stdin="select 2 as two") == (0, "two\n2\n")


def test_mistakes_are_reported(db: Path, tmp_path: Path) -> None:
    code, out = run(db)
    assert code == 2 and "give the SQL" in out
    code, out = run(db, "-f", str(tmp_path / "missing.sql"))
    assert code == 2 and "missing.sql" in out
    code, out = run(db, "delete from posts")
    assert code == 1 and "read-only" in out
    code, out = run(db, "select nope from posts")
    assert code == 1 and "nope" in out
    assert run(db, "select count(*) as n from posts") == (0, "n\n93\n")


SANDBOX_ESCAPES = {
    "copy to": "copy (select * from posts) to '{dir}/leak.csv'",
    "read_csv": "select * from read_csv('{secret}')",
    "read_parquet": "select * from read_parquet('{dir}/any.parquet')",
    "read_text": "select * from read_text('{secret}')",
    "glob": "select * from glob('{dir}/*')",
    "attach": "attach '{dir}/other.duckdb' as other",
    "export": "export database '{dir}/dump'",
    "install": "install httpfs",
    "load": "load httpfs",
    "set": "set enable_external_access = true",
    "reset": "reset enable_external_access",
    "unlock": "set lock_configuration = false",
    "pragma that writes": "pragma profiling_output = '{dir}/profile.json'",
}


@pytest.mark.parametrize("escape", SANDBOX_ESCAPES)
def test_query_touches_no_file_and_no_network(db: Path, tmp_path: Path, escape: str) -> None:
    """SQL from a researcher or a dashboard reads the dataset and nothing else."""
    secret = tmp_path / "secret.txt"
    secret.write_text("password,hunter2\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    statement = SANDBOX_ESCAPES[escape].format(dir=tmp_path, secret=secret)
    # also as the last of several statements, after a harmless one
    for sql in (statement, f"select 1; {statement}"):
        code, out = run(db, sql)
        assert code == 1, (escape, out)
        assert "hunter2" not in out
        assert out.startswith("Error: ") and len(out.strip().splitlines()) == 1, out
        assert "Traceback" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    # the connection is still good for reading the dataset
    assert run(db, "select count(*) as n from posts") == (0, "n\n93\n")


def test_query_may_use_temporary_tables(db: Path) -> None:
    code, out = run(db, "create temp table mine as select post_id from posts limit 2; "
                        "select count(*) as n from mine")
    assert (code, out) == (0, "n\n2\n")
