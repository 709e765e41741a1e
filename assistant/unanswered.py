"""The questions the documents could not answer: the list of what to add to the corpus next.

Every refused or partial answer is logged in the feedback SQLite file (its own table) with the
question's topic words and the closest documents, but without personal data: phone, ID, card
and house numbers, e-mail addresses and names are masked before anything is stored, no client
address or hash is kept, and the time is kept to the hour. The admin page groups the log by
topic: the word most of the questions share, preferring words the documents never use.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from .answer import Answer
from .feedback import SqliteFile, date_range, text_match
from .retriever import SearchResult

CHANNELS = ("chat", "staff", "api")
MAX_CLOSEST = 3
MAX_EXAMPLES = 5
KEY_WORDS = 3
NO_TOPIC = "（无主题词）"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('refused', 'partial')),
    reason TEXT NOT NULL DEFAULT '',
    act TEXT NOT NULL DEFAULT 'question',
    asked TEXT NOT NULL DEFAULT 'other',
    topic TEXT NOT NULL DEFAULT '[]',
    unknown TEXT NOT NULL DEFAULT '[]',
    topic_key TEXT NOT NULL,
    closest TEXT NOT NULL DEFAULT '[]',
    channel TEXT NOT NULL DEFAULT '',
    understood_as TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS unanswered_created_at ON unanswered (created_at);
CREATE INDEX IF NOT EXISTS unanswered_topic_key ON unanswered (topic_key);
"""

_CJK = r"[\u4e00-\u9fff]"
_HONORIFICS = "先生|女士|小姐|阿姨|叔叔|大爷|大妈|奶奶|爷爷|伯伯|阿伯|阿婆|老伯|老师|师傅|同志|大姐|大哥"
_KIN = "我妈|我爸|我母亲|我父亲|我奶奶|我爷爷|我外婆|我外公|我婆婆|我公公|我老公|我老婆|我丈夫|我妻子|我儿子|我女儿|老人|母亲|父亲|本人|患者|申请人"
_PERSON_WORD = re.compile(rf"(?:{_HONORIFICS}|{_KIN}|某)+")
_NAME_END = r"(?=[是今在已有的，,。、；;\s\d（(]|今年|$)"


@cache
def _surnames() -> str:
    text = resources.files("assistant.data").joinpath("surnames.txt").read_text(encoding="utf-8")
    names = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return "|".join(sorted(names, key=len, reverse=True))


