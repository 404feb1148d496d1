"""What kind of post a customer wrote: question, complaint, praise or other.

The default method is the care model in benchmarks/classifier/ (a logistic regression on
word and character n-grams and customer-care cues, trained on labelled real TWCS customer
posts and shipped as weights; posts in languages it does not handle are `unclassified` with
their language). `VaderRules`, the earlier lexicon method, stays for comparison. Any object
with a `name` and a `classify(text)` method can replace them (`Classifier`). Accuracy on
held-out real posts: docs/statistics.md, "Which kind of post gets ignored".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks import queries, sqlfiles

if TYPE_CHECKING:
    import duckdb

CLASSES = ("question", "complaint", "praise", "other")
UNCLASSIFIED = "unclassified"  # a post in a language the classifier does not handle
BATCH = 50_000  # posts classified and written per statement

# Customer-service words VADER's general lexicon scores as neutral, valence on its scale
# (-4 .. +4). Chosen from the errors on the sample's "dev" half only, so the "heldout" half
# still measures the method honestly (docs/statistics.md). Words VADER already knows
# ("delayed", "lost", "rude", "cancelled") keep its value.
SERVICE_LEXICON = {
    "waited": -1.0, "waiting": -1.0, "nobody": -1.0, "overbooked": -1.5, "bumped": -1.0,
    "refund": -1.0, "hold": -0.5, "zero": -0.5, "shoutout": 2.0,
}
# A post asks something when it has a question mark or opens like a question.
QUESTION_OPENERS = re.compile(
    r"^\W*(hi|hello|hey)?\W*(quick question\b|anyone know\b|can|could|do|does|did|is|are|"
    r"will|would|should|how|what|what's|when|where|which|who|why|i'd like to know|"
    r"wondering)\b", re.IGNORECASE)
# Thresholds on VADER's compound score, also set on the "dev" half only.
COMPLAINT_BELOW = -0.1  # negative: a complaint even when phrased as a question
PRAISE_FROM = 0.1  # positive and not a question: praise


@dataclass(frozen=True)
class Classification:
    """A post's class and the score that decided it."""

    label: str  # one of CLASSES, or UNCLASSIFIED
    sentiment: float | None  # in [-1, 1]; None for methods without a score
    language: str | None = None  # ISO 639-1 code of an UNCLASSIFIED post's language


class Classifier(Protocol):
    """The boundary a replacement method implements."""

    name: str

    def classify(self, text: str) -> Classification: ...


def default_classifier() -> Classifier:
    """The shipped care model (benchmarks.classifier.model.CareModel)."""
    from benchmarks.classifier.model import CareModel  # imports this module: import here

    return CareModel()


class VaderRules:
    """The earlier method, right on about half of real customer posts (docs/statistics.md).

    VADER's compound score plus question rules, in this order:

    1. compound <= COMPLAINT_BELOW: complaint ("Why is my bag lost again??" is a complaint);
    2. a question mark, or an opening like "can", "how", "does anyone know": question;
    3. compound >= PRAISE_FROM: praise;
    4. any negative compound: complaint;
    5. otherwise: other.
    """

    name = "vader-rules-1"

    def __init__(self) -> None:
        self._vader = SentimentIntensityAnalyzer()
        self._vader.lexicon.update(SERVICE_LEXICON)

    def classify(self, text: str) -> Classification:
        score = float(self._vader.polarity_scores(text)["compound"])
        if score <= COMPLAINT_BELOW:
            label = "complaint"
        elif is_question(text):
            label = "question"
        elif score >= PRAISE_FROM:
            label = "praise"
        elif score < 0:
            label = "complaint"
        else:
            label = "other"
        return Classification(label, score)


def is_question(text: str) -> bool:
    """True when the text has a question mark or opens like a question."""
    return "?" in text or QUESTION_OPENERS.match(text) is not None


def classify_posts(con: duckdb.DuckDBPyConnection, classifier: Classifier | None = None,
                   now: datetime | None = None) -> int:
    """Classify every customer post that has no class from this classifier yet.

    Idempotent: run it after every crawl or on demand; a post classified by another method
    is re-classified. Returns how many posts were (re)classified.
    """
    method = classifier or default_classifier()
    todo = queries.rows(con, sqlfiles.load("stats/unclassified_posts.sql"),
                        {"classifier": method.name})
    stamp = now or datetime.now(UTC)
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        decided = [_decided(method, r["text"] or "") for r in batch]
        # One statement per batch, columns unnested server-side: executemany row by row
        # would take minutes for an imported dataset.
        con.execute(
            "insert into post_classes (platform, post_id, class, sentiment, language,"
            " classifier, classified_at) select unnest($platform::varchar[]),"
            " unnest($post_id::varchar[]), unnest($class::varchar[]),"
            " unnest($sentiment::double[]), unnest($language::varchar[]), $classifier, $stamp"
            " on conflict (platform, post_id) do update set class = excluded.class,"
            " sentiment = excluded.sentiment, language = excluded.language,"
            " classifier = excluded.classifier, classified_at = excluded.classified_at",
            {"platform": [r["platform"] for r in batch], "post_id": [r["post_id"] for r in batch],
             "class": [d.label for d in decided], "sentiment": [d.sentiment for d in decided],
             "language": [d.language for d in decided],
             "classifier": method.name, "stamp": stamp})
    return len(todo)


def class_shares(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Rows of sql/stats/class_shares.sql: brand_id, class, judged, ignored, ignored_share."""
    return queries.rows(con, sqlfiles.load("stats/class_shares.sql"))


def stored_classifiers(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the methods whose classes post_classes holds, alphabetically."""
    return [r[0] for r in con.execute(
        "select distinct classifier from post_classes order by 1").fetchall()]


def confusion(classifier: Classifier, labelled: Iterable[tuple[str, str]]
              ) -> dict[tuple[str, str], int]:
    """(true label, predicted label) -> count over (text, true label) pairs."""
    found = {(t, p): 0 for t in CLASSES for p in CLASSES}
    for text, truth in labelled:
        found[truth, classifier.classify(text).label] += 1
    return found


def accuracy(matrix: dict[tuple[str, str], int]) -> float:
    """Share of the diagonal in a confusion matrix."""
    total = sum(matrix.values())
    return sum(n for (t, p), n in matrix.items() if t == p) / total if total else 0.0


def _decided(method: Classifier, text: str) -> Classification:
    result = method.classify(text)
    if result.label not in (*CLASSES, UNCLASSIFIED):
        raise ValueError(f"classifier {method.name} returned {result.label!r}, "
                         f"expected one of {', '.join(CLASSES)} or {UNCLASSIFIED}")
    return result
