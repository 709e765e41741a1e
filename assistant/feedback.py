"""Feedback on answers: a SQLite file of 👍/👎 ratings that exports as evaluation-case drafts.

The store opens a short-lived connection per call, so the web app's worker threads can share
one ``FeedbackStore``; WAL mode lets the export read while the app writes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from .documents import is_valid_doc_id
from .errors import InputError

MAX_TEXT_CHARS = 10_000  # question or answer
MAX_COMMENT_CHARS = 2_000
MAX_CITATIONS = 50
FIELD_NAMES = {"question": "问题", "answer": "回答", "comment": "补充意见"}
RATINGS = (1, -1)
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0  # how long a statement waits for another process's lock
SETUP_RETRY_S = 0.05

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (1, -1)),
    comment TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    client_hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS feedback_created_at ON feedback (created_at);
"""


def date_range(since: str, until: str, column: str = "created_at") -> tuple[list[str], list[object]]:
    """SQL conditions for ``column`` (ISO 8601 text) between two ISO dates, both included.

    Raises:
        InputError: a date is not yyyy-mm-dd.
    """
    where: list[str] = []
    values: list[object] = []
    for name, value, operator in (("since", since, ">="), ("until", until, "<")):
        if not value.strip():
            continue
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise InputError(f"{name}={value!r} is not a date; use yyyy-mm-dd, e.g. 2026-01-31") from exc
        if operator == "<":
            day += timedelta(days=1)
        where.append(f"{column} {operator} ?")
        values.append(day.isoformat())
    return where, values


def text_match(columns: tuple[str, ...], text: str) -> tuple[list[str], list[object]]:
    """An SQL condition: one of the columns holds ``text`` (as typed: % and _ match themselves)."""
    if not text.strip():
        return [], []
    pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return ["(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")"], [pattern] * len(columns)


