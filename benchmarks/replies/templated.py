"""Templated brand replies: the same text posted many times, each soon after the customer.

A brand reply is `automated` (docs/redirects.md, "Automated replies") when the platform
flags its account as a bot, or when its text is a template: after `template_key` (which
drops mentions, links, signatures and digits), the same text was posted at least
`min_posts` times, each within `max_delay_s` seconds of the customer post it answers.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable

MIN_POSTS = 5  # a text posted this often, each this fast, is a template ...
MAX_DELAY_S = 60.0  # ... no person types the same reply five times within a minute each
MIN_WORDS = 4  # "thanks", "you're welcome": short enough for people to type alike

_NOISE = re.compile(r"https?://\S+|(?<![\w@])@\w+")
_SIGNATURE = re.compile(r"(?:\s[\^*~]\s?\w+|\s[-–/]\s?\w+\.?)\s*$")


def template_key(text: str) -> str:
    """The text a template is recognised by: lower case, without mentions, links, a
    trailing agent signature (^AB, *Name, -Name), digits or punctuation runs."""
    out = _NOISE.sub(" ", html.unescape(text))
    out = _SIGNATURE.sub(" ", out.strip())
    out = re.sub(r"\d+", "0", out.lower())
    return " ".join(re.findall(r"[^\W_]+", out))


def templated_texts(replies: Iterable[tuple[str, float | None]], min_posts: int = MIN_POSTS,
                    max_delay_s: float = MAX_DELAY_S, min_words: int = MIN_WORDS) -> set[str]:
    """Template keys posted at least `min_posts` times within `max_delay_s` seconds each.

    Pass one (text, delay) pair per brand reply of one brand, delay = seconds from the
    customer post to the reply (None when unknown: such replies do not count). Keys shorter
    than `min_words` words never count. Returns the set of `template_key` values; a reply is
    templated when its key is in the set and its own delay is within `max_delay_s`.
    """
    fast = Counter(template_key(text) for text, delay in replies
                   if delay is not None and 0 <= delay <= max_delay_s)
    return {key for key, n in fast.items() if len(key.split()) >= min_words and n >= min_posts}
