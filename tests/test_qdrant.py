"""The Qdrant backend's retrieval contract: the same passages and BM25 scores as FAISS + bm25s.

Every test runs on the client's local mode and on Qdrant Edge (the real engine in-process);
with MINZHENG_QDRANT_URL set, also against that server (in a throwaway collection).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant import cli
from assistant.candidates import LocalBackend
from assistant.composer import Composer
from assistant.documents import load_documents, write_documents
from assistant.errors import IndexMismatchError, InputError
from assistant.evaluation import load_eval_set
from assistant.index import Index, build_index, load_index
from assistant.pipeline import Pipeline, chunk_store, qdrant_backend
from assistant.qdrant_store import (
    ChunkStore,
    ClientEngine,
    Engine,
    Filters,
    QdrantBackend,
    open_engine,
    token_index,
)
from assistant.retriever import Retriever
from assistant.settings import Settings
from assistant.tokenizer import Tokenizer
from assistant.understanding import Understanding
from assistant.vocabulary import RewrittenQuery, load_vocabulary

from .fakes import HashingEmbedder

REPO = Path(__file__).resolve().parents[1]
SEED = load_documents(REPO / "documents")
ENGINES = ["local", "edge"] + (["server"] if os.environ.get("MINZHENG_QDRANT_URL") else [])
QUESTIONS = ["养老护理员每个月能领多少岗位补贴", "高龄津贴 怎么 申请", "慈善信托 备案", "低保 低保 标准", "没有的词语"]
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(load_vocabulary())


def _index(folder: Path, documents: list, tokenizer: Tokenizer) -> Index:
    build_index(documents, folder, HashingEmbedder(), tokenizer)
    return load_index(folder)


@pytest.fixture()
def engine_for(tmp_path: Path) -> Iterator:
    """Opens engines of one kind on one store (reopening keeps what was written)."""
    opened: list[Engine] = []
    collection = f"test_{uuid.uuid4().hex[:10]}"

    def open_(kind: str) -> Engine:
        if opened:  # a build reopens the store, as the next process would (local mode locks it)
            opened.pop().close()
        if kind == "server":
            engine: Engine = open_engine(url=os.environ["MINZHENG_QDRANT_URL"], path=None,
                                         api_key=os.environ.get("MINZHENG_QDRANT_API_KEY"), collection=collection)
        else:
            engine = open_engine(url=None, path=tmp_path / kind, edge=kind == "edge")
        opened.append(engine)
        return engine

    yield open_
    for engine in opened:
        if isinstance(engine, ClientEngine) and not engine.local:
            engine.client.delete_collection(collection)
        engine.close()


@pytest.fixture(scope="module")
def some_index(tmp_path_factory: pytest.TempPathFactory, tokenizer: Tokenizer) -> Index:
    """Eight seed documents of two years and three kinds, embedded by the fake embedder."""
    documents = [d for d in SEED if d.id.startswith(("npc-2021-2021003", "cppcc-2024-2024018", "plan", "summary"))]
    documents += [d for d in SEED if d.id.startswith("cppcc-2021")][:4]
    return _index(tmp_path_factory.mktemp("some"), documents, tokenizer)


def _full(size: int, numbers: np.ndarray, scores: np.ndarray, fill: float) -> np.ndarray:
    out = np.full(size, fill, dtype=np.float32)
    out[numbers] = scores
    return out


@pytest.mark.parametrize("kind", ENGINES)
def test_bm25_scores_equal_bm25s_and_dense_scores_equal_faiss(engine_for, kind, some_index, tokenizer):
    store = ChunkStore(engine_for(kind), some_index, tokenizer)
    store.sync()
    n = len(some_index.chunks)
    for question in QUESTIONS:
        tokens = tokenizer.tokenize(question)
        expected = some_index.lexical.scores(tokens)
        numbers, scores = store.lexical_top(tokens, n)
        assert set(numbers) == set(np.flatnonzero(expected > 0)), question
        np.testing.assert_allclose(_full(n, numbers, scores, 0.0), expected, atol=TOLERANCE)
        vector = HashingEmbedder().embed_queries([question])[0]
        faiss_scores, faiss_ids = some_index.dense.search(vector.reshape(1, -1), 10)
        numbers, scores = store.dense_top(vector, 10)
        assert list(numbers) == list(faiss_ids[0])
        np.testing.assert_allclose(scores, faiss_scores[0], atol=1e-5)


@pytest.mark.parametrize("kind", ENGINES)
def test_payload_filters_keep_only_the_asked_year_kind_and_document(engine_for, kind, some_index, tokenizer):
    store = ChunkStore(engine_for(kind), some_index, tokenizer)
    store.sync()
    n = len(some_index.chunks)
    docs = [some_index.documents[c.doc_id] for c in some_index.chunks]
    tokens = tokenizer.tokenize("养老 补贴 服务 社区")
    everything = some_index.lexical.scores(tokens)
    for filters, keep in [
        (Filters(year=2021), [d.year == 2021 for d in docs]),
        (Filters(kind="规划"), [d.kind == "规划" for d in docs]),
        (Filters(doc_id=docs[0].id), [d.id == docs[0].id for d in docs]),
        (Filters(year=2024, kind="工作总结"), [d.year == 2024 and d.kind == "工作总结" for d in docs]),
    ]:
        expected = np.where(np.array(keep), everything, 0.0)
        assert (expected > 0).any(), filters
        numbers, scores = store.lexical_top(tokens, n, filters)
        # The idf stays the whole collection's, as bm25s's does: only the candidates are filtered.
        np.testing.assert_allclose(_full(n, numbers, scores, 0.0), expected, atol=TOLERANCE)
        numbers, _ = store.dense_top(some_index.embeddings[0], n, filters)
        assert sorted(numbers) == list(np.flatnonzero(keep))


@pytest.mark.parametrize("kind", ENGINES)
def test_the_backend_gives_the_local_backends_signals_and_filters_on_the_server(engine_for, kind, some_index, tokenizer):
    store = ChunkStore(engine_for(kind), some_index, tokenizer)
    store.sync()
    qdrant, local = QdrantBackend(store), LocalBackend(some_index)
    n = len(some_index.chunks)
    everyone = np.arange(n)
    docs = [some_index.documents[c.doc_id] for c in some_index.chunks]
    years, kinds = np.array([d.year or 0 for d in docs]), np.array([d.kind for d in docs])
    for question in QUESTIONS:
        tokens = tokenizer.tokenize(question)
        got, wanted = qdrant.lexical(tokens), local.lexical(tokens)
        np.testing.assert_allclose(got.of(everyone), wanted.of(everyone), atol=TOLERANCE)
        assert got.mean == pytest.approx(wanted.mean, abs=TOLERANCE)
        assert got.std == pytest.approx(wanted.std, abs=TOLERANCE)
        vector = HashingEmbedder().embed_queries([question])[0]
        got, wanted = qdrant.dense(vector), local.dense(vector)
        assert (got.mean, got.std) == (wanted.mean, wanted.std)
        np.testing.assert_array_equal(got.of(everyone), wanted.of(everyone))
        assert list(got.top(10)) == list(wanted.top(10))
        for year, kind_ in [(2021, None), (None, "规划"), (2024, "工作总结")]:
            allowed = np.ones(n, dtype=bool)
            if year is not None:
                allowed &= years == year
            if kind_ is not None:
                allowed &= kinds == kind_
            assert allowed.any()
            top = got.top(n, allowed, year=year, kind=kind_)
            assert sorted(top) == sorted(wanted.top(n, allowed)) == list(np.flatnonzero(allowed))
            assert (np.diff(wanted.of(top)) <= 1e-5).all()  # best first (near-ties may swap between engines)
        assert list(qdrant.sentence_top(vector, 20)) == list(local.sentence_top(vector, 20))


def test_the_server_filters_the_dense_top_before_the_limit(engine_for, some_index, tokenizer):
    store = ChunkStore(engine_for("local"), some_index, tokenizer)
    store.sync()
    docs = [some_index.documents[c.doc_id] for c in some_index.chunks]
    allowed = np.array([d.kind == "规划" for d in docs])
    dense = QdrantBackend(store).dense(some_index.embeddings[int(np.flatnonzero(~allowed)[0])])
    top = dense.top(3, allowed, kind="规划")
    assert len(top) == min(3, int(allowed.sum())) and allowed[top].all()


@pytest.mark.parametrize("kind", ENGINES)
def test_a_build_upserts_changed_chunks_deletes_gone_ones_and_keeps_bm25_exact(engine_for, kind, tmp_path, tokenizer):
    first_docs, more_docs = SEED[:3], SEED[:5]
    first = _index(tmp_path / "a", first_docs, tokenizer)
    report = ChunkStore(engine_for(kind), first, tokenizer).sync()
    assert (report.upserted, report.deleted, report.token_collisions) == (len(first.chunks), 0, 0)

    grown = _index(tmp_path / "b", more_docs, tokenizer)
    store = ChunkStore(engine_for(kind), grown, tokenizer)
    report = store.sync()
    assert report.upserted == len(grown.chunks) - len(first.chunks) and report.deleted == 0
    assert report.reweighted == len(first.chunks)  # the average chunk length moved
    shrunk = _index(tmp_path / "c", more_docs[1:], tokenizer)
    store = ChunkStore(engine_for(kind), shrunk, tokenizer)
    report = store.sync()
    gone = sum(1 for c in grown.chunks if c.doc_id == more_docs[0].id)
    assert (report.upserted, report.deleted) == (0, gone)
    assert store.sync().upserted == store.sync().deleted == store.sync().reweighted == 0
    store.check()
    n = len(shrunk.chunks)
    for question in QUESTIONS:
        tokens = tokenizer.tokenize(question)
        numbers, scores = store.lexical_top(tokens, n)
        np.testing.assert_allclose(_full(n, numbers, scores, 0.0), shrunk.lexical.scores(tokens), atol=TOLERANCE)


@pytest.mark.parametrize("kind", ["local", "edge"])
def test_a_collection_filled_from_other_documents_is_refused(engine_for, kind, tmp_path, tokenizer):
    ChunkStore(engine_for(kind), _index(tmp_path / "a", SEED[:3], tokenizer), tokenizer).sync()
    other = ChunkStore(engine_for(kind), _index(tmp_path / "b", SEED[3:6], tokenizer), tokenizer)
    with pytest.raises(IndexMismatchError, match="run `python -m assistant build`"):
        other.check()


def test_the_settings_must_name_one_qdrant_and_a_known_backend(tmp_path, some_index, tokenizer):
    with pytest.raises(InputError, match="exactly one of MINZHENG_QDRANT_URL"):
        chunk_store(Settings(backend="qdrant"), some_index, tokenizer)
    with pytest.raises(InputError, match="exactly one of MINZHENG_QDRANT_URL"):
        chunk_store(Settings(backend="qdrant", qdrant_url="http://q:6333", qdrant_path=tmp_path), some_index, tokenizer)
    with pytest.raises(InputError, match="set MINZHENG_QDRANT_PATH"):
        chunk_store(Settings(backend="qdrant-edge", qdrant_url="http://q:6333"), some_index, tokenizer)
    with pytest.raises(InputError, match="MINZHENG_BACKEND='faiss' is unknown"):
        chunk_store(Settings(backend="faiss"), some_index, tokenizer)
    assert chunk_store(Settings(), some_index, tokenizer) is None


def test_the_qdrant_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    for name, value in {"MINZHENG_BACKEND": "qdrant", "MINZHENG_QDRANT_PATH": str(tmp_path),
                        "MINZHENG_QDRANT_COLLECTION": "c1", "MINZHENG_QDRANT_SHARDS": "6",
                        "MINZHENG_QDRANT_REPLICATION": "2", "MINZHENG_QDRANT_API_KEY": "k"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert (settings.backend, settings.qdrant_path, settings.qdrant_url) == ("qdrant", tmp_path, None)
    assert (settings.qdrant_collection, settings.qdrant_shards, settings.qdrant_replication) == ("c1", 6, 2)
    assert settings.qdrant_api_key == "k"


def test_token_indexes_do_not_collide_on_the_seed_vocabulary(tokenizer):
    tokens = {t for d in SEED for t in tokenizer.tokenize(d.title + "\n" + d.text)}
    assert len({token_index(t) for t in tokens}) == len(tokens)


# The contract over the real seed index, real model and every evaluation question.

def _bm25(retriever: Retriever, rewritten: RewrittenQuery) -> np.ndarray:
    """The BM25 score of every chunk, as the retriever's backend gives it."""
    signal = retriever.backend.lexical(retriever.tokenizer.tokenize(rewritten.expanded))
    return signal.of(np.arange(len(retriever.index.chunks)))


