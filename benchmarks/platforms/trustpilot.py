"""Trustpilot: a company's public review pages and its replies (docs/platforms.md,
"Trustpilot")."""

from __future__ import annotations

import re

from benchmarks.platforms.base import DOMAIN_LABEL, Platform, handle_rule


def normalize_review_domain(value: str) -> str | None:
    """The domain a Trustpilot company page is named by ('www.acme.com' stays as it is: it is
    a different page from 'acme.com'); a pasted page URL is reduced to it."""
    value = value.strip().lower()
    value = re.sub(r"^https?://[^/]*trustpilot\.com/review/", "", value).split("?")[0]
    value = value.rstrip("/")
    labels = value.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return None
    return value if all(DOMAIN_LABEL.match(label) for label in labels) else None


SPEC = Platform(
    id="trustpilot", label="Trustpilot",
    defaults={
        "base_url": "https://www.trustpilot.com",
        # Web pages with no published limit: one page every two seconds, one at a time.
        "requests_per_second": 0.5,
        "concurrency": 1,
    },
    handle=handle_rule(normalize_review_domain,
                       "a company's domain on Trustpilot like 'acme.com'"),
    incremental=True,
)
