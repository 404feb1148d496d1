"""The metrics as a table on the terminal (rich), for `replyaudit metrics` and the demo."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from reports.filters import duration, interval, percent


def print_metrics(rows: list[dict[str, Any]], names: dict[str, str], client: str | None,
                  console: Console | None = None) -> None:
    """One row per brand and platform; the client's rows in bold."""
    table = Table(title="Customer posts answered, per brand", title_justify="left")
    for header in ("Brand", "Platform", "Posts", "On time", "Late", "Ignored", "Pending",
                   "Response rate (95 % CI)", "Median", "p90", "Within SLA"):
        table.add_column(header, justify="left" if header in ("Brand", "Platform") else "right")
    for row in rows:
        rate = interval(row["response_rate"], row["response_rate_low"], row["response_rate_high"])
        table.add_row(
            names.get(row["brand_id"], row["brand_id"]), row["platform"],
            str(row["customer_posts"]), str(row["on_time"]), str(row["late"]),
            str(row["ignored"]), str(row["pending"]), rate,
            duration(row["median_response_seconds"]), duration(row["p90_response_seconds"]),
            percent(row["within_sla_rate"]),
            style="bold" if row["brand_id"] == client else None,
            end_section=False,
        )
    (console or Console(width=140)).print(table)
