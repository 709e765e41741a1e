"""The product's own search and ask on synthetic corpora made from the seed documents' sentences.

Documents are random sequences of the seed corpus's sentences, so chunking, jieba, BM25, FAISS
and the retriever see real text. Embedding millions of passages with the model would take
hours on a CPU, so a sentence keeps the vector the seed index holds for it and a chunk gets the
normalised mean of its sentences' vectors; questions are embedded by the real model, and the
reported latency is what a question costs beyond its embedding.

Each size runs in its own process (build, then load and query) so peak memory is per size.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .chunking import passage_sentences
from .documents import KINDS, Document, write_documents
from .index import build_index, load_index, read_manifest
from .metrics import percentile
from .pipeline import Pipeline
from .settings import Settings
from .tokenizer import Tokenizer
from .vocabulary import load_vocabulary

BUILT_FILE = "built.json"  # a finished build's figures, beside its index
DOCUMENT_CHARS = 6_000  # about twenty chunks per synthetic document
PARAGRAPH_SENTENCES = (2, 6)


@dataclass(frozen=True)
class ProductScaleResult:
    """The product path on one synthetic corpus."""

    chunks: int
    sentences: int
    documents: int
    dense_index: str
    sentence_index: str
    build_seconds: float
    build_peak_rss_mb: float
    load_seconds: float
    search_p50_ms: float  # hybrid search, beyond the question's embedding, after a first pass
    search_p95_ms: float
    ask_p50_ms: float  # search and compose, beyond the embedding
    ask_p95_ms: float
    embed_p50_ms: float  # the question embedding itself, for reference
    serve_peak_rss_mb: float
    questions: int
    serve_anonymous_mb: float = 0.0  # of the serving RSS at the end: the process's own memory
    serve_mapped_mb: float = 0.0  # and pages of the memory-mapped index files (page cache, shared by workers)
    cold_search_p50_ms: float = 0.0  # the first pass after loading (index pages read from disk)
    cold_search_p95_ms: float = 0.0
    build_load_average: float = 0.0  # the machine's 1-minute load average at the end of the build
    serve_load_average: float = 0.0  # and at the end of the queries
    reused_build: bool = False  # the corpus was built by an earlier run (``keep``) and read back


class _SentencePool:
    """The seed index's sentences with their vectors: what synthetic passages are made of."""

    def __init__(self, seed_index: Path) -> None:
        index = load_index(seed_index)
        texts: dict[str, int] = {}
        rows: list[int] = []
        for row, (chunk_number, start, end) in enumerate(index.sentence_spans.tolist()):
            document = index.documents[index.chunks[chunk_number].doc_id]
            text = document.text[start:end].strip()
            if text and "\n" not in text and text not in texts:
                texts[text] = len(rows)
                rows.append(row)
        self.texts = list(texts)
        self.lookup = texts
        self.vectors = np.asarray(index.sentence_embeddings[np.array(rows)], dtype=np.float32)
        self.titles = [d.title for d in index.documents.values()]
        self.years = sorted({d.year for d in index.documents.values() if d.year})

    def documents(self, chunks: int, seed: int) -> list[Document]:
        rng = np.random.default_rng(seed)
        lengths = np.array([len(t) for t in self.texts])
        documents: list[Document] = []
        total = 0
        target = chunks * 300  # the seed corpus averages about 300 characters per chunk
        while total < target:
            lines: list[str] = []
            size = 0
            while size < DOCUMENT_CHARS:
                picks = rng.integers(0, len(self.texts), int(rng.integers(*PARAGRAPH_SENTENCES)))
                lines.append("".join(self.texts[i] for i in picks))
                size += int(lengths[picks].sum())
            number = len(documents)
            documents.append(Document(
                id=f"synthetic-{number:07d}",
                kind=KINDS[number % len(KINDS)],
                title=f"{self.titles[number % len(self.titles)]}（合成{number}）",
                text="\n".join(lines),
                year=self.years[number % len(self.years)] if self.years else None,
            ))
            total += size
        return documents


