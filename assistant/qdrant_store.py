"""The chunk collection in Qdrant: dense vectors and BM25 sparse vectors, for scale-out.

One point per chunk holds its dense vector (``dense``, dot product of the stored unit vectors,
as the FAISS flat index) and its BM25 term-frequency part as a sparse vector (``bm25``, with
``Modifier.IDF`` so the engine supplies the idf). With the same jieba tokens, the same k1, b
and average length the scores equal bm25s's Lucene scores::

    bm25(q, d) = Σ_t∈q idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))
    idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))      (Qdrant's IDF modifier, bm25s "lucene")

The payload carries what filters and citations need (chunk id, document, year, kind, text) and
a content fingerprint, so a build upserts only changed chunks, deletes vanished ones and, when
the corpus's average length moved, rewrites only the sparse vectors of the rest.

Two engines sit behind :class:`ChunkStore`: ``qdrant-client`` (a server or cluster by URL, or the
client's pure-Python local mode by path) and ``qdrant-edge-py`` (the real engine in-process).
:class:`QdrantBackend` gives the retriever its candidates from the collection.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .candidates import LocalBackend, Signal, array_signal
from .errors import IndexMismatchError, IndexMissingError, InputError
from .index import Index, index_text
from .tokenizer import Tokenizer

DENSE = "dense"
SPARSE = "bm25"
DEFAULT_COLLECTION = "minzheng_chunks"
BATCH = 256
MARK_FILE = "minzheng.json"
logger = logging.getLogger(__name__)


def token_index(token: str) -> int:
    """A stable 32-bit sparse index for a token, the same in every process and replica.

    Two tokens may share an index (about n²/2³³ pairs for n distinct tokens: none on the seed
    corpus); they then share a document frequency, as in any hashed vocabulary.
    """
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little")


@dataclass(frozen=True)
class SparseWeights:
    indices: tuple[int, ...]
    values: tuple[float, ...]


def document_weights(tokens: Sequence[str], k1: float, b: float, avgdl: float) -> SparseWeights:
    """The BM25 term-frequency part of each of a chunk's tokens (the idf comes from the engine)."""
    # bm25s gives an empty chunk one placeholder token, so its length is 1 there too.
    length = max(len(tokens), 1)
    norm = k1 * (1 - b + b * length / avgdl)
    weights: dict[int, float] = {}
    for token, tf in Counter(tokens).items():
        key = token_index(token)
        weights[key] = weights.get(key, 0.0) + tf / (tf + norm)
    keys = sorted(weights)
    return SparseWeights(tuple(keys), tuple(weights[k] for k in keys))


def query_weights(tokens: Sequence[str]) -> SparseWeights:
    """Query weights: how often each token occurs (bm25s adds a repeated token once per use)."""
    counts: Counter[int] = Counter(token_index(t) for t in tokens)
    keys = sorted(counts)
    return SparseWeights(tuple(keys), tuple(float(counts[k]) for k in keys))


def average_length(token_lists: Sequence[Sequence[str]]) -> float:
    """bm25s's average document length (an empty chunk counts as one token)."""
    return float(np.mean([max(len(tokens), 1) for tokens in token_lists])) if token_lists else 1.0


def point_id(chunk_id: str) -> int:
    """A 63-bit point id derived from the chunk id (Qdrant ids are unsigned integers or UUIDs)."""
    return int.from_bytes(hashlib.sha1(chunk_id.encode("utf-8")).digest()[:8], "little") >> 1


@dataclass(frozen=True)
class ChunkPoint:
    id: int
    dense: tuple[float, ...]
    sparse: SparseWeights
    payload: dict[str, Any]


@dataclass(frozen=True)
class Filters:
    """Payload filters: only chunks of this year, kind or document (None = any)."""

    year: int | None = None
    kind: str | None = None
    doc_id: str | None = None

    def conditions(self) -> dict[str, object]:
        found = {"year": self.year, "kind": self.kind, "doc_id": self.doc_id}
        return {key: value for key, value in found.items() if value is not None}


