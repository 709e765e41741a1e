"""Benchmarks for maintainers: build time, embedding throughput, latency per mode, memory.

Numbers are written to ``bench.json`` and ``bench.md`` under the report folder; nothing is
asserted. Run on an otherwise idle machine: other processes on the two cores skew every figure.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from .documents import load_documents, write_documents
from .embedding import SentenceTransformerEmbedder
from .index import build_index
from .metrics import percentile
from .pipeline import Pipeline
from .retriever import MODES
from .scale import run_scale_benchmark, write_scale_report
from .settings import Settings
from .synthetic import run_product_scale, write_product_scale_report
from .tokenizer import Tokenizer
from .vocabulary import load_vocabulary

QUESTIONS = [
    "养老护理员每个月能领多少岗位补贴？", "我爸85了有没有高龄补贴?", "低宝怎么申请", "家里老人做适老化改造最多能补多少？",
    "困境儿童上幼儿园有补助吗", "颐年卡怎么办理", "民生微实事项目怎么申报", "时间银行是什么", "社区养老服务驿站建了多少个",
    "慈善信托备案了多少单", "香港老人能在深圳养老院住吗", "社工的工资待遇怎么样", "长者饭堂吃饭有补贴吗", "孤儿每个月生活费多少",
    "婚姻登记处搬到公园了吗", "殡葬改革有什么新政策", "失智老人照护床位有多少张", "社会组织办公场地有支持吗",
    "深圳生二胎每个月有育儿补贴吗？", "医养结合机构有多少家",
]


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def run_benchmark(
    settings: Settings,
    out_dir: Path,
    *,
    queries: int = 200,
    scale_sizes: Sequence[int] = (),
    engine_sizes: Sequence[int] = (),
    progress: Callable[[str], None] | None = None,
    scale_dir: Path | None = None,
) -> list[Path]:
    """Measure the seed corpus end to end, and optionally the product (``scale_sizes``) and the
    bare engines (``engine_sizes``) on synthetic corpora."""
    say = progress or (lambda message: None)
    documents = load_documents(settings.documents)
    report: dict[str, object] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "corpus": {"documents": len(documents)},
    }
    with tempfile.TemporaryDirectory(prefix="minzheng-bench-") as scratch:
        folder = Path(scratch) / "index"
        say("cold build of the seed corpus (model load included)")
        embedder = SentenceTransformerEmbedder(settings.model, encoder=settings.encoder)
        tokenizer = Tokenizer(load_vocabulary())
        started = time.perf_counter()
        cold = build_index(documents, folder, embedder, tokenizer)
        cold_seconds = time.perf_counter() - started
        say("rebuild after removing, then adding back, one letter")
        dropped = max(documents, key=lambda d: len(d.text) if d.kind == "提案答复" else 0)
        rest = [d for d in documents if d.id != dropped.id]
        build_index(rest, folder, embedder, tokenizer)
        started = time.perf_counter()
        added = build_index(documents, folder, embedder, tokenizer)
        add_seconds = time.perf_counter() - started
        report["build"] = {
            "cold_seconds": round(cold_seconds, 2),
            "chunks": cold.chunks,
            "texts_embedded": cold.texts_embedded,
            "embed_seconds": cold.embed_seconds,
            "texts_per_second": round(cold.texts_embedded / cold.embed_seconds, 2) if cold.embed_seconds else None,
            "add_one_document_seconds": round(add_seconds, 2),
            "add_one_document_embedded_chunks": added.embedded,
            "added_document": dropped.id,
        }

        docs_folder = Path(scratch) / "documents"
        write_documents(documents, docs_folder)
        bench_settings = replace(settings, index=folder, documents=docs_folder)
        started = time.perf_counter()
        pipeline = Pipeline.load(bench_settings, build_if_missing=False)
        report["load_seconds"] = round(time.perf_counter() - started, 2)

        questions = [QUESTIONS[i % len(QUESTIONS)] + ("" if i < len(QUESTIONS) else f" {i}") for i in range(queries)]
        latency: dict[str, dict[str, float]] = {}
        for mode in MODES:
            say(f"search latency, {mode}")
            pipeline.retriever.clear_cache()
            for question in QUESTIONS[:5]:
                pipeline.search(question, 10, mode=mode)  # warm-up
            pipeline.retriever.clear_cache()
            times = [_timed(partial(pipeline.search, q, 10, mode=mode)) for q in questions]
            latency[f"search_{mode}"] = {"p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2)}
        say("ask latency")
        pipeline.retriever.clear_cache()
        times = [_timed(partial(pipeline.ask, q)) for q in questions]
        latency["ask"] = {"p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2)}
        say("ask latency, repeated questions (query vector cached)")
        times = [_timed(partial(pipeline.ask, q)) for q in questions]
        latency["ask_cached"] = {"p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2)}
        report["latency_ms"] = latency
        report["queries_per_mode"] = len(questions)
        report["peak_rss_mb"] = _peak_rss_mb()
        shutil.rmtree(folder, ignore_errors=True)

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "bench.json", out_dir / "bench.md"]
    paths[0].write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths[1].write_text(_markdown(report), encoding="utf-8")
    if scale_sizes:
        say(f"the product on synthetic corpora of {', '.join(str(s) for s in scale_sizes)} chunks")
        if scale_dir is not None:  # kept: a corpus built there before is queried again
            product = run_product_scale(settings, scale_sizes, scale_dir, questions, progress=say, keep=True)
        else:
            with tempfile.TemporaryDirectory(prefix="minzheng-scale-") as scratch:
                product = run_product_scale(settings, scale_sizes, Path(scratch), questions, progress=say)
        paths.extend(write_product_scale_report(product, out_dir))
    if engine_sizes:
        say(f"engine scale benchmark at {', '.join(str(s) for s in engine_sizes)} chunks")
        results = run_scale_benchmark(engine_sizes, progress=say)
        paths.extend(write_scale_report(results, out_dir))
    return paths


def _markdown(report: dict[str, object]) -> str:
    build = report["build"]
    latency = report["latency_ms"]
    assert isinstance(build, dict) and isinstance(latency, dict)
    lines = [
        "# Benchmark (seed corpus)",
        "",
        f"{report['created_at']} · {report['machine']} · {report['queries_per_mode']} distinct questions per mode",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| cold build (model load, {build['chunks']} chunks + sentences) | {build['cold_seconds']} s | ≤ 90 s |",
        f"| embedding throughput | {build['texts_per_second']} texts/s ({build['texts_embedded']} texts in {build['embed_seconds']} s) | |",
        f"| rebuild after adding one document ({build['added_document']}) | {build['add_one_document_seconds']} s | ≤ 10 s |",
        f"| index + model load | {report['load_seconds']} s | |",
        f"| peak memory (RSS) | {report['peak_rss_mb']} MB | |",
        "",
        "| latency (ms, after warm-up) | p50 | p95 | target p95 |",
        "|---|---|---|---|",
    ]
    targets = {"search_hybrid": "40", "ask": "60"}
    for name, values in latency.items():
        lines.append(f"| {name} | {values['p50']} | {values['p95']} | {targets.get(name, '')} |")
    return "\n".join(lines) + "\n"
