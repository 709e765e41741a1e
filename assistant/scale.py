"""Scale benchmark on synthetic corpora: when to leave exact FAISS, and how BM25 grows.

No model is needed: dense vectors are clustered random unit vectors and lexical chunks are
Zipf-distributed token ids. The numbers tell maintainers at which corpus size an exact
inner-product index gets too slow for interactive search, and what the approximate indexes
cost in build time, size and recall.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

TOP_K = 10
WARMUP_QUERIES = 10
LATENCY_TARGET_MS = 40.0

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 64
IVF_NPROBE = 16
IVF_TRAIN_PER_LIST = 40

VOCAB_SIZE = 50_000
# Zipf-Mandelbrot offset: the most frequent ranks behave like stopwords a tokenizer would drop,
# so postings stay as long as in a stopword-filtered index rather than covering every chunk.
ZIPF_OFFSET = 100
CHUNK_TOKENS = (40, 120)
QUERY_TOKENS = (2, 6)

# Within-cluster spread lives in a shared low-rank subspace; with these values IVF at nprobe=16
# loses noticeable recall, as on real sentence embeddings, instead of looking perfect.
LATENT_DIM = 64
LATENT_SPREAD = 1.0
BLOCK_ROWS = 100_000


@dataclass(frozen=True)
class ScaleResult:
    """One engine measured at one corpus size."""

    size: int
    engine: str
    build_seconds: float
    index_bytes: int
    search_p50_ms: float
    search_p95_ms: float
    recall_at_10: float | None
    notes: str


def run_scale_benchmark(
    sizes: Sequence[int] = (100_000, 1_000_000),
    *,
    dim: int = 384,
    queries: int = 200,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    hnsw_budget_seconds: float = 480.0,
) -> list[ScaleResult]:
    """Measure FAISS flat/HNSW/IVF and bm25s on synthetic corpora of each size.

    Args:
        sizes: corpus sizes in chunks, each at least 1,000.
        queries: single queries timed per engine, after a short warm-up.
        hnsw_budget_seconds: HNSW insertion stops once the projected build would exceed this;
            the result then covers the vectors inserted so far and says so in its notes.
    """
    sizes = list(sizes)
    if not sizes or any(size < 1_000 for size in sizes):
        raise ValueError(f"sizes must be non-empty and each at least 1000, got {sizes}")
    if dim < 8:
        raise ValueError(f"dim must be at least 8, got {dim}")
    if queries < 1:
        raise ValueError(f"queries must be at least 1, got {queries}")

    import faiss

    report = progress or (lambda _message: None)
    previous_threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    results: list[ScaleResult] = []
    try:
        for size in sizes:
            rng = np.random.default_rng([seed, size])
            results.extend(_bench_dense(size, dim, queries, rng, report, hnsw_budget_seconds))
            gc.collect()
            results.extend(_bench_lexical(size, queries, rng, report))
            gc.collect()
    finally:
        faiss.omp_set_num_threads(previous_threads)
    return results


def write_scale_report(results: Sequence[ScaleResult], out_dir: Path) -> tuple[Path, Path]:
    """Write scale.json and scale.md to out_dir and return both paths."""
    import bm25s
    import faiss

    out_dir.mkdir(parents=True, exist_ok=True)
    machine = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "faiss": faiss.__version__,
        "bm25s": bm25s.__version__,
        "peak_rss_bytes": _peak_rss_bytes(),
        # Shared machines skew latencies; the load at report time says how much to trust them.
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    json_path = out_dir / "scale.json"
    payload = {"machine": machine, "results": [asdict(result) for result in results]}
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    md_path = out_dir / "scale.md"
    md_path.write_text(_markdown(results, machine), encoding="utf-8")
    return json_path, md_path


def _bench_dense(
    size: int,
    dim: int,
    n_queries: int,
    rng: np.random.Generator,
    report: Callable[[str], None],
    hnsw_budget_seconds: float,
) -> list[ScaleResult]:
    import faiss

    report(f"[{size:,}] generating {size:,} x {dim} clustered vectors")
    corpus = _clustered_vectors(size, dim, rng)
    picks = rng.integers(0, size, size=n_queries + WARMUP_QUERIES)
    query_vectors = _perturb(corpus[picks], rng, scale=0.3)
    results: list[ScaleResult] = []

    report(f"[{size:,}] faiss-flat-ip")
    start = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(corpus)
    build = time.perf_counter() - start
    p50, p95 = _latency(partial(flat.search, k=TOP_K), query_vectors)
    _, truth = flat.search(query_vectors[WARMUP_QUERIES:], TOP_K)
    results.append(
        ScaleResult(size, "faiss-flat-ip", build, _faiss_bytes(flat), p50, p95, None, "exact")
    )
    del flat
    gc.collect()

    report(f"[{size:,}] faiss-hnsw32 (budget {hnsw_budget_seconds:.0f} s)")
    hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    batch = max(10_000, size // 20)
    start = time.perf_counter()
    inserted = 0
    while inserted < size:
        stop = min(size, inserted + batch)
        hnsw.add(corpus[inserted:stop])
        inserted = stop
        elapsed = time.perf_counter() - start
        projected = elapsed / inserted * size
        if inserted < size and projected > hnsw_budget_seconds:
            break
    build = time.perf_counter() - start
    hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    notes = f"M={HNSW_M} efConstruction={HNSW_EF_CONSTRUCTION} efSearch={HNSW_EF_SEARCH}"
    hnsw_truth = truth
    if inserted < size:
        hnsw_truth = _exact_top_k(query_vectors[WARMUP_QUERIES:], corpus[:inserted])
        notes += (
            f"; build stopped at the time budget after {inserted:,} of {size:,} vectors"
            f" (full build projected ~{build / inserted * size:.0f} s);"
            " latency and recall measured on that subset"
        )
    p50, p95 = _latency(partial(hnsw.search, k=TOP_K), query_vectors)
    recall = _recall(hnsw.search(query_vectors[WARMUP_QUERIES:], TOP_K)[1], hnsw_truth)
    results.append(
        ScaleResult(inserted, "faiss-hnsw32", build, _faiss_bytes(hnsw), p50, p95, recall, notes)
    )
    del hnsw
    gc.collect()

    nlist = max(1, min(int(4 * math.sqrt(size)), size // 39))
    nprobe = min(IVF_NPROBE, nlist)
    n_train = min(size, IVF_TRAIN_PER_LIST * nlist)
    report(f"[{size:,}] faiss-ivf-flat (nlist={nlist}, training on {n_train:,})")
    start = time.perf_counter()
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = np.sort(rng.choice(size, size=n_train, replace=False))
    ivf.train(corpus[sample])
    del sample
    ivf.add(corpus)
    build = time.perf_counter() - start
    ivf.nprobe = nprobe
    p50, p95 = _latency(partial(ivf.search, k=TOP_K), query_vectors)
    recall = _recall(ivf.search(query_vectors[WARMUP_QUERIES:], TOP_K)[1], truth)
    notes = f"nlist={nlist} nprobe={nprobe} trained on {n_train:,} vectors"
    results.append(
        ScaleResult(size, "faiss-ivf-flat", build, _faiss_bytes(ivf), p50, p95, recall, notes)
    )
    del ivf, quantizer, corpus
    gc.collect()
    return results


def _bench_lexical(
    size: int, n_queries: int, rng: np.random.Generator, report: Callable[[str], None]
) -> list[ScaleResult]:
    import bm25s
    from bm25s.tokenization import Tokenized

    report(f"[{size:,}] generating {size:,} Zipf token chunks")
    chunks = _zipf_chunks(size, rng)
    vocab = {str(token): token for token in range(VOCAB_SIZE)}
    query_tokens = []
    for doc in rng.integers(0, size, size=n_queries + WARMUP_QUERIES):
        distinct = np.unique(np.asarray(chunks[doc]))
        count = int(rng.integers(QUERY_TOKENS[0], QUERY_TOKENS[1] + 1))
        chosen = rng.choice(distinct, size=min(count, distinct.size), replace=False)
        query_tokens.append([int(token) for token in chosen])

    report(f"[{size:,}] bm25s index")
    start = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(Tokenized(ids=chunks, vocab=vocab), show_progress=False)
    build = time.perf_counter() - start
    del chunks
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="scale-bm25s-") as tmp:
        retriever.save(tmp)
        index_bytes = sum(path.stat().st_size for path in Path(tmp).iterdir())

    data = (
        f"vocab={VOCAB_SIZE:,} Zipf-Mandelbrot s=1 q={ZIPF_OFFSET}, "
        f"{CHUNK_TOKENS[0]}-{CHUNK_TOKENS[1]} tokens/chunk, "
        f"{QUERY_TOKENS[0]}-{QUERY_TOKENS[1]} tokens/query"
    )
    results = []
    for engine, backend in (("bm25s", "numpy"), ("bm25s-numba", "numba")):
        report(f"[{size:,}] {engine} queries")
        retriever.backend = backend
        search = partial(retriever.retrieve, k=TOP_K, show_progress=False, n_threads=0)
        p50, p95 = _latency(search, query_tokens)
        notes = f"backend={backend}; {data}"
        if backend == "numba":
            notes = f"same index as bm25s, {notes}"
        results.append(ScaleResult(size, engine, build, index_bytes, p50, p95, None, notes))
    del retriever
    gc.collect()
    return results


def _clustered_vectors(size: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    # Isotropic 384-d noise has an intrinsic dimension real embeddings never reach and makes
    # every ANN index look bad; spread within a cluster lives in a low-rank subspace instead.
    n_centroids = min(4096, max(8, size // 50))
    centroids = _unit(rng.standard_normal((n_centroids, dim), dtype=np.float32))
    basis = _unit(rng.standard_normal((LATENT_DIM, dim), dtype=np.float32))
    corpus = np.empty((size, dim), dtype=np.float32)
    for start in range(0, size, BLOCK_ROWS):
        block = corpus[start : start + BLOCK_ROWS]
        rows = block.shape[0]
        rng.standard_normal(out=block, dtype=np.float32)
        block *= 0.1 / math.sqrt(dim)
        latent = rng.standard_normal((rows, LATENT_DIM), dtype=np.float32)
        block += (latent * (LATENT_SPREAD / math.sqrt(LATENT_DIM))) @ basis
        block += centroids[rng.integers(0, n_centroids, size=rows)]
        _unit(block)
    return corpus


def _perturb(vectors: np.ndarray, rng: np.random.Generator, scale: float) -> np.ndarray:
    noise = rng.standard_normal(vectors.shape, dtype=np.float32)
    return _unit(vectors + noise * np.float32(scale / math.sqrt(vectors.shape[1])))


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Normalise rows to unit length in place and return them."""
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def _zipf_chunks(size: int, rng: np.random.Generator) -> list[list[int]]:
    weights = 1.0 / (np.arange(VOCAB_SIZE, dtype=np.float64) + 1 + ZIPF_OFFSET)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    # Sharing one int object per token id keeps 80M tokens at 8 bytes each instead of 36.
    token_objects = list(range(VOCAB_SIZE))
    lengths = rng.integers(CHUNK_TOKENS[0], CHUNK_TOKENS[1] + 1, size=size)
    chunks: list[list[int]] = []
    for start in range(0, size, BLOCK_ROWS):
        block_lengths = lengths[start : start + BLOCK_ROWS]
        draws = np.searchsorted(cdf, rng.random(int(block_lengths.sum())), side="right")
        flat = [token_objects[token] for token in np.minimum(draws, VOCAB_SIZE - 1).tolist()]
        offsets = np.concatenate(([0], np.cumsum(block_lengths))).tolist()
        chunks.extend(flat[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True))
    return chunks