def hash_client(address: str, salt: str) -> str:
    """A short salted hash of a client address: enough to spot one client flooding, not to find them."""
    return hashlib.sha256(f"{salt}\0{address}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class FeedbackRecord:
    """One rating of one answer; ``citations`` are the ids of the documents the answer cited."""

    question: str
    answer: str
    rating: int  # +1 helpful, -1 not helpful
    comment: str = ""
    citations: tuple[str, ...] = field(default_factory=tuple)
    client_hash: str = ""
    created_at: str = ""  # ISO 8601 UTC; the store fills it in when empty
    id: int = 0  # the store's row id, 0 before it is stored

    def __post_init__(self) -> None:
        if self.rating not in RATINGS or isinstance(self.rating, bool):
            raise InputError(
                f"rating={self.rating!r} is not allowed; use 1 (helpful) or -1 (not helpful)",
                code="rating_invalid",
                chinese="请选择“有帮助”或“没帮助”。",
            )
        if not self.question.strip():
            raise InputError(
                "feedback needs the question that was asked",
                code="feedback_question_missing",
                chinese="反馈需要带上当时问的问题。",
            )
        for name, value, limit in (
            ("question", self.question, MAX_TEXT_CHARS),
            ("answer", self.answer, MAX_TEXT_CHARS),
            ("comment", self.comment, MAX_COMMENT_CHARS),
        ):
            if len(value) > limit:
                raise InputError(
                    f"the {name} is {len(value)} characters long; keep it under {limit}",
                    code=f"{name}_too_long",
                    chinese=f"{FIELD_NAMES[name]}太长了：共 {len(value)} 个字，最多 {limit} 个字。",
                )
        if len(self.citations) > MAX_CITATIONS:
            raise InputError(
                f"{len(self.citations)} citations given; at most {MAX_CITATIONS} are kept"
            )
        bad = [doc_id for doc_id in self.citations if not is_valid_doc_id(doc_id)]
        if bad:
            raise InputError(f"citation {bad[0]!r} is not a document id")

    def to_case(self) -> dict[str, object]:
        """The record as an evaluation-case draft (one JSON line of an export)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "rating": self.rating,
            "comment": self.comment,
            "cited_doc_ids": list(self.citations),
            "created_at": self.created_at,
        }


class SqliteFile:
    """A SQLite file in WAL mode with its schema, created with its folder on first use.

    Each call opens a short-lived connection, so worker threads can share one instance; the
    feedback and the unanswered-question log are two tables of one file.
    """

    def __init__(self, path: Path, schema: str) -> None:
        self.path = Path(path)
        self.schema = schema
        self._ready = False

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection that commits when the block ends, or rolls back on an exception."""
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as connection:
            if not self._ready:
                self._prepare(connection)
                self._ready = True
            with connection:
                yield connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """WAL mode and the schema. Switching to WAL takes the file's lock without waiting for it, so
        processes opening a new file at once (several workers) retry until the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(self.schema)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(SETUP_RETRY_S)


class FeedbackStore:
    """Feedback records in a SQLite file, created with its folder on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file = SqliteFile(self.path, _SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION};")

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._file.connect()

    def add(self, record: FeedbackRecord) -> int:
        """Store a record and return its id."""
        created_at = record.created_at or datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, comment, citations, client_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    created_at,
                    record.question,
                    record.answer,
                    record.rating,
                    record.comment,
                    json.dumps(list(record.citations), ensure_ascii=False),
                    record.client_hash,
                ),
            )
            return int(cursor.lastrowid or 0)

    def add_comment(self, record_id: int, comment: str, client_hash: str) -> bool:
        """Add a comment to a record this client sent (a 没帮助 first, then why); False if none."""
        if len(comment) > MAX_COMMENT_CHARS:
            raise InputError(
                f"the comment is {len(comment)} characters long; keep it under {MAX_COMMENT_CHARS}",
                code="comment_too_long",
                chinese=f"补充意见太长了：共 {len(comment)} 个字，最多 {MAX_COMMENT_CHARS} 个字。",
            )
        with self._connect() as connection:
            cursor = connection.execute(
                "UPDATE feedback SET comment = ? WHERE id = ? AND client_hash = ?",
                (comment, record_id, client_hash),
            )
            return cursor.rowcount == 1

    def records(self) -> list[FeedbackRecord]:
        """Every record, oldest first."""
        return self.search(newest_first=False)

    def search(
        self,
        *,
        rating: int | None = None,
        text: str = "",
        since: str = "",
        until: str = "",
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[FeedbackRecord]:
        """Records with this rating, holding ``text`` in the question, answer or comment, made
        between the dates ``since`` and ``until`` (ISO yyyy-mm-dd, both included)."""
        where, values = ["1"], []  # type: list[str], list[object]
        if rating is not None:
            where.append("rating = ?")
            values.append(rating)
        where_text, text_values = text_match(("question", "answer", "comment"), text)
        where += where_text
        values += text_values
        where_dates, date_values = date_range(since, until)
        where += where_dates
        values += date_values
        query = (
            "SELECT question, answer, rating, comment, citations, client_hash, created_at, id FROM feedback"
            f" WHERE {' AND '.join(where)} ORDER BY id {'DESC' if newest_first else 'ASC'}"
        )
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        with self._connect() as connection:
            rows = connection.execute(query, values).fetchall()
        return [
            FeedbackRecord(
                question=question,
                answer=answer,
                rating=rating_,
                comment=comment,
                citations=tuple(json.loads(citations)),
                client_hash=client_hash,
                created_at=created_at,
                id=row_id,
            )
            for question, answer, rating_, comment, citations, client_hash, created_at, row_id in rows
        ]

    def export(self, stream: TextIO) -> int:
        """Write every record as a JSON line (an evaluation-case draft); return how many."""
        records = self.records()
        for record in records:
            stream.write(json.dumps(record.to_case(), ensure_ascii=False) + "\n")
        return len(records)
