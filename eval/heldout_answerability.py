"""Check the answerability model on a pool no model was fitted on, against a refit at today's code.

    python eval/heldout_answerability.py [--pool eval/training] [--heldout eval/heldout-pool]

Whether refitting helps is measured, not assumed: the shipped model and a model refitted on the
training pool with today's code (operating point chosen by ``fit_answerability.py``'s rule on
5-fold out-of-fold probabilities) are both applied to the held-out pool, which was written blind
from the documents like the training pool and read by no model. Nothing is written but the report
(``eval/reports/answerability_heldout.md``); the shipped model stays as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

from fit_answerability import collect, fit_model, outcomes  # noqa: E402

from assistant.answerability import AnswerabilityModel, load_model  # noqa: E402

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=ROOT / "eval" / "training")
    parser.add_argument("--heldout", type=Path, default=ROOT / "eval" / "heldout-pool")
    parser.add_argument("--report", type=Path, default=ROOT / "eval" / "reports" / "answerability_heldout.md")
    args = parser.parse_args()

    shipped = load_model()
    if shipped is None:
        raise SystemExit("no answerability model is shipped; run eval/fit_answerability.py first")
    train, test = collect(args.pool), collect(args.heldout)
    refit = fit_model(train, trained_on=f"{args.pool.name}: {len(train)} questions").model

    def scored(model: AnswerabilityModel) -> np.ndarray:
        return np.array([
            model.probability(r["signals"]) if r["signals"] and r["status"] == "answered" else 0.0  # type: ignore[arg-type]
            for r in test
        ])

    answerable = sum(bool(r["answerable"]) for r in test)
    lines = [
        "# Answerability model on a held-out pool",
        "",
        f"Written by `eval/heldout_answerability.py`. Held-out pool `{args.heldout.relative_to(ROOT)}`: {len(test)} "
        f"questions ({answerable} answerable), written blind from the documents and read by no model. "
        f"Refit: the training pool ({len(train)} questions) with today's code, operating point {refit.threshold:.2f} "
        f"by the pool's rule. Shipped: `{shipped.trained_on}`, threshold {shipped.threshold:.2f}.",
        "",
        "| model | threshold | evidence held | unanswerable refused | answerable wrongly refused | answers holding their evidence |",
        "|---|---|---|---|---|---|",
    ]
    for name, model in (("shipped", shipped), ("refit", refit)):
        p = scored(model)
        for t in sorted({*THRESHOLDS, round(model.threshold, 2)}):
            r = outcomes(test, p, t)
            mark = " (its own)" if abs(t - model.threshold) < 1e-9 else ""
            lines.append(
                f"| {name} | {t:.2f}{mark} | {r['evidence_held']:.3f} | {r['refusal_unanswerable']:.3f} | "
                f"{r['false_refusal']:.3f} | {r['precision']:.3f} |"
            )
    args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
