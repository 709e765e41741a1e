"""Index builds: plain files, a checked manifest, atomic replacement, reused embeddings."""

from __future__ import annotations

import fcntl
import json
import threading
import time
from pathlib import Path

import faiss
import numpy as np
import pytest

from assistant import index as index_module
from assistant.candidates import LocalBackend
from assistant.chunking import ChunkingSettings
from assistant.errors import IndexMismatchError, IndexMissingError
from assistant.index import (
    CHINESE_RUN,
    build_index,
    current_build,
    embedding_moments,
    index_text,
    index_vectors,
    install_build,
    load_index,
    manifest_of,
    misfits,
    read_manifest,
    wait_for_build,
)
from assistant.ingest import ingest_paths
from assistant.tokenizer import Tokenizer
from assistant.vocabulary import load_vocabulary

from .fakes import HashingEmbedder

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer(load_vocabulary())


@pytest.fixture()
def documents():
    return list(ingest_paths([FIXTURES / "tiny_page.txt"]).documents)


def test_an_index_is_a_folder_of_plain_files_with_a_manifest(tmp_path, documents, tokenizer):
    manifest = build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    build = current_build(tmp_path)
    assert build is not None
    names = {p.name for p in build.iterdir()}
    assert {"manifest.json", "documents.jsonl", "chunks.jsonl", "embeddings.npy", "dense.faiss", "bm25", "terms.json"} <= names
    assert not list(build.rglob("*.pkl")) and not list(build.rglob("*.pickle"))
    data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert data["model"] == "test/hashing-bigrams" and data["dimension"] == 64
    assert data["documents"] == 2 and data["chunks"] == manifest.chunks > 0
    assert data["chunking"] == {"target": 320, "maximum": 600}
    assert data["versions"]["faiss-cpu"] and data["corpus_hash"]
    index = load_index(tmp_path, model="test/hashing-bigrams", documents=documents)
    assert len(index.chunks) == manifest.chunks and index.dense.ntotal == manifest.chunks


def test_loading_with_another_model_says_how_to_rebuild(tmp_path, documents, tokenizer):
    build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    with pytest.raises(IndexMismatchError, match=r"built with model 'test/hashing-bigrams', not 'other/model'.*--model other/model"):
        load_index(tmp_path, model="other/model")


def test_loading_with_other_documents_says_how_to_rebuild(tmp_path, documents, tokenizer):
    build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    with pytest.raises(IndexMismatchError, match="other documents.*python -m assistant build"):
        load_index(tmp_path, documents=documents[:1])


def test_a_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissingError, match="python -m assistant build"):
        read_manifest(tmp_path / "nothing")


def test_an_interrupted_build_leaves_the_previous_index_usable(tmp_path, documents, tokenizer):
    embedder = HashingEmbedder()
    first = build_index(documents[:1], tmp_path, embedder, tokenizer)
    crashing = HashingEmbedder()
    crashing.fail_after = 0
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_index(documents, tmp_path, crashing, tokenizer)
    index = load_index(tmp_path, model=embedder.name, documents=documents[:1])
    assert index.manifest.corpus_hash == first.corpus_hash
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_adding_a_document_embeds_only_its_chunks(tmp_path, documents, tokenizer):
    embedder = HashingEmbedder()
    first = build_index(documents[:1], tmp_path, embedder, tokenizer)
    second = build_index(documents, tmp_path, embedder, tokenizer)
    assert second.reused == first.chunks
    assert second.embedded == second.chunks - first.chunks
    assert embedder.passages_embedded == first.texts_embedded + second.texts_embedded
    third = build_index(documents, tmp_path, embedder, tokenizer)
    assert third.texts_embedded == 0 and third.embedded == 0
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("build-")]) == 1


def test_a_damaged_index_fails_with_a_rebuild_message(tmp_path, documents, tokenizer):
    build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    build = current_build(tmp_path)
    assert build is not None
    (build / "dense.faiss").write_bytes(b"garbage")
    with pytest.raises(IndexMismatchError, match="damaged.*rebuild"):
        load_index(tmp_path)


