"""Which language a post is in, and whether the post-class model handles it.

Language identification is py3langid (langid.py's model ships inside the package: nothing is
downloaded). Short posts are mostly English here and langid is unsure on them, so a post
counts as another language only when langid is confident or the post is in a script none of
the handled languages use. Thresholds chosen on the training split (docs/statistics.md).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# English plus the six languages the care cues are written for (cues.py).
HANDLED = ("en", "de", "fr", "es", "it", "nl", "pt")
CONFIDENT = 0.95  # langid's normalised probability above which a Latin-script post is trusted
MIN_LETTERS = 15  # fewer letters than this: too short to tell, treated as handled
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NOISE = re.compile(r"(?<!\w)[.]?@\w+|https?://\S+|#")


@cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text without @handles and links; ("und", 0.0)
    when there are too few letters to tell."""
    clean = _NOISE.sub(" ", text)
    if len(_LETTER.findall(clean)) < MIN_LETTERS:
        return "und", 0.0
    language, probability = _identifier().classify(clean)
    return str(language), float(probability)


def unhandled_language(text: str) -> str | None:
    """The language of a post the model does not handle, or None when it handles it."""
    clean = _NOISE.sub(" ", text)
    letters = _LETTER.findall(clean)
    latin = sum(1 for c in letters if _LATIN.match(c))
    if len(letters) >= 4 and latin < len(letters) / 2:  # a script no handled language uses
        language = str(_identifier().classify(clean)[0])
        return None if language in HANDLED else language
    language, probability = detect(text)
    if language in HANDLED or language == "und" or probability < CONFIDENT:
        return None
    return language
