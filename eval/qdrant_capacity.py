"""Measure what deploy/capacity.md's arithmetic needs: bytes per chunk and Qdrant query latency.

Runs the real engine in-process (Qdrant Edge) over the seed index's points, then over synthetic
collections made by repeating them (dense vectors jittered, so the graph is not degenerate).
Writes eval/reports/qdrant.json and .md.

    PYTHONPATH=. python eval/qdrant_capacity.py --sizes 651 20000 100000
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.evaluation import load_eval_set
from assistant.index import load_index
from assistant.qdrant_store import (
    ChunkPoint,
    ChunkStore,
    EdgeEngine,
    Filters,
    SparseWeights,
    query_weights,
)
from assistant.tokenizer import Tokenizer
from assistant.vocabulary import load_vocabulary

QUERIES = 200
K = 100


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2)}


def measure(size: int, points: list[ChunkPoint], queries: list[np.ndarray], token_queries: list[SparseWeights],
            dimension: int) -> dict[str, object]:
    rng = np.random.default_rng(size)
    folder = Path(tempfile.mkdtemp(prefix="qdrant-capacity-"))
    try:
        engine = EdgeEngine(str(folder / "shard"))
        engine.ensure(dimension)
        started = time.perf_counter()
        for start in range(0, size, 1000):
            batch = []
            for i in range(start, min(start + 1000, size)):
                base = points[i % len(points)]
                dense = np.asarray(base.dense, dtype=np.float32)
                if i >= len(points):
                    dense = dense + rng.normal(0, 0.02, dense.shape).astype(np.float32)
                    dense /= np.linalg.norm(dense)
                batch.append(replace(base, id=i + 1, dense=tuple(float(x) for x in dense),
                                     payload={**base.payload, "chunk_id": f"{base.payload['chunk_id']}#{i}"}))
            engine.upsert(batch)
        upserted = time.perf_counter() - started
        engine.shard.optimize()  # builds the HNSW graph where a segment is large enough
        built = time.perf_counter() - started
        engine.shard.flush()
        timings: dict[str, list[float]] = {"dense": [], "bm25": [], "dense_filtered": []}
        # CPU time of the process (all the engine's threads): what a query costs on a busy machine
        cpu_timings: dict[str, list[float]] = {name: [] for name in timings}
        for vector, weights in zip(queries, token_queries, strict=True):
            for name, using, query, filters in (("dense", "dense", vector, Filters()), ("bm25", "bm25", weights, Filters()),
                                                ("dense_filtered", "dense", vector, Filters(year=2024))):
                t, cpu = time.perf_counter(), time.process_time()
                engine.nearest(using, query if isinstance(query, SparseWeights) else [float(x) for x in query], K, filters)
                timings[name].append(time.perf_counter() - t)
                cpu_timings[name].append(time.process_time() - cpu)
        engine.close()
        return {
            "points": size, "upsert_s": round(upserted, 2), "build_s": round(built, 2),
            "disk_mib": round(_folder_bytes(folder) / 2**20, 1),
            **{f"{name}_top{K}": _percentiles(samples) for name, samples in timings.items()},
            **{f"{name}_top{K}_cpu": _percentiles(samples) for name, samples in cpu_timings.items()},
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def shard_agreement(points: list[ChunkPoint], token_queries: list[SparseWeights], shards: int,
                    dimension: int) -> dict[str, object]:
    """Top-10 BM25 of a collection split into shards (each with its own idf, as a cluster's) vs one shard.

    Qdrant computes the IDF modifier's statistics per shard; the cluster merges the shards' top-k.
    """
    folder = Path(tempfile.mkdtemp(prefix="qdrant-shards-"))
    try:
        whole = EdgeEngine(str(folder / "whole"))
        whole.ensure(dimension)
        whole.upsert(points)
        parts = []
        for number in range(shards):
            part = EdgeEngine(str(folder / f"shard-{number}"))
            part.ensure(dimension)
            part.upsert([p for p in points if p.id % shards == number])  # hash-like routing by id
            parts.append(part)
        same, overlaps, deviations = 0, [], []
        for weights in token_queries:
            expected = whole.nearest("bm25", weights, 10, Filters())
            answers = [part.nearest("bm25", weights, 10, Filters()) for part in parts]
            merged = sorted(((s, c) for a in answers for c, s in zip(a.chunk_ids, a.scores, strict=True)), reverse=True)[:10]
            got = [c for _, c in merged]
            same += got == list(expected.chunk_ids)
            overlaps.append(len(set(got) & set(expected.chunk_ids)) / max(len(expected.chunk_ids), 1))
            truth = dict(zip(expected.chunk_ids, expected.scores, strict=True))
            deviations += [abs(s - truth[c]) / truth[c] for s, c in merged if c in truth and truth[c] > 0]
        for engine in [whole, *parts]:
            engine.close()
        return {"shards": shards, "points": len(points), "queries": len(token_queries),
                "identical_top10": round(same / len(token_queries), 3),
                "top10_overlap": round(float(np.mean(overlaps)), 3),
                "median_relative_score_change": round(float(np.median(deviations)), 4)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[651, 20_000, 100_000])
    parser.add_argument("--out", type=Path, default=Path("eval/reports"))
    parser.add_argument("--shards", type=int, default=6, help="shards for the BM25 agreement check")
    args = parser.parse_args()
    index = load_index(args.index)
    tokenizer = Tokenizer(load_vocabulary())
    store = ChunkStore(EdgeEngine(tempfile.mkdtemp()), index, tokenizer)
    points = store.points()
    payload_bytes = [len(json.dumps(p.payload, ensure_ascii=False).encode("utf-8")) for p in points]
    nonzeros = [len(p.sparse.indices) for p in points]
    rng = np.random.default_rng(0)
    rows = rng.choice(len(index.sentence_embeddings), QUERIES, replace=False)
    queries = [index.sentence_embeddings[r] for r in rows]  # real question-like vectors: sentences
    texts = [index.chunks[int(index.sentence_spans[r, 0])].text[:40] for r in rows]
    token_queries = [query_weights(tokenizer.tokenize(t)[:6]) for t in texts]
    per_chunk = {
        "dense_bytes": index.manifest.dimension * 4,
        "sparse_nonzeros_mean": round(float(np.mean(nonzeros)), 1),
        "sparse_bytes_mean": round(float(np.mean(nonzeros)) * 8, 1),  # u32 index + f32 weight
        "payload_bytes_mean": round(float(np.mean(payload_bytes)), 1),
    }
    questions = [query_weights(tokenizer.tokenize(c.question)) for c in load_eval_set(Path("eval/questions"))]
    sharding = shard_agreement(points, questions, args.shards, index.manifest.dimension)
    runs = [measure(size, points, queries, token_queries, index.manifest.dimension) for size in args.sizes]
    report = {"machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
              "engine": "qdrant-edge-py 0.9.0 (in-process, one shard)", "per_chunk": per_chunk, "runs": runs, "sharding": sharding,
              "queries": QUERIES, "k": K}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "qdrant.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    lines = ["# Qdrant capacity measurements", "",
             f"{report['engine']}, {report['machine']['cpus']} CPUs shared with other jobs; {QUERIES} queries "
             f"per row, top-{K}. Dense queries are sentence vectors of the seed corpus; BM25 queries are up to 6 "
             "tokens of a chunk's first 40 characters. Sizes above 651 repeat the seed points (dense jittered).", "",
             "Per chunk: " + ", ".join(f"{k} {v}" for k, v in per_chunk.items()), "",
             "Latency cells: wall p50/p95 ms, then CPU p50 ms of the process (all engine threads).", "",
             "| points | upsert s | build s | disk MiB | dense | BM25 | dense+year | peak RSS MiB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        cells = [f"{r[f'{n}_top{K}']['p50_ms']}/{r[f'{n}_top{K}']['p95_ms']} · cpu {r[f'{n}_top{K}_cpu']['p50_ms']}"
                 for n in ("dense", "bm25", "dense_filtered")]
        lines.append(f"| {r['points']:,} | {r['upsert_s']} | {r['build_s']} | {r['disk_mib']} | " + " | ".join(cells)
                     + f" | {r['peak_rss_mib']} |")
    lines += ["", f"BM25 over {sharding['shards']} shards, each with its own idf as on a cluster, against one shard "
              f"({sharding['points']} points, the {sharding['queries']} evaluation questions): identical top-10 "
              f"{sharding['identical_top10']}, top-10 overlap {sharding['top10_overlap']}, median relative score "
              f"change {sharding['median_relative_score_change']}."]
    lines += ["", f"1-minute load average at the end: {__import__('os').getloadavg()[0]:.1f}."]
    (args.out / "qdrant.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
