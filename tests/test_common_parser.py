"""What every parser shares (crawler/parsers/common.py): timestamps in any of the platforms'
formats become UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.parsers.common import parse_timestamp


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-05-03T14:06:22.189401Z", datetime(2025, 5, 3, 14, 6, 22, 189401, tzinfo=UTC)),
    ("2024-03-21T23:36:16.378Z", datetime(2024, 3, 21, 23, 36, 16, 378000, tzinfo=UTC)),
    ("2013-02-04T15:26:26.278-05:00", datetime(2013, 2, 4, 20, 26, 26, 278000, tzinfo=UTC)),
    ("2025-06-03T16:49:43.123456789Z", datetime(2025, 6, 3, 16, 49, 43, 123456, tzinfo=UTC)),
    ("2025-06-03T16:49:43", datetime(2025, 6, 3, 16, 49, 43, tzinfo=UTC)),
    ("yesterday", None), ("", None), (None, None), (1717000000, None),
])
def test_timestamps_become_utc(raw: object, expected: datetime | None) -> None:
    assert parse_timestamp(raw) == expected
