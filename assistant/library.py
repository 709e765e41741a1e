"""The admin's seam to the documents folder and the index: add, replace, remove, rebuild.

Everything the admin page and the upload API change goes through :class:`Library` and
:class:`Rebuilder`, so another ingest (more formats, a lifecycle module) or another build
mechanism (a background build service) plugs in here without touching the routes. Today it
calls :func:`ingest.ingest_paths` for ``.txt``/``.md`` and rebuilds through
:func:`index.build_index`, reusing the running pipeline's embedding model; the service keeps
answering from the old index until the new one is loaded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .documents import Document, is_valid_doc_id, load_documents, write_documents
from .errors import IngestError, InputError
from .index import build_index, load_index
from .ingest import SUPPORTED_SUFFIXES, SkippedFile, ingest_paths
from .pipeline import Pipeline, build
from .retriever import Retriever
from .settings import Settings

MAX_FILE_BYTES = 5_000_000
MAX_MESSAGES = 50


@dataclass(frozen=True)
class Change:
    """What one call changed in the documents folder, and the files it could not use."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)

    def to_json(self) -> dict[str, object]:
        return {
            "added": list(self.added),
            "replaced": list(self.replaced),
            "removed": list(self.removed),
            "skipped": [{"file": s.path, "reason": s.reason} for s in self.skipped],
        }


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
        return load_documents(self.folder)

    def add(self, paths: Sequence[Path], *, replace_existing: bool = False) -> Change:
        """Ingest files; a document whose id exists is skipped unless ``replace_existing``."""
        result = ingest_paths(list(paths), max_bytes=self.max_file_bytes)
        existing = self._ids()
        fresh: list[Document] = []
        added: list[str] = []
        replaced: list[str] = []
        skipped = list(result.skipped)
        for document in result.documents:
            if document.id in existing and not replace_existing:
                skipped.append(
                    SkippedFile(
                        document.source,
                        f"{document.source}: document {document.id} already exists; "
                        "tick “replace” or replace it from its row",
                    )
                )
                continue
            fresh.append(document)
            (replaced if document.id in existing else added).append(document.id)
        write_documents(fresh, self.folder)
        return Change(added=tuple(added), replaced=tuple(replaced), skipped=tuple(skipped))

    def replace(self, doc_id: str, path: Path) -> Change:
        """A new version of one document from a file holding one document; the id is kept."""
        self._check_known(doc_id)
        result = ingest_paths([path], max_bytes=self.max_file_bytes)
        if result.skipped:
            return Change(skipped=result.skipped)
        if len(result.documents) != 1:
            raise IngestError(
                f"{path.name}: holds {len(result.documents)} documents; "
                f"replacing {doc_id} needs a file with exactly one"
            )
        write_documents([replace(result.documents[0], id=doc_id)], self.folder)
        return Change(replaced=(doc_id,))

    def remove(self, ids: Sequence[str]) -> Change:
        """Delete documents; the last one cannot go (an index needs a document)."""
        for doc_id in ids:
            self._check_known(doc_id)
        if set(ids) >= self._ids():
            raise InputError("removing every document would leave nothing to answer from; add another first")
        for doc_id in dict.fromkeys(ids):
            (self.folder / f"{doc_id}.json").unlink()
        return Change(removed=tuple(dict.fromkeys(ids)))

    def rebuild(self, current: Pipeline | None, progress: Callable[[str], None]) -> Pipeline:
        """Build the index from the folder and load it, reusing the running models when there are any."""
        started = time.perf_counter()
        if current is None:
            build(self.settings, progress=progress)
            return Pipeline.load(self.settings, build_if_missing=False)
        documents = load_documents(self.folder)
        old = current.retriever
        build_index(documents, self.settings.index, old.embedder, old.tokenizer, progress=progress)
        progress("loading the new index")
        index = load_index(self.settings.index, model=self.settings.model, documents=documents)
        retriever = Retriever(index, old.embedder, old.tokenizer, old.vocabulary, weights=old.weights)
        return Pipeline(
            settings=self.settings,
            index=index,
            retriever=retriever,
            composer=current.composer,
            load_seconds=time.perf_counter() - started,
        )

    def _ids(self) -> set[str]:
        return {path.stem for path in self.folder.glob("*.json")}

    def _check_known(self, doc_id: str) -> None:
        if not is_valid_doc_id(doc_id) or doc_id not in self._ids():
            raise InputError(f"no document with id {doc_id!r}; the documents list shows the ids")


@dataclass(frozen=True)
class RebuildStatus:
    """Where the last rebuild stands: idle, building, ready or failed."""

    state: str = "idle"
    started_at: str = ""
    finished_at: str = ""
    seconds: float = 0.0  # elapsed while building, total once done
    messages: tuple[str, ...] = ()
    error: str = ""
    queued: bool = False  # another rebuild will follow this one
    documents: int = 0
    chunks: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "seconds": round(self.seconds, 1),
            "messages": list(self.messages),
            "error": self.error,
            "queued": self.queued,
            "documents": self.documents,
            "chunks": self.chunks,
        }


@dataclass
class Rebuilder:
    """Rebuilds in one background thread; a request made while building runs once it is done."""

    library: Library
    current: Callable[[], Pipeline | None]
    install: Callable[[Pipeline], None]
    _status: RebuildStatus = field(default_factory=RebuildStatus)
    _started: float = 0.0
    _queued: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._done = threading.Condition(self._lock)

    def start(self) -> RebuildStatus:
        """Start a rebuild, or queue one when a rebuild is running."""
        with self._lock:
            if self._status.state == "building":
                self._queued = True
            else:
                self._begin()
                threading.Thread(target=self._run, name="rebuild", daemon=True).start()
        return self.status()

    def status(self) -> RebuildStatus:
        with self._lock:
            status = replace(self._status, queued=self._queued)
            if status.state == "building":
                status = replace(status, seconds=time.perf_counter() - self._started)
            return status

    def wait(self, timeout: float) -> RebuildStatus:
        """Block until no rebuild is running or queued, or ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        with self._done:
            while self._status.state == "building" and (left := deadline - time.monotonic()) > 0:
                self._done.wait(left)
        return self.status()

    def _begin(self) -> None:
        self._started = time.perf_counter()
        self._status = RebuildStatus(state="building", started_at=_now(), messages=("开始重建索引",))

    def _say(self, message: str) -> None:
        with self._lock:
            line = f"{time.perf_counter() - self._started:6.1f} s  {message}"
            messages = (*self._status.messages, line)[-MAX_MESSAGES:]
            self._status = replace(self._status, messages=messages)

    def _run(self) -> None:
        while True:
            try:
                fresh = self.library.rebuild(self.current(), self._say)
            except Exception as exc:  # noqa: BLE001 - shown on the admin page; the old index stays
                outcome = replace(self._status, state="failed", error=str(exc) or type(exc).__name__)
            else:
                self.install(fresh)
                manifest = fresh.index.manifest
                outcome = replace(self._status, state="ready", documents=manifest.documents, chunks=manifest.chunks)
            with self._lock:
                self._status = replace(
                    outcome, finished_at=_now(), seconds=time.perf_counter() - self._started
                )
                if not self._queued:
                    self._done.notify_all()
                    return
                self._queued = False
                self._begin()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
