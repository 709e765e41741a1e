"""The admin's seam to the documents folder and the index: add, replace, remove, rebuild.

Changes go through :mod:`assistant.collection` (every format it ingests, atomic, originals kept
under ``documents/sources``); rebuilds through the service's :class:`keeper.PipelineKeeper`,
which keeps answering from the old index until the new one is loaded. :class:`Rebuilds` adds
what the admin needs on top: a rebuild asked for while another runs follows it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .collection import Change, add_files, list_documents, remove_documents
from .documents import Document, is_valid_doc_id
from .errors import InputError
from .ingest import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from .keeper import IndexStatus, PipelineKeeper
from .settings import Settings

__all__ = ["Change", "Library", "Rebuilds"]


@dataclass
class Library:
    """The documents folder as the admin sees it."""

    settings: Settings
    suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES
    max_file_bytes: int = MAX_FILE_BYTES

    @property
    def folder(self) -> Path:
        return self.settings.documents

    def documents(self) -> list[Document]:
        return list_documents(self.folder)

    def add(self, paths: Sequence[Path], *, replace_existing: bool = False) -> Change:
        """Ingest files; a new version of a file already ingested is skipped unless ``replace_existing``."""
        return add_files(list(paths), self.folder, replace=replace_existing, max_bytes=self.max_file_bytes)

    def replace(self, doc_id: str, path: Path) -> Change:
        """A new version of the file a document came from; its documents keep their ids.

        The collection knows versions by file name, so the upload takes the old file's name.

        Raises:
            InputError: no such document, or the new file is of another type.
        """
        document = self._find(doc_id)
        old = Path(document.source)
        if not document.source or old.suffix.lower() != path.suffix.lower():
            raise InputError(
                f"{path.name}: a new version of {document.source or doc_id} must be a "
                f"{old.suffix or 'file of the same type'} file"
            )
        renamed = path.rename(path.with_name(old.name))
        return add_files([renamed], self.folder, replace=True, max_bytes=self.max_file_bytes)

    def remove(self, ids: Sequence[str]) -> Change:
        """Delete documents; the last one cannot go (an index needs a document)."""
        for doc_id in ids:
            self._find(doc_id)
        if set(ids) >= {d.id for d in self.documents()}:
            raise InputError("removing every document would leave nothing to answer from; add another first")
        return remove_documents(list(dict.fromkeys(ids)), self.folder)

    def _find(self, doc_id: str) -> Document:
        found = {d.id: d for d in self.documents()} if is_valid_doc_id(doc_id) else {}
        if doc_id not in found:
            raise InputError(f"no document with id {doc_id!r}; the documents list shows the ids")
        return found[doc_id]


@dataclass
class Rebuilds:
    """Rebuilds through the keeper; one asked for while a job runs starts when it ends."""

    keeper: PipelineKeeper
    queued: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        with self._lock:
            if self.keeper.rebuild() or self.queued:
                return
            self.queued = True
        threading.Thread(target=self._follow, name="rebuild-queued", daemon=True).start()

    def status(self) -> IndexStatus:
        return self.keeper.status()

    def to_json(self) -> dict[str, object]:
        return {**self.status().to_json(), "queued": self.queued}

    def wait(self, timeout: float) -> IndexStatus:
        """Block until no rebuild runs or waits, or ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if self.keeper.wait(min(left, 0.5)) and not self.queued:
                break
        return self.status()

    def _follow(self) -> None:
        while True:
            self.keeper.wait()
            with self._lock:
                if self.keeper.rebuild():
                    self.queued = False
                    return
