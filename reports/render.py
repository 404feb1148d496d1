"""Render the audit as one self-contained HTML file: styles inline, no scripts, no fetches.

Jinja autoescapes everything and StrictUndefined turns a template typo into an error rather
than a silently empty cell. See docs/methodology.md for what the numbers mean.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from benchmarks import files
from benchmarks.queries import judged_at
from reports.context import build_context, label
from reports.filters import FILTERS
from reports.stats_filters import STATS_FILTERS

if TYPE_CHECKING:
    import duckdb

    from benchmarks.config import AuditConfig
    from reports.model import ReportContext


@cache
def environment() -> Environment:
    """The report's Jinja environment: templates from the package, HTML autoescaped."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(STATS_FILTERS)
    env.filters["platform_label"] = label  # the report's platform names ('YouTube')
    return env


def render_html(context: ReportContext) -> str:
    """The whole report as an HTML document."""
    return environment().get_template("report.html").render(report=context)


def render_report(con: duckdb.DuckDBPyConnection, config: AuditConfig, out_path: str | Path,
                  generated_at: datetime | None = None, version: str | None = None,
                  as_of: datetime | None = None) -> Path:
    """Build the context from an open dataset, write the report (UTF-8) and return its path.

    `generated_at` defaults to now (UTC) and `version` to the installed replyaudit's; pass
    both for a reproducible file. Statuses are judged at `as_of` (default: the judging run's
    own). Raises benchmarks.errors.NoCrawlYet before any run finished, NotWritable when the
    file cannot be written (an earlier report there is then unchanged).
    """
    with judged_at(con, as_of):
        context = build_context(con, config, generated_at or datetime.now(UTC),
                                version or _installed_version())
    out = Path(out_path)
    files.write_text(out, render_html(context))  # the old report survives any failure
    return out


def _installed_version() -> str:
    try:
        return metadata.version("replyaudit")
    except metadata.PackageNotFoundError:
        return "unknown"
