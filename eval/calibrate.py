"""Calibrate the fusion weight and the composer's refusal thresholds on the evaluation set.

Usage: python eval/calibrate.py [--index index] [--out eval/reports/calibration.md]

Searches run once per question; the sweep then re-ranks and re-composes from those results,
so the whole run takes about a minute. The chosen values are reported, not written into the
code: copy them into DEFAULT_DENSE_WEIGHT / ComposerSettings by hand after reading the table.
The composer's fixed floors matter only when no answerability model is fitted; with one (the
default, see eval/fit_answerability.py) the fitted decision replaces them.
Ids are split in two halves (even/odd) so an overfitted threshold shows up as a gap.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np

from assistant.composer import Composer, ComposerSettings
from assistant.evaluation import EvalCase, evidence_in_answer, load_eval_set, relevant_chunks
from assistant.metrics import hit_rate, mrr
from assistant.pipeline import Pipeline
from assistant.retriever import FusionWeights
from assistant.settings import Settings

# Small talk a chat page receives; none of it is in the evaluation set, and all of it must be refused.
OFF_TOPIC = ["今天天气怎么样", "推荐一部好看的电影", "明天深圳会下雨吗", "帮我写一首诗", "我的手机屏幕碎了怎么修",
             "股票明天会涨吗", "深圳哪里好玩", "周末去哪玩", "附近有什么好吃的餐厅", "怎么减肥最快"]


def fused_run(pipeline: Pipeline, cases: list[EvalCase], weights: FusionWeights) -> dict[str, list[str]]:
    """Top-10 chunk ids per question with other fusion weights (question vectors stay cached)."""
    in_use = pipeline.retriever.weights
    pipeline.retriever.weights = weights
    try:
        return {c.id: [h.chunk_id for h in pipeline.search(c.question, 10).hits] for c in cases}
    finally:
        pipeline.retriever.weights = in_use


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="index")
    parser.add_argument("--questions", type=Path, default=Path("eval/questions"))
    parser.add_argument("--out", type=Path, default=Path("eval/reports/calibration.md"))
    parser.add_argument("--skip-fusion", action="store_true", help="only sweep the composer thresholds")
    args = parser.parse_args()
    pipeline = Pipeline.load(Settings.from_env(index=args.index))
    cases = load_eval_set(args.questions)
    answerable = [c for c in cases if c.answerable]
    qrels = {c.id: {chunk: 1 for chunks in relevant_chunks(c, pipeline).values() for chunk in chunks} for c in answerable}
    lines = ["# Calibration", "", "## Fusion weights, hybrid retrieval", "",
             "| passage | sentence | lexical | MRR@10 all | Hit@5 all | MRR@10 even ids | MRR@10 odd ids |",
             "|---|---|---|---|---|---|---|"]
    halves = [{q: r for q, r in qrels.items() if int(q[1:]) % 2 == parity} for parity in (0, 1)]
    rows_fusion = []
    grid = [] if args.skip_fusion else [
        (a, b, round(1 - a - b, 2)) for a in (0.0, 0.1, 0.2, 0.3, 0.4, 0.6) for b in (0.0, 0.2, 0.35, 0.45, 0.6)
        if 1 - a - b >= 0 and (a or b or 1 - a - b)
    ]
    for passage, sentence, lexical in grid:
        run = fused_run(pipeline, answerable, FusionWeights(passage, sentence, lexical))
        rows_fusion.append((mrr(qrels, run, 10), passage, sentence, lexical, hit_rate(qrels, run, 5),
                            mrr(halves[0], run, 10), mrr(halves[1], run, 10)))
    for score, passage, sentence, lexical, hit5, even, odd in sorted(rows_fusion, reverse=True)[:12]:
        lines.append(f"| {passage} | {sentence} | {lexical} | {score:.3f} | {hit5:.3f} | {even:.3f} | {odd:.3f} |")
    print("\n".join(lines), file=sys.stderr)

    results = {c.id: pipeline.search(c.question, 8) for c in cases}
    off_topic = [pipeline.search(q, 8) for q in OFF_TOPIC]
    lines += ["", f"In use: {pipeline.retriever.weights}.", "",
              "## Composer thresholds", "",
              "| min_dense | min_coverage | max_unknown | min_figure_coverage | evidence held | refused (unanswerable) "
              "| false refusal | off-topic refused | score |",
              "|---|---|---|---|---|---|---|---|---|"]
    rows = []
    # The fixed floors apply only without the fitted answerability model (make fit replaces them).
    base = ComposerSettings(use_model=False)
    for min_dense, min_coverage, max_unknown, min_figure in itertools.product(
        [0.80, 0.84, 0.85, 0.86, 0.87], [0.3, 0.4], [0.2, 0.3, 0.4, 0.5, 1.01], [0.3, 0.4, 0.5]
    ):
        composer = Composer(dataclasses.replace(
            base, min_dense=min_dense, min_coverage=min_coverage, max_unknown=max_unknown, min_figure_coverage=min_figure
        ))
        answers = {cid: composer.compose(result) for cid, result in results.items()}
        held = np.mean([any(evidence_in_answer(e, answers[c.id], pipeline.documents.get(e.doc_id)) for e in c.evidence)
                        for c in answerable])
        refused = np.mean([answers[c.id].refused for c in cases if not c.answerable])
        false_refusal = np.mean([answers[c.id].refused for c in answerable])
        chit_chat = np.mean([composer.compose(result).refused for result in off_topic])
        # The targets: refuse ≥ 90 % of unanswerable, wrongly refuse ≤ 5 %; small talk is
        # always refused; then hold evidence.
        score = held - 2 * max(0.0, 0.9 - refused) - 2 * max(0.0, false_refusal - 0.05) - (1 - chit_chat)
        rows.append((score, min_dense, min_coverage, max_unknown, min_figure, held, refused, false_refusal, chit_chat))
    rows.sort(reverse=True)
    for score, min_dense, min_coverage, max_unknown, min_figure, held, refused, false_refusal, chit_chat in rows[:15]:
        lines.append(f"| {min_dense} | {min_coverage} | {max_unknown} | {min_figure} | {held:.3f} | {refused:.3f} "
                     f"| {false_refusal:.3f} | {chit_chat:.2f} | {score:.3f} |")
    lines += ["", f"In use: min_dense={base.min_dense}, min_coverage={base.min_coverage}, "
              f"max_unknown={base.max_unknown}, min_figure_coverage={base.min_figure_coverage}."]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[-20:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