def test_a_build_reports_its_steps_and_a_line_per_tenth_of_the_embedding(tmp_path, documents, tokenizer):
    steps, lines = [], []
    manifest = build_index(documents, tmp_path, HashingEmbedder(), tokenizer, progress=lines.append, steps=steps.append)
    embedding = [s for s in steps if s.stage == "embedding"]
    assert [s.stage for s in steps][0] == "chunking" and [s.stage for s in steps][-2:] == ["lexical", "writing"]
    assert embedding[0].done == 0 and embedding[-1].done == embedding[-1].total > manifest.texts_embedded
    assert [s.fraction for s in steps] == sorted(s.fraction for s in steps) and steps[-1].fraction >= 0.98
    n = manifest.texts_embedded
    assert f"embedded {n} of {n} texts (100 % of the text)" in lines


def test_a_shipped_build_is_installed_as_it_is_and_only_into_an_empty_folder(tmp_path, documents, tokenizer):
    shipped = tmp_path / "shipped"
    build_index(documents, shipped, HashingEmbedder(), tokenizer)
    source = current_build(shipped)
    assert source is not None

    installed = install_build(source, tmp_path / "index")
    again = install_build(source, tmp_path / "index")

    assert installed is not None and installed.name.startswith("build-") and again is None
    assert current_build(tmp_path / "index") == installed
    assert read_manifest(tmp_path / "index") == manifest_of(source)
    assert load_index(tmp_path / "index", model="test/hashing-bigrams", documents=documents).dense.ntotal > 0
    assert misfits(manifest_of(source), model="test/hashing-bigrams", documents=documents, tokenizer=tokenizer) == []
    with pytest.raises(IndexMissingError, match="holds no index build"):
        install_build(tmp_path / "nothing", tmp_path / "other")


def test_misfits_names_what_differs(tmp_path, documents, tokenizer):
    manifest = build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    found = misfits(
        manifest, model="other/model", documents=documents[:1], tokenizer=tokenizer, chunking=ChunkingSettings(target=100)
    )
    assert found == ["model differ", "documents differ", "chunking differ"]


def test_a_build_after_installing_reuses_the_shipped_vectors(tmp_path, documents, tokenizer):
    shipped = tmp_path / "shipped"
    first = build_index(documents[:1], shipped, HashingEmbedder(), tokenizer)
    source = current_build(shipped)
    assert source is not None
    install_build(source, tmp_path / "index")
    embedder = HashingEmbedder()

    second = build_index(documents, tmp_path / "index", embedder, tokenizer)

    assert second.reused == first.chunks and embedder.passages_embedded == second.texts_embedded
    assert source.is_dir(), "the shipped build is never removed"


