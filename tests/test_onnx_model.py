"""The ONNX Runtime encoder against the torch model it was exported from.

The model-dependent tests are slow: the first export of the bundled model takes seconds and
writes about 470 MB beside the converted folder (in MINZHENG_CACHE_DIR when set).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.bundled_model import BUNDLED_MODEL_NAME, bundled_model_path
from assistant.chunking import ChunkingSettings, chunk_documents
from assistant.documents import load_documents
from assistant.embedding import SentenceTransformerEmbedder
from assistant.errors import ModelError
from assistant.index import build_index, index_text, load_index
from assistant.onnx_model import OnnxEncoder, export_onnx, onnx_path
from assistant.retriever import Retriever
from assistant.settings import Settings
from assistant.tokenizer import Tokenizer
from assistant.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[1]


def test_an_unknown_precision_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="precision='fp16' is unknown; use one of fp32, int8"):
        export_onnx(tmp_path, "fp16")  # type: ignore[arg-type]


def test_a_folder_that_is_no_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a sentence-transformers model folder.*MINZHENG_ENCODER=torch"):
        export_onnx(tmp_path)
    assert not onnx_path(tmp_path).exists()


def test_a_cls_pooled_model_is_left_to_torch(tmp_path: Path) -> None:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    (tmp_path / "1_Pooling").mkdir()
    pooling = {"word_embedding_dimension": 8, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    with pytest.raises(ModelError, match="mean Pooling"):
        export_onnx(tmp_path)


def test_auto_runs_local_models_on_onnx_and_hub_names_on_torch(tmp_path: Path) -> None:
    assert SentenceTransformerEmbedder().encoder == "onnx"
    assert SentenceTransformerEmbedder(str(tmp_path)).encoder == "onnx"
    assert SentenceTransformerEmbedder("intfloat/multilingual-e5-small").encoder == "torch"


def test_onnx_for_a_hub_name_says_what_to_set() -> None:
    embedder = SentenceTransformerEmbedder("someone/some-model", encoder="onnx")
    with pytest.raises(ModelError, match="needs a local model folder.*MINZHENG_ENCODER=torch"):
        embedder.embed_queries(["x"])


def test_an_unknown_encoder_setting_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINZHENG_ENCODER", "tensorrt")
    with pytest.raises(ValueError, match="MINZHENG_ENCODER='tensorrt' is unknown; use one of auto, onnx"):
        Settings.from_env()
    with pytest.raises(ValueError, match="encoder='gpu' is unknown"):
        SentenceTransformerEmbedder(encoder="gpu")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def real_chunks() -> list[str]:
    documents = load_documents(REPO / "documents")
    by_id = {d.id: d for d in documents}
    chunks = chunk_documents(documents, ChunkingSettings())
    # every 20th chunk: long and short passages from every kind of document
    return [index_text(chunk, by_id[chunk.doc_id]) for chunk in chunks[::20]]


@pytest.mark.slow
def test_fp32_onnx_gives_the_torch_vectors_on_real_chunks(real_chunks: list[str]) -> None:
    torch_embedder = SentenceTransformerEmbedder(encoder="torch")
    onnx_embedder = SentenceTransformerEmbedder(encoder="onnx")
    questions = ["高龄津贴怎么领？", "低保怎么申请", "养老护理员每个月能领多少岗位补贴？"]
    for embed in ("embed_passages", "embed_queries"):
        texts = real_chunks if embed == "embed_passages" else questions
        expected = getattr(torch_embedder, embed)(texts)
        got = getattr(onnx_embedder, embed)(texts)
        assert got.dtype == np.float32 and got.shape == expected.shape
        assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
        assert float((expected * got).sum(axis=1).min()) >= 0.9999
    assert onnx_path(bundled_model_path()).is_file()


@pytest.mark.slow
def test_a_server_embedder_runs_each_question_on_one_thread() -> None:
    server = SentenceTransformerEmbedder(parallel_encodes=2)
    server.embed_queries(["高龄津贴怎么领"])
    builder = SentenceTransformerEmbedder()
    builder.embed_queries(["高龄津贴怎么领"])
    assert isinstance(server._model, OnnxEncoder) and isinstance(builder._model, OnnxEncoder)
    assert server._model.threads == 1 and builder._model.threads == 0  # 0: ONNX Runtime uses every core


@pytest.mark.slow
def test_int8_vectors_stay_close_but_are_not_the_same(real_chunks: list[str]) -> None:
    folder = bundled_model_path()
    fp32 = OnnxEncoder(folder, "fp32").encode(real_chunks[:8])
    int8 = OnnxEncoder(folder, "int8").encode(real_chunks[:8])
    cosines = (fp32 * int8).sum(axis=1)
    assert 0.95 <= float(cosines.min()) < 0.9999


@pytest.mark.slow
def test_an_index_built_with_torch_serves_onnx_questions(tmp_path: Path) -> None:
    documents = load_documents(REPO / "documents")[:2]
    tokenizer = Tokenizer(load_vocabulary())
    manifest = build_index(documents, tmp_path, SentenceTransformerEmbedder(encoder="torch"), tokenizer)
    assert (manifest.model, manifest.encoder) == (BUNDLED_MODEL_NAME, "torch")
    index = load_index(tmp_path, model=BUNDLED_MODEL_NAME, documents=documents)
    question = documents[0].title
    tops = []
    for encoder in ("torch", "onnx"):
        embedder = SentenceTransformerEmbedder(encoder=encoder)  # type: ignore[arg-type]
        retriever = Retriever(index, embedder, tokenizer, load_vocabulary())
        tops.append([hit.chunk_id for hit in retriever.search(question, k=5, mode="dense").hits])
    assert tops[0] == tops[1]
    # and an fp32 ONNX rebuild reuses every vector the torch build computed
    rebuilt = build_index(documents, tmp_path, SentenceTransformerEmbedder(encoder="onnx"), tokenizer)
    assert (rebuilt.encoder, rebuilt.texts_embedded) == ("onnx", 0)