@pytest.fixture(scope="module")
def files_answers(pipeline_seed: Pipeline) -> list[tuple[str, Understanding, list[str], np.ndarray]]:
    """For every evaluation question: its understanding, the files backend's top-10 and BM25 scores."""
    files = pipeline_seed.retriever
    answers = []
    for case in load_eval_set(REPO / "eval" / "questions"):
        understanding = files.understand(case.question)
        top = [h.chunk_id for h in files.search(understanding, 10).hits]
        answers.append((case.id, understanding, top, _bm25(files, understanding.rewritten)))
    return answers


@pytest.mark.parametrize("kind", ENGINES)
def test_the_evaluation_questions_get_the_same_top_ten_from_qdrant(engine_for, kind, pipeline_seed, files_answers):
    files = pipeline_seed.retriever
    store = ChunkStore(engine_for(kind), pipeline_seed.index, files.tokenizer)
    store.sync()
    store.check()
    qdrant = Retriever(pipeline_seed.index, files.embedder, files.tokenizer, files.vocabulary,
                       backend=QdrantBackend(store))
    assert len(files_answers) >= 150
    differing = []
    for case_id, understanding, expected, bm25 in files_answers:
        if [h.chunk_id for h in qdrant.search(understanding, 10).hits] != expected:
            differing.append(case_id)
        np.testing.assert_allclose(_bm25(qdrant, understanding.rewritten), bm25, atol=TOLERANCE)
    assert differing == []


