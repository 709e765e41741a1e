"""Fit the speech-act model (question, complaint, suggestion, personal case, small talk) on the training pool.

    python eval/fit_acts.py [--pool eval/training] [--out assistant/data/acts.json]

A softmax regression over the embedding of each message (the same vector retrieval uses), fitted
with scikit-learn on the pool's labels (``category``: complaint, suggestion, personal_case,
small_talk; everything else is a question). Reports 5-fold cross-validated precision and recall
to ``eval/reports/acts.md``. Only numbers ship (JSON); applying the model needs numpy alone.
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
from assistant.understanding import ACTS, ACTS_PATH, ELSEWHERE, MIN_ACT_PROBABILITY, POINTER_ACTS  # noqa: E402

OUT_OF_FOLD = ROOT / "eval" / "training" / "acts_out_of_fold.json"


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
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        fitted = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(x[train], y[train])
        probabilities[test] = fitted.predict_proba(x[test])
    # As the understanding stage decides: a pointer act only when it is likely enough; "elsewhere"
    # is never decided here (it is a signal of the answerability model).
    pointer = [ACTS.index(a) for a in POINTER_ACTS]
    likeliest = np.array(pointer)[probabilities[:, pointer].argmax(axis=1)]
    predicted = np.where(probabilities[np.arange(len(y)), likeliest] >= MIN_ACT_PROBABILITY, likeliest, 0)
    # The answerability model is fitted on these out-of-fold probabilities, not on in-sample ones.
    OUT_OF_FOLD.write_text(json.dumps({
        c.id: {"act_question": round(float(p[0]), 5), "act_elsewhere": round(float(p[ACTS.index("elsewhere")]), 5)}
        for c, p in zip(cases, probabilities, strict=True)
    }) + "\n", encoding="utf-8")
    y_pointer = np.where(np.isin(y, pointer), y, 0)
    report = classification_report(y_pointer, predicted, labels=[0, *pointer], target_names=["question", *POINTER_ACTS], digits=3)
    fitted = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(x, y)
    args.out.write_text(json.dumps({
        "acts": list(ACTS), "model": pipeline.settings.model,
        "coef": np.round(fitted.coef_, 6).tolist(), "intercept": np.round(fitted.intercept_, 6).tolist(),
        "trained_on": f"{args.pool.name}: {len(cases)} messages",
    }) + "\n", encoding="utf-8")
    args.report.write_text(
        "# Speech-act model\n\nFitted by `eval/fit_acts.py` on the training pool "
        f"({len(cases)} messages). 5-fold cross-validated, decided as the understanding stage does "
        f"(another act than question only with probability ≥ {MIN_ACT_PROBABILITY}):\n\n```\n{report}```\n"
        "The wording patterns (投诉, 帮我查…) decide first; the model's probability of \"question\" is also "
        "a signal of the answerability model.\n",
        encoding="utf-8",
    )
    print(report)


if __name__ == "__main__":
    main()
