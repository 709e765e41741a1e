"""Fit the answerability model on the training pool and choose its operating point by cross-validation.

    python eval/fit_answerability.py [--pool eval/training] [--out assistant/data/answerability.json]

The pool (``eval/training/*.jsonl``) was written apart from every evaluation set, by writers who
read only the documents. For each question the composer builds the answer it would give without
the decision; the label is 1 when the question is answerable and that answer holds its evidence.
A logistic regression over the composer's signals gives the probability; the threshold is the
one that, on 5-fold out-of-fold probabilities, best balances evidence held, unanswerable questions
refused and answerable ones wrongly refused. Writes the model JSON, ``eval/reports/answerability.md``
and a reliability plot of the out-of-fold probabilities.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answerability import FEATURES, MODEL_PATH, AnswerabilityModel  # noqa: E402
from assistant.composer import Composer, ComposerSettings  # noqa: E402
from assistant.evaluation import (  # noqa: E402
    evidence_in_answer,
    load_eval_set,
    plot_reliability,
    reliability_bins,
)
from assistant.pipeline import Pipeline  # noqa: E402
from assistant.settings import Settings  # noqa: E402

OUT_OF_FOLD = ROOT / "eval" / "training" / "acts_out_of_fold.json"
TIE = 0.005  # of the balance below: about five of the thousand pool questions that reach the decision


def collect(pool: Path) -> list[dict[str, object]]:
    # The shipped answerability model may be fitted on other signals: it is not loaded here.
    pipeline = Pipeline.load(Settings(), composer=Composer(ComposerSettings(use_model=False)))
    # The act model saw these questions; its in-sample probabilities would flatter it.
    out_of_fold = json.loads(OUT_OF_FOLD.read_text(encoding="utf-8")) if OUT_OF_FOLD.exists() else {}
    composer = Composer(ComposerSettings(use_model=False))
    rows = []
    for case in load_eval_set(pool):
        u = pipeline.retriever.understand(case.question, case.history)
        result = pipeline.retriever.search(u, 8)
        decision = composer.decide(result, u, gate=False)
        answer = decision.answer
        holds = case.answerable and answer.status == "answered" and any(
            evidence_in_answer(e, answer, pipeline.documents.get(e.doc_id)) for e in case.evidence
        )
        signals = dict(decision.signals)
        if signals and case.id in out_of_fold:
            signals.update(out_of_fold[case.id])
        rows.append({
            "id": case.id, "answerable": case.answerable, "category": case.category, "status": answer.status,
            "holds": bool(holds), "signals": signals, "rule": decision.rule,
        })
    return rows


def outcomes(rows: list[dict[str, object]], probabilities: np.ndarray, threshold: float) -> dict[str, float]:
    """The pool's answer metrics if the model answered at ``threshold``."""
    held = wrongly = refused = answerable = unanswerable = answered_n = 0
    for row, p in zip(rows, probabilities, strict=True):
        answered = row["status"] == "answered" and p >= threshold
        answered_n += int(answered)
        if row["answerable"]:
            answerable += 1
            held += int(answered and bool(row["holds"]))
            wrongly += int(not answered)
        else:
            unanswerable += 1
            refused += int(not answered)
    return {
        "threshold": threshold, "evidence_held": held / answerable, "false_refusal": wrongly / answerable,
        "refusal_unanswerable": refused / unanswerable,
        # of the answers given, the share that hold their evidence: what a caller hears is right
        "precision": held / answered_n if answered_n else 1.0,
    }


@dataclass
class Fit:
    """A model fitted on pool rows, with its out-of-fold view that chose the operating point."""

    model: AnswerabilityModel
    modelled: list[dict[str, object]]  # the rows that reach the decision
    labels: np.ndarray
    out_of_fold: np.ndarray
    table: list[dict[str, float]]  # the pool's outcomes at each threshold, out of fold