def _ranked(lines: str) -> list[list[tuple[str, int, float]]]:
    return [[(h["doc_id"], h["start"], h["score"]) for h in json.loads(line)["hits"]] for line in lines.splitlines()]


def test_search_on_the_command_line_gives_the_same_hits_with_qdrant(pipeline_seed: Pipeline, tmp_path, monkeypatch, capsys):
    questions = tmp_path / "questions.txt"
    questions.write_text("\n".join(c.question for c in load_eval_set(REPO / "eval" / "questions")[:12]), encoding="utf-8")
    shutil.copytree(pipeline_seed.settings.index, tmp_path / "index")  # the build below rewrites it
    for name in ("MINZHENG_BACKEND", "MINZHENG_QDRANT_URL", "MINZHENG_QDRANT_COLLECTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MINZHENG_DOCUMENTS", str(pipeline_seed.settings.documents))
    monkeypatch.setenv("MINZHENG_INDEX", str(tmp_path / "index"))
    assert cli.main(["search", "--file", str(questions), "--json"]) == 0
    expected = _ranked(capsys.readouterr().out)
    monkeypatch.setenv("MINZHENG_BACKEND", "qdrant")
    monkeypatch.setenv("MINZHENG_QDRANT_PATH", str(tmp_path / "qdrant"))
    assert cli.main(["search", "--file", str(questions), "--json"]) == 1  # not filled yet
    assert "run `python -m assistant build`" in capsys.readouterr().err
    assert cli.main(["build"]) == 0
    assert f"{len(pipeline_seed.index.chunks)} upserted" in capsys.readouterr().err
    assert cli.main(["search", "--file", str(questions), "--json"]) == 0
    got = _ranked(capsys.readouterr().out)
    assert len(got) == 12
    for hits, wanted in zip(got, expected, strict=True):
        assert [h[:2] for h in hits] == [w[:2] for w in wanted]
        # float32 sums in another order: the printed 4-decimal score may differ in its last digit
        assert all(abs(h[2] - w[2]) <= 1.5e-4 for h, w in zip(hits, wanted, strict=True))


