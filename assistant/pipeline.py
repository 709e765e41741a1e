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
from .embedding import SentenceTransformerEmbedder
from .errors import IndexMismatchError, IndexMissingError, InputError
from .index import Index, Progress, build_index, current_build, load_index
from .qdrant_store import ChunkStore, open_engine
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


def build(settings: Settings, progress: Progress | None = None) -> Index:
    """Build (or rebuild) the index from the documents folder, fill the Qdrant collection if set, and load it."""
    documents = load_documents(settings.documents)
    vocabulary = load_vocabulary()
    embedder = SentenceTransformerEmbedder(settings.model)
    tokenizer = Tokenizer(vocabulary)
    build_index(documents, settings.index, embedder, tokenizer, progress=progress)
    index = load_index(settings.index, model=settings.model, documents=documents)
    _sync(settings, index, tokenizer, progress)
    return index


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
    ) -> Pipeline:
        """Load the index (building it first when there is none) and warm the models."""
        started = time.perf_counter()
        # The retriever's matrix products are small; numpy's BLAS threads would only spin after
        # them and steal the cores from the embedding model (question latency doubled).
        threadpoolctl.threadpool_limits(1, user_api="blas")
        documents = load_documents(settings.documents)
        vocabulary = load_vocabulary()
        tokenizer = Tokenizer(vocabulary)
        embedder = SentenceTransformerEmbedder(settings.model, parallel_encodes=settings.parallel_encodes)
        if current_build(settings.index) is None:
            if not build_if_missing:
                raise IndexMissingError(
                    f"no index in {str(settings.index)!r}; build it with `python -m assistant build`"
                )
            if progress:
                progress(f"no index in {settings.index}; building it now")
            build_index(documents, settings.index, embedder, tokenizer, progress=progress)
            _sync(settings, load_index(settings.index, model=settings.model, documents=documents), tokenizer, progress)
        index = load_index(settings.index, model=settings.model, documents=documents)
        store = chunk_store(settings, index, tokenizer)
        if store is not None:
            try:
                store.check()
            except IndexMismatchError:
                store.close()
                raise
        retriever = Retriever(index, embedder, tokenizer, vocabulary, source=store)
        retriever.search("高龄老人津贴", k=1)  # loads jieba and the model now, not on the first question
        return cls(
            settings=settings,
            index=index,
            retriever=retriever,
            composer=composer or Composer(),
            load_seconds=time.perf_counter() - started,
        )

    @property
    def documents(self) -> dict[str, Document]:
        return self.index.documents

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
        started = time.perf_counter()
        result = self.retriever.search(question, k, year=year, kind=kind, mode=mode, history=history)
        retrieved = time.perf_counter()
        answer = self.composer.compose(result)
        done = time.perf_counter()
        answer.timings_ms.update(
            retrieve=round((retrieved - started) * 1000, 2), compose=round((done - retrieved) * 1000, 2)
        )
        return answer
