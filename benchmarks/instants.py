"""The one reading of a timestamp, for configs (`as_of`) and the command line (`--as-of`,
`--now`): an instant with a zone, kept in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

EXPECTED = "a timestamp with a zone like 2026-11-01T00:00:00Z"


def parse_instant(value: object) -> datetime:
    """`value` (ISO 8601 text with a zone such as '2026-11-01T00:00:00Z', or an aware
    datetime, e.g. a TOML one) as a UTC datetime. Raises ValueError for anything else,
    including a time without a zone: it would silently mean the machine's local time."""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"expected {EXPECTED}, got {value!r}")
    return moment.astimezone(UTC)
