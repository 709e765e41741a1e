"""Ranking metrics over qrels and runs (checked against ranx in the tests).

qrels: query id → {passage id: relevance}; run: query id → passage ids, best first.
Every metric is the mean over the queries that have at least one relevant passage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Sequence[str]]


def _judged(qrels: Qrels) -> list[str]:
    return [q for q, rel in qrels.items() if any(v > 0 for v in rel.values())]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def hit_rate(qrels: Qrels, run: Run, k: int) -> float:
    """Share of queries with a relevant passage in the top k."""
    return _mean([float(any(qrels[q].get(p, 0) > 0 for p in run.get(q, [])[:k])) for q in _judged(qrels)])


def mrr(qrels: Qrels, run: Run, k: int) -> float:
    """Mean reciprocal rank of the first relevant passage within the top k."""
    scores = []
    for q in _judged(qrels):
        rank = next((i for i, p in enumerate(run.get(q, [])[:k], start=1) if qrels[q].get(p, 0) > 0), None)
        scores.append(1.0 / rank if rank else 0.0)
    return _mean(scores)


def recall(qrels: Qrels, run: Run, k: int) -> float:
    """Share of the relevant passages found in the top k."""
    scores = []
    for q in _judged(qrels):
        relevant = {p for p, v in qrels[q].items() if v > 0}
        scores.append(len(relevant & set(run.get(q, [])[:k])) / len(relevant))
    return _mean(scores)


def ndcg(qrels: Qrels, run: Run, k: int) -> float:
    """nDCG@k with graded gains rel / log2(rank + 1) (the trec_eval convention)."""
    scores = []
    for q in _judged(qrels):
        gains = [qrels[q].get(p, 0) for p in run.get(q, [])[:k]]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sorted((v for v in qrels[q].values() if v > 0), reverse=True)[:k]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        scores.append(dcg / idcg if idcg else 0.0)
    return _mean(scores)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) with linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