@dataclass(frozen=True)
class Scored:
    """An engine's ranked answer: chunk ids and their scores, best first."""

    chunk_ids: tuple[str, ...]
    scores: tuple[float, ...]


@dataclass(frozen=True)
class SyncReport:
    points: int
    upserted: int
    deleted: int
    reweighted: int  # unchanged chunks whose BM25 weights moved with the average length
    token_collisions: int


class Engine(Protocol):
    """The operations the store needs from a Qdrant engine."""

    def ensure(self, dimension: int) -> None: ...
    def stored(self) -> Iterator[tuple[int, dict[str, Any]]]: ...
    def upsert(self, points: Sequence[ChunkPoint]) -> None: ...
    def delete(self, ids: Sequence[int]) -> None: ...
    def reweight(self, ids: Sequence[int], sparse: Sequence[SparseWeights], bm25: str) -> None: ...
    def count(self) -> int: ...
    def mark(self, built_from: dict[str, object]) -> None: ...
    def marked(self) -> dict[str, object]: ...
    def nearest(self, using: str, query: Sequence[float] | SparseWeights, limit: int, filters: Filters) -> Scored: ...
    def close(self) -> None: ...


class _Paging:
    """What both engines share: paging through stored points and building sparse vectors."""

    sparse_type: Any

    def _page(self, offset: Any) -> tuple[list[Any], Any]:
        raise NotImplementedError

    def stored(self) -> Iterator[tuple[int, dict[str, Any]]]:
        offset = None
        while True:
            records, offset = self._page(offset)
            for record in records:
                yield int(record.id), dict(record.payload or {})
            if offset is None:
                return

    def _sparse(self, weights: SparseWeights) -> Any:
        return self.sparse_type(indices=list(weights.indices), values=list(weights.values))

    def _vectors(self, point: ChunkPoint) -> dict[str, Any]:
        return {DENSE: list(point.dense), SPARSE: self._sparse(point.sparse)}


