"""`documented`: a dataclass field whose meaning travels with it.

The report's context classes describe every field for readers of the templates and the docs;
tests/test_report_filters.py checks that none is left undescribed.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any


def documented(meaning: str) -> Any:
    """A dataclass field with `meaning` in its metadata under "help"."""
    return field(metadata={"help": meaning})
