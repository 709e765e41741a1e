"""Hybrid retrieval: dense (FAISS) and BM25 scores, z-normalised and fused.

The question is checked, typos are corrected and callers' words are mapped to the documents'
terms (see vocabulary); BM25 sees the expanded question, the embedder the corrected one.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .candidates import CandidateBackend, LocalBackend
from .documents import KINDS
from .embedding import Embedder
from .errors import InputError
from .index import Index
from .spelling import FUNCTION_CHARS, MIN_TERM_DF, SpellingCorrector
from .tokenizer import Tokenizer
from .understanding import MAX_HISTORY, SOURCE_NAMED, Understander, Understanding, load_act_model
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

QUERY_CACHE_SIZE = 512
SENTENCE_SCORED_HITS = 8
# Added to the fused score (in z units) of a passage of the year a question asks (那2021年呢？).
YEAR_BONUS = 0.5
# Added to the fused score of the passages of a document the question names by its number (第20210642号
#建议答复, 0535号答复): a hotline agent looking up one reply.
NAMED_BONUS = 1.0
NAMED_NUMBER = re.compile(r"(?<!\d)(?:(\d{8})|(\d{4})(?=\s*号))(?!\d)")
CANDIDATES = 200  # per index; the fused top-10 of the seed corpus never falls outside them
SPREAD_SAMPLE = 4096  # chunks whose sentences give the sentence signal's mean and spread


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
    # mean and std over the corpus of each passage's best sentence cosine to the question (0, 0 without embedding)
    sentence_spread: tuple[float, float] = (0.0, 0.0)


def validate_question(question: object, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Return the stripped question, or raise InputError naming what is wrong with it."""
    if not isinstance(question, str):
        raise InputError(
            f"the question must be text, not {type(question).__name__}",
            code="question_not_text",
            chinese="问题必须是文字。",
        )
    text = question.strip()
    if not text:
        raise InputError(
            "the question is empty; type a question such as 高龄津贴怎么领？",
            code="question_empty",
            chinese="请先输入您的问题，例如：高龄津贴怎么领？",
        )
    if len(text) > max_chars:
        raise InputError(
            f"the question is {len(text)} characters long; keep it under {max_chars}",
            code="question_too_long",
            chinese=f"问题太长了：共 {len(text)} 个字，最多 {max_chars} 个字。请删减后再问，或分几次问。",
        )
    bad = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    if bad:
        raise InputError(
            f"the question holds control character {bad[0]!r}; remove it and ask again",
            code="question_control_character",
            chinese="问题里有无法识别的控制字符，请删除后再问。",
        )
    return text


def validate_filters(k: int, year: int | None, kind: str | None) -> None:
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(
            f"k={k!r} is out of range; use a whole number from 1 to {MAX_K}",
            code="k_out_of_range",
            chinese=f"k 的值 {k!r} 超出范围，请用 1 到 {MAX_K} 的整数。",
        )
    if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
        raise InputError(
            f"year={year!r} is not a year; use a four-digit year such as 2024",
            code="year_invalid",
            chinese=f"年份 {year!r} 不对，请用四位数的年份，例如 2024。",
        )
    if kind is not None and kind not in KINDS:
        raise InputError(
            f"kind={kind!r} is unknown; use one of {', '.join(KINDS)}",
            code="kind_unknown",
            chinese=f"没有“{kind}”这类文件，可选：{'、'.join(KINDS)}。",
        )


def _best_per_owner(similarities: np.ndarray, owner: np.ndarray, count: int) -> np.ndarray:
    best = np.full(count, -1.0, dtype=np.float32)
    np.maximum.at(best, owner, similarities.astype(np.float32))
    return best