class ClientEngine(_Paging):
    """qdrant-client: a server or cluster (``url``) or the client's local mode (``path``)."""

    def __init__(
        self, *, url: str | None = None, path: str | None = None, api_key: str | None = None,
        collection: str = DEFAULT_COLLECTION, shards: int = 1, replication: int = 1,
    ) -> None:
        from qdrant_client import QdrantClient, models

        self.models = models
        self.sparse_type = models.SparseVector
        self.collection = collection
        self.local = url is None
        self.shards, self.replication = shards, replication
        try:
            if url:
                self.client = QdrantClient(url=url, api_key=api_key)
            elif path == ":memory:":  # tests: local mode without files
                self.client = QdrantClient(location=":memory:")
            else:
                self.client = QdrantClient(path=path)
        except (RuntimeError, OSError) as exc:  # local mode locks its folder to one process
            raise IndexMissingError(
                f"cannot open the Qdrant folder {path!r} ({exc}); local mode serves one process, "
                "so stop the other one or set MINZHENG_QDRANT_URL to a Qdrant server"
            ) from exc

    def ensure(self, dimension: int) -> None:
        m = self.models
        if self.client.collection_exists(self.collection):
            info = self.client.get_collection(self.collection)
            vectors = info.config.params.vectors
            size = vectors[DENSE].size if isinstance(vectors, dict) and DENSE in vectors else None
            if size != dimension:
                raise IndexMismatchError(
                    f"Qdrant collection {self.collection!r} holds {size}-dimensional vectors, the index "
                    f"{dimension}; delete the collection or set MINZHENG_QDRANT_COLLECTION to a new name"
                )
            return
        self.client.create_collection(
            self.collection,
            vectors_config={DENSE: m.VectorParams(size=dimension, distance=m.Distance.DOT)},
            sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)},
            shard_number=self.shards,
            replication_factor=self.replication,
        )
        if not self.local:  # local mode has no payload indexes (it only warns)
            for key, schema in (("year", m.PayloadSchemaType.INTEGER), ("kind", m.PayloadSchemaType.KEYWORD),
                                ("doc_id", m.PayloadSchemaType.KEYWORD)):
                self.client.create_payload_index(self.collection, key, field_schema=schema)

    def _page(self, offset: Any) -> tuple[list[Any], Any]:
        return self.client.scroll(
            self.collection, limit=BATCH * 4, offset=offset, with_payload=["content", SPARSE], with_vectors=False
        )

    def upsert(self, points: Sequence[ChunkPoint]) -> None:
        m = self.models
        self.client.upsert(self.collection, points=[
            m.PointStruct(id=p.id, vector=self._vectors(p), payload=p.payload)
            for p in points
        ])

    def delete(self, ids: Sequence[int]) -> None:
        self.client.delete(self.collection, points_selector=self.models.PointIdsList(points=list(ids)))

    def reweight(self, ids: Sequence[int], sparse: Sequence[SparseWeights], bm25: str) -> None:
        m = self.models
        self.client.update_vectors(self.collection, points=[
            m.PointVectors(id=i, vector={SPARSE: self._sparse(w)}) for i, w in zip(ids, sparse, strict=True)
        ])
        self.client.set_payload(self.collection, payload={SPARSE: bm25}, points=list(ids))

    def count(self) -> int:
        if not self.client.collection_exists(self.collection):
            return 0
        return int(self.client.count(self.collection, exact=True).count)

    def mark(self, built_from: dict[str, object]) -> None:
        self.client.update_collection(self.collection, metadata={"minzheng": built_from})

    def marked(self) -> dict[str, object]:
        if not self.client.collection_exists(self.collection):
            return {}
        metadata = self.client.get_collection(self.collection).config.metadata or {}
        return dict(metadata.get("minzheng") or {})

    def nearest(self, using: str, query: Sequence[float] | SparseWeights, limit: int, filters: Filters) -> Scored:
        m = self.models
        conditions = [m.FieldCondition(key=k, match=m.MatchValue(value=v)) for k, v in filters.conditions().items()]
        vector = self._sparse(query) if isinstance(query, SparseWeights) else list(query)
        response = self.client.query_points(
            self.collection, query=vector, using=using, limit=limit,
            query_filter=m.Filter(must=conditions) if conditions else None, with_payload=["chunk_id"],
        )
        return Scored(tuple(str(p.payload["chunk_id"]) for p in response.points if p.payload),
                      tuple(float(p.score) for p in response.points if p.payload))

    def close(self) -> None:
        self.client.close()


