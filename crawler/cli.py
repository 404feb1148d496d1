"""The `replyaudit` command line: thin commands over the crawler, the store and the report.

Library code raises small exceptions; each command turns them into a message that says what
happened and what to run. A malformed config exits with code 2 before anything is crawled.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import click
import duckdb

from benchmarks import history, queries, store
from benchmarks.config import PLATFORM_DEFAULTS, AuditConfig, load_config
from benchmarks.errors import (
    ConfigError,
    DatasetBusy,
    ImportFormatError,
    MixedXSources,
    NoCrawlYet,
    SchemaOutOfDate,
    UnknownBrand,
)
from benchmarks.lock import exclusive
from benchmarks.sandbox import sandboxed
from crawler import __version__
from crawler.secrets import spider_secrets
from reports.tabular import FORMATS, write_rows
from reports.terminal import print_metrics

PSEUDONYM_KEY_ENV = "REPLYAUDIT_PSEUDONYM_KEY"


class ConfigProblem(click.ClickException):
    """A config error: exit code 2, like any other usage error."""

    exit_code = 2


def load(config_path: str, require_client: bool = True) -> AuditConfig:
    try:
        return load_config(config_path, require_client)
    except ConfigError as e:
        raise ConfigProblem(str(e)) from None


def busy(e: DatasetBusy) -> click.ClickException:
    """The message for a dataset another process is writing to."""
    waited = f" (waited {e.waited:g} s)" if e.waited else ""
    return click.ClickException(
        f"{e}{waited}: a crawl or benchmark run is still going on. Nothing was changed. "
        "Try again when it has finished, or pass --wait SECONDS to wait for it.")


def open_db(path: Path, read_only: bool = True) -> Any:
    import duckdb

    try:
        return store.connect(path, read_only=read_only)
    except duckdb.IOException as e:
        if "lock" not in str(e).lower():
            raise
        raise busy(DatasetBusy(path)) from None
    except FileNotFoundError:
        raise click.ClickException(
            f"{path} does not exist yet. Run: replyaudit crawl CONFIG") from None
    except SchemaOutOfDate as e:
        raise click.ClickException(
            f"{path} is at schema {e.current}; this version needs {e.required}. "
            "Run any writing command (e.g. replyaudit crawl CONFIG) to upgrade it in place, "
            "or upgrade replyaudit.") from None


def config_argument(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("config", type=click.Path(dir_okay=False))(f)


def wait_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--wait", "wait_seconds", type=click.FloatRange(min=0), default=0, show_default=True,
        help="Seconds to wait for another run on the same database to finish "
             "(0: stop at once with a message).")(f)


def do_crawl(config: AuditConfig, benchmark: bool = False, wait_seconds: float = 0.0) -> int:
    """Crawl in this process, holding the dataset's lock; prints a line per platform and
    returns the run id. A `benchmark` run is incremental and records its metrics in the
    history."""
    from crawler.runner import run_crawl

    click.echo(f"Crawling {', '.join(config.platforms_in_use())} for {len(config.brands)} "
               f"brands into {config.db} …", err=True)
    started = time.monotonic()
    try:
        with exclusive(config.db, wait_seconds):
            result = run_crawl(config, spider_secrets(config), incremental=benchmark)
            if benchmark:
                con = store.connect(config.db)
                try:
                    history.record(con, result.run_id)
                finally:
                    con.close()
    except DatasetBusy as e:
        raise busy(e) from None
    except MixedXSources as e:
        raise ConfigProblem(str(e)) from None
    for platform, stats in result.stats.items():
        click.echo(f"  {platform}: {stats['requests']} requests, {stats['items']['posts']} posts, "
                   f"{stats['failures']} failures, mentions {stats['mentions']}", err=True)
        for note in stats["notes"]:
            click.echo(f"    note: {note}", err=True)
    click.echo(f"Run {result.run_id} {result.status} in {time.monotonic() - started:.1f} s.",
               err=True)
    return result.run_id


def do_report(config: AuditConfig, out: Path, pdf: str | None = None,
              as_of: datetime | None = None) -> Path:
    from reports.render import render_report

    con = open_db(config.db)
    if as_of is not None:
        queries.judge_at(con, as_of)
    try:
        path = render_report(con, config, out, version=__version__)
    except NoCrawlYet:
        raise click.ClickException(
            f"{config.db} holds no finished crawl. Run: replyaudit crawl {config.path}") from None
    finally:
        con.close()
    if pdf:
        click.echo(f"PDF written to {do_pdf(path, Path(pdf))}")
    return path


def do_pdf(html: Path, pdf: Path) -> Path:
    """Print a rendered report with Chromium (REPLYAUDIT_CHROMIUM, else the system's)."""
    from reports.pdf import PdfError, chromium_executable, print_pdf

    try:
        return print_pdf(html, pdf, chromium_executable(os.environ.get("REPLYAUDIT_CHROMIUM")))
    except PdfError as e:
        raise click.ClickException(str(e)) from None


def pdf_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--pdf", type=click.Path(dir_okay=False), default=None,
        help="Also print the report to this PDF (A4, page numbers) with Chromium: "
             "REPLYAUDIT_CHROMIUM, else /usr/bin/chromium, else Playwright's own.")(f)


