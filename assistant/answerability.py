"""One calibrated decision: the probability that the composed answer holds its evidence.

A logistic regression over the composer's signals (cosines, coverage, agreement, unknown words,
whether the asked kind was found…), fitted with scikit-learn on a training pool of questions
written apart from every evaluation set (``eval/fit_answerability.py``). Only its numbers ship,
as JSON in ``assistant/data/answerability.json``; applying it needs numpy alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
MODEL_PATH = DATA_DIR / "answerability.json"

# The composer's signals, in the model's order; each is a number in a small range. The question's
# length and its number of topic words were tried and left out: they mostly learnt the pool
# writers' style (long stories) and held back short hotline queries (高龄津贴怎么领).
FEATURES = (
    "top_dense",  # best cosine of the top passages
    "best_sentence",  # best cosine of one of their sentences
    "best_sentence_z",  # that cosine in standard deviations above the question's cosines to the corpus
    "sentence_margin",  # chosen sentence's cosine minus the best one
    "coverage",  # share of the question's weighted words in the best top passage
    "answer_coverage",  # the same for the chosen sentence
    "topic_in_answer",  # share of the topic words the answer's sentences name
    "unknown",  # share of the question's weight in specific words the corpus never uses
    "known",  # share of the question's weight in words the corpus uses
    "asked_found",  # the asked kind (an amount, papers…) is in a sentence about the question
    "figure_agrees",  # an amount was asked and one agrees in subject, time, place and kind
    "asks_figure",  # an amount, a count, days, hours or a phone number was asked
    "follow_up",  # the topic came from an earlier turn
    "corrected",  # a typo was corrected
    "lexical",  # top BM25 score over the number of query words (capped)
    "act_question",  # the act model's probability that the message is a question
    "act_elsewhere",  # its probability that the question is about what others handle
    "topic_weight_in_answer",  # idf-weighted share of the topic words the answer names
    "missing_specific",  # the rarest content word of the question the answer leaves out (0-1 of max idf)
)


@dataclass(frozen=True)
class AnswerabilityModel:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # answer at or above this probability, chosen by cross-validation
    features: tuple[str, ...] = FEATURES
    trained_on: str = ""

    def probability(self, signals: Mapping[str, float]) -> float:
        z = self.intercept
        for name, mean, scale, coef in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += coef * (float(signals.get(name, 0.0)) - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
            "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold,
            "trained_on": self.trained_on,
        }


def load_model(path: Path = MODEL_PATH) -> AnswerabilityModel | None:
    """The fitted model, or None when none has been fitted (the composer then uses fixed floors).

    Raises:
        ValueError: the file does not match the signals this version computes.
    """
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    features = tuple(data["features"])
    if features != FEATURES:
        raise ValueError(f"{path} was fitted on other signals; refit it with `python eval/fit_answerability.py`")
    return AnswerabilityModel(
        mean=tuple(data["mean"]), scale=tuple(data["scale"]), coef=tuple(data["coef"]),
        intercept=float(data["intercept"]), threshold=float(data["threshold"]), features=features,
        trained_on=str(data.get("trained_on", "")),
    )
