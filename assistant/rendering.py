"""What pages show: answers cut into text and citation markers, highlighted passages, copy text.

Document and user text is never marked safe: answers are split into text and citation markers
here, passages into plain and highlighted parts, and the templates print each part escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2

from .answer import Answer, Citation
from .pipeline import Pipeline
from .retriever import SearchResult

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
HOTLINE = "12345 政务服务便民热线"  # said when no bureau number is configured
MARKER = re.compile(r"\[(\d{1,3})\]")
MAX_LEAD_NOTE = 40  # characters of a note (（按“…”理解）) allowed before the short first line
MODE_COOKIE = "minzheng_mode"  # "elder" for 长辈模式 (large type, details folded)
# The documents' kinds in words a citizen knows (提案答复 · 第20240535号 means little to them).
KIND_LABELS = {
    "提案答复": "政协提案的答复",
    "建议答复": "人大建议的答复",
    "规划": "规划",
    "工作总结": "工作总结",
    "其他": "其他文件",
}


def template_environment(**globals_: object) -> jinja2.Environment:
    """The pages' Jinja2 environment: autoescaped, strict, with the rendering helpers as globals."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        passage_url=passage_url,
        citation_for=citation_for,
        answer_segments=answer_segments,
        answer_lead=answer_lead,
        kind_label=kind_label,
        kind_labels=KIND_LABELS,
        tel_digits=tel_digits,
        copy_text=copy_text,
        split_markers=split_markers,
        group_facts=group_facts,
        shows_heading=shows_heading,
        **globals_,
    )
    return environment


@dataclass(frozen=True)
class Segment:
    """A piece of text shown on a page: plain, a citation marker, or a matched query word."""

    text: str
    citation: Citation | None = None
    marked: bool = False


@dataclass(frozen=True)
class Turn:
    """One question of the conversation with its answer, or the message saying why there is none."""

    question: str
    answer: Answer | None = None
    error: str = ""


@dataclass(frozen=True)
class FactGroup:
    """The key facts that share a label (适用对象: 失能、高龄), each with its citation."""

    label: str
    values: tuple[tuple[str, Citation | None], ...]


def _segments(text: str, found: Iterable[tuple[re.Match[str], Segment]]) -> list[Segment]:
    """Cut text into plain segments around the given matches, each replaced by its segment."""
    segments: list[Segment] = []
    position = 0
    for match, segment in found:
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        segments.append(segment)
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def split_markers(text: str, citations: Sequence[Citation]) -> list[Segment]:
    """Split text into plain parts and [n] markers that belong to one of the citations."""
    by_n = {citation.n: citation for citation in citations}
    # a bracketed number with no citation is the document's own text, not a marker
    found = (
        (match, Segment(match.group(0), citation=by_n[int(match.group(1))]))
        for match in MARKER.finditer(text)
        if int(match.group(1)) in by_n
    )
    return _segments(text, found)


def answer_segments(answer: Answer) -> list[Segment]:
    """The answer text as shown above the cards: conflict notes move into the conflicts card."""
    text = answer.answer
    for conflict in answer.conflicts:
        if conflict.note:
            text = text.replace(conflict.note, "")
    return split_markers(re.sub(r"\n{2,}", "\n", text).strip(), answer.citations)


def answer_lead(answer: Answer) -> tuple[list[Segment], list[Segment]]:
    """The short first line (read out, shown first in big type) and the rest of the answer text."""
    text = "".join(segment.text for segment in answer_segments(answer))
    lead = answer.summary.strip()
    at = text.find(lead) if lead else -1
    # the first line may follow a short note such as （按“高龄津贴”理解）, which goes with it
    if answer.status != "answered" or at < 0 or at > MAX_LEAD_NOTE:
        return [], split_markers(text, answer.citations)
    end = at + len(lead)
    return split_markers(text[:end], answer.citations), split_markers(text[end:].strip(), answer.citations)


def kind_label(kind: str) -> str:
    """A document kind in plain words."""
    return KIND_LABELS.get(kind, kind)


def tel_digits(phone: str) -> str:
    """The dialable part of a phone number, for a tel: link."""
    return re.sub(r"[^0-9+]", "", phone)


def group_facts(answer: Answer) -> list[FactGroup]:
    """The key facts grouped by label, in the order the labels first appear."""
    return [
        FactGroup(label, tuple((f.value, citation_for(answer, f.citation)) for f in facts))
        for label, facts in answer.facts_by_label().items()
    ]


def shows_heading(heading: str, text: str) -> bool:
    """Whether a passage's heading adds anything (chunks often start with their own heading)."""
    return bool(heading) and not text.lstrip().startswith(heading.split(" > ")[-1].strip())


def highlight(text: str, terms: Sequence[str]) -> list[Segment]:
    """Split text into plain parts and parts matching one of the terms (longest first)."""
    if not terms:
        return [Segment(text)]
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    return _segments(text, ((match, Segment(match.group(0), marked=True)) for match in pattern.finditer(text)))


def query_terms(pipeline: Pipeline, result: SearchResult) -> list[str]:
    """The words of the (rewritten) question worth highlighting in passages."""
    tokens = pipeline.retriever.tokenizer.tokenize(result.rewritten.expanded)
    # Single characters (补, 钱) matter for ranking but would light up half of every passage.
    terms = dict.fromkeys(token for token in tokens if len(token) >= 2)
    return sorted(terms, key=len, reverse=True)[:30]


def passage_url(doc_id: str, start: int | None = None, end: int | None = None) -> str:
    """The document page, opened at a passage when offsets are given."""
    url = f"/documents/{quote(doc_id, safe='')}"
    if start is not None and end is not None:
        url += "?" + urlencode({"start": start, "end": end}) + "#passage"
    return url


def citation_for(answer: Answer, n: int) -> Citation | None:
    """The citation behind marker [n], if the answer has one."""
    return next((citation for citation in answer.citations if citation.n == n), None)


def contact_line(phone: str = "") -> str:
    """Whom to call: the bureau's consultation number (when configured) and the 12345 hotline."""
    phone = phone.strip()
    return f"深圳市民政局咨询电话 {phone}，或 {HOTLINE}" if phone else HOTLINE


def copy_text(answer: Answer, contact: str = HOTLINE) -> str:
    """The answer as hotline staff read it out: the sentences, then the sources."""
    lines = [answer.answer.strip()]
    if answer.refused:
        lines.append(f"如需进一步咨询，请拨打{contact}。")
    if answer.citations:
        lines.append("")
        lines.append("出处：")
        for citation in answer.citations:
            details = "，".join(part for part in (citation.kind, citation.date) if part)
            lines.append(f"[{citation.n}] 《{citation.title}》（{details}）")
    return "\n".join(lines)