def _latency(search: Callable[[Any], object], queries: Any) -> tuple[float, float]:
    """Time single queries after WARMUP_QUERIES untimed ones; return (p50, p95) in ms."""
    for query in queries[:WARMUP_QUERIES]:
        search(_one(query))
    timings = []
    for query in queries[WARMUP_QUERIES:]:
        one = _one(query)
        start = time.perf_counter()
        search(one)
        timings.append((time.perf_counter() - start) * 1000.0)
    p50, p95 = np.percentile(timings, [50, 95])
    return float(p50), float(p95)


def _one(query: Any) -> Any:
    """Wrap one query as a batch of one: a 1 x dim array or a list holding one token list."""
    if isinstance(query, np.ndarray):
        return query.reshape(1, -1)
    return [query]


def _exact_top_k(queries: np.ndarray, corpus: np.ndarray) -> np.ndarray:
    import faiss

    _, ids = faiss.knn(queries, corpus, TOP_K, metric=faiss.METRIC_INNER_PRODUCT)
    return ids


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(a.tolist()) & set(b.tolist())) for a, b in zip(found, truth, strict=True))
    return hits / (truth.shape[0] * TOP_K)


def _faiss_bytes(index: Any) -> int:
    import faiss

    with tempfile.TemporaryDirectory(prefix="scale-faiss-") as tmp:
        path = Path(tmp) / "index.faiss"
        faiss.write_index(index, str(path))
        return path.stat().st_size


