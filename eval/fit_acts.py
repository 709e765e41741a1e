"""Fit the speech-act model (question, complaint, suggestion, personal case, small talk) on the training pool.

    python eval/fit_acts.py [--pool eval/training] [--out assistant/data/acts.json]

A softmax regression over the embedding of each message (the same vector retrieval uses), fitted
with scikit-learn on the pool's labels (``category``: complaint, suggestion, personal_case,
small_talk; everything else is a question); its probabilities are signals of the answerability
model. Beside it, the wording model that decides the act: the same regression over the embedding
and the TF-IDF weights of the message's character uni- and bigrams. Reports 5-fold cross-validated
precision and recall of both to ``eval/reports/acts.md``. Only numbers ship (JSON); applying the
models needs numpy alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.composer import Composer, ComposerSettings  # noqa: E402
from assistant.evaluation import load_eval_set  # noqa: E402
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.understanding import (  # noqa: E402
    ACTS,
    ACTS_PATH,
    ELSEWHERE,
    MIN_ACT_PROBABILITY,
    POINTER_ACTS,
    ActModel,
    WordingModel,
)

GRAM_SIZES = (1, 2)  # character uni- and bigrams
C = 4.0

OUT_OF_FOLD = ROOT / "eval" / "training" / "acts_out_of_fold.json"


def wording_features(texts: list[str], x: np.ndarray, vectorizer):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix, hstack

    return hstack([csr_matrix(x), vectorizer.transform(texts)]).tocsr()


def fit_wording(texts: list[str], x: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    """The wording model's character-gram vectorizer and regression, fitted on these messages."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=GRAM_SIZES, min_df=2, sublinear_tf=True).fit(texts)
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(wording_features(texts, x, vectorizer), y)
    return vectorizer, model


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import classification_report
    from sklearn.model_selection import StratifiedKFold

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=ROOT / "eval" / "training")
    parser.add_argument("--out", type=Path, default=ACTS_PATH)
    parser.add_argument("--report", type=Path, default=ROOT / "eval" / "reports" / "acts.md")
    args = parser.parse_args()

    # The shipped answerability model may be fitted on other signals: it is not loaded here.
    pipeline = Pipeline.load(Settings(), composer=Composer(ComposerSettings(use_model=False)))
    retriever = pipeline.retriever
    cases = load_eval_set(args.pool)
    texts = [retriever.rewrite(c.question).text for c in cases]
    x = retriever.embedder.embed_queries(texts)
    y = np.array([
        ACTS.index(c.category) if c.category in ACTS else ACTS.index("elsewhere") if c.category in ELSEWHERE else 0
        for c in cases
    ])
    probabilities = np.zeros((len(y), len(ACTS)))
    decided = np.zeros((len(y), len(ACTS)))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        fitted = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x[train], y[train])
        probabilities[test] = fitted.predict_proba(x[test])
        vectorizer, wording = fit_wording([texts[i] for i in train], x[train], y[train])
        decided[test] = wording.predict_proba(wording_features([texts[i] for i in test], x[test], vectorizer))
    # As the understanding stage decides: a pointer act only when it is likely enough; "elsewhere"
    # is never decided here (it is a signal of the answerability model).
    pointer = [ACTS.index(a) for a in POINTER_ACTS]

    def predict(p: np.ndarray) -> np.ndarray:
        likeliest = np.array(pointer)[p[:, pointer].argmax(axis=1)]
        return np.where(p[np.arange(len(y)), likeliest] >= MIN_ACT_PROBABILITY, likeliest, 0)

    # The answerability model is fitted on these out-of-fold probabilities, not on in-sample ones.
    OUT_OF_FOLD.write_text(json.dumps({
        c.id: {"act_question": round(float(p[0]), 5), "act_elsewhere": round(float(p[ACTS.index("elsewhere")]), 5)}
        for c, p in zip(cases, probabilities, strict=True)
    }) + "\n", encoding="utf-8")
    y_pointer = np.where(np.isin(y, pointer), y, 0)
    names = {"labels": [0, *pointer], "target_names": ["question", *POINTER_ACTS], "digits": 3}
    report = classification_report(y_pointer, predict(probabilities), **names)
    decided_report = classification_report(y_pointer, predict(decided), **names)
    fitted = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x, y)
    vectorizer, wording = fit_wording(texts, x, y)
    grams = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    dimension = x.shape[1]
    shipped = WordingModel(
        {g: i for i, g in enumerate(grams)}, np.round(vectorizer.idf_, 6), GRAM_SIZES,
        np.round(wording.coef_[:, dimension:], 6), np.round(wording.coef_[:, :dimension], 6),
        np.round(wording.intercept_, 6),
    )
    # The shipped numbers applied as the understanding stage applies them give scikit-learn's probabilities.
    applied = ActModel(ACTS, fitted.coef_, fitted.intercept_, pipeline.settings.model, shipped)
    for i in range(0, len(texts), 97):
        mine = np.array([applied.decide(x[i], texts[i])[a] for a in ACTS])
        expected = wording.predict_proba(wording_features([texts[i]], x[i : i + 1], vectorizer))[0]
        assert np.allclose(mine, expected, atol=1e-3), (texts[i], mine, expected)
    args.out.write_text(json.dumps({
        "acts": list(ACTS), "model": pipeline.settings.model,
        "coef": np.round(fitted.coef_, 6).tolist(), "intercept": np.round(fitted.intercept_, 6).tolist(),
        "wording": {
            "sizes": list(GRAM_SIZES), "grams": grams, "idf": shipped.idf.tolist(),
            "gram_coef": shipped.gram_coef.tolist(), "vector_coef": shipped.vector_coef.tolist(),
            "intercept": shipped.intercept.tolist(),
        },
        "trained_on": f"{args.pool.name}: {len(cases)} messages",
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    args.report.write_text(
        "# Speech-act model\n\nFitted by `eval/fit_acts.py` on the training pool "
        f"({len(cases)} messages). 5-fold cross-validated, decided as the understanding stage does "
        f"(another act than question only with probability ≥ {MIN_ACT_PROBABILITY}).\n\n"
        "The wording model (embedding and character uni- and bigrams), which decides the act:\n\n"
        f"```\n{decided_report}```\n"
        "The embedding alone (its probabilities of \"question\" and \"elsewhere\" are signals of the "
        f"answerability model):\n\n```\n{report}```\n"
        "The wording patterns (投诉, 帮我查…) decide first.\n",
        encoding="utf-8",
    )
    print(decided_report)
    print(report)


if __name__ == "__main__":
    main()
