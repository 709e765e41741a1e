"""The loaded assistant: documents, index, retriever and composer, loaded once per process.

The CLI and the web app both go through this; it is the only place that turns settings into
components.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import threadpoolctl

from .answer import Answer
from .composer import Composer
from .documents import Document, load_documents
from .embedding import Embedder, SentenceTransformerEmbedder
from .errors import IndexMismatchError, IndexMissingError, InputError
from .index import (
    Index,
    Progress,
    Steps,
    build_index,
    current_build,
    install_bundled,
    load_index,
    misfits,
    read_manifest,
    wait_for_build,
)
from .qdrant_store import ChunkStore, Engine, QdrantBackend, open_engine
from .retriever import Mode, Retriever, SearchResult
from .settings import Settings
from .tokenizer import Tokenizer
from .vocabulary import load_vocabulary

BACKENDS = ("files", "qdrant", "qdrant-edge")


def chunk_store(settings: Settings, index: Index, tokenizer: Tokenizer) -> ChunkStore | None:
    """The Qdrant collection the settings name, or None for the default files backend."""
    if settings.backend not in BACKENDS:
        raise InputError(f"MINZHENG_BACKEND={settings.backend!r} is unknown; use one of {', '.join(BACKENDS)}")
    if settings.backend == "files":
        return None
    engine = open_engine(
        url=settings.qdrant_url, path=settings.qdrant_path, api_key=settings.qdrant_api_key,
        collection=settings.qdrant_collection, shards=settings.qdrant_shards,
        replication=settings.qdrant_replication, edge=settings.backend == "qdrant-edge",
    )
    return ChunkStore(engine, index, tokenizer)


def qdrant_backend(
    settings: Settings, index: Index, tokenizer: Tokenizer, engine: Engine | None = None
) -> QdrantBackend | None:
    """The retriever's candidates from the Qdrant collection the settings name (checked to hold this
    index), or None for the index folder. ``engine``: one already open (a rebuild keeps its engine)."""
    store = chunk_store(settings, index, tokenizer) if engine is None else ChunkStore(engine, index, tokenizer)
    if store is None:
        return None
    try:
        store.check()
    except IndexMismatchError:
        if engine is None:
            store.close()
        raise
    return QdrantBackend(store)


def _sync(settings: Settings, index: Index, tokenizer: Tokenizer, progress: Progress | None) -> None:
    store = chunk_store(settings, index, tokenizer)
    if store is None:
        return
    try:
        report = store.sync()
    finally:
        store.close()
    if progress:
        progress(f"Qdrant ({settings.backend}): {report.points} chunks, {report.upserted} upserted, "
                 f"{report.deleted} deleted, {report.reweighted} reweighted")


def build(
    settings: Settings,
    progress: Progress | None = None,
    steps: Steps | None = None,
    documents: Sequence[Document] | None = None,
) -> Index:
    """Build (or rebuild) the index from the documents folder (or the given documents), fill the
    Qdrant collection if set, and load it."""
    documents = load_documents(settings.documents) if documents is None else documents
    vocabulary = load_vocabulary()
    embedder = SentenceTransformerEmbedder(settings.model, encoder=settings.encoder)
    tokenizer = Tokenizer(vocabulary)
    if current_build(settings.index) is None:  # the shipped vectors are reused for unchanged text
        install_bundled(settings.bundled_index, settings.index, settings.model)
    build_index(documents, settings.index, embedder, tokenizer, progress=progress, steps=steps)
    index = load_index(settings.index, model=settings.model, documents=documents)
    _sync(settings, index, tokenizer, progress)
    return index


def _first_index(
    settings: Settings,
    documents: Sequence[Document],
    embedder: Embedder,
    tokenizer: Tokenizer,
    progress: Progress | None,
    steps: Steps | None,
) -> None:
    """Install the bundled index when this model made it, and build only when it does not fit."""
    say = progress or (lambda message: None)
    if install_bundled(settings.bundled_index, settings.index, settings.model):
        say(f"installed the bundled index from {settings.bundled_index}")
    else:
        wait_for_build(settings.index)  # another server worker may be building this very index
    if current_build(settings.index) is not None:
        reasons = misfits(read_manifest(settings.index), model=settings.model, documents=documents, tokenizer=tokenizer)
        if not reasons:
            return
        say(f"the index does not fit ({', '.join(reasons)}); rebuilding it, reusing its vectors")
    else:
        say(f"no index in {settings.index}; building it now")
    build_index(documents, settings.index, embedder, tokenizer, progress=progress, steps=steps)


@dataclass
class Pipeline:
    settings: Settings
    index: Index
    retriever: Retriever
    composer: Composer
    load_seconds: float = 0.0

    @classmethod
    def load(
        cls,
        settings: Settings,
        *,
        build_if_missing: bool = True,
        progress: Progress | None = None,
        composer: Composer | None = None,
        steps: Steps | None = None,
    ) -> Pipeline:
        """Load the index (the bundled one, or a new build, when there is none) and warm the models."""
        started = time.perf_counter()
        # The retriever's matrix products are small; numpy's BLAS threads would only spin after
        # them and steal the cores from the embedding model (question latency doubled).
        threadpoolctl.threadpool_limits(1, user_api="blas")
        documents = load_documents(settings.documents)
        vocabulary = load_vocabulary()
        tokenizer = Tokenizer(vocabulary)
        embedder = SentenceTransformerEmbedder(
            settings.model, parallel_encodes=settings.parallel_encodes, encoder=settings.encoder,
            threads=settings.encoder_threads,
        )
        if current_build(settings.index) is None:
            if not build_if_missing:
                raise IndexMissingError(
                    f"no index in {str(settings.index)!r}; build it with `python -m assistant build`"
                )
            _first_index(settings, documents, embedder, tokenizer, progress, steps)
            _sync(settings, load_index(settings.index, model=settings.model, documents=documents), tokenizer, progress)
        index = load_index(settings.index, model=settings.model, documents=documents)
        retriever = Retriever(index, embedder, tokenizer, vocabulary, backend=qdrant_backend(settings, index, tokenizer))
        if progress:
            progress(f"loading the embedding model {settings.model} and the dictionaries")
        retriever.search("高龄老人津贴", k=1)  # loads jieba and the model now, not on the first question
        return cls(
            settings=settings,
            index=index,
            retriever=retriever,
            composer=composer or Composer(),
            load_seconds=time.perf_counter() - started,
        )

    def rebuilt(self, progress: Progress | None = None, steps: Steps | None = None) -> Pipeline:
        """A new build of the documents folder, loaded with this pipeline's models (no second
        copy of the embedding model is loaded; only new text is embedded)."""
        started = time.perf_counter()
        documents = load_documents(self.settings.documents)
        old = self.retriever
        build_index(documents, self.settings.index, old.embedder, old.tokenizer, progress=progress, steps=steps)
        if progress:
            progress("loading the new index")
        index = load_index(self.settings.index, model=self.settings.model, documents=documents)
        backend = None
        if isinstance(old.backend, QdrantBackend):  # the open engine is shared: local mode locks its folder
            engine = old.backend.store.engine
            report = ChunkStore(engine, index, old.tokenizer).sync()
            if progress:
                progress(f"Qdrant ({self.settings.backend}): {report.upserted} upserted, {report.deleted} deleted")
            backend = qdrant_backend(self.settings, index, old.tokenizer, engine)
        return Pipeline(
            settings=self.settings,
            index=index,
            retriever=Retriever(index, old.embedder, old.tokenizer, old.vocabulary, weights=old.weights,
                                backend=backend),
            composer=self.composer,
            load_seconds=time.perf_counter() - started,
        )

    @property
    def documents(self) -> dict[str, Document]:
        return self.index.documents

    def close(self, successor: Pipeline | None = None) -> None:
        """Close the search-server connection this pipeline opened, unless ``successor`` shares it."""
        backend = self.retriever.backend
        if not isinstance(backend, QdrantBackend):
            return
        following = successor.retriever.backend if successor is not None else None
        if isinstance(following, QdrantBackend) and following.store.engine is backend.store.engine:
            return  # a rebuild hands its open engine on (local mode locks its folder)
        backend.close()

    def search(
        self,
        question: str,
        k: int = 10,
        *,
        year: int | None = None,
        kind: str | None = None,
        mode: Mode = "hybrid",
        history: Sequence[str] = (),
    ) -> SearchResult:
        return self.retriever.search(question, k, year=year, kind=kind, mode=mode, history=history)

    def ask(
        self,
        question: str,
        *,
        k: int = 8,
        year: int | None = None,
        kind: str | None = None,
        mode: Mode = "hybrid",
        history: Sequence[str] = (),
    ) -> Answer:
        """Retrieve passages and compose a cited answer (or an honest refusal).

        ``history`` holds the conversation's earlier questions, oldest first (at most 6): a
        follow-up such as 那要带什么材料？ takes its topic from them.
        """
        return self.answer(question, k=k, year=year, kind=kind, mode=mode, history=history)[1]

    def answer(
        self,
        question: str,
        *,
        k: int = 8,
        year: int | None = None,
        kind: str | None = None,
        mode: Mode = "hybrid",
        history: Sequence[str] = (),
    ) -> tuple[SearchResult, Answer]:
        """As :meth:`ask`, with the search result the answer was composed from."""
        started = time.perf_counter()
        result = self.retriever.search(question, k, year=year, kind=kind, mode=mode, history=history)
        retrieved = time.perf_counter()
        answer = self.composer.compose(result)
        done = time.perf_counter()
        answer.timings_ms.update(
            retrieve=round((retrieved - started) * 1000, 2), compose=round((done - retrieved) * 1000, 2)
        )
        return result, answer