def _peak_rss_bytes() -> int | None:
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return int(peak if platform.system() == "Darwin" else peak * 1024)


def _markdown(results: Sequence[ScaleResult], machine: dict[str, object]) -> str:
    lines = [
        "# Retrieval scale benchmark (synthetic corpora)",
        "",
        f"Machine: {machine['cpu_count']} CPUs, Python {machine['python']}, "
        f"faiss {machine['faiss']}, bm25s {machine['bm25s']}, {machine['timestamp']}, "
        f"1-minute load average {machine['load_average_1m']} at the end of the run. "
        "FAISS ran on 2 threads; latencies are single queries, top-10, after "
        f"{WARMUP_QUERIES} warm-up queries.",
        "",
        "Data: dense chunks are unit vectors around up to 4,096 random centroids, spread in a "
        f"{LATENT_DIM}-d subspace plus small isotropic noise; queries are perturbed corpus "
        "vectors. Recall@10 is overlap with exact search on the same queries. Lexical chunks "
        f"are {CHUNK_TOKENS[0]}-{CHUNK_TOKENS[1]} token ids from a {VOCAB_SIZE:,}-term Zipf "
        f"vocabulary; queries are {QUERY_TOKENS[0]}-{QUERY_TOKENS[1]} distinct tokens of a chunk.",
        "",
        "| size | engine | build s | index MiB | p50 ms | p95 ms | recall@10 | notes |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        recall = "" if r.recall_at_10 is None else f"{r.recall_at_10:.3f}"
        lines.append(
            f"| {r.size:,} | {r.engine} | {r.build_seconds:.2f} | "
            f"{r.index_bytes / 2**20:.1f} | {r.search_p50_ms:.2f} | {r.search_p95_ms:.2f} | "
            f"{recall} | {r.notes} |"
        )
    lines += ["", "## Guidance", "", _guidance(results), ""]
    return "\n".join(lines)


def _guidance(results: Sequence[ScaleResult]) -> str:
    sentences = []
    flat = sorted((r for r in results if r.engine == "faiss-flat-ip"), key=lambda r: r.size)
    slow = [r for r in flat if r.search_p95_ms > LATENCY_TARGET_MS]
    if slow:
        first = slow[0]
        # Flat search time is linear in corpus size, so the crossing point scales directly.
        crossing = first.size * LATENCY_TARGET_MS / first.search_p95_ms
        sentences.append(
            f"Exact search (IndexFlatIP) exceeds a {LATENCY_TARGET_MS:.0f} ms p95 at "
            f"{first.size:,} chunks ({first.search_p95_ms:.1f} ms); scaling linearly it crosses "
            f"{LATENCY_TARGET_MS:.0f} ms near {crossing:,.0f} chunks, so switch to an "
            "approximate index around that size."
        )
    elif flat:
        largest = flat[-1]
        per_million = largest.search_p95_ms / largest.size * 1_000_000
        limit = LATENCY_TARGET_MS / per_million * 1_000_000 if per_million > 0 else math.inf
        sentences.append(
            f"Exact search stays under {LATENCY_TARGET_MS:.0f} ms p95 up to the largest size "
            f"measured ({largest.size:,} chunks, {largest.search_p95_ms:.1f} ms); scaling "
            f"linearly, it would cross that near {limit:,.0f} chunks."
        )
    approximate = [r for r in results if r.recall_at_10 is not None]
    if approximate:
        largest_size = max(r.size for r in flat) if flat else max(r.size for r in approximate)
        at_largest = [r for r in approximate if r.size == largest_size] or approximate
        best = max(at_largest, key=lambda r: (r.recall_at_10 or 0.0) / max(r.search_p95_ms, 1e-3))
        sentences.append(
            f"At {best.size:,} chunks {best.engine} gives recall@10 {best.recall_at_10:.3f} "
            f"against exact search at {best.search_p95_ms:.2f} ms p95 after a "
            f"{best.build_seconds:.0f} s build; raise efSearch/nprobe if recall matters more."
        )
    lexical = sorted((r for r in results if r.engine.startswith("bm25s")), key=lambda r: r.size)
    if lexical:
        lex_size = max(r.size for r in lexical)
        worst = max((r for r in lexical if r.size == lex_size), key=lambda r: r.search_p95_ms)
        best_lex = min((r for r in lexical if r.size == lex_size), key=lambda r: r.search_p95_ms)
        sentences.append(
            f"BM25 (bm25s) at {lex_size:,} chunks builds in {best_lex.build_seconds:.0f} s into "
            f"{best_lex.index_bytes / 2**20:.0f} MiB; p95 is {worst.search_p95_ms:.1f} ms with "
            f"{worst.engine} and {best_lex.search_p95_ms:.1f} ms with {best_lex.engine}."
        )
    sentences.append(
        "Synthetic data: absolute recall depends on how clustered real embeddings are, "
        "so re-check recall on the real corpus before switching."
    )
    return " ".join(sentences)
