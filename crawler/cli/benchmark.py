"""`replyaudit benchmark run` and `benchmark report`: weekly industry benchmarks."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from benchmarks import queries, store
from crawler import __version__
from crawler.cli.crawl import do_crawl, do_pdf
from crawler.cli.errors import translated
from crawler.cli.options import (
    db_override,
    deadline_option,
    panel_argument,
    panel_config,
    pdf_option,
    report_out_option,
    scaleout_options,
    wait_option,
)
from reports.terminal import print_metrics


@click.group()
def benchmark() -> None:
    """Weekly industry benchmarks: incremental runs, a history, a report with trends.

    Example:

        replyaudit benchmark run airlines && replyaudit benchmark report airlines
    """


@benchmark.command("run")
@panel_argument
@db_override
@wait_option
@deadline_option
@scaleout_options
def benchmark_run(panel: str, db: str | None, wait_seconds: float,
                  deadline_minutes: float | None, workers: int, redis_url: str | None) -> None:
    """Crawl PANEL incrementally and record this week's metrics in the history.

    The first run samples the whole window; later runs fetch what is new since the last
    run plus the threads of posts still pending. PANEL is a panel file or the name of a
    shipped example (airlines, telecoms). Readers of the dataset see the last completed run
    until this one publishes. A run that fetched nothing exits with code 3, says what
    failed and records no week; a partial week is kept and marked partial.

    Example:

        replyaudit benchmark run panels/airlines.toml --db airlines.duckdb
    """
    config = panel_config(panel, db)
    run_id = do_crawl(config, benchmark=True, wait_seconds=wait_seconds,
                      deadline_minutes=deadline_minutes, workers=workers, redis_url=redis_url)
    no_crawl = (f"Run {run_id} did not complete; nothing was recorded in the history of "
                f"{config.db}.")
    with translated(no_crawl=no_crawl), closing(store.open_dataset(config.db)) as con:
        found = queries.brand_metrics(con, [b.id for b in config.brands])
    print_metrics(found, {b.id: b.name for b in config.brands}, config.client)


@benchmark.command("report")
@panel_argument
@db_override
@report_out_option
@pdf_option
def benchmark_report(panel: str, db: str | None, out: str | None, pdf: str | None) -> None:
    """Render this week's ranking, movement since last week and weekly trends for PANEL.

    Example:

        replyaudit benchmark report airlines -o airlines-week.html --pdf airlines-week.pdf
    """
    from reports.benchmark import render_benchmark

    config = panel_config(panel, db)
    no_run = (f"{config.db} holds no benchmark run yet. Run: replyaudit benchmark run "
              f"{panel}")
    out_path = Path(out) if out else config.db.with_suffix(".benchmark.html")
    with translated(no_crawl=no_run), closing(store.open_dataset(config.db)) as con:
        path = render_benchmark(con, config, out_path, version=__version__)
    click.echo(f"Report written to {path}")
    if pdf:
        click.echo(f"PDF written to {do_pdf(path, Path(pdf))}")
