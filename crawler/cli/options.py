"""Options and arguments more than one command takes, and their types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from benchmarks.config import AuditConfig
from benchmarks.instants import EXPECTED, parse_instant
from benchmarks.panel import load_panel

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class Instant(click.ParamType):
    """A timestamp with a zone (2026-11-01T00:00:00Z), as a UTC datetime (benchmarks.instants,
    the same reading as a config's `as_of`)."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(value)
        except ValueError:
            hint = param.opts[0] if param is not None else None
            raise click.BadParameter(f"expected {EXPECTED}", ctx, param, hint) from None


INSTANT = Instant()


def panel_config(panel: str, db: str | None) -> AuditConfig:
    """The config of PANEL (a file or a shipped example's name), --db overriding its database."""
    return load_panel(panel, Path(db) if db else None)


def config_argument(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("config", type=click.Path(dir_okay=False))(f)


def wait_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--wait", "wait_seconds", type=click.FloatRange(min=0), default=0, show_default=True,
        help="Seconds to wait for another run on the same database to finish "
             "(0: stop at once with a message). Readers of the dataset never hold a run up.")(f)


def deadline_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--deadline", "deadline_minutes", type=click.FloatRange(min=0, min_open=True),
        default=None,
        help="Minutes after which platforms still crawling are stopped and recorded as "
             "failed; what was collected is kept (default: the config's [crawl] "
             "deadline_minutes, else none).")(f)


def scaleout_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--redis", "redis_url", default=None, metavar="URL",
        help="With --workers: the Redis the workers share, e.g. redis://10.0.0.5:6379/0, "
             "so workers on other machines can join (replyaudit worker --redis URL). "
             "Default: a private redis-server on 127.0.0.1 for this run.")(f)
    return click.option(
        "--workers", type=click.IntRange(min=0), default=0, show_default=True,
        help="Spread the run over this many worker processes sharing a Redis-backed "
             "scheduler (scrapy-redis) and each platform's request budget; 0: one process.")(f)


def pdf_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--pdf", type=click.Path(dir_okay=False), default=None,
        help="Also print the report to this PDF (A4, page numbers) with Chromium: "
             "REPLYAUDIT_CHROMIUM, else /usr/bin/chromium, else Playwright's own.")(f)


def as_of_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--as-of", "as_of", type=INSTANT, default=None,
        help="Judge statuses at this instant, e.g. 2026-11-01T00:00:00Z "
             "(default: the config's as_of, else the crawl time).")(f)


def report_out_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-o", "--out", type=click.Path(dir_okay=False), default=None,
        help="Where to write the HTML report (default: next to the database).")(f)


def table_format_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
        show_default=True, help="Output format.")(f)


panel_argument: Decorator = click.argument("panel")
db_override: Decorator = click.option(
    "--db", type=click.Path(dir_okay=False), default=None,
    help="The DuckDB dataset (default: the panel's [audit] db).")
