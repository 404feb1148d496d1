"""The docs stay true: the CLI reference is generated from --help, and every command,
metric and dataset column is documented."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from benchmarks import queries, store
from benchmarks.queries import METRIC_COLUMNS
from crawler.cli import main
from tests.dataset_doc import comments_sql, documented_relations

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"


def cli_reference() -> str:
    """docs/cli.md as generated from every command's --help."""
    runner = CliRunner()
    parts = ["# Command reference\n\nGenerated from `--help`; "
             "`REPLYAUDIT_UPDATE_DOCS=1 make test` refreshes it.\n"]
    commands = [("replyaudit", [])] + [(f"replyaudit {' '.join(path)}", path)
                                       for path, _ in all_commands()]
    for title, args in commands:
        result = runner.invoke(main, [*args, "--help"], prog_name="replyaudit", terminal_width=100)
        assert result.exit_code == 0, result.output
        parts.append(f"## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def all_commands() -> list[tuple[list[str], click.Command]]:
    """Every command and subcommand (`import twcs`), as (words after replyaudit, command)."""
    found: list[tuple[list[str], click.Command]] = []

    def walk(group: click.Group, path: list[str]) -> None:
        for name in sorted(group.commands):
            command = group.commands[name]
            found.append(([*path, name], command))
            if isinstance(command, click.Group):
                walk(command, [*path, name])

    assert isinstance(main, click.Group)
    walk(main, [])
    return found


def test_cli_reference_has_not_drifted() -> None:
    expected = cli_reference()
    if os.environ.get("REPLYAUDIT_UPDATE_DOCS"):
        CLI_DOC.write_text(expected, encoding="utf-8")
    assert CLI_DOC.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run REPLYAUDIT_UPDATE_DOCS=1 make test")


@pytest.mark.parametrize(("path", "command"), all_commands(),
                         ids=[" ".join(p) for p, _ in all_commands()])
def test_every_command_has_an_example_and_is_in_the_readme(path: list[str],
                                                          command: click.Command) -> None:
    name = " ".join(path)
    assert "Example:" in (command.help or ""), f"{name} --help has no example"
    assert all(p.help for p in command.params if isinstance(p, click.Option)), name
    assert f"replyaudit {name}" in (ROOT / "README.md").read_text(encoding="utf-8")
    for sub in getattr(command, "commands", {}).values():
        assert "Example:" in (sub.help or ""), f"{name} {sub.name} --help has no example"
        assert all(p.help for p in sub.params if isinstance(p, click.Option)), sub.name
        assert f"replyaudit {name} {sub.name}" in (ROOT / "README.md").read_text("utf-8")


def test_the_live_schema_and_the_docs_say_the_same(tmp_path: Path) -> None:
    """One source of meanings: the comments in the schema are docs/dataset.md's words."""
    con = store.connect(tmp_path / "doc.duckdb")
    documented = documented_relations()
    live = queries.dataset_schema(con)
    assert {r["relation"] for r in live} >= {
        "runs", "brands", "accounts", "posts", "post_mentions", "fetch_failures",
        "audit_params", "customer_posts", "brand_metrics"}
    for relation in live:
        name = relation["relation"]
        assert name in documented, f"{name} has no section in docs/dataset.md"
        doc = documented[name]
        assert relation["meaning"] == doc.description, f"comment on {name} differs from the docs"
        found = {c["column"]: (c["type"], c["meaning"]) for c in relation["columns"]}
        assert found.keys() == doc.columns.keys(), f"{name}: columns differ from the docs"
        for column, (type_, meaning) in found.items():
            assert (type_, meaning) == doc.columns[column], f"{name}.{column} differs"


def test_the_comments_file_is_generated_from_the_docs() -> None:
    comments = ROOT / "benchmarks" / "sql" / "comments.sql"
    expected = comments_sql()
    if os.environ.get("REPLYAUDIT_UPDATE_DOCS"):
        comments.write_text(expected, encoding="utf-8")
    assert comments.read_text(encoding="utf-8") == expected, (
        "benchmarks/sql/comments.sql is out of date: run REPLYAUDIT_UPDATE_DOCS=1 make test")


def test_schema_command_prints_every_meaning(tmp_path: Path) -> None:
    db = tmp_path / "schema.duckdb"
    store.connect(db).close()
    runner = CliRunner()
    text = runner.invoke(main, ["schema", "--db", str(db)])
    assert text.exit_code == 0, text.output
    as_json = runner.invoke(main, ["schema", "--db", str(db), "--format", "json"])
    relations = {r["relation"]: r for r in json.loads(as_json.output)}
    for name, doc in documented_relations().items():
        assert f"{name} ({relations[name]['kind']}): {doc.description}" in text.output
        for column, (type_, meaning) in doc.columns.items():
            assert re.search(rf"^  {column} +{re.escape(type_)} +{re.escape(meaning)}$",
                             text.output, re.MULTILINE), f"{name}.{column}"
    as_csv = runner.invoke(main, ["schema", "--db", str(db), "--format", "csv"])
    assert as_csv.output.startswith("relation,kind,column,type,meaning\n")
    assert "posts,table,post_id,VARCHAR," in as_csv.output


def test_every_column_and_metric_is_documented(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    con = store.connect(tmp_path / "doc.duckdb")
    relations = ["runs", "brands", "accounts", "posts", "post_mentions", "post_addressees",
                 "fetch_failures", "audit_params", "customer_posts", "brand_metrics",
                 "post_classes", "brand_metrics_history", "brand_metrics_current"]
    for relation in relations:
        assert f"`{relation}`" in doc, relation
        for (column,) in con.execute(
                "select column_name from information_schema.columns where table_name = ?",
                [relation]).fetchall():
            assert column in doc, f"{relation}.{column} is not in docs/dataset.md"
    for metric in METRIC_COLUMNS:
        assert metric in doc


def test_the_readme_config_example_loads_and_covers_every_platform(tmp_path: Path) -> None:
    """The config a reader copies from the README is valid and shows every platform."""
    from benchmarks.config import PLATFORMS, load_config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("### The config", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "airlines.toml"
    path.write_text(example, encoding="utf-8")
    config = load_config(path)
    assert config.platforms_in_use() == list(PLATFORMS)
    assert all(f"[platforms.{p}]" in example for p in PLATFORMS)