class _PoolEmbedder:
    """An Embedder for index builds that reads seed sentence vectors instead of running the model."""

    encoder = "synthetic"

    def __init__(self, pool: _SentencePool, name: str) -> None:
        self.pool = pool
        self.name = name
        self.dimension = pool.vectors.shape[1]
        self.unknown = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError("the synthetic build embeds passages only")

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            row = self.pool.lookup.get(text.strip())
            if row is not None:
                out[i] = self.pool.vectors[row]
                continue
            parts = [self.pool.lookup[s.strip()] for s, _, _ in passage_sentences(text) if s.strip() in self.pool.lookup]
            if not parts:  # a title line or a sentence split differently: any fixed pool sentence
                self.unknown += 1
                parts = [hash(text) % len(self.pool.texts)]
            mean = self.pool.vectors[parts].mean(axis=0)
            out[i] = mean / np.linalg.norm(mean)
        return out


def _build(settings: Settings, seed_index: Path, chunks: int, folder: Path, queue: multiprocessing.Queue) -> None:
    pool = _SentencePool(seed_index)
    documents = pool.documents(chunks, seed=chunks)
    write_documents(documents, folder / "documents")
    embedder = _PoolEmbedder(pool, settings.model)
    started = time.perf_counter()
    build_index(documents, folder / "index", embedder, Tokenizer(load_vocabulary()))
    built = {
        "build_seconds": round(time.perf_counter() - started, 1),
        "build_peak_rss_mb": _peak_rss_mb(),
        "unknown_texts": embedder.unknown,
        "build_load_average": round(os.getloadavg()[0], 2),
    }
    (folder / BUILT_FILE).write_text(json.dumps(built) + "\n", encoding="utf-8")
    queue.put(built)


def _serve(settings: Settings, folder: Path, questions: Sequence[str], queue: multiprocessing.Queue) -> None:
    local = replace(settings, index=folder / "index", documents=folder / "documents")
    started = time.perf_counter()
    pipeline = Pipeline.load(local, build_if_missing=False)
    load_seconds = time.perf_counter() - started
    embedder = pipeline.retriever.embedder
    embed_ms: list[float] = []
    real_embed = embedder.embed_queries

    def timed_embed(texts: Sequence[str]) -> np.ndarray:
        began = time.perf_counter()
        try:
            return real_embed(texts)
        finally:
            embed_ms.append((time.perf_counter() - began) * 1000)

    embedder.embed_queries = timed_embed  # type: ignore[method-assign]
    measured: dict[str, list[float]] = {"cold_search": [], "search": [], "ask": [], "embed": []}
    # The first pass after loading reads the mapped index files from disk where the page cache
    # does not hold them (a fresh start); the next passes, with other question texts, are warm.
    passes = (("cold_search", pipeline.search, ""), ("search", pipeline.search, "（再问）"), ("ask", pipeline.ask, ""))
    for kind, run, suffix in passes:
        if kind != "cold_search":
            for question in questions[:5]:
                run(question + suffix)  # warm-up
        pipeline.retriever.clear_cache()
        for question in questions:
            embed_ms.clear()
            began = time.perf_counter()
            run(question + suffix)
            total = (time.perf_counter() - began) * 1000
            measured[kind].append(total - sum(embed_ms))
            if kind == "search":
                measured["embed"].append(sum(embed_ms))
        pipeline.retriever.clear_cache()
    queue.put({
        "load_seconds": round(load_seconds, 1),
        **{f"{k}_p{p}_ms": round(percentile(v, p), 2) for k, v in measured.items() for p in (50, 95)},
        "serve_peak_rss_mb": _peak_rss_mb(),
        "serve_load_average": round(os.getloadavg()[0], 2),
        **_resident_mb(),
    })