def test_serve_runs_one_process_on_a_local_qdrant_folder(tmp_path, monkeypatch, capsys):
    import uvicorn

    runs: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append(options))
    monkeypatch.setenv("MINZHENG_BACKEND", "qdrant")
    monkeypatch.setenv("MINZHENG_QDRANT_PATH", str(tmp_path / "qdrant"))
    monkeypatch.delenv("MINZHENG_QDRANT_URL", raising=False)
    assert cli.main(["serve", "--workers", "3"]) == 2  # InputError
    assert "--workers 3 with MINZHENG_QDRANT_PATH" in capsys.readouterr().err and runs == []
    assert cli.main(["serve"]) == 0
    assert "serving with --workers 1" in capsys.readouterr().err
    assert runs and "workers" not in runs[0]  # one process: the app object itself
    monkeypatch.setenv("MINZHENG_BACKEND", "files")
    assert cli.main(["serve", "--workers", "2"]) == 0
    assert runs[-1]["workers"] == 2


def test_a_service_rebuild_syncs_the_collection_and_keeps_the_qdrant_backend(tmp_path, tokenizer):
    embedder = HashingEmbedder()
    settings = Settings(documents=tmp_path / "documents", index=tmp_path / "index", model=embedder.name,
                        bundled_index=None, backend="qdrant", qdrant_path=tmp_path / "qdrant")
    write_documents(SEED[:3], settings.documents)
    build_index(SEED[:3], settings.index, embedder, tokenizer)
    index = load_index(settings.index)
    with pytest.raises(IndexMismatchError):  # not filled yet
        qdrant_backend(settings, index, tokenizer)
    store = chunk_store(settings, index, tokenizer)
    assert store is not None
    store.sync()
    store.close()
    backend = qdrant_backend(settings, index, tokenizer)
    assert isinstance(backend, QdrantBackend)
    vocabulary = load_vocabulary()
    pipeline = Pipeline(settings, index, Retriever(index, embedder, tokenizer, vocabulary, backend=backend), Composer())
    added = SEED[3]
    write_documents([added], settings.documents)
    rebuilt = pipeline.rebuilt()
    new = rebuilt.retriever.backend
    assert isinstance(new, QdrantBackend) and new.store.engine is backend.store.engine
    assert new.store.engine.count() == len(rebuilt.index.chunks) > len(index.chunks)
    new.store.check()
    hits = rebuilt.search(added.title, k=5, mode="lexical").hits
    assert added.id in {h.doc_id for h in hits}
    pipeline.close(rebuilt)  # what the keeper does after the swap: the shared engine stays open
    assert new.store.engine.count() == len(rebuilt.index.chunks)
    rebuilt.close()
    again = qdrant_backend(settings, rebuilt.index, tokenizer)  # local mode locks its folder: only once closed
    assert isinstance(again, QdrantBackend)
    again.close()
