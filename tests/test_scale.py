"""The scale benchmark runs end to end on a tiny corpus and writes readable reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.scale import ScaleResult, run_scale_benchmark, write_scale_report

ENGINES = {"faiss-flat-ip", "faiss-hnsw32", "faiss-ivf-flat", "bm25s", "bm25s-numba"}
APPROXIMATE = {"faiss-hnsw32", "faiss-ivf-flat"}


@pytest.fixture(scope="module")
def results() -> list[ScaleResult]:
    messages: list[str] = []
    found = run_scale_benchmark(sizes=(2000,), queries=20, progress=messages.append)
    assert messages, "progress callback was never called"
    return found


def test_every_engine_is_reported_once(results: list[ScaleResult]) -> None:
    assert sorted(r.engine for r in results) == sorted(ENGINES)


def test_fields_are_sane(results: list[ScaleResult]) -> None:
    for r in results:
        assert r.size == 2000, r
        assert r.build_seconds > 0, r
        assert r.index_bytes > 0, r
        assert 0 < r.search_p50_ms <= r.search_p95_ms, r
        if r.engine in APPROXIMATE:
            assert r.recall_at_10 is not None and 0.0 <= r.recall_at_10 <= 1.0, r
            assert r.notes, r
        else:
            assert r.recall_at_10 is None, r


def test_report_files(results: list[ScaleResult], tmp_path: Path) -> None:
    json_path, md_path = write_scale_report(results, tmp_path / "reports")

    payload = json.loads(json_path.read_text(encoding="utf-8"))
    assert payload["machine"]["cpu_count"] >= 1
    assert {"python", "faiss", "bm25s", "timestamp"} <= payload["machine"].keys()
    assert [row["engine"] for row in payload["results"]] == [r.engine for r in results]

    markdown = md_path.read_text(encoding="utf-8")
    assert "| size | engine |" in markdown
    table_rows = [line for line in markdown.splitlines() if line.startswith("| 2,000 |")]
    assert {row.split("|")[2].strip() for row in table_rows} == ENGINES


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": ()}, "sizes must be non-empty"),
        ({"sizes": (10,)}, "at least 1000"),
        ({"sizes": (2000,), "queries": 0}, "queries must be at least 1"),
    ],
)
def test_bad_arguments_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_scale_benchmark(**kwargs)  # type: ignore[arg-type]


def test_the_products_search_runs_on_a_synthetic_corpus_and_a_kept_one_is_reused(pipeline_seed, settings_seed, tmp_path):
    from assistant.synthetic import run_product_scale, write_product_scale_report

    questions = ["低保怎么申请", "高龄津贴每月多少钱", "养老护理员有什么补贴", "困境儿童有什么保障"]
    first = run_product_scale(settings_seed, [3000], tmp_path, questions, keep=True)
    again = run_product_scale(settings_seed, [3000], tmp_path, questions, keep=True)
    for result in (first[0], again[0]):
        assert result.chunks >= 3000 and result.sentences > result.chunks and result.dense_index == "flat"
        assert 0 < result.search_p50_ms <= result.search_p95_ms and result.cold_search_p50_ms > 0
        assert result.serve_anonymous_mb > 0 and result.questions == 4
    assert not first[0].reused_build and again[0].reused_build
    assert again[0].build_seconds == first[0].build_seconds  # read back, not rebuilt
    markdown = write_product_scale_report(again, tmp_path / "reports")[1].read_text(encoding="utf-8")
    assert "first search pass" in markdown and f"| {again[0].chunks:,} |" in markdown
