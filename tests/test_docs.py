"""The docs stay true: the CLI reference is generated from --help, and every command,
metric and dataset column is documented."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from benchmarks import store
from benchmarks.queries import METRIC_COLUMNS
from crawler.cli import main

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"


def cli_reference() -> str:
    """docs/cli.md as generated from every command's --help."""
    runner = CliRunner()
    parts = ["# Command reference\n\nGenerated from `--help`; "
             "`REPLYAUDIT_UPDATE_DOCS=1 make test` refreshes it.\n"]
    commands: list[tuple[str, list[str]]] = [("replyaudit", [])]
    assert isinstance(main, click.Group)
    commands += [(f"replyaudit {name}", [name]) for name in sorted(main.commands)]
    commands += [(f"replyaudit {group} {name}", [group, name])
                 for group, sub in sorted(main.commands.items()) if isinstance(sub, click.Group)
                 for name in sorted(sub.commands)]
    for title, args in commands:
        result = runner.invoke(main, [*args, "--help"], prog_name="replyaudit", terminal_width=100)
        assert result.exit_code == 0, result.output
        parts.append(f"## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def test_cli_reference_has_not_drifted() -> None:
    expected = cli_reference()
    if os.environ.get("REPLYAUDIT_UPDATE_DOCS"):
        CLI_DOC.write_text(expected, encoding="utf-8")
    assert CLI_DOC.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run REPLYAUDIT_UPDATE_DOCS=1 make test")


@pytest.mark.parametrize("name", sorted(main.commands) if isinstance(main, click.Group) else [])
def test_every_command_has_an_example_and_is_in_the_readme(name: str) -> None:
    command = main.commands[name]  # type: ignore[attr-defined]
    assert "Example:" in (command.help or ""), f"{name} --help has no example"
    assert all(p.help for p in command.params if isinstance(p, click.Option)), name
    assert f"replyaudit {name}" in (ROOT / "README.md").read_text(encoding="utf-8")
    for sub in getattr(command, "commands", {}).values():
        assert "Example:" in (sub.help or ""), f"{name} {sub.name} --help has no example"
        assert all(p.help for p in sub.params if isinstance(p, click.Option)), sub.name
        assert f"replyaudit {name} {sub.name}" in (ROOT / "README.md").read_text("utf-8")


def test_every_column_and_metric_is_documented(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    con = store.connect(tmp_path / "doc.duckdb")
    relations = ["runs", "brands", "accounts", "posts", "post_mentions", "post_addressees",
                 "fetch_failures", "audit_params", "customer_posts", "brand_metrics"]
    for relation in relations:
        assert f"`{relation}`" in doc, relation
        for (column,) in con.execute(
                "select column_name from information_schema.columns where table_name = ?",
                [relation]).fetchall():
            assert column in doc, f"{relation}.{column} is not in docs/dataset.md"
    for metric in METRIC_COLUMNS:
        assert metric in doc
