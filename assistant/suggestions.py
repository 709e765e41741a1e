"""Suggested next questions: the topics next to the cited passages in their own documents.

A reply letter or plan is organised under numbered headings (一、… (二)… 3.…); the sections
just after and before a cited passage are what a reader of that letter would look at next, so
their headings, stripped of numbering and officialese, become the suggested questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .answer import Answer
from .chunking import Chunk

MAX_SUGGESTIONS = 3
NEIGHBOURS = (1, -1, 2, -2, 3)  # sections after a passage first: a letter goes on to what follows
NUMBERING = re.compile(
    r"^\s*(第[一二三四五六七八九十百零\d]+[章节条部分]|[一二三四五六七八九十]+[、.．]|"
    r"[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])\s*"
)
# headings that name a part of the letter, not a topic a citizen would ask about
GENERIC = re.compile(
    r"(基本情况|概况|主要(举措|措施|做法|工作|成效)|下一步|工作(成效|思路|计划|安排)|总体要求|"
    r"指导思想|基本原则|发展目标|保障措施|答复意见|有关建议|背景|现状|问题|形势|党的领导|组织领导|^其他)"
)
TRAILING = re.compile(r"(的)?(建议|提案|意见|答复|策略|工作)$")
MIN_CHARS, MAX_CHARS = 4, 15


def topic_of(heading: str) -> str:
    """The topic a heading names (试点时间银行制度 from "(二)… > 1.试点时间银行制度"), or ""."""
    last = heading.split(" > ")[-1]
    text = NUMBERING.sub("", last).strip().removeprefix("关于").strip("“”\"「」‘’ ：:")
    text = re.sub(r"[“”\"「」‘’]", "", TRAILING.sub("", text)).strip(" ，,")
    if GENERIC.search(text) or not MIN_CHARS <= len(text) <= MAX_CHARS:
        return ""
    return text


def suggest(chunks: Sequence[Chunk], answer: Answer, limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """Up to ``limit`` next questions drawn from the sections around the answer's sources."""
    # a refusal's related documents are only near the question, so nothing is suggested from them
    places = [(c.doc_id, c.start) for c in answer.citations]
    wanted = {doc_id for doc_id, _ in places}
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        if chunk.doc_id in wanted:
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
    seen = {topic_of(c.heading) for doc in by_doc.values() for c in doc if _holds(c, places)}
    # each source's neighbouring topics, nearest first
    rounds: list[list[str]] = []
    for doc_id, start in places:
        ordered = sorted(by_doc.get(doc_id, ()), key=lambda c: c.ordinal)
        here = next((i for i, c in enumerate(ordered) if c.start <= start < c.end), None)
        if here is None:
            continue
        near = [ordered[here + step] for step in NEIGHBOURS if 0 <= here + step < len(ordered)]
        rounds.append([topic_of(chunk.heading) for chunk in near])
    found: list[str] = []
    # one topic per source first, so the suggestions spread over the cited documents; then more
    for depth in range(2):
        for topics in rounds:
            taken = 0
            for topic in topics:
                if len(found) >= limit or taken > depth:
                    break
                if topic and topic not in seen and topic not in answer.question:
                    seen.add(topic)
                    found.append(f"{topic}有哪些具体做法？")
                    taken += 1
            if len(found) >= limit:
                return tuple(found)
    return tuple(found)


def _holds(chunk: Chunk, places: Sequence[tuple[str, int]]) -> bool:
    return any(chunk.doc_id == doc_id and chunk.start <= start < chunk.end for doc_id, start in places)
