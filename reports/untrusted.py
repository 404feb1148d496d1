"""Text and links written by strangers: what the report does before it shows them.

Escaping is Jinja's job (autoescape); this module decides what is shown at all. A post's
text is cut to a readable length, bidirectional controls are shown rather than obeyed, and
only http(s) links become links, so a `javascript:` URL in the dataset can never turn into
something a client clicks.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Unicode's bidirectional formatting characters (UAX #9): embeddings, overrides, isolates and
# the invisible marks. In a stranger's text they reorder what the reader sees ("\u202egnp.exe"
# reads "exe.png"), the "Trojan Source" trick; shown as their code point they cannot.
BIDI_CONTROLS = {chr(c): f"[U+{c:04X}]" for c in
                 (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_BIDI_TABLE = str.maketrans(BIDI_CONTROLS)


def reveal_bidi(text: str) -> str:
    """The text with every bidirectional control replaced by a visible `[U+202E]` marker."""
    return text.translate(_BIDI_TABLE)


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """Whitespace collapsed, bidirectional controls revealed (`reveal_bidi`), and cut at a word
    boundary to at most `limit` chars; (text, cut?)."""
    text = reveal_bidi(" ".join(text.split()))
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