def _zscore(values: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Values z-normalised by a signal's mean and std over the whole corpus."""
    if std < 1e-9:
        return np.zeros(len(values), dtype=np.float64)
    return (values.astype(np.float64) - mean) / std


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
        backend: CandidateBackend | None = None,
        candidates: int = CANDIDATES,
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
        self.backend = backend or LocalBackend(index)
        self.candidates = candidates
        n = len(index.chunks)
        # Up to SPREAD_SAMPLE chunks every chunk counts (exact); above, an even sample stands in.
        self._sample = np.unique(np.linspace(0, n - 1, min(n, SPREAD_SAMPLE)).round().astype(np.int64))
        self._sample_rows = self._rows_of(self._sample)
        self._sample_sentences = np.asarray(index.sentence_embeddings[self._sample_rows[0]], dtype=np.float32)
        self._sample_passages = np.asarray(index.embeddings[self._sample], dtype=np.float32)
        self._years = np.array([index.documents[d].year or 0 for d in index.chunks.doc_ids])
        self._kinds = np.array([index.documents[d].kind for d in index.chunks.doc_ids])
        self._numbers = np.array([index.documents[d].number or "" for d in index.chunks.doc_ids])
        # Other bureaus' matters (住房公基金) and the callers' words the vocabulary maps (扫幕 of 扫墓) are
        # heard with typos too: the speller knows their names.
        # A caller's phrase holding a function character (没钱) is no term: 没签 is no typo of it.
        callers = (w for w, _ in vocabulary.synonyms if not FUNCTION_CHARS.intersection(w))
        heard = {m: MIN_TERM_DF for m in (*vocabulary.matters, *callers)}
        corpus_text = index.corpus_text()
        # The terms the documents quote (“四同步”) are in index.terms, written at build time.
        self.speller = SpellingCorrector({**heard, **index.terms}, corpus_text)
        self.understander = Understander(
            vocabulary, tokenizer, self.speller.pairs, index.lexical.document_frequency, passages=len(index.chunks),
            embed=self._query_vector, acts=load_act_model(index.manifest.model), in_documents=self.speller.occurs,
            heard_in_documents=self.speller.heard,
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

    def _rows_of(self, chunk_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sentence rows of the chunks, and for each row the position of its chunk in ``chunk_numbers``."""
        starts = self.index.sentence_starts[chunk_numbers]
        counts = self.index.sentence_starts[chunk_numbers + 1] - starts
        owner = np.repeat(np.arange(len(chunk_numbers)), counts)
        rows = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        return rows, owner

    def _best_sentences(self, vector: np.ndarray, chunk_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per chunk, its best sentence cosine (-1 when it has none); and each sentence row with its cosine."""
        rows, owner = self._rows_of(chunk_numbers)
        similarities = np.asarray(self.index.sentence_embeddings[rows], dtype=np.float32) @ vector
        return _best_per_owner(similarities, owner, len(chunk_numbers)), rows, similarities

    def _sentence_spread(self, vector: np.ndarray) -> tuple[float, float]:
        """Mean and std of the sentence signal over every chunk, or over an even sample of large corpora."""
        best = _best_per_owner(self._sample_sentences @ vector, self._sample_rows[1], len(self._sample))
        values = np.where(best < -0.5, self._sample_passages @ vector, best).astype(np.float64)
        return float(values.mean()), float(values.std())

    def query_terms(self, rewritten: RewrittenQuery) -> tuple[QueryTerm, ...]:
        """The distinct words of the corrected question (expansions excluded, and the document it names as
        where the caller read it: 那份提案办理总结里说…) with their idf."""
        n = len(self.index.chunks)
        terms = []
        for token in dict.fromkeys(self.tokenizer.tokenize(SOURCE_NAMED.sub("，", rewritten.text))):
            df = self.index.lexical.document_frequency(token)
            everyday = self.speller.everyday_frequency(token)
            terms.append(QueryTerm(token, df, math.log(1 + (n - df + 0.5) / (df + 0.5)), everyday))
        return tuple(terms)


    def understand(self, question: str, history: Sequence[str] = (), *, classify: bool = True) -> Understanding:
        """Check the question and understand it in its conversation (earlier questions, oldest first).

        ``classify=False`` leaves out the speech-act model (it needs the question's embedding).
        """
        text = validate_question(question)
        if isinstance(history, str) or not all(isinstance(h, str) for h in history):
            raise InputError(
                "history must be a list of the earlier questions (text), oldest first",
                code="history_invalid",
                chinese="history 应是之前问过的问题（文字）列表，按先后排列。",
            )
        if len(history) > MAX_HISTORY:
            raise InputError(
                f"history holds {len(history)} questions; send at most the last {MAX_HISTORY}",
                code="history_too_long",
                chinese=f"history 里有 {len(history)} 个问题，最多只能带最近的 {MAX_HISTORY} 个。",
            )
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
        allowed: np.ndarray | None = None
        if year is not None or kind is not None:
            allowed = np.ones(n, dtype=bool)
            if year is not None:
                allowed &= self._years == year
            if kind is not None:
                allowed &= self._kinds == kind
        lexical = self.backend.lexical(self.tokenizer.tokenize(rewritten.expanded)) if mode != "dense" else None
        rows = similarities = np.zeros(0)
        sentence_mean = sentence_std = 0.0
        if mode == "lexical":
            assert lexical is not None
            order = lexical.top(k, allowed, year=year, kind=kind)
            fused = lexical_scores = lexical.of(order).astype(np.float64)
            dense_scores = np.zeros(len(order), dtype=np.float32)
        else:
            vector = self._query_vector(rewritten.text)
            dense = self.backend.dense(vector)
            # Candidates: each index's own top-K; fusion and sentence scoring see only them.
            found = [dense.top(self.candidates, allowed, year=year, kind=kind),
                     self.backend.sentence_top(vector, self.candidates, allowed)]
            if lexical is not None:
                found.append(lexical.top(self.candidates, allowed, year=year, kind=kind))
            candidates = np.unique(np.concatenate(found))
            dense_scores = dense.of(candidates)
            best, rows, similarities = self._best_sentences(vector, candidates)
            best = np.where(best < -0.5, dense_scores, best)
            sentence_mean, sentence_std = self._sentence_spread(vector)
            fused = w.passage * _zscore(dense_scores, dense.mean, dense.std) + w.sentence * _zscore(
                best, sentence_mean, sentence_std
            )
            lexical_scores = lexical.of(candidates) if lexical is not None else np.zeros(len(candidates), np.float32)
            if lexical is not None:
                fused = fused + w.lexical * _zscore(lexical_scores, lexical.mean, lexical.std)
            if understanding.asked_years:
                fused = fused + YEAR_BONUS * self._of_asked_year(candidates, understanding.asked_years)
            if NAMED_NUMBER.search(understanding.text):
                fused = fused + NAMED_BONUS * self._of_named_document(candidates, understanding.text)
            ranked = np.argsort(-fused, kind="stable")[:k]
            order, fused = candidates[ranked], fused[ranked]
            dense_scores, lexical_scores = dense_scores[ranked], lexical_scores[ranked]
            # the top hits' sentences, for the composer
            keep = np.isin(candidates[self._rows_of(candidates)[1]], order[:SENTENCE_SCORED_HITS])
            rows, similarities = rows[keep], similarities[keep]
        hits = []
        for rank, i in enumerate(order):
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
                    score=float(fused[rank]),
                    dense_score=float(dense_scores[rank]),
                    lexical_score=float(lexical_scores[rank]),
                )
            )
        return SearchResult(
            question=text,
            rewritten=rewritten,
            hits=tuple(hits),
            terms=self.query_terms(rewritten),
            sentence_scores=self._sentence_scores(rows, similarities),
            places=understanding.places_elsewhere,
            matters=understanding.matters,
            understanding=understanding,
            sentence_spread=(sentence_mean, sentence_std),
        )

    def _of_asked_year(self, candidates: np.ndarray, years: tuple[int, ...]) -> np.ndarray:
        """1 for the passages of a document of an asked year (那2021年呢？ → the 2021 reply's 现有…25家), else 0.

        Not a passage merely naming the year: 2023年以来…回炉培训 is no more about 2023年底那次 than others.
        """
        return np.isin(self._years[candidates], years).astype(np.float64)

    def _of_named_document(self, candidates: np.ndarray, text: str) -> np.ndarray:
        """1 for the passages of a document the question names by its number (20210642, or 0535号 by
        its last four digits), else 0."""
        numbers = self._numbers[candidates]
        named = np.zeros(len(candidates), dtype=bool)
        for match in NAMED_NUMBER.finditer(text):
            full, tail = match.groups()
            named |= (numbers == full) if full else np.char.endswith(numbers.astype(str), tail)
        return named.astype(np.float64)

    def _sentence_scores(self, rows: np.ndarray, similarities: np.ndarray) -> dict[tuple[str, int], float]:
        """Cosines of the given sentence rows, keyed by (doc_id, start), for the composer."""
        spans = self.index.sentence_spans[np.asarray(rows, dtype=np.int64)].tolist()
        doc_ids = self.index.chunks.doc_ids
        return {
            (doc_ids[chunk], start): float(similarity)
            for (chunk, start, _), similarity in zip(spans, similarities, strict=True)
        }
