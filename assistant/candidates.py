"""Candidate passages: each index's own top-K, and the corpus-wide spread fusion needs.

The retriever fuses z-normalised signals, so besides a top-K it needs each signal's mean and
standard deviation over every chunk. Here they are exact without scoring every chunk densely:
the mean cosine is the question times the mean chunk vector, its variance comes from the
vectors' second-moment matrix, and BM25 is zero outside the query terms' postings. A second
backend (a search server) implements the same two methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import faiss
import numpy as np

from .index import Index


class Signal(Protocol):
    """One score over every chunk for one question: its spread, its top, any chunk's value."""

    @property
    def mean(self) -> float: ...

    @property
    def std(self) -> float: ...

    def top(self, k: int, allowed: np.ndarray | None = None, *, year: int | None = None,
            kind: str | None = None) -> np.ndarray:
        """Chunk numbers of the k best scores (only where ``allowed``, a bool mask, is true), best first.

        ``year`` and ``kind`` are the filters the mask was made from, for a backend that filters
        on its server; a backend with the whole score array uses the mask alone.
        """
        ...

    def of(self, chunk_numbers: np.ndarray) -> np.ndarray:
        """float32 scores of the given chunks."""
        ...


class CandidateBackend(Protocol):
    """Where the retriever's candidates come from (the index folder, or a search server)."""

    def dense(self, vector: np.ndarray) -> Signal:
        """Cosine of the question vector to each chunk."""
        ...

    def lexical(self, tokens: Sequence[str]) -> Signal:
        """BM25 of the query tokens for each chunk (0 where no token occurs)."""
        ...

    def sentence_top(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """Chunk numbers holding the k sentences closest to the question vector (a precise sentence
        inside a broad chunk), only chunks where ``allowed`` is true."""
        ...


@dataclass(frozen=True)
class _DenseSignal:
    index: Index
    vector: np.ndarray
    mean: float
    std: float

    def top(self, k: int, allowed: np.ndarray | None = None, *, year: int | None = None,
            kind: str | None = None) -> np.ndarray:
        return _search(self.index.dense, self.vector, k, allowed)

    def of(self, chunk_numbers: np.ndarray) -> np.ndarray:
        rows = np.asarray(self.index.embeddings[np.sort(chunk_numbers)], dtype=np.float32)
        scores = rows @ self.vector
        out = np.empty(len(chunk_numbers), dtype=np.float32)
        out[np.argsort(chunk_numbers, kind="stable")] = scores
        return out


@dataclass(frozen=True)
class _ArraySignal:
    scores: np.ndarray  # one per chunk
    mean: float
    std: float
    positive_only: bool = True  # chunks sharing no token are no lexical candidates

    def top(self, k: int, allowed: np.ndarray | None = None, *, year: int | None = None,
            kind: str | None = None) -> np.ndarray:
        mask = self.scores > 0 if self.positive_only else np.ones(len(self.scores), dtype=bool)
        if allowed is not None:
            mask &= allowed
        pool = np.flatnonzero(mask)
        if len(pool) > k:
            kth = self.scores[pool[np.argpartition(-self.scores[pool], k - 1)[k - 1]]]
            pool = pool[self.scores[pool] >= kth]  # every tie of the k-th, so ties go by chunk order
        return pool[np.argsort(-self.scores[pool], kind="stable")][:k]

    def of(self, chunk_numbers: np.ndarray) -> np.ndarray:
        return self.scores[chunk_numbers]


def array_signal(scores: np.ndarray) -> Signal:
    """A signal from one float32 score per chunk (0 where the chunk is no candidate)."""
    n = len(scores)
    # float64 sums: the same mean and spread as numpy's over the whole float32 array
    total = float(scores.sum(dtype=np.float64))
    mean = total / n if n else 0.0
    variance = float(np.dot(scores.astype(np.float64), scores)) / n - mean * mean if n else 0.0
    return _ArraySignal(scores, mean, max(variance, 0.0) ** 0.5)


def _search(index: faiss.Index, vector: np.ndarray, k: int, allowed: np.ndarray | None) -> np.ndarray:
    """Ids of the k best inner products in a FAISS index, only where ``allowed`` (by id) is true."""
    k = min(k, index.ntotal)
    query = vector.reshape(1, -1)
    if allowed is None:
        _, ids = index.search(query, k)
    else:
        bitmap = np.packbits(allowed, bitorder="little")  # kept alive while the selector is used
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        params = (
            faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch)  # type: ignore[attr-defined]
            if isinstance(index, faiss.IndexHNSW) else faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        )
        _, ids = index.search(query, k, params=params)
    found = ids[0]
    return found[found >= 0].astype(np.int64)


class LocalBackend:
    """Candidates from the index folder: FAISS (exact or HNSW, as the manifest says) and BM25 postings."""

    def __init__(self, index: Index) -> None:
        self.index = index
        moments = index.dense_moments
        self._mean_vector = moments[0]
        self._second_moment = moments[1:]

    def dense(self, vector: np.ndarray) -> Signal:
        query = np.ascontiguousarray(vector, dtype=np.float32)
        q = query.astype(np.float64)
        mean = float(q @ self._mean_vector)
        variance = float(q @ self._second_moment @ q) - mean * mean
        return _DenseSignal(self.index, query, mean, max(variance, 0.0) ** 0.5)

    def lexical(self, tokens: Sequence[str]) -> Signal:
        return array_signal(self.index.lexical.scores(tokens))

    def sentence_top(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        owners = self.index.sentence_spans[:, 0]
        rows = _search(self.index.sentences, np.ascontiguousarray(vector, dtype=np.float32), k,
                       None if allowed is None else allowed[owners])
        return np.unique(owners[rows])