def fit_model(rows: list[dict[str, object]], trained_on: str) -> Fit:
    """Logistic regression over the signals; the threshold by 5-fold out-of-fold outcomes on ``rows``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    modelled = [r for r in rows if r["signals"] and r["status"] == "answered"]
    x = np.array([[float(r["signals"][f]) for f in FEATURES] for r in modelled])  # type: ignore[index]
    y = np.array([int(bool(r["holds"])) for r in modelled])
    out_of_fold = np.zeros(len(y))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        scaler = StandardScaler().fit(x[train])
        fitted = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(x[train]), y[train])
        out_of_fold[test] = fitted.predict_proba(scaler.transform(x[test]))[:, 1]
    probabilities = np.zeros(len(rows))
    for row, p in zip(modelled, out_of_fold, strict=True):
        probabilities[rows.index(row)] = p

    table = [outcomes(rows, probabilities, t) for t in np.round(np.arange(0.05, 0.96, 0.05), 2)]
    # Every point counts alike: an answer that holds its evidence, an unanswerable question refused,
    # and (against) an answerable one refused. A hard cap on the last alone would pick a threshold
    # that refuses almost nothing whenever the rules before the model already refuse 5 %.
    def balance(r: dict[str, float]) -> float:
        return r["refusal_unanswerable"] + r["evidence_held"] - r["false_refusal"]

    # Out-of-fold balances within TIE of the best differ by a handful of pool questions, which is
    # noise: of those, the lowest threshold, which refuses the fewest answerable questions.
    top = max(balance(r) for r in table)
    best = min((r for r in table if balance(r) >= top - TIE), key=lambda r: r["threshold"])

    scaler = StandardScaler().fit(x)
    fitted = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(x), y)
    model = AnswerabilityModel(
        mean=tuple(float(v) for v in scaler.mean_), scale=tuple(float(v) for v in scaler.scale_),
        coef=tuple(float(v) for v in fitted.coef_[0]), intercept=float(fitted.intercept_[0]),
        threshold=float(best["threshold"]), trained_on=trained_on,
    )
    return Fit(model, modelled, y, out_of_fold, table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=ROOT / "eval" / "training")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--report", type=Path, default=ROOT / "eval" / "reports" / "answerability.md")
    args = parser.parse_args()

    rows = collect(args.pool)
    fit = fit_model(rows, trained_on=f"{args.pool.name}: {len(rows)} questions")
    model, modelled, y, out_of_fold, table = fit.model, fit.modelled, fit.labels, fit.out_of_fold, fit.table
    print(f"{len(rows)} pool questions; {len(modelled)} reach the decision ({y.sum()} hold their evidence)")
    args.out.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    pairs = [(float(p), int(y_)) for p, y_ in zip(out_of_fold, y, strict=True)]
    plot_reliability(pairs, args.report.with_name("answerability_reliability.png"), "pool, out of fold")
    lines = [
        "# Answerability model",
        "",
        f"Fitted by `eval/fit_answerability.py` on {len(rows)} pool questions ({sum(bool(r['answerable']) for r in rows)} answerable); "
        f"{len(modelled)} reach the decision (the rest are settled by question understanding: not a question, "
        "another place, another bureau, no passage). Label: the answer the composer would give holds its evidence.",
        "",
        "## Operating points (5-fold out-of-fold probabilities, whole pool)",
        "",
        "| threshold | evidence held | unanswerable refused | answerable wrongly refused | answers holding their evidence |",
        "|---|---|---|---|---|",
        *[f"| {r['threshold']:.2f} | {r['evidence_held']:.3f} | {r['refusal_unanswerable']:.3f} | {r['false_refusal']:.3f} | {r['precision']:.3f} |" for r in table],
        "",
        f"Chosen: **{model.threshold:.2f}**, the lowest threshold within {TIE} of the best evidence held + unanswerable refused − answerable wrongly "
        "refused. The first row is close to what the rules of question understanding and evidence agreement do "
        "without the model.",
        "",
        "## Reliability (out of fold)",
        "",
        "| mean confidence | share holding evidence | n |",
        "|---|---|---|",
        *[f"| {c:.2f} | {s:.2f} | {n} |" for c, s, n in reliability_bins(pairs)],
        "",
        "![reliability](answerability_reliability.png)",
        "",
        "## Coefficients (standardised signals)",
        "",
        "| signal | coefficient |",
        "|---|---|",
        *[f"| {f} | {c:+.3f} |" for f, c in zip(FEATURES, model.coef, strict=True)],
    ]
    args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[6:30]))


if __name__ == "__main__":
    main()
