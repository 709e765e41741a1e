"""A fake embedder for fast unit tests: hashed character bigrams, L2-normalised.

It is deterministic and cheap, and similar texts get similar vectors, which is all the
index and retriever plumbing needs. Tests of retrieval quality use the real model instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class HashingEmbedder:
    def __init__(self, name: str = "test/hashing-bigrams", dimension: int = 64) -> None:
        self.name = name
        self.dimension = dimension
        self.passages_embedded = 0
        self.fail_after: int | None = None  # raise after this many passages, to simulate a crash

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for i in range(len(text) - 1):
            digest = hashlib.blake2b(text[i : i + 2].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        if self.fail_after is not None and self.passages_embedded + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash while embedding")
        self.passages_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)