class EdgeEngine(_Paging):
    """qdrant-edge-py: the Qdrant engine itself, in-process, one shard in a folder."""

    def __init__(self, path: str) -> None:
        try:
            import qdrant_edge
        except ImportError as exc:
            raise InputError(
                "MINZHENG_BACKEND=qdrant-edge needs the qdrant-edge-py package: pip install 'qdrant-edge-py==0.9.0'"
            ) from exc

        self.edge = qdrant_edge
        self.sparse_type = qdrant_edge.SparseVector
        self.path = Path(path)
        self.shard: Any = None
        if (self.path / "edge_config.json").exists() or any(self.path.glob("segments*")):
            self.shard = qdrant_edge.EdgeShard.load(str(self.path))

    def ensure(self, dimension: int) -> None:
        e = self.edge
        config = e.EdgeConfig(
            vectors={DENSE: e.EdgeVectorParams(size=dimension, distance=e.Distance.Dot)},
            sparse_vectors={SPARSE: e.EdgeSparseVectorParams(modifier=e.Modifier.Idf)},
        )
        if self.shard is None:
            self.path.mkdir(parents=True, exist_ok=True)
            self.shard = e.EdgeShard.create(str(self.path), config)
            for key, schema in (("year", e.PayloadSchemaType.Integer), ("kind", e.PayloadSchemaType.Keyword),
                                ("doc_id", e.PayloadSchemaType.Keyword)):
                self.shard.update(e.UpdateOperation.create_field_index(key, schema))
            return
        self.shard.close()
        try:  # loading with a config checks the shard's vectors against it
            self.shard = e.EdgeShard.load(str(self.path), config)
        except Exception as exc:  # noqa: BLE001 - the engine raises plain exceptions
            self.shard = None
            raise IndexMismatchError(
                f"the Qdrant Edge shard {str(self.path)!r} does not take {dimension}-dimensional vectors "
                f"({exc}); delete the folder and build again"
            ) from exc

    def _loaded(self) -> Any:
        if self.shard is None:
            raise IndexMissingError(f"no Qdrant Edge shard in {str(self.path)!r}; run `python -m assistant build`")
        return self.shard

    def _page(self, offset: Any) -> tuple[list[Any], Any]:
        request = self.edge.ScrollRequest(offset=offset, limit=BATCH * 4, with_payload=True, with_vector=False)
        return self._loaded().scroll(request)

    def upsert(self, points: Sequence[ChunkPoint]) -> None:
        e = self.edge
        self._loaded().update(e.UpdateOperation.upsert_points([
            e.Point(id=p.id, vector=self._vectors(p), payload=p.payload)
            for p in points
        ]))

    def delete(self, ids: Sequence[int]) -> None:
        self._loaded().update(self.edge.UpdateOperation.delete_points(list(ids)))

    def reweight(self, ids: Sequence[int], sparse: Sequence[SparseWeights], bm25: str) -> None:
        e = self.edge
        shard = self._loaded()
        shard.update(e.UpdateOperation.update_vectors(
            [e.PointVectors(id=i, vector={SPARSE: self._sparse(w)}) for i, w in zip(ids, sparse, strict=True)]
        ))
        shard.update(e.UpdateOperation.set_payload(list(ids), {SPARSE: bm25}))

    def count(self) -> int:
        return 0 if self.shard is None else int(self.shard.count(self.edge.CountRequest(exact=True)))

    # A shard has no collection metadata; the note lives beside its segments.
    def mark(self, built_from: dict[str, object]) -> None:
        (self.path / MARK_FILE).write_text(json.dumps(built_from, ensure_ascii=False) + "\n", encoding="utf-8")

    def marked(self) -> dict[str, object]:
        try:
            return dict(json.loads((self.path / MARK_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def nearest(self, using: str, query: Sequence[float] | SparseWeights, limit: int, filters: Filters) -> Scored:
        e = self.edge
        conditions = [e.FieldCondition(key=k, match=e.MatchValue(v)) for k, v in filters.conditions().items()]
        vector = self._sparse(query) if isinstance(query, SparseWeights) else [float(x) for x in query]
        points = self._loaded().query(e.QueryRequest(
            limit=limit, query=e.Query.Nearest(vector, using=using),
            filter=e.Filter(must=conditions) if conditions else None, with_payload=["chunk_id"],
        ))
        return Scored(tuple(str(p.payload["chunk_id"]) for p in points if p.payload),
                      tuple(float(p.score) for p in points if p.payload))

    def close(self) -> None:
        if self.shard is not None:
            self.shard.flush()
            self.shard.close()
            self.shard = None


def _fingerprint(*parts: object) -> str:
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:20]


class ChunkStore:
    """Dense and BM25 top-K over the chunks of an index, answered by a Qdrant engine.

    Results are chunk numbers (positions in ``index.chunks``), so the retriever fuses them as
    it fuses FAISS's and bm25s's.
    """

    def __init__(self, engine: Engine, index: Index, tokenizer: Tokenizer) -> None:
        self.engine = engine
        self.index = index
        self.tokenizer = tokenizer
        self._numbers = {chunk.id: i for i, chunk in enumerate(index.chunks)}

    def _tokens(self) -> list[list[str]]:
        docs = self.index.documents
        return [self.tokenizer.tokenize(index_text(c, docs[c.doc_id])) for c in self.index.chunks]

    def points(self, token_lists: Sequence[Sequence[str]] | None = None) -> list[ChunkPoint]:
        """One point per chunk of the index, with its payload and content fingerprint."""
        token_lists = token_lists if token_lists is not None else self._tokens()
        k1, b = float(self.index.manifest.bm25["k1"]), float(self.index.manifest.bm25["b"])
        avgdl = average_length(token_lists)
        bm25 = f"{k1}/{b}/{avgdl!r}"
        found = []
        for chunk, tokens, vector in zip(self.index.chunks, token_lists, self.index.embeddings, strict=True):
            document = self.index.documents[chunk.doc_id]
            payload: dict[str, Any] = {
                "chunk_id": chunk.id, "doc_id": chunk.doc_id, "year": document.year, "kind": document.kind,
                "title": document.title, "heading": chunk.heading, "text": chunk.text,
                "start": chunk.start, "end": chunk.end,
            }
            dense = tuple(float(x) for x in vector)
            payload["content"] = _fingerprint(payload, self.index.manifest.model, dense, sorted(Counter(tokens).items()))
            payload[SPARSE] = bm25
            found.append(ChunkPoint(point_id(chunk.id), dense, document_weights(tokens, k1, b, avgdl), payload))
        return found

    def sync(self) -> SyncReport:
        """Bring the collection in line with the index: upsert new and changed chunks, delete gone ones."""
        token_lists = self._tokens()
        wanted = self.points(token_lists)
        self.engine.ensure(self.index.manifest.dimension)
        stored = dict(self.engine.stored())
        by_id = {p.id: p for p in wanted}
        if len(by_id) != len(wanted):
            raise IndexMismatchError("two chunks share a Qdrant point id; rename one of the documents")
        gone = [i for i in stored if i not in by_id]
        changed = [p for p in wanted if stored.get(p.id, {}).get("content") != p.payload["content"]]
        changed_ids = {p.id for p in changed}
        reweight = [p for p in wanted if p.id in stored and p.id not in changed_ids
                    and stored[p.id].get(SPARSE) != p.payload[SPARSE]]
        for batch in _batches(gone):
            self.engine.delete(batch)
        for points in _batches(changed):
            self.engine.upsert(points)
        for points in _batches(reweight):
            self.engine.reweight([p.id for p in points], [p.sparse for p in points], points[0].payload[SPARSE])
        self.engine.mark(self._built_from())
        distinct = {t for tokens in token_lists for t in tokens}
        collisions = len(distinct) - len({token_index(t) for t in distinct})
        if collisions:
            logger.warning("%d BM25 tokens share a sparse index with another token", collisions)
        return SyncReport(len(wanted), len(changed), len(gone), len(reweight), collisions)

    def _built_from(self) -> dict[str, object]:
        manifest = self.index.manifest
        return {"corpus_hash": manifest.corpus_hash, "model": manifest.model, "chunks": manifest.chunks}

    def check(self) -> None:
        """Raise IndexMismatchError unless the collection was filled from this index's corpus and model."""
        count, marked = self.engine.count(), self.engine.marked()
        if count != len(self.index.chunks) or marked != self._built_from():
            raise IndexMismatchError(
                f"the Qdrant collection holds {count} chunks built from {marked or 'nothing known'}, the index "
                f"{self._built_from()}; run `python -m assistant build` with the same MINZHENG_BACKEND "
                "and MINZHENG_QDRANT_* settings"
            )

    def _numbered(self, scored: Scored) -> tuple[np.ndarray, np.ndarray]:
        pairs = [(self._numbers[c], s) for c, s in zip(scored.chunk_ids, scored.scores, strict=True) if c in self._numbers]
        return (np.array([p[0] for p in pairs], dtype=np.int64),
                np.array([p[1] for p in pairs], dtype=np.float32))

    def dense_top(self, vector: np.ndarray, k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        """Chunk numbers and dot products of the k chunks nearest the unit query vector."""
        return self._numbered(self.engine.nearest(DENSE, [float(x) for x in vector], k, filters))

    def lexical_top(self, tokens: Sequence[str], k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        """Chunk numbers and BM25 scores of the k best chunks sharing a token with the query."""
        if not tokens:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return self._numbered(self.engine.nearest(SPARSE, query_weights(tokens), k, filters))

    def close(self) -> None:
        self.engine.close()


@dataclass(frozen=True)
class _QdrantDense:
    """The dense signal: top-K from the collection (filtered there), spread and values from the index."""

    store: ChunkStore
    local: Signal  # the index's: exact mean and std from its moments, any chunk's cosine
    vector: np.ndarray

    @property
    def mean(self) -> float:
        return self.local.mean

    @property
    def std(self) -> float:
        return self.local.std

    def top(self, k: int, allowed: np.ndarray | None = None, *, year: int | None = None,
            kind: str | None = None) -> np.ndarray:
        if allowed is not None and year is None and kind is None:
            return self.local.top(k, allowed)  # a mask with no filter values the server could apply
        numbers, _ = self.store.dense_top(self.vector, k, Filters(year=year, kind=kind))
        return numbers if allowed is None else numbers[allowed[numbers]]

    def of(self, chunk_numbers: np.ndarray) -> np.ndarray:
        return self.local.of(chunk_numbers)


class QdrantBackend:
    """The retriever's candidates from a Qdrant collection (see candidates.CandidateBackend).

    Dense: the collection's top-K with year and kind filtered on the server; the mean and spread
    come from the index's vector moments and a chunk's cosine from its stored vector, so fusion
    sees the same numbers as with the index folder. BM25: one sparse query whose limit covers every
    chunk sharing a query token, so its mean and spread over all chunks are exact. Sentences: the
    index's sentence FAISS (the collection holds chunks only).
    """

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self.local = LocalBackend(store.index)

    def dense(self, vector: np.ndarray) -> Signal:
        return _QdrantDense(self.store, self.local.dense(vector), np.ascontiguousarray(vector, dtype=np.float32))

    def lexical(self, tokens: Sequence[str]) -> Signal:
        n = len(self.store.index.chunks)
        # room for every chunk holding a query token (a repeated token counts again, as in bm25s)
        df = self.store.index.lexical.document_frequency
        holding = sum(df(t) for t in set(tokens))
        scores = np.zeros(n, dtype=np.float32)
        if holding:
            limit = min(n, holding + 1)
            numbers, found = self.store.lexical_top(tokens, limit)
            if len(numbers) == limit < n:  # more than hold a token: two share a sparse index; ask for all
                numbers, found = self.store.lexical_top(tokens, n)
            scores[numbers] = found
        return array_signal(scores)

    def sentence_top(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        return self.local.sentence_top(vector, k, allowed)

    def close(self) -> None:
        self.store.close()


def _batches(items: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield list(items[start : start + BATCH])


def open_engine(
    *, url: str | None, path: Path | None, api_key: str | None = None, collection: str = DEFAULT_COLLECTION,
    shards: int = 1, replication: int = 1, edge: bool = False,
) -> Engine:
    """The engine the settings name: a server by URL, local mode by path, or Qdrant Edge by path."""
    if (url is None) == (path is None):
        raise InputError(
            "MINZHENG_BACKEND=qdrant needs exactly one of MINZHENG_QDRANT_URL (a server, e.g. "
            "http://localhost:6333) or MINZHENG_QDRANT_PATH (a folder for local mode)"
        )
    if edge:
        if path is None:
            raise InputError("Qdrant Edge runs in-process; set MINZHENG_QDRANT_PATH, not MINZHENG_QDRANT_URL")
        return EdgeEngine(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # local mode warns that it is not meant for large collections
        return ClientEngine(url=url, path=None if path is None else str(path), api_key=api_key,
                            collection=collection, shards=shards, replication=replication)
