"""`replyaudit import twcs` and `replyaudit import har`: data collected elsewhere."""

from __future__ import annotations

import time
from pathlib import Path

import click

from benchmarks.config import LIMITS, load_config
from benchmarks.errors import InvalidMemoryLimit, UnknownBrand
from crawler.cli.errors import translated


@click.group(name="import")
def import_group() -> None:
    """Load data collected elsewhere into a replyaudit database: a public dataset (TWCS) or
    the X responses a browser saved (HAR).

    Example:

        replyaudit import twcs twcs.csv --db twcs.duckdb --write-config twcs.toml

        replyaudit import har x-session.har --config airlines.toml
    """


@import_group.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--db", type=click.Path(dir_okay=False), required=True,
              help="The DuckDB dataset to load into (created or upgraded as needed).")
@click.option("--sla-minutes", type=click.IntRange(min=1, max=LIMITS["sla_minutes"]),
              default=60, show_default=True, help="An answer later than this is late.")
@click.option("--ignore-after-hours",
              type=click.IntRange(min=1, max=LIMITS["ignore_after_hours"]), default=72,
              show_default=True,
              help="Unanswered for this long before the file's last tweet = ignored.")
@click.option("--client", default=None,
              help="Brand id of the client (screen name in lower case); default: the brand "
                   "with the most tweets.")
@click.option("--write-config", type=click.Path(dir_okay=False), default=None,
              help="Write an audit config (TOML) for `replyaudit report` on this database.")
@click.option("--memory-limit", default="1GB", show_default=True,
              help="DuckDB's memory limit during the import; beyond it, it spills to disk.")
def twcs(file: str, db: str, sla_minutes: int, ignore_after_hours: int, client: str | None,
         write_config: str | None, memory_limit: str) -> None:
    """Import the TWCS "Customer Support on Twitter" CSV as platform x.

    Brands are the authors of non-inbound tweets. The import is one run whose window is the
    file's span, judged at its latest tweet. Importing the same file again changes nothing.

    Example:

        replyaudit import twcs twcs.csv --db twcs.duckdb --write-config twcs.toml
    """
    from benchmarks.importers.twcs import UNLINKED_QUERY
    from benchmarks.importers.twcs_file import import_twcs_file

    started = time.monotonic()
    bad_option = {InvalidMemoryLimit: "--memory-limit", UnknownBrand: "--client"}
    with translated(options=bad_option):
        result, config_path = import_twcs_file(
            Path(file), Path(db), sla_seconds=sla_minutes * 60,
            ignore_after_seconds=ignore_after_hours * 3600, client_id=client,
            write_config=Path(write_config) if write_config else None, memory_limit=memory_limit)
    if config_path:
        click.echo(f"Wrote {config_path}; the report: replyaudit report {config_path}")
    again = f" (same file as run {result.run_id}: nothing changed)" if result.reused_run else ""
    click.echo(f"Imported {result.tweets} tweets ({result.inbound} inbound) by {result.brands} "
               f"brand accounts into {db} as run {result.run_id}{again} in "
               f"{time.monotonic() - started:.1f} s; window {result.first_at:%Y-%m-%d %H:%M} to "
               f"{result.last_at:%Y-%m-%d %H:%M} UTC.")
    if result.cut_short:
        click.echo(f"{file} ends inside a record (cut short?): its incomplete last record was "
                   "rejected; the complete ones were imported.")
    if result.rejected or result.duplicates:
        click.echo(f"Rejected {result.rejected} unreadable records; skipped "
                   f"{result.duplicates} duplicate tweet ids.")
    if result.unlinked_replies:
        click.echo(f"{result.unlinked_replies} replies answer a tweet missing from the file. "
                   f"List them: replyaudit query --db {db} \"{UNLINKED_QUERY}\"")


@import_group.command("har")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False),
              help="The audit config: brands' X screen names, window, thresholds, database.")
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="Write into this DuckDB file instead of the config's audit.db.")
def import_har(file: str, config_path: str, db: str | None) -> None:
    """Load every X GraphQL response in a browser's saved HAR file.

    Save the HAR from your own browser (developer tools, Network, "Save all as HAR") after
    opening the brands' profiles, their replies and the threads below their posts, and a
    search for '@handle'. Nothing is fetched; importing the same file twice adds nothing twice.

    Example:

        replyaudit import har x-session.har --config airlines.toml
    """
    from crawler.har import import_har as load_har

    cfg = load_config(config_path)
    result = load_har(Path(file), cfg, Path(db) if db else None)
    stats = result.stats["x"]
    click.echo(f"Run {result.run_id} {result.status}: {stats['requests']} X responses, "
               f"{stats['items']['posts']} posts, {stats['items']['accounts']} accounts "
               f"into {db or cfg.db}.")
    for note in stats["notes"]:
        click.echo(f"  note: {note}", err=True)
