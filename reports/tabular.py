"""Any query result as CSV, JSON or a terminal table, for `replyaudit query` and `schema`.

CSV and JSON keep values machine-readable: timestamps in ISO 8601 with their offset, NULL as
an empty CSV field or JSON null. The table is for people and may abbreviate.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

FORMATS = ("csv", "json", "table")


def plain(value: Any) -> Any:
    """A value JSON can hold: ISO 8601 timestamps, floats for decimals, text for the rest."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def write_rows(names: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str,
               out: TextIO, title: str | None = None) -> None:
    """Write `rows` (tuples in the order of `names`) to `out` as `fmt` (one of FORMATS)."""
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([["" if v is None else _csv_value(v) for v in row] for row in rows])
    elif fmt == "json":
        records = [{n: plain(v) for n, v in zip(names, row, strict=True)} for row in rows]
        out.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "table":
        table = Table(title=title, title_justify="left")
        for name in names:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*["" if v is None else str(plain(v)) for v in row])
        Console(file=out, width=160).print(table)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


def _csv_value(value: Any) -> Any:
    converted = plain(value)
    return json.dumps(converted) if isinstance(converted, list | dict) else converted
