"""The composer answers from the documents' own sentences, cites them, and refuses honestly."""

from __future__ import annotations

import re

import pytest

from assistant.answer import Answer
from assistant.composer import Composer, intents
from assistant.pipeline import Pipeline
from assistant.retriever import SearchResult
from assistant.vocabulary import RewrittenQuery


def _assert_verbatim_and_cited(answer: Answer, pipeline: Pipeline) -> None:
    for citation in answer.citations:
        document = pipeline.documents[citation.doc_id]
        assert document.text[citation.start : citation.end] == citation.text
        assert citation.title == document.title and citation.date == document.date
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers <= {c.n for c in answer.citations}
    for fact in answer.facts:
        cited = next(c for c in answer.citations if c.n == fact.citation)
        assert fact.value in cited.text


def test_home_adaptation_answer_gives_amounts_and_notes_the_differing_caps(pipeline_seed: Pipeline) -> None:
    answer = pipeline_seed.ask("我家老人做适老化改造最多能补多少？")
    assert not answer.refused, answer.reason
    assert re.search(r"\d+(?:\.\d+)?万元", answer.answer)
    assert any(f.label.startswith("金额") for f in answer.facts)
    assert answer.conflicts, "documents of different dates state different caps"
    values = answer.conflicts[0].values
    assert len({v.value for v in values}) >= 2
    assert [v.date for v in values] == sorted((v.date for v in values), reverse=True)
    assert "不一致" in answer.conflicts[0].note
    _assert_verbatim_and_cited(answer, pipeline_seed)


def test_second_child_allowance_is_refused_with_related_documents(pipeline_seed: Pipeline) -> None:
    answer = pipeline_seed.ask("深圳生二胎每个月有育儿补贴吗？")
    assert answer.refused
    assert answer.related and "12345" in answer.answer
    assert not answer.facts


def test_a_question_about_another_city_is_refused(pipeline_seed: Pipeline) -> None:
    answer = pipeline_seed.ask("广州的高龄津贴是多少钱一个月？")
    assert answer.refused and "没有广州的相关规定" in answer.answer


def test_caregiver_answer_is_short_verbatim_and_cited(pipeline_seed: Pipeline) -> None:
    answer = pipeline_seed.ask("养老护理员每个月能领多少岗位补贴？")
    assert not answer.refused
    assert "每人每月最高800元" in answer.answer
    assert len(answer.answer) <= 400
    _assert_verbatim_and_cited(answer, pipeline_seed)


def test_an_empty_result_is_an_honest_refusal() -> None:
    result = SearchResult("问题", RewrittenQuery("问题", "问题"), hits=())
    answer = Composer().compose(result)
    assert answer.refused and answer.citations == () and "没有" in answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("养老护理员每个月能领多少岗位补贴", "amount"),
        ("全市有多少家养老机构", "count"),
        ("颐年卡怎么申请", "procedure"),
        ("非深户籍老人能不能享受敬老优待", "eligibility"),
        ("老龄委是哪一年成立的", "time"),
        ("多大年纪才能办颐年卡", "age"),
    ],
)
def test_intents(question: str, expected: str) -> None:
    assert expected in intents(question)


def test_everyday_words_do_not_make_a_colloquial_question_refused(pipeline_seed: Pipeline) -> None:
    answer = pipeline_seed.ask("多大年纪才能办以年卡?")  # 年纪, 才能: never in the documents, but everyday words
    assert not answer.refused, answer.reason
    assert "60周岁" in answer.answer


def test_a_specific_word_the_documents_never_use_leads_to_refusal(pipeline_seed: Pipeline) -> None:
    answer = pipeline_seed.ask("我妈的颐年卡弄丢了,去哪里挂失补办?")  # 挂失/补办: not in the documents
    assert answer.refused, answer.answer
