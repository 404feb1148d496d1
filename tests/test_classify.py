"""Post classes: accuracy on the labelled sample stays above the documented floor, the gate
trips for a worse method, the method is swappable, and classes are stored once per post."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.classify import (
    CLASSES,
    Classification,
    VaderRules,
    accuracy,
    classify_posts,
    confusion,
    is_question,
)
from tests.stats_data import CustomerPost, build

SAMPLE = Path(__file__).parent / "fixtures" / "classify" / "labelled_posts.csv"
# docs/statistics.md documents 90.6 % on the held-out half; a change that costs more than
# a few posts there fails.
ACCURACY_FLOOR = 0.85


def labelled(split: str | None = None) -> list[tuple[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return [(r["text"], r["label"]) for r in csv.DictReader(f)
                if split is None or r["split"] == split]


def check_accuracy(classifier: VaderRules | Constant, split: str) -> float:
    """The quality gate: raises AssertionError below the floor."""
    found = accuracy(confusion(classifier, labelled(split)))
    assert found >= ACCURACY_FLOOR, f"{classifier.name}: {found:.3f} on {split}"
    return found


class Constant:
    """A method that always says the same: the baseline any real method must beat."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.name = f"constant-{label}"

    def classify(self, text: str) -> Classification:
        return Classification(self.label, None)


def test_the_sample_covers_every_class_in_both_halves() -> None:
    for split in ("dev", "heldout"):
        found = [label for _, label in labelled(split)]
        assert set(found) == set(CLASSES)
        assert min(found.count(c) for c in CLASSES) >= 13
    assert len(labelled()) == 128


def test_accuracy_stays_above_the_documented_floor() -> None:
    assert check_accuracy(VaderRules(), "heldout") == pytest.approx(58 / 64)
    assert check_accuracy(VaderRules(), "dev") == pytest.approx(59 / 64)


@pytest.mark.parametrize("label", CLASSES)
def test_the_gate_trips_for_a_worse_method(label: str) -> None:
    with pytest.raises(AssertionError, match=f"constant-{label}"):
        check_accuracy(Constant(label), "heldout")


@pytest.mark.parametrize(("text", "expected"), [
    ("Can I bring my cat in the cabin?", "question"),
    ("wondering if the 6:40 is on time", "question"),
    ("Hi, what's the weight limit for hand luggage", "question"),
    ("Why is my bag lost AGAIN?? Worst airline ever", "complaint"),
    ("Still waiting for my refund", "complaint"),
    ("Thank you so much, wonderful crew", "praise"),
    ("Boarding now, see you in Lisbon", "other"),
])
def test_the_rules_in_their_order(text: str, expected: str) -> None:
    assert VaderRules().classify(text).label == expected


def test_question_rules() -> None:
    assert is_question("Does the lounge open at 6")
    assert is_question("anyone know if the route starts in May")
    assert not is_question("Cancelled again. Do better")  # "Do" not at the start
    assert not is_question("Island hopping next week")  # "is" only as a whole word


def test_classes_are_stored_once_and_a_new_method_replaces_them(tmp_path: Path) -> None:
    old = timedelta(days=5)
    posts = [CustomerPost("acme", old, None, "Where is the lounge?"),
             CustomerPost("acme", old, timedelta(hours=1), "Thanks, wonderful crew!"),
             CustomerPost("globex", old, None, "Lost my bag, awful service")]
    con = build(tmp_path / "c.duckdb", [("acme", "A"), ("globex", "G")], "acme", posts)
    stamp = datetime(2026, 10, 21, tzinfo=UTC)
    assert classify_posts(con, now=stamp) == 3
    assert classify_posts(con, now=stamp) == 0  # idempotent
    got = con.execute("select post_id, class, classifier from post_classes order by 1").fetchall()
    assert got == [("q0", "question", "vader-rules-1"), ("q1", "praise", "vader-rules-1"),
                   ("q2", "complaint", "vader-rules-1")]
    assert classify_posts(con, Constant("other"), now=stamp) == 3  # swapped: re-classified
    assert con.execute("select distinct class, classifier from post_classes").fetchall() == [
        ("other", "constant-other")]


def test_a_method_returning_an_unknown_class_is_refused(tmp_path: Path) -> None:
    con = build(tmp_path / "u.duckdb", [("acme", "A")], "acme",
                [CustomerPost("acme", timedelta(days=5))])
    with pytest.raises(ValueError, match="returned 'rant', expected one of question"):
        classify_posts(con, Constant("rant"))
