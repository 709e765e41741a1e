"""Chunking follows headings and sentences and keeps exact offsets into the document."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.chunking import ChunkingSettings, chunk_document, heading_level
from assistant.documents import Document, load_documents

REPO = Path(__file__).resolve().parents[1]
SENTENCE_ENDS = "。！？；!?;"

pieces = st.sampled_from(
    ["第一章 总则", "第二节 养老服务", "一、基本情况", "(一)补贴标准", "1.入职补贴", "\n", "\n\n", "。", "；", "，",
     "每人每月最高800元", "70周岁以上户籍老年人", "高龄老人津贴", "按规定申领", "“i深圳”", " ", "abc", "2024年"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=120), st.integers(min_value=50, max_value=300))
def test_chunks_are_exact_ordered_spans_that_cover_the_text(parts, target):
    text = "".join(parts)
    document = Document(id="doc", kind="其他", title="t", text=text)
    chunks = chunk_document(document, ChunkingSettings(target=target, maximum=target * 2))
    position = 0
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.start >= position, "chunks overlap or go backwards"
        assert not text[position : chunk.start].strip(), "text between chunks was lost"
        position = chunk.end
    assert not text[position:].strip()


def _seed_chunks():
    return [(d, chunk_document(d)) for d in load_documents(REPO / "documents")]


def test_seed_chunks_end_at_sentence_or_line_ends_so_amounts_stay_with_their_sentence():
    settings_ = ChunkingSettings()
    for document, chunks in _seed_chunks():
        for chunk in chunks:
            after = document.text[chunk.end : chunk.end + 1]
            last = chunk.text.rstrip()[-1]
            # a chunk ends at a sentence end, a line end, or (a single over-long clause) a comma
            assert last in SENTENCE_ENDS + "”」』)）" or after in ("\n", "") or len(chunk.text) > settings_.target, (
                document.id,
                chunk.text[-30:],
            )


def test_no_seed_chunk_splits_an_amount_from_its_sentence():
    for document, chunks in _seed_chunks():
        for chunk in chunks[1:]:
            head = chunk.text[:12]
            # a chunk never starts in the middle of "每人每月最高800元…": the previous char ends a sentence or line
            before = document.text[chunk.start - 1]
            assert before in SENTENCE_ENDS + "\n”」』)），,", (document.id, head)


def test_chunks_keep_their_heading_path():
    plan = next(d for d in load_documents(REPO / "documents") if d.kind == "规划")
    chunks = chunk_document(plan)
    target = next(c for c in chunks if "失智照护床位不低于1000张" in c.text)
    assert target.heading.startswith("第三章 构建老有颐养的养老服务体系 > 第三节")


def test_heading_levels():
    assert heading_level("第三章 构建老有颐养的养老服务体系") == 1
    assert heading_level("第二节 构建便捷高效的养老服务网络") == 2
    assert heading_level("一、高龄老人津贴发放情况") == 3
    assert heading_level("(一)低保边缘家庭") == 4
    assert heading_level("1.入职补贴") == 4 or heading_level("1.入职补贴") == 5
    assert heading_level("我市为70周岁以上户籍老年人发放高龄老人津贴。") == 0
    assert heading_level("1.第20230001号提案的答复函") == 0
