"""`replyaudit crawl` and `replyaudit audit`, and the steps other commands share: crawl with
a line per platform, render the report, print it to PDF."""

from __future__ import annotations

import os
import time
from contextlib import closing
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from benchmarks import dataset_file, store
from benchmarks.config import AuditConfig, load_config
from benchmarks.errors import RunFailed
from benchmarks.run_stats import RunStats
from crawler import __version__
from crawler.cli.errors import translated
from crawler.cli.options import (
    config_argument,
    deadline_option,
    pdf_option,
    report_out_option,
    scaleout_options,
    wait_option,
)


def do_crawl(config: AuditConfig, benchmark: bool = False, wait_seconds: float = 0.0,
             deadline_minutes: float | None = None, workers: int = 0,
             redis_url: str | None = None) -> int:
    """Crawl (crawler.crawl.run_crawl; over `workers` processes when given), printing a line
    per platform; returns the run id. Raises RunFailed (exit code 3) when the run failed,
    e.g. fetched nothing. `deadline_minutes` replaces the config's."""
    from crawler.crawl import run_crawl  # Scrapy and the spiders: only for commands that crawl

    dataset_file.check_writable(config.db)  # a refusal is the only line, not the second
    if deadline_minutes:
        config = replace(config, deadline_minutes=deadline_minutes)
    if redis_url and not workers:
        raise click.UsageError("--redis needs --workers N (the worker processes to start)")
    spread = f" with {workers} workers" if workers else ""
    click.echo(f"Crawling {', '.join(config.platforms_in_use())} for {len(config.brands)} "
               f"brands into {config.db}{spread} …", err=True)
    started = time.monotonic()
    try:
        result = run_crawl(config, os.environ, benchmark=benchmark, wait_seconds=wait_seconds,
                           workers=workers, redis_url=redis_url)
    except RuntimeError as e:  # the scale-out's own: no redis-server, every worker gone
        from crawler.scaleout.coordinator import RedisUnreachable, WorkersGone
        from crawler.scaleout.redis_server import RedisNotInstalled

        if isinstance(e, RedisNotInstalled | RedisUnreachable | WorkersGone):
            raise click.ClickException(str(e)) from None
        raise
    for platform, stats in result.stats.items():
        click.echo(f"  {platform}: {stats['requests']} requests, {stats['items']['posts']} posts, "
                   f"{stats['failures']} failures, mentions {stats['mentions']}", err=True)
        for note in stats["notes"]:
            click.echo(f"    note: {note}", err=True)
    click.echo(f"Run {result.run_id} {result.status} in {time.monotonic() - started:.1f} s.",
               err=True)
    if result.status == "failed":
        raise RunFailed(result.run_id, config.db,
                        RunStats.from_dict(result.stats).failure_causes())
    return result.run_id


def do_report(config: AuditConfig, out: Path, pdf: str | None = None,
              as_of: datetime | None = None) -> Path:
    """Render the report of the config's dataset (judged at `as_of`), and the PDF if asked."""
    from benchmarks.derived import derive_missing
    from reports.render import render_report

    no_crawl = f"{config.db} holds no finished crawl. Run: replyaudit crawl {config.path}"
    with translated(no_crawl=no_crawl):
        classified = derive_missing(config.db, config.path)  # e.g. a run killed classifying
    if classified:
        click.echo(f"Classified {classified} customer posts into post_classes.", err=True)
    with (translated(no_crawl=no_crawl),
          closing(store.open_dataset(config.db, config=config.path)) as con):
        path = render_report(con, config, out, version=__version__, as_of=as_of)
    if pdf:
        click.echo(f"PDF written to {do_pdf(path, Path(pdf))}")
    return path


def do_pdf(html: Path, pdf: Path) -> Path:
    """Print a rendered report with Chromium (REPLYAUDIT_CHROMIUM, else the system's)."""
    from reports.pdf import chromium_executable, print_pdf

    return print_pdf(html, pdf, chromium_executable(os.environ.get("REPLYAUDIT_CHROMIUM")))


@click.command()
@config_argument
@wait_option
@deadline_option
@scaleout_options
def crawl(config: str, wait_seconds: float, deadline_minutes: float | None, workers: int,
          redis_url: str | None) -> None:
    """Crawl every brand account in CONFIG into its DuckDB dataset.

    The crawl writes a working copy and publishes it when done, so readers of the dataset
    see the last completed run meanwhile. A run that fetched nothing (network down, every
    account failing) exits with code 3 and says what failed. With --workers N the run is
    spread over N worker processes (docs/scale.md); this process stays the one writer.

    Example:

        replyaudit crawl airlines.toml --deadline 90 --workers 4
    """
    do_crawl(load_config(config), wait_seconds=wait_seconds, deadline_minutes=deadline_minutes,
             workers=workers, redis_url=redis_url)


@click.command()
@config_argument
@report_out_option
@pdf_option
@deadline_option
def audit(config: str, out: str | None, pdf: str | None,
          deadline_minutes: float | None) -> None:
    """Crawl, then render the report: the whole audit in one command.

    Example:

        replyaudit audit airlines.toml -o airlines.html --pdf airlines.pdf
    """
    cfg = load_config(config)
    do_crawl(cfg, deadline_minutes=deadline_minutes)
    path = do_report(cfg, Path(out) if out else cfg.db.with_suffix(".html"), pdf)
    click.echo(f"Report written to {path}")
