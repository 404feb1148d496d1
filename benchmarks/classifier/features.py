"""Features of a post for the post-class model: word and character n-grams plus care cues.

The same functions run when training (train.py, with scikit-learn) and when classifying
(model.py, plain Python), so the shipped weights mean the same thing in both places.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from benchmarks.classifier.cues import cue_features, layout_features

_MENTION = re.compile(r"(?<![\w@])[.]?@\w+")
_URL = re.compile(r"https?://\S+")
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"\w+(?:'\w+)?|[?!]", re.UNICODE)


def normalise(text: str) -> str:
    """Drop @handles (they name the brand, not the kind of post), mark links, fold digits."""
    text = _MENTION.sub(" ", text.replace("&amp;", "&"))
    text = _URL.sub(" url ", text)
    return " ".join(_DIGITS.sub("0", text).split())


def ngrams(text: str) -> Counter[str]:
    """Word 1-2-grams ("w:") and character 3-4-grams inside words ("c:") of normalised text.

    Character n-grams carry across spelling variants and languages ("refund", "refunded",
    "reembolso"); word pairs keep negation ("not working").
    """
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    found: Counter[str] = Counter(f"w:{t}" for t in tokens)
    found.update(f"w:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    for token in tokens:
        padded = f" {token} "
        for n in (3, 4):
            found.update(f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1))
    return found


def vector(text: str, idf: Mapping[str, float]) -> dict[str, float]:
    """Sparse feature vector of one post: l2-normalised tf-idf of known n-grams, then cues
    of the normalised text and the layout of the raw one.

    tf is sublinear (1 + ln count); n-grams missing from `idf` (not seen in training) are
    dropped.
    """
    clean = normalise(text)
    weighted = {g: (1 + math.log(n)) * idf[g] for g, n in ngrams(clean).items() if g in idf}
    norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
    found = {g: v / norm for g, v in weighted.items()}
    found.update(cue_features(clean))
    found.update(layout_features(text))
    return found


def document_frequencies(texts: Iterable[str]) -> tuple[int, Counter[str]]:
    """(number of posts, n-gram -> number of posts containing it) of raw texts."""
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update(set(ngrams(normalise(text))))
    return n, df


def idf_weights(n: int, df: Mapping[str, int], min_df: int) -> dict[str, float]:
    """Smoothed idf (ln((1 + n) / (1 + df)) + 1) of n-grams in at least `min_df` posts."""
    return {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items() if d >= min_df}
