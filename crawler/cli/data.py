"""`replyaudit query`, `schema` and `export`: the dataset as rows, as a catalog, as files."""

from __future__ import annotations

import json
import os
import sys
from contextlib import closing
from pathlib import Path
from typing import TextIO

import click

from benchmarks import queries, store
from benchmarks.errors import InvalidMemoryLimit
from benchmarks.export import PSEUDONYM_KEY_ENV
from benchmarks.sandbox import sandboxed
from crawler.cli.errors import translated
from reports.tabular import FORMATS, write_rows


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, exists=True), required=True,
              help="The DuckDB dataset to query (opened read-only).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="Output format: CSV with a header, a JSON array of objects, or a table.")
@click.option("-f", "--file", "sql_file", type=click.File("r", encoding="utf-8"), default=None,
              help="Read the SQL from this file ('-' = stdin) instead of the SQL argument.")
@click.argument("sql", required=False)
def query(db: str, fmt: str, sql_file: TextIO | None, sql: str | None) -> None:
    """Run read-only SQL against a dataset: SQL, '-' (stdin) or -f FILE.sql.

    Timestamps come out in ISO 8601 (UTC). With several statements, the last one's rows
    are printed.

    Allowed: SELECT over every table and view, temporary tables in memory, DuckDB's own
    functions. Refused: writing to the dataset (INSERT, UPDATE, DELETE, DROP), reading or
    writing any other file (COPY ... TO, read_csv, read_parquet, read_text, ATTACH, EXPORT
    DATABASE), installing or loading extensions, and SET, RESET or a PRAGMA that would
    switch any of this back on. Why: the SQL may come from someone else (a colleague, a
    shared dashboard), and it should be able to read the audit and nothing more: not the
    computer's files, not the network, not the dataset's future.

    Example:

        replyaudit query --db audit.duckdb --format json -f ignored.sql
    """
    if (sql is None) == (sql_file is None):
        raise click.UsageError("give the SQL as an argument, '-' for stdin, or -f FILE.sql")
    if sql_file is not None:
        text = sql_file.read()
    elif sql == "-":
        text = sys.stdin.read()
    else:
        text = str(sql)
    with closing(sandboxed(store.open_dataset(Path(db)))) as con:
        names, found = queries.run_sql(con, text)
    write_rows(names, found, fmt, sys.stdout)


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, exists=True), required=True,
              help="The DuckDB dataset to describe (opened read-only).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True,
              help="text for people; json (one object per relation) or csv (one row per column).")
def schema(db: str, fmt: str) -> None:
    """Print every table and view with its columns, types and meanings, from the database.

    The meanings are the database's own comments, the same words as docs/dataset.md.

    Example:

        replyaudit schema --db audit.duckdb
    """
    with closing(store.open_dataset(Path(db))) as con:
        relations = queries.dataset_schema(con)
    if fmt == "json":
        click.echo(json.dumps(relations, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        write_rows(("relation", "kind", "column", "type", "meaning"),
                   [(r["relation"], r["kind"], c["column"], c["type"], c["meaning"])
                    for r in relations for c in r["columns"]], "csv", sys.stdout)
    else:
        for relation in relations:
            click.echo(f"{relation['relation']} ({relation['kind']}): {relation['meaning'] or ''}")
            width = max(len(c["column"]) for c in relation["columns"])
            type_width = max(len(c["type"]) for c in relation["columns"])
            for c in relation["columns"]:
                click.echo(f"  {c['column']:<{width}}  {c['type']:<{type_width}}  "
                           f"{c['meaning'] or ''}".rstrip())
            click.echo("")


@click.command(name="export")
@click.option("--db", type=click.Path(dir_okay=False, exists=True), required=True,
              help="The DuckDB dataset to export (opened read-only).")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True,
              help="parquet: a directory per relation, partitioned by platform (and month); "
                   "csv: one file per relation.")
@click.option("--out", type=click.Path(file_okay=False), required=True,
              help="A new or empty directory to write into.")
@click.option("--pseudonymize", is_flag=True,
              help="Replace customers' ids and handles by keyed hashes and remove their "
                   "@-mentions from texts (needs a key).")
@click.option("--key-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help=f"File holding the secret key for --pseudonymize (default: the environment "
                   f"variable {PSEUDONYM_KEY_ENV}).")
@click.option("--memory-limit", default=None,
              help="DuckDB's memory limit, e.g. 4GB (default: DuckDB's, 80 % of RAM). The "
                   "customer_posts view over millions of posts needs several GB.")
def export_command(db: str, fmt: str, out: str, pseudonymize: bool,
                   key_file: str | None, memory_limit: str) -> None:
    """Export posts, accounts, customer_posts and brand_metrics as Parquet or CSV.

    With --pseudonymize, the same key gives the same pseudonyms, so exports stay joinable
    and repeatable; keep the key secret and out of the export. What it protects and what it
    does not: docs/dataset.md, "Exports".

    Example:

        REPLYAUDIT_PSEUDONYM_KEY=... replyaudit export --db audit.duckdb --out export --pseudonymize
    """
    from benchmarks.export import export_dataset

    out_dir = Path(out)
    with translated(options={InvalidMemoryLimit: "--memory-limit"}):
        written = export_dataset(Path(db), out_dir, fmt, pseudonymize=pseudonymize,
                                 key_file=Path(key_file) if key_file else None,
                                 environ=os.environ, memory_limit=memory_limit)
    for item in written:
        click.echo(f"{item.relation}: {item.rows} rows -> {out_dir / item.path}")
    if pseudonymize:
        click.echo("Customers pseudonymised; brand accounts kept readable.")