def test_waiting_for_a_build_returns_when_the_other_builder_lets_go(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    held = threading.Event()
    released_at: list[float] = []

    def other_builder() -> None:
        with open(tmp_path / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held.set()
            time.sleep(0.5)
            released_at.append(time.monotonic())
            fcntl.flock(handle, fcntl.LOCK_UN)

    builder = threading.Thread(target=other_builder)
    builder.start()
    assert held.wait(5)
    wait_for_build(tmp_path)
    returned_at = time.monotonic()
    builder.join()

    assert released_at and returned_at >= released_at[0]


def test_the_corpus_text_for_spelling_holds_each_chinese_run_once(tmp_path, documents, tokenizer):
    build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    text = load_index(tmp_path).corpus_text()
    runs = text.split("\n")
    assert len(runs) == len(set(runs)) and all(CHINESE_RUN.fullmatch(run) for run in runs)
    for document in documents:  # every Chinese piece of the documents is found, as in their whole text
        for run in CHINESE_RUN.findall(document.text):
            assert all(run[i : i + size] in text for i in range(len(run)) for size in range(2, 6))
    # two runs' ends joined are no text of the documents, and the line breaks keep them apart
    joined = "\n".join(d.text for d in documents)
    across = [a[-1] + b[0] for a, b in zip(runs, runs[1:], strict=False) if a[-1] + b[0] not in joined]
    assert across and not any(piece in text for piece in across)


def test_chunks_of_documents_are_theirs_in_index_order(tmp_path, documents, tokenizer):
    build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    index = load_index(tmp_path)
    for document in documents:
        assert index.chunks_of([document.id]) == [c for c in index.chunks if c.doc_id == document.id]
    assert index.chunks_of([d.id for d in documents]) == list(index.chunks)
    assert index.chunks_of(["no-such-document"]) == []


def test_above_the_exact_limit_the_hnsw_indexes_hold_the_only_copy_of_the_vectors(tmp_path, documents, tokenizer, monkeypatch):
    monkeypatch.setattr(index_module, "EXACT_LIMIT", 3)
    embedder = HashingEmbedder()
    first = build_index(documents[:1], tmp_path, embedder, tokenizer)
    manifest = build_index(documents, tmp_path, embedder, tokenizer)
    build = current_build(tmp_path)
    assert build is not None and manifest.chunks > 3
    names = {p.name for p in build.iterdir()}
    assert not names & {"embeddings.npy", "sentence_embeddings.npy"} and not [n for n in names if "scratch" in n]
    assert manifest.dense_index["kind"] == "hnsw" and manifest.dense_index["vectors"] == "index"
    assert manifest.sentence_index["kind"] == "hnsw-fp16" and manifest.sentence_index["vectors"] == "index"
    assert manifest.reused == first.chunks, "vectors are reused from a build that kept them in its indexes"

    index = load_index(tmp_path, model=embedder.name, documents=documents)
    texts = [index_text(chunk, index.documents[chunk.doc_id]) for chunk in index.chunks]
    exact = embedder.embed_passages(texts)
    assert index.embeddings.dtype == np.float32 and np.array_equal(index.embeddings, exact)
    sentence_texts = [index.documents[index.chunks[c].doc_id].text[start:end] for c, start, end in index.sentence_spans]
    sentences = embedder.embed_passages(sentence_texts)
    assert index.sentence_embeddings.dtype == np.float16
    assert np.array_equal(index.sentence_embeddings, sentences.astype(np.float16))
    assert np.allclose(index.dense_moments, embedding_moments(exact))
    query = exact[2]
    assert LocalBackend(index).dense(query).top(1)[0] == 2
    assert np.allclose(LocalBackend(index).dense(query).of(np.array([2, 0])), exact[[2, 0]] @ query)


def test_a_large_build_from_before_keeps_its_vector_files_and_loads(tmp_path, documents, tokenizer, monkeypatch):
    monkeypatch.setattr(index_module, "EXACT_LIMIT", 3)
    build_index(documents, tmp_path, HashingEmbedder(), tokenizer)
    build = current_build(tmp_path)
    assert build is not None
    index = load_index(tmp_path)
    vectors, sentence_vectors = np.array(index.embeddings), np.array(index.sentence_embeddings, dtype=np.float32)
    np.save(build / "embeddings.npy", vectors + 1)  # what an older large build wrote beside its indexes
    np.save(build / "sentence_embeddings.npy", sentence_vectors + 1)
    data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    for description in (data["dense_index"], data["sentence_index"]):
        del description["vectors"]
    (build / "manifest.json").write_text(json.dumps(data), encoding="utf-8")

    old = load_index(tmp_path)

    assert np.array_equal(old.embeddings, vectors + 1) and np.array_equal(old.sentence_embeddings, sentence_vectors + 1)


def test_vectors_are_read_only_from_indexes_that_store_them_plainly():
    with pytest.raises(IndexMismatchError, match="IndexFlatIP does not hold its vectors"):
        index_vectors(faiss.IndexFlatIP(8))
    quantized = faiss.IndexHNSWSQ(8, faiss.ScalarQuantizer.QT_8bit, 4, faiss.METRIC_INNER_PRODUCT)
    with pytest.raises(IndexMismatchError, match="IndexHNSWSQ does not hold"):
        index_vectors(quantized)
