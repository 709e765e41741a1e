"""Evaluation-case drafts from feedback and unanswered questions, as lines of ``eval/questions/*.jsonl``.

A draft loads with :func:`assistant.evaluation.load_eval_set`; ``"draft": true`` and the
extra fields (rating, comment, the answer that was given, the closest documents) tell the
reviewer what to check before moving it into an evaluation set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TextIO

from .documents import Document
from .evaluation import TYPES
from .feedback import FeedbackRecord
from .unanswered import TopicGroup, redact

MARKERS = re.compile(r"\s*\[\d{1,3}\]")
SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")
# the understanding's kinds of question that the evaluation sets name differently
TYPE_OF_ASKED = {
    "rate": "subsidy", "amount": "subsidy", "minimum": "subsidy", "exact": "subsidy", "reimburse": "subsidy",
    "time": "date", "days": "date", "age": "eligibility", "ordinal": "fact",
}
PERSONA_OF_CHANNEL = {"staff": "hotline", "chat": "citizen", "api": "citizen"}


def case_type(asked: str) -> str:
    found = TYPE_OF_ASKED.get(asked, asked)
    return found if found in TYPES else "other"


def quotes_in(answer: str, document: Document) -> list[str]:
    """The answer's sentences (citation markers removed) that the document holds verbatim."""
    sentences = [s.strip(" \n。；;") for s in SENTENCE_END.split(MARKERS.sub("", answer))]
    return [s for s in sentences if len(s) >= 6 and s in document.text]


def feedback_case(record: FeedbackRecord, documents: Mapping[str, Document]) -> dict[str, object]:
    """A rated answer as a draft: 👍 as an answered case with its cited quotes, 👎 to be reviewed.

    Personal data in the question and the comment is masked: drafts end up in the repository.
    """
    evidence = []
    if record.rating > 0:
        for doc_id in record.citations:
            if doc_id in documents:
                quotes = quotes_in(record.answer, documents[doc_id])
                evidence.append({"doc_id": doc_id, "quote": quotes[0] if quotes else ""})
    helpful = record.rating > 0 and bool(evidence)
    return {
        "id": f"feedback-{record.id}",
        "question": redact(record.question),
        "persona": "citizen",
        "type": "other",
        "style": "",
        "evidence": evidence if helpful else [],
        "answer": record.answer if helpful else "",
        "answerable": helpful,
        "expected": "answered" if helpful else "refused",
        "category": "answerable" if helpful else "review",
        "draft": True,
        "rating": record.rating,
        "comment": redact(record.comment),
        "given_answer": record.answer,
        "cited_doc_ids": list(record.citations),
        "created_at": record.created_at,
    }


def unanswered_cases(topic: TopicGroup) -> list[dict[str, object]]:
    """One draft per distinct question of a topic: unanswerable today, with the documents nearest."""
    cases = []
    for question, count in topic.questions:
        first = next(e for e in topic.entries if e.question == question)
        cases.append(
            {
                "id": f"unanswered-{first.id}",
                "question": question,
                "persona": PERSONA_OF_CHANNEL.get(first.channel, "citizen"),
                "type": case_type(first.asked),
                "style": "",
                "evidence": [],
                "answer": "",
                "answerable": False,
                "expected": first.status,
                "category": "not_stated",
                "draft": True,
                "topic": topic.key,
                "asked_times": count,
                "closest_doc_ids": [document.doc_id for document, _ in topic.closest],
                "reason": first.reason,
                "created_at": first.created_at,
            }
        )
    return cases


def write_cases(cases: Iterable[Mapping[str, object]], stream: TextIO) -> int:
    """Write cases as JSON lines; return how many."""
    count = 0
    for case in cases:
        stream.write(json.dumps(case, ensure_ascii=False) + "\n")
        count += 1
    return count
