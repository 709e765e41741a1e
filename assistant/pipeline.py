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
from .errors import IndexMissingError
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
from .retriever import Mode, Retriever, SearchResult
from .settings import Settings
from .tokenizer import Tokenizer
from .vocabulary import load_vocabulary


def build(
    settings: Settings,
    progress: Progress | None = None,
    steps: Steps | None = None,
    documents: Sequence[Document] | None = None,
) -> Index:
    """Build (or rebuild) the index from the documents folder (or the given documents) and load it."""
    documents = load_documents(settings.documents) if documents is None else documents
    vocabulary = load_vocabulary()
    embedder = SentenceTransformerEmbedder(settings.model)
    if current_build(settings.index) is None:  # the shipped vectors are reused for unchanged text
        install_bundled(settings.bundled_index, settings.index, settings.model)
    build_index(documents, settings.index, embedder, Tokenizer(vocabulary), progress=progress, steps=steps)
    return load_index(settings.index, model=settings.model, documents=documents)


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
        embedder = SentenceTransformerEmbedder(settings.model, parallel_encodes=settings.parallel_encodes)
        if current_build(settings.index) is None:
            if not build_if_missing:
                raise IndexMissingError(
                    f"no index in {str(settings.index)!r}; build it with `python -m assistant build`"
                )
            _first_index(settings, documents, embedder, tokenizer, progress, steps)
        index = load_index(settings.index, model=settings.model, documents=documents)
        retriever = Retriever(index, embedder, tokenizer, vocabulary)
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
        return Pipeline(
            settings=self.settings,
            index=index,
            retriever=Retriever(index, old.embedder, old.tokenizer, old.vocabulary, weights=old.weights),
            composer=self.composer,
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
