"""The document collection: list, add, replace, remove and prune documents, each change atomic.

A change is made on a copy of the documents folder (unchanged files are hard links, so the copy
is cheap) and the copy then takes the folder's place in one atomic directory exchange. A failed
or interrupted change leaves the folder exactly as it was. The original of each ingested file is
kept under ``<folder>/sources/`` so it can be offered for download.

The command line (``ingest``, ``documents list|remove``) and the admin page call these functions;
``before_commit`` lets them rebuild the index from the staged documents first, so that a failed
build also leaves both the documents and the index as they were.
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .documents import Document, is_valid_doc_id, load_documents, write_documents
from .errors import IngestError
from .formats import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from .ingest import SkippedFile, ingest_paths
from .ocr import Ocr, tesseract

SOURCES = "sources"
BeforeCommit = Callable[[Sequence[Document]], None]


@dataclass(frozen=True)
class Change:
    """What a change did: document ids added, replaced, removed or left as they were."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)

    def to_json(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["skipped"] = [{"path": s.path, "reason": s.reason} for s in self.skipped]
        return data


def list_documents(folder: Path) -> list[Document]:
    """Every document in the folder, sorted by id; an empty list when there are none yet."""
    _recover(folder)
    if not folder.is_dir() or not any(folder.glob("*.json")):
        return []
    return load_documents(folder)


def check_source_name(name: str) -> str:
    """Return ``name`` when it can name a stored source file (no folders, no ``..``, a known type).

    Raises:
        IngestError: the name could reach outside the sources folder or is not an ingestible type.
    """
    if (
        not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or any(ord(c) < 32 for c in name)
        or len(name.encode("utf-8")) > 200
    ):
        raise IngestError(f"file name {name!r} is not allowed: give a plain file name without folders, "
                          "'..', a leading dot or control characters")
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(f"file name {name!r}: only {', '.join(SUPPORTED_SUFFIXES)} files ingest")
    return name


def source_path(folder: Path, name: str) -> Path:
    """The stored original of a document's source file, checked to lie inside ``folder/sources``.

    Raises:
        IngestError: the name is not allowed, points outside the folder, or no such file is kept.
    """
    check_source_name(name)
    root = (folder / SOURCES).resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise IngestError(f"source {name!r} lies outside the documents folder {str(folder)!r}")
    if not path.is_file():
        raise IngestError(f"no stored source file {name!r} in {str(folder / SOURCES)!r}; ingest the file again")
    return path


def add_files(
    paths: Sequence[Path],
    folder: Path,
    *,
    replace: bool = False,
    prune: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    ocr: Ocr | None | bool = True,
    before_commit: BeforeCommit | None = None,
) -> Change:
    """Ingest files and folders into the collection, atomically.

    Documents that did not change are left alone and new ones are added. A file whose documents
    changed is a new version: it is skipped with a reason unless ``replace`` is given, and then
    its documents keep their ids and those it no longer holds are removed. ``prune`` also removes
    the documents whose source file is not among ``paths``. ``ocr`` is an engine, True for
    Tesseract when installed, or False/None for none.
    """
    engine = tesseract() if ocr is True else (ocr or None)
    result = ingest_paths(list(paths), max_bytes, ocr=engine)
    skipped = list(result.skipped)
    with _staged(folder) as staging:
        existing = {d.id: d for d in _documents(staging)}
        by_source: dict[str, list[Document]] = {}
        for document in existing.values():
            by_source.setdefault(document.source, []).append(document)
        files = {path.name: path for path in result.files}
        incoming: dict[str, list[Document]] = {}
        for document in result.documents:
            incoming.setdefault(document.source, []).append(document)
        added: list[str] = []
        replaced: list[str] = []
        removed: list[str] = []
        unchanged: list[str] = []
        writes: list[Document] = []
        for name, documents in incoming.items():
            try:
                check_source_name(name)
            except IngestError as exc:
                skipped.append(SkippedFile(str(files[name]), f"{files[name]}: {exc}"))
                continue
            old = by_source.get(name, [])
            documents = _keep_ids(documents, old)
            differing = [d.id for d in documents if d.id in existing and not _same(existing[d.id], d)]
            if differing and not replace:
                skipped.append(SkippedFile(str(files[name]), f"{files[name]}: already ingested as "
                                           f"{', '.join(differing)}, with other content; give --replace to "
                                           "replace it with this version"))
                continue
            fresh = [d for d in documents if not _same(existing.get(d.id), d)]
            unchanged.extend(d.id for d in documents if _same(existing.get(d.id), d))
            new_ids = {d.id for d in documents}
            dropped = [d.id for d in old if d.id not in new_ids] if replace else []
            removed.extend(dropped)
            if not fresh and not dropped:
                continue
            for document in fresh:
                (replaced if document.id in existing else added).append(document.id)
            writes.extend(fresh)
            _store_source(files[name], staging)
        if prune:
            present = _source_names(paths)
            removed.extend(d.id for d in existing.values() if d.source and d.source not in present)
        write_documents(writes, staging)
        _remove(staging, removed)
        change = Change(tuple(added), tuple(replaced), tuple(sorted(set(removed))), tuple(unchanged), tuple(skipped))
        if change.changed and before_commit is not None:
            before_commit(_documents(staging))
        if not change.changed:
            raise _NothingToCommit(change)
    return change


def add_uploads(
    uploads: Sequence[tuple[str, bytes]],
    folder: Path,
    *,
    replace: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    ocr: Ocr | None | bool = True,
    before_commit: BeforeCommit | None = None,
) -> Change:
    """Ingest uploaded files, given as (file name as the client sent it, content), atomically.

    A name with folders or ``..``, an unknown type or content over ``max_bytes`` is skipped with a
    reason and never written anywhere; the rest go through ``add_files``.
    """
    skipped: list[SkippedFile] = []
    with tempfile.TemporaryDirectory(prefix="minzheng-upload-") as tmp:
        paths = []
        for name, content in uploads:
            try:
                check_source_name(name)
                if len(content) > max_bytes:
                    raise IngestError(f"{name}: {len(content)} bytes is over the {max_bytes}-byte limit; split the file")
            except IngestError as exc:
                skipped.append(SkippedFile(name, str(exc)))
                continue
            path = Path(tmp) / name
            path.write_bytes(content)
            paths.append(path)
        change = (add_files(paths, folder, replace=replace, max_bytes=max_bytes, ocr=ocr, before_commit=before_commit)
                  if paths else Change())
    named = tuple(SkippedFile(Path(s.path).name, s.reason.replace(f"{Path(tmp)}/", "")) for s in change.skipped)
    return dataclasses.replace(change, skipped=tuple(skipped) + named)


def remove_documents(ids: Sequence[str], folder: Path, *, before_commit: BeforeCommit | None = None) -> Change:
    """Remove documents by id, atomically; an unknown id changes nothing.

    Raises:
        IngestError: an id is malformed or names no document.
    """
    for doc_id in ids:
        if not is_valid_doc_id(doc_id):
            raise IngestError(f"{doc_id!r} is not a document id; `python -m assistant documents list` shows them")
    with _staged(folder) as staging:
        existing = {d.id for d in _documents(staging)}
        unknown = [doc_id for doc_id in ids if doc_id not in existing]
        if unknown:
            raise IngestError(f"no document {', '.join(unknown)} in {str(folder)!r}; "
                              "`python -m assistant documents list` shows the ids")
        _remove(staging, list(ids))
        change = Change(removed=tuple(sorted(set(ids))))
        if before_commit is not None:
            before_commit(_documents(staging))
    return change


def prune(source_dir: Path, folder: Path, *, before_commit: BeforeCommit | None = None) -> Change:
    """Remove the documents whose source file is no longer in ``source_dir``, atomically."""
    if not source_dir.is_dir():
        raise IngestError(f"{source_dir}: not a folder; prune compares the documents with a folder of sources")
    present = _source_names([source_dir])
    gone = [d.id for d in list_documents(folder) if d.source and d.source not in present]
    if not gone:
        return Change()
    return remove_documents(gone, folder, before_commit=before_commit)


# ---- staging and the atomic exchange ------------------------------------------------------


class _NothingToCommit(Exception):
    """Raised inside a staged change that changed nothing: the copy is dropped, the folder kept."""

    def __init__(self, change: Change) -> None:
        super().__init__("nothing to commit")
        self.change = change


def _documents(folder: Path) -> list[Document]:
    return load_documents(folder) if any(folder.glob("*.json")) else []


def _same(old: Document | None, new: Document) -> bool:
    """The same document, whichever file it was read from (a letter saved in two pages)."""
    return old is not None and dataclasses.replace(old, source=new.source) == new


def _keep_ids(documents: list[Document], old: list[Document]) -> list[Document]:
    """A new version of a one-document file keeps the id its old version had."""
    if len(documents) == 1 and len(old) == 1 and documents[0].id != old[0].id:
        return [dataclasses.replace(documents[0], id=old[0].id)]
    return documents


def _source_names(paths: Sequence[Path]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        found = path.rglob("*") if path.is_dir() else [path]
        names.update(p.name for p in found if p.suffix.lower() in SUPPORTED_SUFFIXES)
    return names


def _store_source(path: Path, staging: Path) -> None:
    """Copy the original file into staging/sources (never writing through a hard-linked copy)."""
    sources = staging / SOURCES
    sources.mkdir(exist_ok=True)
    partial = sources / f".{path.name}.partial"
    shutil.copyfile(path, partial)
    os.replace(partial, sources / path.name)


def _remove(staging: Path, ids: Sequence[str]) -> None:
    gone = set(ids)
    documents = _documents(staging)
    kept_sources = {d.source for d in documents if d.id not in gone}
    for document in documents:
        if document.id in gone:
            (staging / f"{document.id}.json").unlink()
            if document.source and document.source not in kept_sources:
                (staging / SOURCES / document.source).unlink(missing_ok=True)


@contextmanager
def _staged(folder: Path) -> Iterator[Path]:
    """A copy of ``folder`` to change; on a clean exit it replaces the folder in one step."""
    folder = folder.absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestError(f"another change of {str(folder)!r} is running; wait for it to finish") from exc
        _recover(folder)
        for orphan in folder.parent.glob(f".{folder.name}.staging-*"):
            shutil.rmtree(orphan, ignore_errors=True)  # left by a killed change; the lock says none runs
        staging = folder.parent / f".{folder.name}.staging-{os.getpid()}-{time.time_ns()}"
        if folder.is_dir():
            shutil.copytree(folder, staging, copy_function=_link_or_copy, symlinks=True)
        else:
            staging.mkdir()
        try:
            yield staging
            _commit(staging, folder)
        except _NothingToCommit:
            shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _commit(staging: Path, folder: Path) -> None:
    """Put ``staging`` in the place of ``folder`` atomically, then delete the old copy."""
    if not folder.exists():
        os.rename(staging, folder)
        return
    if _exchange(staging, folder):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old version
        return
    # No atomic exchange on this system: move the old folder aside first; _recover puts it back
    # should the process die between the two renames.
    aside = folder.parent / f".{folder.name}.old"
    shutil.rmtree(aside, ignore_errors=True)
    os.rename(folder, aside)
    os.rename(staging, folder)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, f"cannot exchange {a} and {b}: {os.strerror(code)}")


def _recover(folder: Path) -> None:
    """Undo a change that died between the two renames of the fallback commit."""
    aside = folder.absolute().parent / f".{folder.name}.old"
    if aside.is_dir() and not folder.exists():
        os.rename(aside, folder)
