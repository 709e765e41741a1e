"""The embedding model as an ONNX Runtime graph: exported once beside its folder, then run.

A sentence-transformers folder made of Transformer + mean Pooling (+ Normalize), such as the
converted bundled model, is exported with ``torch.onnx.export`` into ``<folder>/onnx/``. The
graph includes the mean pooling and the L2 normalisation, so it returns sentence vectors. fp32
gives the torch model's vectors (cosine ≥ 0.9999); the int8 file has dynamically quantised
weights (faster, slightly different vectors). Exporting needs torch; running needs only
onnxruntime and tokenizers.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .bundled_model import _locked  # the same cross-process file lock as the conversion
from .errors import ModelError

if TYPE_CHECKING:
    import onnxruntime

Precision = Literal["fp32", "int8"]
PRECISIONS: tuple[Precision, ...] = ("fp32", "int8")
OPSET = 17
_FILES = {"fp32": "model.onnx", "int8": "model_qint8.onnx"}
_MAX_LENGTH = 512


def onnx_path(folder: Path, precision: Precision = "fp32") -> Path:
    """Where the ONNX graph of a model folder lives (it may not exist yet)."""
    return folder / "onnx" / _FILES[precision]


def export_onnx(folder: Path, precision: Precision = "fp32") -> Path:
    """Return the ONNX graph of ``folder``, exporting (and for int8 quantising) it on first use.

    Raises:
        ModelError: the folder is not a mean-pooled sentence-transformers model, or its
            ``onnx`` subfolder cannot be written.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision={precision!r} is unknown; use one of {', '.join(PRECISIONS)}")
    target = onnx_path(folder, precision)
    if target.is_file():
        return target
    _check_mean_pooled(folder)
    try:
        target.parent.mkdir(exist_ok=True)
        with _locked(target.parent / ".export.lock"):
            if not target.is_file():
                partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
                try:
                    if precision == "fp32":
                        _export_fp32(folder, partial)
                    else:
                        _quantize(export_onnx(folder, "fp32"), partial)
                    os.replace(partial, target)  # a half-written graph is never trusted
                finally:
                    partial.unlink(missing_ok=True)
    except OSError as exc:
        raise ModelError(
            f"cannot write the ONNX model to {target.parent} ({exc.strerror or exc}); "
            "set MINZHENG_CACHE_DIR to a writable folder or MINZHENG_ENCODER=torch"
        ) from exc
    return target


class OnnxEncoder:
    """Sentence vectors from an exported graph; ``run`` is safe to call from several threads."""

    def __init__(self, folder: Path, precision: Precision = "fp32", *, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.path = export_onnx(folder, precision)
        self.threads = threads
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0: one per core
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise ModelError(
                f"the ONNX model {self.path} could not be loaded ({exc}); delete it to export it again"
            ) from exc
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(_max_length(folder))
        self._tokenizer.no_padding()
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Return L2-normalised float32 vectors, one row per text, in the order given."""
        encodings = self._tokenizer.encode_batch(list(texts))
        # Batches of similar lengths waste little on padding (sentence-transformers does the same).
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        out = np.empty((len(encodings), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                tokens = encodings[i].ids
                ids[r, : len(tokens)] = tokens
                mask[r, : len(tokens)] = 1
            (vectors,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[rows] = vectors
        return out


def _check_mean_pooled(folder: Path) -> None:
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(module["type"]).rsplit(".", 1)[-1] for module in modules]
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelError(
            f"{folder} is not a sentence-transformers model folder ({exc}); set MINZHENG_ENCODER=torch"
        ) from exc
    mean = pooling.get("pooling_mode") == "mean" or (
        pooling.get("pooling_mode_mean_tokens") is True
        and not any(v is True for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
    )
    if kinds != ["Transformer", "Pooling", "Normalize"] or not mean:
        raise ModelError(
            f"the ONNX encoder handles Transformer + mean Pooling + Normalize models, not {kinds} in {folder}; "
            "set MINZHENG_ENCODER=torch"
        )


def _max_length(folder: Path) -> int:
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config["max_seq_length"])
    return _MAX_LENGTH


def _export_fp32(folder: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    class SentenceVectors(torch.nn.Module):
        # Exporting the transformers model object itself fails with transformers 5
        # ("forward() got multiple values for argument 'use_cache'"); a two-input wrapper works.
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    model = SentenceVectors(AutoModel.from_pretrained(str(folder)).eval())
    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), _quiet_export():
        torch.onnx.export(
            model,
            (sample, sample),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "sentence_embedding": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter needs no onnxscript and handles this graph
        )


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)


@contextlib.contextmanager
def _quiet_export() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer and deprecation warnings mean nothing to users
        yield
