"""Fakes that implement jitbot's real interfaces, for fast unit tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np


class HashingEmbedder:
    """A deterministic bag-of-words embedder: texts sharing words get similar vectors.

    Implements retrieval.embeddings.Embedder; no model, no torch.
    """

    name = "fake-hashing"
    backend = "fake"
    window_chars: int | None = 900

    def __init__(self, dimension: int = 512):
        self.dimension = dimension
        self.calls = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w{3,}", text.lower()):
                stem = word[:6]
                bucket = int(hashlib.md5(stem.encode()).hexdigest(), 16) % self.dimension
                out[row, bucket] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out