def as_of_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--as-of", "as_of", default=None,
        help="Judge statuses at this instant, e.g. 2026-11-01T00:00:00Z "
             "(default: the config's as_of, else the crawl time).")(f)


def parse_instant(text: str | None, option: str) -> datetime | None:
    """A timestamp option with a zone (2026-11-01T00:00:00Z) as UTC; None when not given."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter("expected a timestamp with a zone like 2026-11-01T00:00:00Z",
                                 param_hint=option)
    return moment.astimezone(UTC)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replyaudit")
def main() -> None:
    """Measure how brands answer their customers on social media.

    Example:

        replyaudit demo --out demo-output
    """


@main.command()
@config_argument
@wait_option
def crawl(config: str, wait_seconds: float) -> None:
    """Crawl every brand account in CONFIG into its DuckDB dataset.

    Example:

        replyaudit crawl airlines.toml
    """
    do_crawl(load(config), wait_seconds=wait_seconds)


@main.command()
@config_argument
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@as_of_option
def metrics(config: str, fmt: str, as_of: str | None) -> None:
    """Print the response metrics per brand and platform.

    Example:

        replyaudit metrics airlines.toml --format csv > metrics.csv
    """
    cfg = load(config)
    moment = parse_instant(as_of, "--as-of")
    con = open_db(cfg.db)
    if moment is not None:
        queries.judge_at(con, moment)
    try:
        found = queries.brand_metrics(con, [b.id for b in cfg.brands])
    except NoCrawlYet:
        raise click.ClickException(f"{cfg.db} holds no finished crawl. Run: replyaudit crawl "
                                   f"{config}") from None
    finally:
        con.close()
    if fmt == "json":
        click.echo(json.dumps(found, indent=2, default=str))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(queries.METRIC_COLUMNS))
        writer.writeheader()
        writer.writerows(found)
    else:
        print_metrics(found, {b.id: b.name for b in cfg.brands}, cfg.client)


STATS_SECTIONS = ("survival", "tests", "classes")


@main.command()
@config_argument
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--section", type=click.Choice(STATS_SECTIONS), default=None,
              help="Only this part: Kaplan-Meier per brand and platform (survival), the "
                   "client-vs-competitor tests (tests), ignored share by post class "
                   "(classes). CSV needs one; default: all (CSV: survival).")
def stats(config: str, fmt: str, section: str | None) -> None:
    """Print time-to-first-response statistics, significance tests and post classes.

    Classifies customer posts that have no class yet (stored in post_classes), then prints
    the Kaplan-Meier estimates with 95 % intervals per brand and platform, the client
    against each competitor (Fisher's exact and log-rank tests, Holm-corrected), and which
    kind of post gets ignored. Definitions: docs/statistics.md.

    Example:

        replyaudit stats airlines.toml --format csv --section survival > survival.csv
    """
    from benchmarks import classify, significance, survival
    from benchmarks.derived import derive
    from reports.stats_terminal import print_stats

    cfg = load(config)
    if not cfg.db.exists():
        raise click.ClickException(f"{cfg.db} does not exist yet. Run: replyaudit crawl {config}")
    con = open_db(cfg.db, read_only=False)
    brand_ids = [b.id for b in cfg.brands]
    try:
        classified = derive(con)
        if classified:
            click.echo(f"Classified {classified} customer posts into post_classes.", err=True)
        columns = survival.survival_input(con)
        km = survival.survival_rows(con, brand_ids, columns)
        tests = significance.client_comparisons(
            con, cfg.client, [b for b in brand_ids if b != cfg.client],
            columns=columns) if cfg.client else []
        shares = [s for s in classify.class_shares(con) if s["brand_id"] in brand_ids]
    except NoCrawlYet:
        raise click.ClickException(f"{cfg.db} holds no finished crawl. Run: replyaudit crawl "
                                   f"{config}") from None
    finally:
        con.close()
    records = {
        "survival": [survival.as_record(r) for r in km],
        "tests": [significance.as_record(c, cfg.client or "") for c in tests],
        "classes": shares,
    }
    if fmt == "json":
        click.echo(json.dumps(records[section] if section else records, indent=2, default=str))
    elif fmt == "csv":
        chosen = records[section or "survival"]
        if chosen:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(chosen[0]))
            writer.writeheader()
            writer.writerows(chosen)
    else:
        print_stats(km if section in (None, "survival") else [],
                    tests if section in (None, "tests") else [],
                    shares if section in (None, "classes") else [],
                    {b.id: b.name for b in cfg.brands}, cfg.client)


@main.command()
@config_argument
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the HTML report (default: next to the database).")
@pdf_option
@as_of_option
def report(config: str, out: str | None, pdf: str | None, as_of: str | None) -> None:
    """Render the HTML report comparing the client with its competitors.

    Example:

        replyaudit report airlines.toml -o airlines.html --pdf airlines.pdf
    """
    cfg = load(config)
    moment = parse_instant(as_of, "--as-of")
    path = do_report(cfg, Path(out) if out else cfg.db.with_suffix(".html"), pdf, moment)
    click.echo(f"Report written to {path}")


@main.command()
@config_argument
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the HTML report (default: next to the database).")
@pdf_option
def audit(config: str, out: str | None, pdf: str | None) -> None:
    """Crawl, then render the report: the whole audit in one command.

    Example:

        replyaudit audit airlines.toml -o airlines.html --pdf airlines.pdf
    """
    cfg = load(config)
    do_crawl(cfg)
    path = do_report(cfg, Path(out) if out else cfg.db.with_suffix(".html"), pdf)
    click.echo(f"Report written to {path}")


@main.command()
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
    con = sandboxed(open_db(Path(db)))
    try:
        result = con.execute(text)
        names = [d[0] for d in result.description or []]
        found = result.fetchall()
    except Exception as e:  # DuckDB reports bad SQL and write attempts alike
        raise click.ClickException(str(e).splitlines()[0]) from None
    finally:
        con.close()
    write_rows(names, found, fmt, sys.stdout)


@main.command()
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
    con = open_db(Path(db))
    try:
        relations = queries.dataset_schema(con)
    finally:
        con.close()
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


@main.command(name="export")
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
    from benchmarks.export import ExportKeyError, export

    out_dir = Path(out)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ConfigProblem(f"{out_dir} is not empty: choose a new or empty directory, so no "
                            "earlier export is mixed in or overwritten.")
    key = None
    if pseudonymize:
        if key_file:
            key = Path(key_file).read_bytes().strip()
        elif os.environ.get(PSEUDONYM_KEY_ENV):
            key = os.environ[PSEUDONYM_KEY_ENV].encode("utf-8")
        else:
            raise ConfigProblem(f"--pseudonymize needs a secret key: set {PSEUDONYM_KEY_ENV} or "
                                "pass --key-file FILE. Keep it: the same key gives the same "
                                "pseudonyms next time.")
    elif key_file:
        raise ConfigProblem("--key-file is only used with --pseudonymize.")
    con = open_db(Path(db))
    try:
        if memory_limit:
            con.execute("set memory_limit = ?", [memory_limit])
    except duckdb.Error:
        con.close()
        raise click.BadParameter("expected a size like 4GB or 800MB",
                                 param_hint="--memory-limit") from None
    try:
        written = export(con, out_dir, fmt, key)
    except ExportKeyError as e:
        raise ConfigProblem(str(e)) from None
    except duckdb.OutOfMemoryException as e:
        raise click.ClickException(f"{str(e).splitlines()[0]}: raise --memory-limit, and "
                                   f"remove the incomplete export in {out_dir}.") from None
    finally:
        con.close()
    for item in written:
        click.echo(f"{item.relation}: {item.rows} rows -> {out_dir / item.path}")
    if key is not None:
        click.echo("Customers pseudonymised; brand accounts kept readable.")


@main.group(name="import")
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
@click.option("--sla-minutes", type=click.IntRange(min=1), default=60, show_default=True,
              help="An answer later than this is late.")
@click.option("--ignore-after-hours", type=click.IntRange(min=1), default=72,
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
    from benchmarks.importers.twcs import (
        UNLINKED_QUERY,
        check_header,
        import_twcs,
        write_config_for,
    )

    started = time.monotonic()
    try:
        check_header(Path(file))  # before the database is created
    except ImportFormatError as e:
        raise ConfigProblem(str(e)) from None
    con = open_db(Path(db), read_only=False)
    try:
        con.execute("set memory_limit = ?", [memory_limit])
    except duckdb.Error:
        con.close()
        raise click.BadParameter("expected a size like 1GB or 800MB",
                                 param_hint="--memory-limit") from None
    try:
        result = import_twcs(con, file, sla_seconds=sla_minutes * 60,
                             ignore_after_seconds=ignore_after_hours * 3600, client_id=client)
        if write_config:
            path = write_config_for(con, result, Path(write_config), Path(db))
            click.echo(f"Wrote {path}; the report: replyaudit report {path}")
    except (ImportFormatError, MixedXSources) as e:
        raise ConfigProblem(str(e)) from None
    except UnknownBrand as e:
        raise click.BadParameter(str(e), param_hint="--client") from None
    except duckdb.Error as e:
        raise click.ClickException(
            f"the import failed and changed nothing: {str(e).splitlines()[0]}. With a large "
            "file, raise --memory-limit (the key index of 2.8 M posts needs about 1GB).") from None
    finally:
        con.close()
    again = f" (same file as run {result.run_id}: nothing changed)" if result.reused_run else ""
    click.echo(f"Imported {result.tweets} tweets ({result.inbound} inbound) by {result.brands} "
               f"brand accounts into {db} as run {result.run_id}{again} in "
               f"{time.monotonic() - started:.1f} s; window {result.first_at:%Y-%m-%d %H:%M} to "
               f"{result.last_at:%Y-%m-%d %H:%M} UTC.")
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
    from crawler.har import HarError
    from crawler.har import import_har as load_har

    cfg = load(config_path)
    try:
        result = load_har(Path(file), cfg, Path(db) if db else None)
    except (HarError, MixedXSources) as e:
        raise ConfigProblem(str(e)) from None
    stats = result.stats["x"]
    click.echo(f"Run {result.run_id} {result.status}: {stats['requests']} X responses, "
               f"{stats['items']['posts']} posts, {stats['items']['accounts']} accounts "
               f"into {db or cfg.db}.")
    for note in stats["notes"]:
        click.echo(f"  note: {note}", err=True)


@main.command()
@click.option("--port", type=int, default=0, show_default=True,
              help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the synthetic world.")
@click.option("--now", "now_text", default=None,
              help="The instant the world stands at, e.g. 2026-11-01T00:00:00Z (default: now).")
@click.option("--faults", default="",
              help="Inject errors, e.g. '429=0.1,500=0.05,badjson=0.02,fail=<url part>'.")
@click.option("--truth", type=click.Path(dir_okay=False), default=None,
              help="Write the ground truth (JSON) for every customer post here.")
@click.option("--write-config", type=click.Path(dir_okay=False), default=None,
              help="Write a matching audit config (TOML) here.")
def simulate(port: int, seed: int, now_text: str | None, faults: str, truth: str | None,
             write_config: str | None) -> None:
    """Serve every supported platform (APIs and pages) over a seeded world on 127.0.0.1.

    Example:

        replyaudit simulate --seed 7 --truth truth.json --write-config sim.toml
    """
    from crawler.simulator import login_environment, start_simulator
    from crawler.simulator.config import write_simulator_config
    from crawler.simulator.server import Faults
    from crawler.simulator.truth import truth_document

    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            raise click.BadParameter("expected a timestamp like 2026-11-01T00:00:00Z",
                                     param_hint="--now") from None
    try:
        fault_spec = Faults.parse(faults)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--faults") from None
    server = start_simulator(seed=seed, now=now, faults=fault_spec, port=port)
    if truth:
        Path(truth).write_text(json.dumps(truth_document(server.world), indent=1), "utf-8")
    if write_config:
        write_simulator_config(server, Path(write_config))
    click.echo(f"Simulator (seed {seed}) serving on {server.base_url}; Ctrl-C stops it.")
    click.echo("Logins it accepts: " + " ".join(
        f"{name}={value}" for name, value in login_environment(PLATFORM_DEFAULTS).items()))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


@main.command()
@click.option("--out", type=click.Path(file_okay=False), default="demo-output", show_default=True,
              help="Directory for the config, the dataset and the report.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the synthetic world.")
def demo(out: str, seed: int) -> None:
    """The whole audit offline: simulator, crawl, metrics table and HTML report.

    Example:

        replyaudit demo --out demo-output
    """
    from crawler.simulator import login_environment, start_simulator
    from crawler.simulator.config import write_simulator_config

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("audit.duckdb", "audit.duckdb.wal"):
        (out_dir / stale).unlink(missing_ok=True)
    server = start_simulator(seed=seed)
    try:
        config_path = write_simulator_config(server, out_dir / "audit.toml")
        cfg = load(str(config_path))
        # The simulator's logins, set exactly as a user sets real ones.
        os.environ.update(login_environment({p: s.options for p, s in cfg.platforms.items()}))
        click.echo(f"Simulator (seed {seed}) on {server.base_url}; config {config_path}")
        do_crawl(cfg)
    finally:
        server.stop()
    con = open_db(cfg.db)
    try:
        print_metrics(queries.brand_metrics(con, [b.id for b in cfg.brands]),
                      {b.id: b.name for b in cfg.brands}, cfg.client)
    finally:
        con.close()
    path = do_report(cfg, out_dir / "report.html")
    click.echo(f"Dataset: {cfg.db}\nReport:  {path}")


@main.group()
def benchmark() -> None:
    """Weekly industry benchmarks: incremental runs, a history, a report with trends.

    Example:

        replyaudit benchmark run airlines && replyaudit benchmark report airlines
    """


def load_panel(panel: str, db: str | None) -> AuditConfig:
    """A panel file, or the name of a shipped example panel (its database then goes in the
    current directory); `--db` overrides the database either way."""
    path = Path(panel)
    shipped = resources.files("benchmarks").joinpath("panels", f"{panel}.toml")
    if not path.exists() and shipped.is_file():
        config = load(str(shipped), require_client=False)
        config = dataclasses.replace(config, db=Path.cwd() / f"{panel}.duckdb")
    else:
        config = load(panel, require_client=False)
    return dataclasses.replace(config, db=Path(db)) if db else config


panel_argument = click.argument("panel")
db_override = click.option("--db", type=click.Path(dir_okay=False), default=None,
                           help="The DuckDB dataset (default: the panel's [audit] db).")


@benchmark.command("run")
@panel_argument
@db_override
@wait_option
def benchmark_run(panel: str, db: str | None, wait_seconds: float) -> None:
    """Crawl PANEL incrementally and record this week's metrics in the history.

    The first run samples the whole window; later runs fetch what is new since the last
    run plus the threads of posts still pending. PANEL is a panel file or the name of a
    shipped example (airlines, telecoms).

    Example:

        replyaudit benchmark run panels/airlines.toml --db airlines.duckdb
    """
    config = load_panel(panel, db)
    run_id = do_crawl(config, benchmark=True, wait_seconds=wait_seconds)
    con = open_db(config.db)
    try:
        found = queries.brand_metrics(con, [b.id for b in config.brands])
    except NoCrawlYet:
        raise click.ClickException(f"Run {run_id} did not complete; nothing was recorded in "
                                   f"the history of {config.db}.") from None
    finally:
        con.close()
    print_metrics(found, {b.id: b.name for b in config.brands}, config.client)


@benchmark.command("report")
@panel_argument
@db_override
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the HTML report (default: next to the database).")
@pdf_option
def benchmark_report(panel: str, db: str | None, out: str | None, pdf: str | None) -> None:
    """Render this week's ranking, movement since last week and weekly trends for PANEL.

    Example:

        replyaudit benchmark report airlines -o airlines-week.html --pdf airlines-week.pdf
    """
    from reports.benchmark import render_benchmark

    config = load_panel(panel, db)
    con = open_db(config.db)
    try:
        path = render_benchmark(con, config, Path(out) if out else config.db.with_suffix(
            ".benchmark.html"), version=__version__)
    except NoCrawlYet:
        raise click.ClickException(f"{config.db} holds no benchmark run yet. Run: replyaudit "
                                   f"benchmark run {panel}") from None
    finally:
        con.close()
    click.echo(f"Report written to {path}")
    if pdf:
        click.echo(f"PDF written to {do_pdf(path, Path(pdf))}")


if __name__ == "__main__":
    main()
