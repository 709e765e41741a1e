"""Retrieval over the real seed index with the real model: the right passage comes back first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InputError
from assistant.evaluation import load_eval_set, relevant_chunks
from assistant.metrics import hit_rate, mrr
from assistant.pipeline import Pipeline
from assistant.retriever import NAMED_BONUS, NAMED_NUMBER, YEAR_BONUS, validate_question

REPO = Path(__file__).resolve().parents[1]


def test_the_caregiver_allowance_passage_is_in_the_top_three(pipeline_seed: Pipeline) -> None:
    result = pipeline_seed.search("养老护理员每个月能领多少岗位补贴？", 3)
    top = [h for h in result.hits if "每人每月最高800元" in h.text]
    assert top, [h.text[:60] for h in result.hits]
    assert top[0].title and top[0].date == "2025-01-13"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("低宝怎么申请", "低保"),  # listed typo
        ("多大年纪才能办以年卡?", "颐年卡"),  # homophone typo, corrected by sound
        ("老人饭堂吃饭有补贴吗", "助餐"),  # caller's word → the documents' term
    ],
)
def test_colloquial_and_misspelt_questions_find_the_documents_terms(pipeline_seed: Pipeline, question: str, expected: str) -> None:
    result = pipeline_seed.search(question, 5)
    assert any(expected in h.text for h in result.hits), [h.text[:40] for h in result.hits]


def test_filters_keep_only_the_asked_year_and_kind(pipeline_seed: Pipeline) -> None:
    hits = pipeline_seed.search("养老服务补贴", 10, year=2021).hits
    assert hits and all(h.year == 2021 for h in hits)
    hits = pipeline_seed.search("养老服务补贴", 10, kind="规划").hits
    assert hits and all(h.kind == "规划" for h in hits)


def test_hybrid_beats_each_mode_alone_on_the_evaluation_set(pipeline_seed: Pipeline) -> None:
    cases = [c for c in load_eval_set(REPO / "eval" / "questions") if c.answerable]
    qrels = {c.id: {chunk: 1 for chunks in relevant_chunks(c, pipeline_seed).values() for chunk in chunks} for c in cases}
    scores = {}
    for mode in ("hybrid", "dense", "lexical"):
        run = {c.id: [h.chunk_id for h in pipeline_seed.search(c.question, 10, mode=mode).hits] for c in cases}
        scores[mode] = (mrr(qrels, run, 10), hit_rate(qrels, run, 5))
    assert scores["hybrid"][0] > max(scores["dense"][0], scores["lexical"][0]), scores
    assert scores["hybrid"][1] >= max(scores["dense"][1], scores["lexical"][1]), scores


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n ", "empty"), ("问" * 1001, "1001 characters"), ("高龄\x00津贴", "control character")],
)
def test_bad_questions_are_refused_with_the_reason(question: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_question(question)


def test_bad_filters_are_refused(pipeline_seed: Pipeline) -> None:
    with pytest.raises(InputError, match="kind='通知' is unknown"):
        pipeline_seed.search("低保", 5, kind="通知")
    with pytest.raises(InputError, match="k=0 is out of range"):
        pipeline_seed.search("低保", 0)


def _full_scan(pipeline: Pipeline, question: str, mode: str, year: int | None) -> list[tuple[str, float]]:
    """The fused ranking computed the way the retriever did before candidates: every chunk scored."""
    retriever, index = pipeline.retriever, pipeline.index
    understanding = retriever.understand(question, classify=mode != "lexical")
    rewritten = understanding.rewritten
    lexical = index.lexical.scores(retriever.tokenizer.tokenize(rewritten.expanded))
    n = len(index.chunks)
    if mode == "lexical":
        fused = lexical.astype(np.float64)
        allowed = lexical > 0
    else:
        vector = retriever._query_vector(rewritten.text)
        dense = np.asarray(index.embeddings, dtype=np.float32) @ vector
        similarities = np.asarray(index.sentence_embeddings, dtype=np.float32) @ vector
        best = np.full(n, -1.0, dtype=np.float32)
        np.maximum.at(best, index.sentence_spans[:, 0], similarities)
        best = np.where(best < -0.5, dense, best)

        def z(values: np.ndarray) -> np.ndarray:
            return (values - values.mean()) / values.std() if values.std() > 1e-9 else np.zeros_like(values)

        w = retriever.weights
        fused = w.passage * z(dense) + w.sentence * z(best) + (w.lexical * z(lexical) if mode == "hybrid" else 0)
        # a passage of a document of the year asked (那2021年呢？) is raised by YEAR_BONUS
        of_year = np.array([index.documents[c.doc_id].year in understanding.asked_years for c in index.chunks])
        fused = fused + YEAR_BONUS * of_year
        # and a passage of a document the question names by its number (0535号答复) by NAMED_BONUS
        numbers = [m.group(1) or m.group(2) for m in NAMED_NUMBER.finditer(understanding.text)]
        named = np.array([any((index.documents[c.doc_id].number or "").endswith(x) for x in numbers) for c in index.chunks])
        fused = fused + NAMED_BONUS * named
        allowed = np.ones(n, dtype=bool)
    if year is not None:
        allowed &= np.array([index.documents[c.doc_id].year == year for c in index.chunks])
    candidates = np.flatnonzero(allowed)
    order = candidates[np.argsort(-fused[candidates], kind="stable")][:10]
    return [(index.chunks[i].id, float(fused[i])) for i in order]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_candidates_rank_the_evaluation_questions_as_scoring_every_chunk_does(pipeline_seed: Pipeline, mode: str) -> None:
    """Oracle: top-K candidates per index give the full scan's top-10 and fused scores on the seed corpus."""
    cases = load_eval_set(REPO / "eval" / "questions")
    differences = []
    for case in cases:
        for year in (None, 2021) if case.id.endswith("1") else (None,):
            expected = _full_scan(pipeline_seed, case.question, mode, year)
            got = pipeline_seed.search(case.question, 10, mode=mode, year=year).hits  # type: ignore[arg-type]
            if [c for c, _ in expected] != [h.chunk_id for h in got] or not np.allclose(
                [s for _, s in expected], [h.score for h in got], atol=1e-4
            ):
                differences.append(case.id)
    assert differences == []


def test_a_reply_named_by_its_number_ranks_first(pipeline_seed: Pipeline) -> None:
    # a hotline agent looking up one reply: 第20210642号建议 is the reply on the 社工 measures, not 20210713
    result = pipeline_seed.search("查一下第20210642号建议答复：《若干措施》的4个配套文件印发了几个？", 3)
    assert result.hits[0].doc_id == "npc-2021-20210642", [h.doc_id for h in result.hits]
    assert pipeline_seed.search("0535号答复里适老化改造最多补多少？", 1).hits[0].doc_id == "cppcc-2024-20240535"
