"""Suggested next questions come from the headings around the cited passages."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Citation
from assistant.chunking import Chunk
from assistant.suggestions import suggest, topic_of


@pytest.mark.parametrize(
    ("heading", "topic"),
    [
        ("一、我市加强养老服务队伍建设 > (二)推动服务资源整合 > 1.试点时间银行制度", "试点时间银行制度"),
        ("四、关于“加强养老服务人员队伍建设", "加强养老服务人员队伍建设"),
        ("一、关于创新社会组织发展理念的建议", "创新社会组织发展理念"),
        ("二、主要举措", ""),
        ("三、下一步工作思路", ""),
        ("一、基本情况", ""),
        ("", ""),
        ("第三章 构建老有颐养的养老服务体系 > 第二节 构建便捷高效的养老服务网络", "构建便捷高效的养老服务网络"),
    ],
)
def test_a_heading_names_a_topic_without_numbering_or_officialese(heading: str, topic: str) -> None:
    assert topic_of(heading) == topic


def _chunk(doc_id: str, ordinal: int, heading: str) -> Chunk:
    start = ordinal * 100
    return Chunk(f"{doc_id}-{ordinal}", doc_id, ordinal, "x" * 100, start, start + 100, heading)


def _cited(doc_id: str, start: int, question: str = "高龄津贴怎么领？") -> Answer:
    citation = Citation(1, doc_id, "标题", "建议答复", "", "2021-06-01", "", "句子", start, start + 10)
    return Answer(question=question, answer="句子[1]", refused=False, citations=(citation,))


def test_the_sections_next_to_each_cited_passage_become_questions() -> None:
    chunks = [
        _chunk("a", 0, "一、基本情况"),
        _chunk("a", 1, "二、主要措施 > (一)优化高龄津贴办理流程"),
        _chunk("a", 2, "二、主要措施 > (二)推进颐年卡线上办理"),
        _chunk("a", 3, "三、下一步工作计划"),
        _chunk("b", 0, "一、关于完善居家养老服务的建议"),
    ]

    found = suggest(chunks, _cited("a", 150))

    assert found == ("推进颐年卡线上办理有哪些具体做法？",)


def test_nothing_is_suggested_without_citations_or_neighbours() -> None:
    lonely = [_chunk("a", 0, "一、关于完善居家养老服务的建议")]
    refused = Answer(question="火星移民？", answer="", refused=True, status="refused")

    assert suggest(lonely, _cited("a", 50)) == ()
    assert suggest(lonely, refused) == ()


def test_a_topic_the_question_already_names_is_not_suggested() -> None:
    chunks = [_chunk("a", 0, "(一)推进颐年卡线上办理"), _chunk("a", 1, "(二)优化高龄津贴办理流程")]

    assert suggest(chunks, _cited("a", 50, question="优化高龄津贴办理流程是什么")) == ()


def test_one_source_gives_more_than_one_suggestion_when_it_is_the_only_one() -> None:
    chunks = [
        _chunk("a", 0, "(一)推进颐年卡线上办理"),
        _chunk("a", 1, "(二)优化高龄津贴办理流程"),
        _chunk("a", 2, "(三)扩大老年人优待范围"),
        _chunk("a", 3, "(四)建设长者饭堂"),
    ]

    found = suggest(chunks, _cited("a", 150))

    assert found == (
        "扩大老年人优待范围有哪些具体做法？",
        "推进颐年卡线上办理有哪些具体做法？",
        "建设长者饭堂有哪些具体做法？",
    )
