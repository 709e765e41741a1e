"""Hybrid retrieval: dense (FAISS) and BM25 scores, z-normalised and fused.

The question is checked, typos are corrected and callers' words are mapped to the documents'
terms (see vocabulary); BM25 sees the expanded question, the embedder the corrected one.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from .documents import KINDS
from .embedding import Embedder
from .errors import InputError
from .index import Index
from .spelling import SpellingCorrector
from .tokenizer import Tokenizer
from .understanding import MAX_HISTORY, Understander, Understanding, load_act_model
from .vocabulary import RewrittenQuery, Vocabulary

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")
MAX_QUESTION_CHARS = 1000
MAX_K = 100

@dataclass(frozen=True)
class FusionWeights:
    """Weights of the z-normalised signals in hybrid mode (tuned with eval/calibrate.py).

    ``passage`` is the cosine of the question to the whole chunk, ``sentence`` the best cosine
    to one of its sentences (a precise sentence inside a broad chunk), ``lexical`` BM25.
    """

    passage: float = 0.3
    sentence: float = 0.45
    lexical: float = 0.25

    def __post_init__(self) -> None:
        if min(self.passage, self.sentence, self.lexical) < 0 or self.passage + self.sentence + self.lexical <= 0:
            raise ValueError(f"fusion weights {self} must be ≥ 0 and not all 0")

class CandidateSource(Protocol):
    """Another engine's dense and BM25 top-k (e.g. Qdrant): chunk numbers and scores, best first."""

    def dense_top(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...
    def lexical_top(self, tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]: ...


QUERY_CACHE_SIZE = 512
SENTENCE_SCORED_HITS = 8


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with the metadata needed to cite it."""

    chunk_id: str
    doc_id: str
    title: str
    kind: str
    number: str
    date: str
    year: int | None
    heading: str
    text: str
    start: int
    end: int
    score: float
    dense_score: float  # cosine similarity of the whole passage
    lexical_score: float  # raw BM25

    def to_json(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "kind": self.kind,
            "number": self.number,
            "date": self.date,
            "heading": self.heading,
            "text": self.text,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class QueryTerm:
    """A word of the question with its weight in the corpus (idf; df 0 = never used there)."""

    text: str
    df: int
    idf: float
    everyday: int = 0  # frequency in jieba's general dictionary: high for 年纪, low for 挂失


@dataclass(frozen=True)
class SearchResult:
    question: str
    rewritten: RewrittenQuery
    hits: tuple[Hit, ...]
    terms: tuple[QueryTerm, ...] = ()
    # cosine of the question to each sentence of the top passages, keyed by (doc_id, start)
    sentence_scores: dict[tuple[str, int], float] = field(default_factory=dict)
    places: tuple[str, ...] = ()  # places outside Shenzhen the question names
    matters: tuple[str, ...] = ()  # matters of other bureaus the question names
    understanding: Understanding | None = None


def validate_question(question: object, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Return the stripped question, or raise InputError naming what is wrong with it."""
    if not isinstance(question, str):
        raise InputError(f"the question must be text, not {type(question).__name__}")
    text = question.strip()
    if not text:
        raise InputError("the question is empty; type a question such as 高龄津贴怎么领？")
    if len(text) > max_chars:
        raise InputError(f"the question is {len(text)} characters long; keep it under {max_chars}")
    bad = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    if bad:
        raise InputError(f"the question holds control character {bad[0]!r}; remove it and ask again")
    return text


def validate_filters(k: int, year: int | None, kind: str | None) -> None:
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(f"k={k!r} is out of range; use a whole number from 1 to {MAX_K}")
    if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
        raise InputError(f"year={year!r} is not a year; use a four-digit year such as 2024")
    if kind is not None and kind not in KINDS:
        raise InputError(f"kind={kind!r} is unknown; use one of {', '.join(KINDS)}")


def _zscore(values: np.ndarray) -> np.ndarray:
    std = float(values.std())
    if std < 1e-9:
        return np.zeros_like(values)
    return (values - float(values.mean())) / std


class Retriever:
    """Finds the passages that answer a question; safe to share between threads."""

    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        tokenizer: Tokenizer,
        vocabulary: Vocabulary,
        *,
        weights: FusionWeights | None = None,
        source: CandidateSource | None = None,
    ) -> None:
        if embedder.name != index.manifest.model:
            raise InputError(
                f"the embedder {embedder.name!r} differs from the index's model {index.manifest.model!r}"
            )
        self.index = index
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.weights = weights or FusionWeights()
        self.source = source  # None: FAISS and bm25s from the index folder
        self._years = np.array([index.documents[c.doc_id].year or 0 for c in index.chunks])
        self._kinds = np.array([index.documents[c.doc_id].kind for c in index.chunks])
        self.speller = SpellingCorrector(index.terms, index.corpus_text())
        self.understander = Understander(
            vocabulary, tokenizer, self.speller.pairs, index.lexical.document_frequency, passages=len(index.chunks),
            embed=self._query_vector, acts=load_act_model(index.manifest.model),
        )
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def rewrite(self, question: str) -> RewrittenQuery:
        """Fix typos (listed ones, then sound-alikes) and add the documents' terms for callers' words."""
        return self.vocabulary.rewrite(question, self.speller.pairs)

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = self.embedder.embed_queries([text])[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def dense_scores(self, rewritten: RewrittenQuery) -> np.ndarray:
        """Cosine similarity of every chunk to the question."""
        vector = self._query_vector(rewritten.text)
        total = self.index.dense.ntotal
        out = np.full(total, -1.0, dtype=np.float32)
        if self.source is not None:
            numbers, found = self.source.dense_top(vector, total)
            out[numbers] = found
            return out
        scores, ids = self.index.dense.search(vector.reshape(1, -1).astype(np.float32), total)
        out[ids[0]] = scores[0]
        return out

    def sentence_similarities(self, rewritten: RewrittenQuery) -> np.ndarray:
        """Cosine similarity of every indexed sentence to the question."""
        return self.index.sentence_embeddings @ self._query_vector(rewritten.text)

    def best_sentence_scores(self, similarities: np.ndarray) -> np.ndarray:
        """Per chunk, the cosine of its best sentence (its passage cosine when it has none)."""
        out = np.full(len(self.index.chunks), -1.0, dtype=np.float32)
        if len(similarities):
            np.maximum.at(out, self.index.sentence_spans[:, 0], similarities.astype(np.float32))
        return out

    def query_terms(self, rewritten: RewrittenQuery) -> tuple[QueryTerm, ...]:
        """The distinct words of the corrected question (expansions excluded) with their idf."""
        n = len(self.index.chunks)
        terms = []
        for token in dict.fromkeys(self.tokenizer.tokenize(rewritten.text)):
            df = self.index.lexical.document_frequency(token)
            everyday = self.speller.everyday_frequency(token)
            terms.append(QueryTerm(token, df, math.log(1 + (n - df + 0.5) / (df + 0.5)), everyday))
        return tuple(terms)

    def lexical_scores(self, rewritten: RewrittenQuery) -> np.ndarray:
        tokens = self.tokenizer.tokenize(rewritten.expanded)
        if self.source is None:
            return self.index.lexical.scores(tokens)
        out = np.zeros(len(self.index.chunks), dtype=np.float32)
        numbers, found = self.source.lexical_top(tokens, len(self.index.chunks))
        out[numbers] = found
        return out

    def understand(self, question: str, history: Sequence[str] = (), *, classify: bool = True) -> Understanding:
        """Check the question and understand it in its conversation (earlier questions, oldest first).

        ``classify=False`` leaves out the speech-act model (it needs the question's embedding).
        """
        text = validate_question(question)
        if isinstance(history, str) or not all(isinstance(h, str) for h in history):
            raise InputError("history must be a list of the earlier questions (text), oldest first")
        if len(history) > MAX_HISTORY:
            raise InputError(f"history holds {len(history)} questions; send at most the last {MAX_HISTORY}")
        return self.understander.understand(text, [validate_question(h) for h in history if h.strip()], classify=classify)

    def search(
        self,
        question: str | Understanding,
        k: int = 10,
        *,
        year: int | None = None,
        kind: str | None = None,
        mode: Mode = "hybrid",
        history: Sequence[str] = (),
    ) -> SearchResult:
        """Rank passages for a question, optionally only from one year or one kind of document."""
        understanding = (
            question if isinstance(question, Understanding)
            else self.understand(question, history, classify=mode != "lexical")  # lexical search embeds nothing
        )
        text = understanding.question
        validate_filters(k, year, kind)
        if mode not in MODES:
            raise InputError(f"mode={mode!r} is unknown; use one of {', '.join(MODES)}")
        rewritten = understanding.rewritten
        n = len(self.index.chunks)
        w = self.weights
        zeros = np.zeros(n, dtype=np.float32)
        dense = self.dense_scores(rewritten) if mode != "lexical" else zeros
        similarities = self.sentence_similarities(rewritten) if mode != "lexical" else np.zeros(0)
        best_sentence = self.best_sentence_scores(similarities) if mode != "lexical" else zeros
        best_sentence = np.where(best_sentence < -0.5, dense, best_sentence)
        lexical = self.lexical_scores(rewritten) if mode != "dense" else zeros
        if mode == "lexical":
            fused = lexical.astype(np.float64)
        else:
            fused = w.passage * _zscore(dense) + w.sentence * _zscore(best_sentence)
            if mode == "hybrid":
                fused = fused + w.lexical * _zscore(lexical)
        allowed = np.ones(n, dtype=bool)
        if year is not None:
            allowed &= self._years == year
        if kind is not None:
            allowed &= self._kinds == kind
        if mode == "lexical":
            allowed &= lexical > 0
        candidates = np.flatnonzero(allowed)
        order = candidates[np.argsort(-fused[candidates], kind="stable")][:k]
        hits = []
        for i in order:
            chunk = self.index.chunks[i]
            document = self.index.documents[chunk.doc_id]
            hits.append(
                Hit(
                    chunk_id=chunk.id,
                    doc_id=chunk.doc_id,
                    title=document.title,
                    kind=document.kind,
                    number=document.number,
                    date=document.date,
                    year=document.year,
                    heading=chunk.heading,
                    text=chunk.text,
                    start=chunk.start,
                    end=chunk.end,
                    score=float(fused[i]),
                    dense_score=float(dense[i]),
                    lexical_score=float(lexical[i]),
                )
            )
        return SearchResult(
            question=text,
            rewritten=rewritten,
            hits=tuple(hits),
            terms=self.query_terms(rewritten),
            sentence_scores=self._sentence_scores(similarities, order[:SENTENCE_SCORED_HITS]),
            places=understanding.places_elsewhere,
            matters=understanding.matters,
            understanding=understanding,
        )

    def _sentence_scores(self, similarities: np.ndarray, chunk_numbers: np.ndarray) -> dict[tuple[str, int], float]:
        """Cosines of the sentences of the given chunks, keyed by (doc_id, start), for the composer."""
        if not len(similarities):
            return {}
        spans = self.index.sentence_spans
        return {
            (self.index.chunks[int(i)].doc_id, int(spans[row, 1])): float(similarities[row])
            for i in chunk_numbers
            for row in self.index.sentences_of(int(i))
        }
