"""The `replyaudit` command line: thin commands over the crawler, the store and the report.

One module per family of commands (crawl, measure, data, importing, simulate, benchmark);
shared options in options.py. The commands call the same library functions a scheduler or
a notebook would (crawler.crawl.run_crawl, benchmarks.statistics, benchmarks.export, …);
the library's errors become messages naming the fix in one place, errors.py. A malformed
config exits with code 2 before anything is crawled. Reference: docs/cli.md.
"""

from __future__ import annotations

import click

from crawler import __version__
from crawler.cli.benchmark import benchmark
from crawler.cli.crawl import audit, crawl
from crawler.cli.data import export_command, query, schema
from crawler.cli.errors import TranslatingGroup
from crawler.cli.importing import import_group
from crawler.cli.measure import metrics, report, stats
from crawler.cli.simulate import demo, simulate
from crawler.cli.worker import worker


@click.group(cls=TranslatingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replyaudit")
def main() -> None:
    """Measure how brands answer their customers on social media.

    Example:

        replyaudit demo --out demo-output
    """


for command in (crawl, audit, metrics, stats, report, query, schema, export_command,
                import_group, simulate, demo, benchmark, worker):
    main.add_command(command)
