"""The index shipped in index/bundled/: it fits the bundled documents and code, and a first start uses it.

When one of the fast tests here fails, documents/, the vocabulary or the chunking changed
without the shipped index: run `make bundled-index` and commit index/bundled/.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest

from assistant.bundled_model import BUNDLED_MODEL_NAME
from assistant.chunking import chunk_documents, passage_sentences
from assistant.documents import load_documents
from assistant.embedding import SentenceTransformerEmbedder
from assistant.index import index_text, manifest_of, misfits
from assistant.lexical import LexicalIndex
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.tokenizer import Tokenizer
from assistant.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "index" / "bundled"
DOCUMENTS = REPO / "documents"
REFRESH = "run `make bundled-index` and commit index/bundled/"


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(load_vocabulary())


def test_the_shipped_index_fits_the_documents_the_vocabulary_and_the_settings(tokenizer: Tokenizer) -> None:
    manifest = manifest_of(BUNDLED)
    documents = load_documents(DOCUMENTS)

    found = misfits(manifest, model=BUNDLED_MODEL_NAME, documents=documents, tokenizer=tokenizer)

    assert found == [], f"index/bundled/ is stale ({', '.join(found)}); {REFRESH}"
    assert manifest.model == Settings().model, "the shipped index is for the default model"


def test_the_shipped_chunks_and_sentences_are_what_the_chunker_makes_now() -> None:
    documents = load_documents(DOCUMENTS)
    chunks = chunk_documents(documents)
    shipped = [json.loads(line) for line in (BUNDLED / "chunks.jsonl").open(encoding="utf-8")]
    sentences = [
        [number, start, end]
        for number, chunk in enumerate(chunks)
        for _, start, end in passage_sentences(chunk.text, chunk.start)
    ]
    shipped_sentences = [
        [row["chunk"], row["start"], row["end"]]
        for row in map(json.loads, (BUNDLED / "sentences.jsonl").open(encoding="utf-8"))
    ]

    assert [{k: v for k, v in row.items() if k != "embedding_key"} for row in shipped] == [
        asdict(chunk) for chunk in chunks
    ], f"the chunker changed; {REFRESH}"
    assert shipped_sentences == sentences, f"sentence splitting changed; {REFRESH}"


def test_the_shipped_bm25_scores_are_what_the_tokenizer_makes_now(tokenizer: Tokenizer) -> None:
    documents = {d.id: d for d in load_documents(DOCUMENTS)}
    chunks = chunk_documents(list(documents.values()))
    fresh = LexicalIndex.build([tokenizer.tokenize(index_text(c, documents[c.doc_id])) for c in chunks])
    shipped = LexicalIndex.load(BUNDLED / "bm25", len(chunks))

    for question in ("高龄老人津贴怎么领", "养老护理员岗位补贴", "低保申请材料", "适老化改造补贴标准"):
        tokens = tokenizer.tokenize(question)
        assert np.allclose(shipped.scores(tokens), fresh.scores(tokens)), f"tokens changed; {REFRESH}"


@pytest.mark.slow
def test_the_shipped_vectors_are_the_bundled_models_vectors() -> None:
    """Sampled texts embedded now by the bundled model (whatever engine runs it) match the shipped ones."""
    documents = {d.id: d for d in load_documents(DOCUMENTS)}
    chunks = chunk_documents(list(documents.values()))
    shipped = np.load(BUNDLED / "embeddings.npy")
    sample = list(range(0, len(chunks), max(1, len(chunks) // 12)))

    fresh = SentenceTransformerEmbedder(BUNDLED_MODEL_NAME).embed_passages(
        [index_text(chunks[i], documents[chunks[i].doc_id]) for i in sample]
    )

    cosines = np.sum(fresh * shipped[sample], axis=1)
    assert cosines.min() > 0.999, f"lowest cosine {cosines.min():.5f}; {REFRESH}"


def test_a_first_start_installs_the_shipped_index_and_builds_nothing(
    settings_seed: Settings, tmp_path: Path
) -> None:
    settings = replace(settings_seed, index=tmp_path / "index", bundled_index=BUNDLED)
    lines: list[str] = []

    pipeline = Pipeline.load(settings, progress=lines.append)

    assert pipeline.index.manifest == manifest_of(BUNDLED)
    assert lines[0] == f"installed the bundled index from {BUNDLED}"
    assert not [line for line in lines if line.startswith(("embedding", "embedded", "building"))], lines
    assert pipeline.ask("家里老人做适老化改造能补多少？").status == "answered"
