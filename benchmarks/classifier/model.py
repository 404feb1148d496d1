"""The shipped post-class model: weights from data/model.json, applied in plain Python.

Training needs scikit-learn (train.py); classifying needs only this module, the cue lists
and py3langid for the language.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from benchmarks.classifier.features import vector
from benchmarks.classifier.language import HANDLED, unhandled_language
from benchmarks.classify import UNCLASSIFIED, Classification

MODEL = resources.files("benchmarks.classifier").joinpath("data", "model.json")
FAMILY = "care-ngram-2"  # bump when features.py or cues.py change what a feature means


@dataclass(frozen=True)
class Weights:
    """A trained model: classes, idf of known n-grams, per-feature weights per class."""

    classes: tuple[str, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[float, ...]]
    intercept: tuple[float, ...]
    digest: str  # first 7 hex digits of the model file's sha256
    measured: dict[str, float]  # figures on the held-out real posts, written by train.py

    def probabilities(self, text: str) -> dict[str, float]:
        """Class -> probability (softmax of the linear scores)."""
        a, b, c, d = self.intercept  # four classes: unrolled, this is the hot loop of a run
        weights = self.weights
        for feature, value in vector(text, self.idf).items():
            w = weights.get(feature)
            if w is not None:
                a += w[0] * value
                b += w[1] * value
                c += w[2] * value
                d += w[3] * value
        top = max(a, b, c, d)
        exp = [math.exp(a - top), math.exp(b - top), math.exp(c - top), math.exp(d - top)]
        total = sum(exp)
        return {k: e / total for k, e in zip(self.classes, exp, strict=True)}


def weights_from_json(raw: bytes) -> Weights:
    """Parse the JSON written by train.py."""
    data = json.loads(raw)
    return Weights(classes=tuple(data["classes"]), idf=data["idf"],
                   weights={f: tuple(w) for f, w in data["weights"].items()},
                   intercept=tuple(data["intercept"]),
                   digest=hashlib.sha256(raw).hexdigest()[:7],
                   measured=data.get("measured", {}))


@cache
def shipped_weights() -> Weights:
    """The model in the package (read once per process)."""
    return weights_from_json(MODEL.read_bytes())


class CareModel:
    """Question, complaint, praise or other for posts in HANDLED languages; `unclassified`
    with the language for the rest.

    The name carries the weights' digest, so retraining re-classifies stored posts.
    """

    languages = HANDLED

    def __init__(self, weights: Weights | None = None) -> None:
        self._weights = weights or shipped_weights()
        self.name = f"{FAMILY}+{self._weights.digest}"

    def accuracy_statement(self) -> str:
        """The held-out figures in one sentence, for the report and the docs."""
        m = self._weights.measured
        if not m:
            return "Its accuracy has not been measured."
        return (f"On {m['posts']:.0f} held-out real customer posts (TWCS, labelled by hand) it "
                f"sorts {m['accuracy']:.1%} right, and finds {m['complaint recall']:.1%} of "
                f"complaints and {m['question recall']:.1%} of questions.").replace("%", " %")

    def classify(self, text: str) -> Classification:
        """The most probable class; sentiment = P(praise) - P(complaint), in [-1, 1]."""
        language = unhandled_language(text)
        if language is not None:
            return Classification(UNCLASSIFIED, None, language)
        p = self._weights.probabilities(text)
        label = max(p, key=lambda c: p[c])
        return Classification(label, round(p["praise"] - p["complaint"], 4))
