"""Post classes: the shipped care model on held-out real customer posts, the gate that trips
for worse methods, posts in other languages, the earlier VADER rules on their written
sample, swapping the method, and classes stored once per post."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.classifier import evaluate
from benchmarks.classifier.evaluate import GOAL, GoalMissed, check_goal, labelled_posts, score
from benchmarks.classifier.language import HANDLED, unhandled_language
from benchmarks.classifier.model import CareModel, shipped_weights
from benchmarks.classify import (
    CLASSES,
    UNCLASSIFIED,
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


@pytest.fixture(scope="module")
def heldout_scores() -> evaluate.Scores:
    return score(CareModel(), labelled_posts("heldout"))


def test_the_real_sample_is_as_documented() -> None:
    """data/PROVENANCE.md: 2,947 real TWCS customer posts, 350 held out, every class in both."""
    posts = labelled_posts()
    assert len(posts) == 2947 and len({p.tweet_id for p in posts}) == 2947
    for split, n in (("train", 2597), ("heldout", 350)):
        found = [p.label for p in posts if p.split == split]
        assert len(found) == n and set(found) == set(CLASSES)
        assert min(found.count(c) for c in CLASSES) >= 30
    assert {p.language for p in posts} >= set(HANDLED) - {"it", "nl"}  # none of those in TWCS


@pytest.mark.xfail(strict=True, reason="0.731 accuracy on the 350 held-out real posts (2nd "
                   "scoring, 2,597 training posts; 0.743 at the 1st), goal 0.75; complaint "
                   "recall 0.800 and question recall 0.667 reach theirs: "
                   "docs/statistics.md, 'Accuracy on real customer posts'")
def test_the_shipped_model_reaches_the_goal_on_held_out_real_posts(
        heldout_scores: evaluate.Scores) -> None:
    check_goal(CareModel().name, heldout_scores)


def test_the_shipped_model_keeps_its_measured_figures(heldout_scores: evaluate.Scores) -> None:
    """docs/statistics.md documents these; a change that costs a few posts fails."""
    figures = heldout_scores.figures()
    assert heldout_scores.posts == 350
    assert figures["accuracy"] == pytest.approx(256 / 350)
    assert figures["complaint recall"] == pytest.approx(148 / 185)
    assert figures["question recall"] == pytest.approx(34 / 51)
    assert figures["complaint recall"] >= GOAL["complaint recall"]
    assert heldout_scores.by_language == {"en": (255, 349), "es": (1, 1)}


def test_posts_in_unhandled_languages_come_back_unclassified() -> None:
    """The new held-out split has none (TWCS is almost all English): over the whole sample,
    21 of 24 (ja 16, tr, ar, hi); the two Malay posts are too close to English for langid,
    and so is a Hindi post written in Latin letters."""
    scores = score(CareModel(), labelled_posts())
    assert scores.matrix[UNCLASSIFIED, UNCLASSIFIED] == 21
    assert sum(n for (t, _), n in scores.matrix.items() if t == UNCLASSIFIED) == 24


@pytest.mark.parametrize("method", [Constant("complaint"), Constant("question"),
                                    Constant("other"), VaderRules()],
                         ids=lambda m: m.name)
def test_the_goal_gate_trips_for_worse_methods(method: Constant | VaderRules) -> None:
    """Always 'complaint' is right on half the posts; the earlier VADER rules on 51 %."""
    with pytest.raises(GoalMissed, match=f"{method.name} on 350 held-out real posts: accuracy"):
        check_goal(method.name, score(method, labelled_posts("heldout")))


def test_the_earlier_rules_on_real_posts() -> None:
    """The issue's figures, on this sample: about half right, most complaints missed."""
    found = score(VaderRules(), labelled_posts("heldout")).figures()
    assert found["accuracy"] == pytest.approx(180 / 350)
    assert found["complaint recall"] == pytest.approx(77 / 185)


@pytest.mark.parametrize(("text", "language"), [
    ("@AmazonHelp 注文した物はちゃんと届けてください。勝手にキャンセルしないでください。", "ja"),
    ("@AppleSupport epıl bana yardımcı olur musun telefon internet konusunda çok yakıyo napcaz ?",
     "tr"),
])
def test_posts_in_other_languages_are_unclassified_with_their_language(
        text: str, language: str) -> None:
    assert CareModel().classify(text) == Classification(UNCLASSIFIED, None, language)


@pytest.mark.parametrize("text", [
    "@Delta thanks for nothing, 3 hours on hold",  # sarcasm
    "@AmazonHelp my order still hasn't arrived",  # no sentiment word
    "@AppleSupport I can't connect my watch with my phone, any suggestions?",  # calm, asks
    "@AmazonHelp Mein Paket ist immer noch nicht angekommen, wo bleibt die Erstattung?",
    "@AirbnbHelp Toujours pas de remboursement, c'est une honte",
    "@Uber_Support Todavía no me han devuelto el dinero, es una vergüenza",
])
def test_care_language_the_lexicon_missed_is_a_complaint(text: str) -> None:
    assert unhandled_language(text) is None
    assert CareModel().classify(text).label == "complaint"


def test_the_docs_state_the_figures_the_model_carries() -> None:
    """model.json carries its held-out figures (the report reads them); the docs repeat them."""
    measured = shipped_weights().measured
    assert measured["accuracy"] == pytest.approx(256 / 350, abs=1e-4)
    stated = f"{measured['accuracy']:.1%}".replace("%", " %")
    root = Path(__file__).parent.parent
    methodology = " ".join((root / "docs/methodology.md").read_text(encoding="utf-8").split())
    assert f"{stated} right on held-out real posts" in methodology
    assert f"**{stated}** (256)" in (root / "docs/statistics.md").read_text(encoding="utf-8")
    assert stated in CareModel().accuracy_statement()


def test_the_shipped_model_has_a_name_and_version() -> None:
    name = CareModel().name
    assert name.startswith("care-ngram-2+") and len(name) == len("care-ngram-2+") + 7


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
    care = CareModel().name
    assert got == [("q0", "question", care), ("q1", "praise", care), ("q2", "complaint", care)]
    assert classify_posts(con, Constant("other"), now=stamp) == 3  # swapped: re-classified
    assert con.execute("select distinct class, classifier from post_classes").fetchall() == [
        ("other", "constant-other")]


def test_a_post_in_another_language_is_stored_unclassified_with_it(tmp_path: Path) -> None:
    old = timedelta(days=5)
    posts = [CustomerPost("acme", old, None, "荷物がまだ届きません。いつ届きますか？"),
             CustomerPost("acme", old, None, "Mi maleta sigue sin llegar, es una vergüenza")]
    con = build(tmp_path / "l.duckdb", [("acme", "A")], "acme", posts)
    assert classify_posts(con) == 2
    assert con.execute("select post_id, class, language from post_classes order by 1"
                       ).fetchall() == [("q0", UNCLASSIFIED, "ja"), ("q1", "complaint", None)]


def test_a_method_returning_an_unknown_class_is_refused(tmp_path: Path) -> None:
    con = build(tmp_path / "u.duckdb", [("acme", "A")], "acme",
                [CustomerPost("acme", timedelta(days=5))])
    with pytest.raises(ValueError, match="returned 'rant', expected one of question"):
        classify_posts(con, Constant("rant"))
