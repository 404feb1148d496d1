"""Text and links written by strangers: what the report does before it shows them.

Escaping is Jinja's job (autoescape); this module decides what is shown at all. A post's
text is cut to a readable length, and only http(s) links become links, so a `javascript:`
URL in the dataset can never turn into something a client clicks.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """Whitespace collapsed and cut at a word boundary to at most `limit` chars; (text, cut?)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text, False
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…", True


def web_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None: never link `javascript:` & co."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None
