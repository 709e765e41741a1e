"""The answer: what the composer returns, built from documents' own sentences and citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

STATUSES = ("answered", "partial", "refused")


@dataclass(frozen=True)
class Citation:
    """A cited sentence (or passage) of a document; ``n`` is the marker [n] in the answer."""

    n: int
    doc_id: str
    title: str
    kind: str
    number: str
    date: str
    heading: str
    text: str  # the cited sentence(s), verbatim
    start: int  # offsets of ``text`` in the document
    end: int
    passage: str = ""  # the whole retrieved passage the sentence came from


@dataclass(frozen=True)
class Fact:
    """A key fact for subsidy and eligibility questions, e.g. 金额: 每户最高2万元 [2]."""

    label: str  # 金额 / 年龄 / 户籍 / 对象 / 申请方式 / 时间
    value: str  # as written in the document
    citation: int  # the n of the citation holding it


@dataclass(frozen=True)
class ConflictValue:
    value: str
    date: str
    title: str
    citation: int


@dataclass(frozen=True)
class Conflict:
    """Documents of different dates state different figures for the same thing."""

    topic: str
    values: tuple[ConflictValue, ...]  # newest first
    note: str


@dataclass(frozen=True)
class Related:
    """A nearby passage shown when the answer is refused or as further reading."""

    doc_id: str
    title: str
    kind: str
    date: str
    heading: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    refused: bool  # true unless the status is "answered"
    status: str = "answered"  # answered / partial (close, but not what was asked) / refused
    summary: str = ""  # the short first line to read out, made of the cited sentences' own clauses
    citations: tuple[Citation, ...] = ()
    facts: tuple[Fact, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    related: tuple[Related, ...] = ()
    reason: str = ""  # why it was refused, for maintainers
    confidence: float = 0.0  # the fitted probability that the answer holds its evidence
    understood_as: str = ""  # a follow-up's topic taken from the earlier turns (按“高龄津贴”理解)
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, meant) spelling corrections
    act: str = "question"  # or complaint / suggestion / personal_case / small_talk / topic (a follow-up without one)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status={self.status!r} is unknown; use one of {', '.join(STATUSES)}")
        if self.refused != (self.status != "answered"):
            raise ValueError(f"refused={self.refused} contradicts status={self.status!r}")

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("timings_ms")
        return data

    def facts_by_label(self) -> dict[str, list[Fact]]:
        """The key facts grouped by label, labels in order of first appearance, repeats dropped."""
        groups: dict[str, list[Fact]] = {}
        for fact in self.facts:
            group = groups.setdefault(fact.label, [])
            if all((f.value, f.citation) != (fact.value, fact.citation) for f in group):
                group.append(fact)
        return groups
