"""The document: one reply letter, plan or summary, with the metadata citations need.

Documents are stored as one JSON file each under a folder (``documents/`` in the repo), so a
fresh clone has the corpus and a maintainer can read or diff any of them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

from .errors import IngestError

KINDS = ("提案答复", "建议答复", "规划", "工作总结", "其他")
DOC_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


@dataclass(frozen=True)
class Document:
    """A source document with the metadata shown next to every citation."""

    id: str
    kind: str
    title: str
    text: str
    date: str = ""  # publication date, ISO yyyy-mm-dd, "" when the page gives none
    year: int | None = None  # the session or plan year the document belongs to
    number: str = ""  # proposal or suggestion number, e.g. "20210571"
    addressee: str = ""
    departments: tuple[str, ...] = field(default_factory=tuple)
    source: str = ""  # the file the document was ingested from
    # Where each page of the source starts in ``text``: (offset, page number), for PDF sources.
    pages: tuple[tuple[int, int], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not DOC_ID_PATTERN.match(self.id):
            raise ValueError(f"document id {self.id!r} must be lowercase ASCII letters, digits, '.', '_' or '-'")
        if self.kind not in KINDS:
            raise ValueError(f"document kind {self.kind!r} is not one of {', '.join(KINDS)}")

    def page_of(self, offset: int) -> int | None:
        """The source page that holds ``offset`` of the text, or None for a source without pages."""
        page = None
        for start, number in self.pages:
            if start > offset:
                break
            page = number
        return page

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["departments"] = list(self.departments)
        if self.pages:
            data["pages"] = [list(pair) for pair in self.pages]
        else:
            del data["pages"]  # documents without pages keep the JSON (and corpus hash) they had
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Document:
        values = dict(data)
        values["departments"] = tuple(cast(Iterable[str], values.get("departments") or ()))
        values["pages"] = tuple((int(start), int(number)) for start, number in cast(Iterable[Iterable[int]], values.get("pages") or ()))
        return cls(**values)  # type: ignore[arg-type]


def is_valid_doc_id(doc_id: str) -> bool:
    """Tell whether a string can be a document id (guards paths built from user input)."""
    return bool(DOC_ID_PATTERN.match(doc_id))


def write_documents(documents: Iterable[Document], folder: Path) -> list[Path]:
    """Write each document to ``folder/<id>.json`` atomically; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for document in documents:
        path = folder / f"{document.id}.json"
        payload = json.dumps(document.to_json(), ensure_ascii=False, indent=1)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix=f".{document.id}.", suffix=".tmp", delete=False
        ) as handle:
            handle.write(payload + "\n")
        os.replace(handle.name, path)
        written.append(path)
    return written


def load_documents(folder: Path) -> list[Document]:
    """Load every ``*.json`` document in a folder, sorted by id.

    Raises:
        IngestError: the folder is missing or empty, or a file is not a valid document.
    """
    if not folder.is_dir():
        raise IngestError(
            f"documents folder {str(folder)!r} does not exist; run `python -m assistant ingest` first"
        )
    documents = []
    for path in sorted(folder.glob("*.json")):
        try:
            documents.append(Document.from_json(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, TypeError) as exc:
            raise IngestError(f"document file {str(path)!r} is not a valid document ({exc}); "
                              "delete it and ingest its source again") from exc
    if not documents:
        raise IngestError(
            f"documents folder {str(folder)!r} holds no documents; run `python -m assistant ingest` first"
        )
    return sorted(documents, key=lambda d: d.id)
