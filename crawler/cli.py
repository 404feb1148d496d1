"""The `replyaudit` command line: thin commands over the crawler, the store and the report.

Library code raises small exceptions; each command turns them into a message that says what
happened and what to run. A malformed config exits with code 2 before anything is crawled.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from benchmarks import queries, store
from benchmarks.config import AuditConfig, load_config
from benchmarks.errors import ConfigError, NoCrawlYet, SchemaOutOfDate
from crawler import __version__
from reports.terminal import print_metrics


class ConfigProblem(click.ClickException):
    """A config error: exit code 2, like any other usage error."""

    exit_code = 2


def load(config_path: str) -> AuditConfig:
    try:
        return load_config(config_path)
    except ConfigError as e:
        raise ConfigProblem(str(e)) from None


def spider_secrets(config: AuditConfig) -> dict[str, dict[str, Any]]:
    """Per-platform secrets from the environment variables the config names."""
    bluesky = config.platforms["bluesky"].options
    mastodon = config.platforms["mastodon"].options
    secrets: dict[str, dict[str, Any]] = {}
    identifier = os.environ.get(bluesky["identifier_env"])
    password = os.environ.get(bluesky["password_env"])
    if identifier and password:
        secrets["bluesky"] = {"credentials": (identifier, password)}
    token = os.environ.get(mastodon["access_token_env"])
    if token:
        secrets["mastodon"] = {"access_token": token}
    bearer = os.environ.get(config.platforms["x"].options["bearer_token_env"])
    if bearer:
        secrets["x"] = {"bearer_token": bearer}
    x_options = config.platforms["x"].options
    if x_options["collect"] == "browser":
        secrets["x"] = {"storage_state": os.environ.get(x_options["storage_state_env"])}
    return secrets


def open_db(path: Path, read_only: bool = True) -> Any:
    try:
        return store.connect(path, read_only=read_only)
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


def do_crawl(config: AuditConfig) -> None:
    """Crawl in this process; prints a line per platform."""
    from crawler.runner import run_crawl

    click.echo(f"Crawling {', '.join(config.platforms_in_use())} for {len(config.brands)} "
               f"brands into {config.db} …", err=True)
    started = time.monotonic()
    result = run_crawl(config, spider_secrets(config))
    for platform, stats in result.stats.items():
        click.echo(f"  {platform}: {stats['requests']} requests, {stats['items']['posts']} posts, "
                   f"{stats['failures']} failures, mentions {stats['mentions']}", err=True)
        for note in stats["notes"]:
            click.echo(f"    note: {note}", err=True)
    click.echo(f"Run {result.run_id} {result.status} in {time.monotonic() - started:.1f} s.",
               err=True)


def do_report(config: AuditConfig, out: Path) -> Path:
    from reports.render import render_report

    con = open_db(config.db)
    try:
        return render_report(con, config, out, version=__version__)
    except NoCrawlYet:
        raise click.ClickException(
            f"{config.db} holds no finished crawl. Run: replyaudit crawl {config.path}") from None
    finally:
        con.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replyaudit")
def main() -> None:
    """Measure how brands answer their customers on social media.

    Example:

        replyaudit demo --out demo-output
    """


@main.command()
@config_argument
def crawl(config: str) -> None:
    """Crawl every brand account in CONFIG into its DuckDB dataset.

    Example:

        replyaudit crawl airlines.toml
    """
    do_crawl(load(config))


@main.command()
@config_argument
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
def metrics(config: str, fmt: str) -> None:
    """Print the response metrics per brand and platform.

    Example:

        replyaudit metrics airlines.toml --format csv > metrics.csv
    """
    cfg = load(config)
    con = open_db(cfg.db)
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


@main.command()
@config_argument
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the HTML report (default: next to the database).")
def report(config: str, out: str | None) -> None:
    """Render the HTML report comparing the client with its competitors.

    Example:

        replyaudit report airlines.toml -o airlines.html
    """
    cfg = load(config)
    path = do_report(cfg, Path(out) if out else cfg.db.with_suffix(".html"))
    click.echo(f"Report written to {path}")


@main.command()
@config_argument
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the HTML report (default: next to the database).")
def audit(config: str, out: str | None) -> None:
    """Crawl, then render the report: the whole audit in one command.

    Example:

        replyaudit audit airlines.toml -o airlines.html
    """
    cfg = load(config)
    do_crawl(cfg)
    path = do_report(cfg, Path(out) if out else cfg.db.with_suffix(".html"))
    click.echo(f"Report written to {path}")


@main.command()
@click.option("--db", type=click.Path(dir_okay=False, exists=True), required=True,
              help="The DuckDB dataset to query (opened read-only).")
@click.argument("sql")
def query(db: str, sql: str) -> None:
    """Run read-only SQL against a dataset; SQL '-' reads it from stdin.

    Example:

        replyaudit query --db audit.duckdb "select status, count(*) from customer_posts group by 1"
    """
    text = sys.stdin.read() if sql == "-" else sql
    con = open_db(Path(db))
    try:
        result = con.execute(text)
        names = [d[0] for d in result.description or []]
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(result.fetchall())
    except Exception as e:  # DuckDB reports bad SQL and write attempts alike
        raise click.ClickException(str(e).splitlines()[0]) from None
    finally:
        con.close()


@main.group("import")
def import_() -> None:
    """Load data collected elsewhere (not crawled) into an audit's dataset.

    Example:

        replyaudit import har x-session.har --config airlines.toml
    """


@import_.command("har")
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
    except HarError as e:
        raise ConfigProblem(str(e)) from None
    stats = result.stats["x"]
    click.echo(f"Run {result.run_id} {result.status}: {stats['requests']} X responses, "
               f"{stats['items']['posts']} posts, {stats['items']['accounts']} accounts "
               f"into {db or cfg.db}.")
    for note in stats["notes"]:
        click.echo(f"  note: {note}", err=True)


@main.command()
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the synthetic world.")
@click.option("--now", "now_text", default=None,
              help="The instant the world stands at, e.g. 2026-11-01T00:00:00Z (default: now).")
@click.option("--faults", default="", help="Inject errors, e.g. '429=0.1,500=0.05,badjson=0.02,fail=<url part>'.")
@click.option("--truth", type=click.Path(dir_okay=False), default=None,
              help="Write the ground truth (JSON) for every customer post here.")
@click.option("--write-config", type=click.Path(dir_okay=False), default=None,
              help="Write a matching audit config (TOML) here.")
def simulate(port: int, seed: int, now_text: str | None, faults: str, truth: str | None,
             write_config: str | None) -> None:
    """Serve the Bluesky, Mastodon and X APIs over a seeded world on 127.0.0.1.

    Example:

        replyaudit simulate --seed 7 --truth truth.json --write-config sim.toml
    """
    from crawler.simulator import SIM_CREDENTIALS, start_simulator
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
    identifier, password = SIM_CREDENTIALS["bluesky"]
    click.echo(f"Logins it accepts: BLUESKY_IDENTIFIER={identifier} "
               f"BLUESKY_APP_PASSWORD={password} "
               f"MASTODON_ACCESS_TOKEN={SIM_CREDENTIALS['mastodon'][1]} "
               f"X_BEARER_TOKEN={SIM_CREDENTIALS['x'][1]}")
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
    from crawler.simulator import SIM_CREDENTIALS, start_simulator
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
        os.environ[cfg.platforms["bluesky"].options["identifier_env"]] = SIM_CREDENTIALS["bluesky"][0]
        os.environ[cfg.platforms["bluesky"].options["password_env"]] = SIM_CREDENTIALS["bluesky"][1]
        os.environ[cfg.platforms["mastodon"].options["access_token_env"]] = SIM_CREDENTIALS["mastodon"][1]
        os.environ[cfg.platforms["x"].options["bearer_token_env"]] = SIM_CREDENTIALS["x"][1]
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


if __name__ == "__main__":
    main()
