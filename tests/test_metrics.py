"""Metric code checked against ranx on the same qrels and runs."""

from __future__ import annotations

import random

import pytest

from assistant.metrics import hit_rate, mrr, ndcg, percentile, recall

ranx = pytest.importorskip("ranx")


def _random_case(seed: int):
    rng = random.Random(seed)
    passages = [f"p{i}" for i in range(30)]
    qrels, run = {}, {}
    for q in range(25):
        relevant = rng.sample(passages, rng.randint(1, 4))
        qrels[f"q{q}"] = {p: 1 for p in relevant}
        ranked = rng.sample(passages, 12)
        run[f"q{q}"] = ranked
    return qrels, run


@pytest.mark.parametrize("seed", range(5))
def test_metrics_match_ranx(seed):
    qrels, run = _random_case(seed)
    scored_run = {q: {p: float(len(ps) - i) for i, p in enumerate(ps)} for q, ps in run.items()}
    expected = ranx.evaluate(
        ranx.Qrels(qrels), ranx.Run(scored_run), ["hit_rate@1", "hit_rate@5", "mrr@10", "recall@10", "ndcg@10"]
    )
    assert hit_rate(qrels, run, 1) == pytest.approx(expected["hit_rate@1"])
    assert hit_rate(qrels, run, 5) == pytest.approx(expected["hit_rate@5"])
    assert mrr(qrels, run, 10) == pytest.approx(expected["mrr@10"])
    assert recall(qrels, run, 10) == pytest.approx(expected["recall@10"])
    assert ndcg(qrels, run, 10) == pytest.approx(expected["ndcg@10"])


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert percentile([], 95) == 0.0