def run_product_scale(
    settings: Settings,
    sizes: Sequence[int],
    scratch: Path,
    questions: Sequence[str],
    progress: Callable[[str], None] | None = None,
    *,
    keep: bool = False,
) -> list[ProductScaleResult]:
    """Build a synthetic corpus of each size from the seed index at ``settings.index`` and measure it.

    With ``keep``, a corpus already built in ``scratch`` by an earlier run is queried again
    instead of rebuilt, and its build figures are read back from that run.
    """
    say = progress or (lambda message: None)
    context = multiprocessing.get_context("spawn")
    results = []
    for size in sizes:
        folder = scratch / f"synthetic-{size}"
        queue = context.Queue()
        reused = keep and (folder / BUILT_FILE).is_file()
        if reused:
            built = json.loads((folder / BUILT_FILE).read_text(encoding="utf-8"))
            say(f"[{size:,}] reusing the corpus built in {folder}")
        else:
            say(f"[{size:,}] building a synthetic corpus from the seed sentences")
            process = context.Process(target=_build, args=(settings, settings.index, size, folder, queue))
            process.start()
            built = queue.get()
            process.join()
        manifest = read_manifest(folder / "index")
        say(f"[{size:,}] {manifest.chunks:,} chunks built in {built['build_seconds']} s; querying")
        process = context.Process(target=_serve, args=(settings, folder, list(questions), queue))
        process.start()
        served = queue.get()
        process.join()
        results.append(ProductScaleResult(
            chunks=manifest.chunks,
            sentences=_sentence_count(folder / "index"),
            documents=manifest.documents,
            dense_index=str(manifest.dense_index.get("kind")),
            sentence_index=str(manifest.sentence_index.get("kind")),
            build_seconds=built["build_seconds"],
            build_peak_rss_mb=built["build_peak_rss_mb"],
            load_seconds=served["load_seconds"],
            search_p50_ms=served["search_p50_ms"],
            cold_search_p50_ms=served["cold_search_p50_ms"],
            cold_search_p95_ms=served["cold_search_p95_ms"],
            search_p95_ms=served["search_p95_ms"],
            ask_p50_ms=served["ask_p50_ms"],
            ask_p95_ms=served["ask_p95_ms"],
            embed_p50_ms=served["embed_p50_ms"],
            serve_peak_rss_mb=served["serve_peak_rss_mb"],
            questions=len(questions),
            build_load_average=built.get("build_load_average", 0.0),
            serve_load_average=served["serve_load_average"],
            serve_anonymous_mb=served.get("serve_anonymous_mb", 0.0),
            serve_mapped_mb=served.get("serve_mapped_mb", 0.0),
            reused_build=reused,
        ))
    return results


def write_product_scale_report(results: Sequence[ProductScaleResult], out_dir: Path) -> list[Path]:
    """Write scale_product.json and scale_product.md; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    paths = [out_dir / "scale_product.json", out_dir / "scale_product.md"]
    payload = {"created_at": created, "results": [asdict(r) for r in results]}
    paths[0].write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# The product's search and ask on synthetic corpora",
        "",
        f"{created}. Corpora are random sequences of the seed documents' sentences; sentences keep "
        "their seed vectors, chunks get the mean of theirs; questions are embedded by the real model. "
        "Latencies are single questions in one process, beyond the question's embedding; the first search pass "
        "after loading reads index pages from disk where the page cache does not hold them, the next passes "
        "(other question texts) are warm. "
        "Each size is built in one process and queried in another (peak RSS per process).",
        "",
        "| chunks | sentences | dense / sentence index | build s | build peak RSS MB | load s "
        "| first search pass p50 / p95 ms | search p50 / p95 ms | ask p50 / p95 ms | embedding p50 ms | serving peak RSS MB "
        "| at the end: own / mapped files MB | load average (build / queries) |",
        "|---:|---:|---|---:|---:|---:|---|---|---|---:|---:|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.chunks:,} | {r.sentences:,} | {r.dense_index} / {r.sentence_index} | {r.build_seconds} "
            f"| {r.build_peak_rss_mb:,.0f} | {r.load_seconds} | {r.cold_search_p50_ms} / {r.cold_search_p95_ms} "
            f"| {r.search_p50_ms} / {r.search_p95_ms} "
            f"| {r.ask_p50_ms} / {r.ask_p95_ms} | {r.embed_p50_ms} | {r.serve_peak_rss_mb:,.0f} "
            f"| {r.serve_anonymous_mb:,.0f} / {r.serve_mapped_mb:,.0f} | {r.build_load_average} / {r.serve_load_average} |"
        )
    paths[1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def _sentence_count(folder: Path) -> int:
    build = folder / (folder / "CURRENT").read_text(encoding="utf-8").strip()
    return int(np.load(build / "sentence_spans.npy", mmap_mode="r").shape[0])


def _resident_mb() -> dict[str, float]:
    """This process's resident memory now: its own (anonymous) and mapped files' pages (Linux)."""
    try:
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
        return {"serve_anonymous_mb": round(int(status["RssAnon"].split()[0]) / 1024, 1),
                "serve_mapped_mb": round(int(status["RssFile"].split()[0]) / 1024, 1)}
    except (OSError, KeyError, ValueError):
        return {}


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
