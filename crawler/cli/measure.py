"""`replyaudit metrics`, `stats` and `report`: what a crawled dataset says."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path

import click

from benchmarks import queries, store
from benchmarks.config import load_config
from crawler.cli.crawl import do_report
from crawler.cli.errors import translated
from crawler.cli.options import (
    as_of_option,
    config_argument,
    pdf_option,
    report_out_option,
    table_format_option,
)
from reports.terminal import print_metrics

STATS_SECTIONS = ("survival", "tests", "classes")


@click.command()
@config_argument
@table_format_option
@as_of_option
def metrics(config: str, fmt: str, as_of: datetime | None) -> None:
    """Print the response metrics per brand and platform.

    Example:

        replyaudit metrics airlines.toml --format csv > metrics.csv
    """
    cfg = load_config(config)
    no_crawl = f"{cfg.db} holds no finished crawl. Run: replyaudit crawl {config}"
    with translated(no_crawl=no_crawl), closing(store.open_dataset(cfg.db, config=config)) as con:
        found = queries.brand_metrics(con, [b.id for b in cfg.brands], as_of)
    if fmt == "json":
        click.echo(json.dumps(found, indent=2, default=str))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(queries.METRIC_COLUMNS))
        writer.writeheader()
        writer.writerows(found)
    else:
        print_metrics(found, {b.id: b.name for b in cfg.brands}, cfg.client)


@click.command()
@config_argument
@table_format_option
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
    from benchmarks.statistics import dataset_statistics
    from reports.stats_terminal import print_stats

    cfg = load_config(config)
    no_crawl = f"{cfg.db} holds no finished crawl. Run: replyaudit crawl {config}"
    with translated(no_crawl=no_crawl):
        classified, found = dataset_statistics(cfg)
    if classified:
        click.echo(f"Classified {classified} customer posts into post_classes.", err=True)
    records = found.records(cfg.client)
    if fmt == "json":
        click.echo(json.dumps(records[section] if section else records, indent=2, default=str))
    elif fmt == "csv":
        chosen = records[section or "survival"]
        if chosen:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(chosen[0]))
            writer.writeheader()
            writer.writerows(chosen)
    else:
        print_stats(found.survival if section in (None, "survival") else [],
                    found.comparisons if section in (None, "tests") else [],
                    found.class_shares if section in (None, "classes") else [],
                    {b.id: b.name for b in cfg.brands}, cfg.client)


@click.command()
@config_argument
@report_out_option
@pdf_option
@as_of_option
def report(config: str, out: str | None, pdf: str | None, as_of: datetime | None) -> None:
    """Render the HTML report comparing the client with its competitors.

    Example:

        replyaudit report airlines.toml -o airlines.html --pdf airlines.pdf
    """
    cfg = load_config(config)
    path = do_report(cfg, Path(out) if out else cfg.db.with_suffix(".html"), pdf, as_of)
    click.echo(f"Report written to {path}")
