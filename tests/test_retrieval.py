"""Retrieval over the real seed index with the real model: the right passage comes back first."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.evaluation import load_eval_set, relevant_chunks
from assistant.metrics import hit_rate, mrr
from assistant.pipeline import Pipeline
from assistant.retriever import validate_question

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
