"""Chunking that follows the documents' own structure.

Headings (第X章, 第X节, 一、, (一), 1.) start a new chunk and set the heading path; chunks
grow sentence by sentence (sentence ends 。！？；) up to a target size, so an amount or a
condition always stays with the sentence that explains it. A sentence longer than the
maximum is split at commas only. Every chunk is an exact span of its document's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .documents import Document

CN_NUM = "一二三四五六七八九十百零〇两"
HEADING_PATTERNS = (
    (1, re.compile(rf"^第[{CN_NUM}]+章")),
    (2, re.compile(rf"^第[{CN_NUM}]+节")),
    (3, re.compile(rf"^[{CN_NUM}]+、")),
    (4, re.compile(rf"^[(（][{CN_NUM}]+[)）]")),
    (5, re.compile(r"^\d{1,2}[.．、](?!\d)")),
)
LETTER_HEADING = re.compile(r"^\d+[.．、]\s*第\s*\d{6,}\s*号")
SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")
SOFT_BREAK = re.compile(r"[，,、：:]")
HEADING_MAX_CHARS = 60
HEADING_LABEL_CHARS = 40


@dataclass(frozen=True)
class ChunkingSettings:
    """Sizes in characters; ``target`` is where a chunk stops growing, ``maximum`` is never passed
    except by a single clause longer than it."""

    target: int = 320
    maximum: int = 600

    def __post_init__(self) -> None:
        if not 50 <= self.target <= self.maximum:
            raise ValueError(f"chunk sizes target={self.target}, maximum={self.maximum}: need 50 ≤ target ≤ maximum")


@dataclass(frozen=True)
class Chunk:
    """A passage of one document: ``text == document.text[start:end]``."""

    id: str
    doc_id: str
    ordinal: int
    text: str
    start: int
    end: int
    heading: str  # heading path, levels joined by " > "


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    heading_level: int  # 0 for body text
    path: tuple[str, ...]


def heading_level(line: str) -> int:
    """The structural level of a line that is a heading, or 0 for body text."""
    if LETTER_HEADING.match(line):
        return 0
    for level, pattern in HEADING_PATTERNS:
        # 第X章/第X节 are headings even when the page glued a paragraph onto them;
        # 一、(一) 1. only when the line is short and not a full sentence.
        if pattern.match(line) and (level <= 2 or (len(line) <= HEADING_MAX_CHARS and "。" not in line[:-1])):
            return level
    return 0


def heading_label(line: str) -> str:
    label = re.split(r"[。,，]", line, maxsplit=1)[0]
    return label[:HEADING_LABEL_CHARS].rstrip("：: ")


def sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of the sentences in ``text[start:end]``; trailing quotes stay with their sentence."""
    position = start
    for match in SENTENCE_END.finditer(text, start, end):
        yield position, match.end()
        position = match.end()
    if position < end:
        yield position, end


ADDRESS_LINE = re.compile(r"^(?:尊敬的)?[^，。；]{2,90}[:：]$")
MIN_SENTENCE_CHARS = 8


def passage_sentences(text: str, offset: int = 0) -> Iterator[tuple[str, int, int]]:
    """The sentences of a passage that can answer something, with offsets shifted by ``offset``.

    Headings, letter heads and salutations name a topic or a person; they are skipped.
    """
    position = 0
    for line in text.split("\n"):
        line_start = position
        position += len(line) + 1
        stripped = line.strip()
        if LETTER_HEADING.match(stripped) or ADDRESS_LINE.match(stripped):
            continue
        if heading_level(stripped) and len(stripped) <= HEADING_MAX_CHARS and not stripped.endswith("。"):
            continue
        for start, end in sentence_spans(text, line_start, line_start + len(line)):
            raw = text[start:end]
            sentence = raw.strip()
            if len(sentence) >= MIN_SENTENCE_CHARS:
                lead = len(raw) - len(raw.lstrip())
                yield sentence, offset + start + lead, offset + start + lead + len(sentence)


def _split_long(text: str, start: int, end: int, maximum: int) -> Iterator[tuple[int, int]]:
    """Split a span longer than ``maximum`` at commas, each piece as long as fits."""
    piece_start = start
    last_break = None
    for match in SOFT_BREAK.finditer(text, start, end):
        if match.end() - piece_start > maximum and last_break is not None:
            yield piece_start, last_break
            piece_start = last_break
        last_break = match.end()
    if end - piece_start > maximum and last_break is not None and last_break > piece_start:
        yield piece_start, last_break
        piece_start = last_break
    yield piece_start, end


def _units(document: Document, settings: ChunkingSettings) -> Iterator[_Unit]:
    text = document.text
    path: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if not line.strip():
            continue
        level = heading_level(line)
        if level:
            path = [(lvl, label) for lvl, label in path if lvl < level]
            path.append((level, heading_label(line)))
            if len(line) <= HEADING_MAX_CHARS:
                yield _Unit(line_start, line_end, level, tuple(label for _, label in path))
                continue
        labels = tuple(label for _, label in path)
        for s_start, s_end in sentence_spans(text, line_start, line_end):
            if s_end - s_start > settings.maximum:
                for p_start, p_end in _split_long(text, s_start, s_end, settings.maximum):
                    yield _Unit(p_start, p_end, 0, labels)
            else:
                yield _Unit(s_start, s_end, 0, labels)


def chunk_document(document: Document, settings: ChunkingSettings | None = None) -> list[Chunk]:
    """Cut a document into chunks that follow its headings and sentences."""
    settings = settings or ChunkingSettings()
    chunks: list[Chunk] = []
    group: list[_Unit] = []

    def flush() -> None:
        if not group:
            return
        start, end = group[0].start, group[-1].end
        body = [u for u in group if not u.heading_level]
        path = (body[0] if body else group[-1]).path
        chunks.append(
            Chunk(
                id=f"{document.id}#{len(chunks)}",
                doc_id=document.id,
                ordinal=len(chunks),
                text=document.text[start:end],
                start=start,
                end=end,
                heading=" > ".join(path),
            )
        )
        group.clear()

    for unit in _units(document, settings):
        has_body = any(not u.heading_level for u in group)
        if unit.heading_level and has_body:
            flush()
        elif not unit.heading_level and has_body:
            size = unit.end - group[0].start
            joined_to_previous = document.text[group[-1].start:group[-1].end].rstrip().endswith(("：", ":"))
            same_section = unit.path == group[-1].path
            if size > settings.maximum or (
                not joined_to_previous and (size > settings.target or not same_section)
            ):
                flush()
        group.append(unit)
    flush()
    return chunks


def chunk_documents(documents: list[Document], settings: ChunkingSettings | None = None) -> list[Chunk]:
    """Chunk every document, in document order."""
    return [chunk for document in documents for chunk in chunk_document(document, settings)]