@cache
def _masks() -> tuple[tuple[re.Pattern[str], str], ...]:
    surname = f"(?:{_surnames()})"
    return (
        (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
        # ID card (18 or 15 digits), bank card (16-19): any long run of digits
        (re.compile(r"(?<!\d)\d{14,18}[\dXx](?!\d)"), "[证件号]"),
        (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"), "[电话]"),
        (re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)"), "[电话]"),
        (re.compile(r"((?:电话|手机|号码|联系|拨打|打)[^\d]{0,4})\d{7,8}(?!\d)"), r"\1[电话]"),
        # house numbers, not proposal numbers (第20210571号)
        (re.compile(r"(?<![第\d])\d{1,5}(?:号楼|栋|座|单元|室|房|层|号)(?!提案|建议|令|文)"), "[门牌]"),
        (re.compile(r"\[门牌\](?:\[门牌\]|\d{1,5}(?:号楼|栋|座|单元|室|房|层)?)+"), "[门牌]"),
        (re.compile(rf"((?:我叫|我名叫|名字叫|名字是|姓名[是:：]?|联系人[:：]?)\s*){_CJK}{{2,4}}"), r"\1[姓名]"),
        (re.compile(rf"{surname}({_HONORIFICS})"), r"某\1"),
        (re.compile(rf"((?:{_KIN})\s*){surname}{_CJK}{{1,2}}{_NAME_END}"), r"\1[姓名]"),
    )


def redact(text: str) -> str:
    """The text with phone, ID, card and house numbers, e-mail addresses and names masked."""
    for pattern, replacement in _masks():
        text = pattern.sub(replacement, text)
    return text


def key_words(topic: tuple[str, ...], unknown: tuple[str, ...]) -> tuple[str, ...]:
    """A question's most specific words: those the documents never use first, then its topic
    words (rarest first), without words inside another (高龄 of 高龄津贴), at most three."""
    ranked = (*unknown, *(w for w in topic if w not in unknown))
    return tuple(w for w in ranked if not any(w != other and w in other for other in ranked))[:KEY_WORDS]


@dataclass(frozen=True)
class Closest:
    """A document near an unanswered question: where an answer would have come from."""

    doc_id: str
    title: str
    score: float = 0.0


@dataclass(frozen=True)
class UnansweredQuestion:
    """One refused or partial answer, as logged (the question already masked)."""

    question: str
    status: str  # refused / partial
    reason: str = ""
    act: str = "question"  # question / complaint / suggestion / personal_case / small_talk
    asked: str = "other"  # the kind of answer asked for (amount, date, materials…)
    topic: tuple[str, ...] = ()  # the question's topic words, rarest in the documents first
    unknown: tuple[str, ...] = ()  # words the documents never use
    closest: tuple[Closest, ...] = ()
    channel: str = ""  # chat / staff / api
    understood_as: str = ""  # a follow-up's inherited topic
    created_at: str = ""  # ISO 8601 UTC, to the hour
    id: int = 0

    @property
    def words(self) -> tuple[str, ...]:
        return key_words(self.topic, self.unknown)

    @classmethod
    def from_answer(cls, answer: Answer, result: SearchResult, channel: str) -> UnansweredQuestion:
        """The log entry for an answer that was not given in full, personal data masked."""
        understanding = result.understanding
        topic: tuple[str, ...] = ()
        unknown: tuple[str, ...] = ()
        if understanding is not None:
            # Words are kept only where the masked question still shows them (no 我妈王, 秀英),
            # and places do not make a topic (高龄津贴 in 福田 and in 南山 is one gap).
            masked = redact(understanding.text)
            for place in understanding.places:
                masked = masked.replace(place.name, "")
            weight = dict(zip(understanding.topic, understanding.weights, strict=False))
            topic = tuple(sorted(_shown(understanding.topic, masked), key=lambda w: -weight.get(w, 0.0)))
            unknown = _shown(understanding.unknown_words, masked)
        closest: dict[str, Closest] = {}
        for hit in result.hits:
            if hit.doc_id not in closest:
                closest[hit.doc_id] = Closest(hit.doc_id, hit.title, round(float(hit.score), 4))
        return cls(
            question=redact(answer.question),
            status=answer.status,
            reason=answer.reason,
            act=answer.act,
            asked=understanding.asked if understanding else "other",
            topic=topic,
            unknown=unknown,
            closest=tuple(closest.values())[:MAX_CLOSEST],
            channel=channel,
            understood_as=redact(answer.understood_as),
        )


def _shown(words: tuple[str, ...], masked: str) -> tuple[str, ...]:
    return tuple(w for w in words if w in masked and not _PERSON_WORD.fullmatch(w))


@dataclass(frozen=True)
class TopicGroup:
    """Unanswered questions on one topic, with how often they came and the documents nearest."""

    key: str
    count: int
    refused: int
    partial: int
    first: str
    last: str
    questions: tuple[tuple[str, int], ...]  # distinct questions, most asked first
    closest: tuple[tuple[Closest, int], ...]  # documents, most often nearest first
    related: tuple[str, ...] = ()  # other words of its questions, most frequent first
    entries: tuple[UnansweredQuestion, ...] = field(default=(), repr=False)


def group(entries: list[UnansweredQuestion]) -> list[TopicGroup]:
    """Entries grouped by topic, the most asked topic first.

    The word most questions share becomes a topic and takes them (护照 takes 护照丢了怎么补办
    and 护照过期了怎么办), then the next among the rest; ties go to the longer word (长者饭堂
    before 每餐: compounds name programmes), then to the one more often a question's first.
    """
    rest = sorted(entries, key=lambda e: e.id)
    groups = []
    while rest:
        counts = Counter(w for e in rest for w in set(e.words))
        leading = Counter(e.words[0] for e in rest if e.words)
        if not counts:
            groups.append(_topic(NO_TOPIC, rest))
            break
        word = max(counts, key=lambda w: (counts[w], len(w), leading[w]))
        groups.append(_topic(word, [e for e in rest if word in e.words]))
        rest = [e for e in rest if word not in e.words]
    groups.sort(key=lambda g: g.last, reverse=True)
    return sorted(groups, key=lambda g: g.count, reverse=True)  # stable: newest first among equals


def _topic(key: str, members: list[UnansweredQuestion]) -> TopicGroup:
    questions = Counter(m.question for m in members)
    related = Counter(w for m in members for w in m.words if w != key)
    near: Counter[str] = Counter()
    documents: dict[str, Closest] = {}
    for member in members:
        for document in member.closest:
            near[document.doc_id] += 1
            documents.setdefault(document.doc_id, document)
    dates = sorted(m.created_at for m in members)
    return TopicGroup(
        key=key,
        count=len(members),
        refused=sum(m.status == "refused" for m in members),
        partial=sum(m.status == "partial" for m in members),
        first=dates[0],
        last=dates[-1],
        questions=tuple(questions.most_common(MAX_EXAMPLES)),
        closest=tuple((documents[d], n) for d, n in near.most_common(MAX_CLOSEST)),
        related=tuple(w for w, _ in related.most_common(KEY_WORDS)),
        entries=tuple(members),
    )


class UnansweredStore:
    """The log of unanswered questions, a table of the feedback SQLite file."""

    def __init__(self, path: Path) -> None:
        self._file = SqliteFile(path, _SCHEMA)

    def add(self, entry: UnansweredQuestion) -> int:
        """Store an entry (masking its question once more) and return its id."""
        created_at = entry.created_at or datetime.now(UTC).replace(minute=0, second=0, microsecond=0).isoformat()
        closest = [{"doc_id": c.doc_id, "title": c.title, "score": c.score} for c in entry.closest]
        with self._file.connect() as connection:
            cursor = connection.execute(
                "INSERT INTO unanswered (created_at, question, status, reason, act, asked, topic, unknown,"
                " topic_key, closest, channel, understood_as) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created_at,
                    redact(entry.question),
                    entry.status,
                    entry.reason,
                    entry.act,
                    entry.asked,
                    json.dumps(list(entry.topic), ensure_ascii=False),
                    json.dumps(list(entry.unknown), ensure_ascii=False),
                    "、".join(entry.words),
                    json.dumps(closest, ensure_ascii=False),
                    entry.channel,
                    redact(entry.understood_as),
                ),
            )
            return int(cursor.lastrowid or 0)

    def entries(
        self, *, text: str = "", since: str = "", until: str = "", questions_only: bool = True
    ) -> list[UnansweredQuestion]:
        """Entries holding ``text``, between two ISO dates (both included), oldest first.

        ``questions_only`` leaves out small talk, complaints, suggestions and personal cases:
        they are not gaps in the documents (a follow-up without a topic, act "topic", stays).
        """
        where, values = text_match(("question", "topic_key"), text)
        dates, date_values = date_range(since, until)
        where += dates
        values += date_values
        if questions_only:
            where.append("act IN ('question', 'topic')")
        query = (
            "SELECT id, created_at, question, status, reason, act, asked, topic, unknown, closest, channel,"
            f" understood_as FROM unanswered WHERE {' AND '.join(where) or '1'} ORDER BY id"
        )
        with self._file.connect() as connection:
            rows = connection.execute(query, values).fetchall()
        return [
            UnansweredQuestion(
                id=row_id,
                created_at=created_at,
                question=question,
                status=status,
                reason=reason,
                act=act,
                asked=asked,
                topic=tuple(json.loads(topic)),
                unknown=tuple(json.loads(unknown)),
                closest=tuple(Closest(**c) for c in json.loads(closest)),
                channel=channel,
                understood_as=understood_as,
            )
            for row_id, created_at, question, status, reason, act, asked, topic, unknown, closest, channel,
            understood_as in rows
        ]

    def groups(
        self, *, text: str = "", since: str = "", until: str = "", questions_only: bool = True, key: str = ""
    ) -> list[TopicGroup]:
        """The entries (filtered as by :meth:`entries`) grouped by topic, most asked first;
        only the topic ``key`` when one is given."""
        found = group(self.entries(text=text, since=since, until=until, questions_only=questions_only))
        return [g for g in found if g.key == key] if key else found
